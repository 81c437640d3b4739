// Package modules holds the Ansible modules of the nifcloud_lb binary, one
// file each: the option spec, the typed options, and the run function that
// works through the API client (package nifcloud) and the logic on top of
// it (package membership). Binary puts them together for ansible.Main.
//
// The modules share the connection options (Connection), the way they
// build the API client, and the way they report failures (failure): a
// message that says what failed and what to check, the API's error code,
// message, request id and HTTP status, and what the run had already
// changed.
//
// # Adding a module
//
//  1. A new file MODULE.go: an options struct that embeds Connection and
//     tags one field per option with its name (`ansible:"name"`), and a
//     function that returns ansible.NewProgram(name, spec, run) with
//     Options: connectionOptions(own options...), RequiredOneOf:
//     connectionConstraint, NullMeansAbsent: true. The run function gets
//     the options decoded; it builds its client with Connection.client,
//     records api_calls with a callLog, and ends failures with failure.
//  2. A line in All.
//  3. Its documentation, library/MODULE.yml: TestDocumentationMatchesSpec
//     checks it against the spec, TestProgramsAreValid the binding.
//  4. Its tests: MODULE_test.go here against the emulator
//     (nifcloud/nifcloudtest), and a real ansible-playbook run in
//     playbooks/.
package modules

import (
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
)

// Env is what tests replace in the modules: the clock and the API client's
// retry backoff. The zero value is the real thing.
type Env struct {
	// Clock tells the time and waits; nil means nifcloud.SystemClock.
	Clock nifcloud.Clock
	// Retryer makes the API client's retryer; nil means the default.
	Retryer func() aws.RetryerV2
	// Jitter returns a number in [0, 1) for jittered waits; nil means
	// math/rand/v2.
	Jitter func() float64

	version string // of the binary, for the User-Agent
}

// Binary returns the binary of every module, for ansible.Main.
func Binary(version string, env Env) ansible.Binary {
	return ansible.Binary{
		Name:    "nifcloud_lb",
		Version: version,
		Modules: All(version, env),
	}
}

// All returns every module of the binary.
func All(version string, env Env) []ansible.Program {
	env = env.withDefaults(version)
	return []ansible.Program{
		lbProgram(env),
		elbProgram(env),
		lbInfoProgram(env),
		lbListenerProgram(env),
	}
}

// withDefaults fills the nil fields of env with the real things.
func (env Env) withDefaults(version string) Env {
	if env.Clock == nil {
		env.Clock = nifcloud.SystemClock
	}
	if env.Jitter == nil {
		env.Jitter = rand.Float64
	}
	env.version = version
	return env
}

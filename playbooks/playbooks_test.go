// Package playbooks holds the example playbooks and the playbook tests: real
// ansible-playbook runs of the modules against the emulator, installed as
// users install them: in a library/ folder next to the playbook, or as the
// collection (collection_test.go); and the examples, run as the README says
// (examples_test.go).
package playbooks

import (
	"cmp"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// The credentials of tests/seed.json.
const (
	accessKey = "PLAYBOOKTESTKEY00001"
	secret    = "Pl4ybookT3st-S3cret-Never-Shown-987"
)

// recap is the PLAY RECAP line of localhost.
type recap struct {
	ok, changed, unreachable, failed, skipped, rescued, ignored int
}

var recapLine = hostRecapLine("localhost")

// hostRecapLine matches the PLAY RECAP line of host.
func hostRecapLine(host string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(host) + `\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)`)
}

// parseRecap returns the PLAY RECAP of localhost.
func parseRecap(t *testing.T, out string) recap {
	t.Helper()
	return hostRecap(t, out, "localhost")
}

// hostRecap returns the PLAY RECAP of host.
func hostRecap(t *testing.T, out, host string) recap {
	t.Helper()
	m := hostRecapLine(host).FindStringSubmatch(out)
	require.NotNil(t, m, "no PLAY RECAP of %s in the output:\n%s", host, out)
	n := make([]int, 7)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return recap{n[0], n[1], n[2], n[3], n[4], n[5], n[6]}
}

// module is the path of the module binary built once for all the tests, in
// work, the folder of what the tests build once.
var module, work string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "nifcloud_lb-playbooks-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		work = dir
		module = filepath.Join(dir, "nifcloud_lb")
		// The same static build as make build.
		build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=playbook-test", "-o", module, "nifcloud_lb")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building the module: %v\n%s", err, out)
			return 1
		}
		// make dist takes a while: it starts now, beside the tests that do
		// not need it, not when the first test that does asks for it.
		flag.Parse()
		if _, err := exec.LookPath("ansible-galaxy"); err == nil && !testing.Short() {
			go releaseOnce.Do(buildRelease)
		}
		code := m.Run()
		releaseOnce.Do(func() {}) // wait for a build still running before its folder goes
		return code
	}())
}

// requireAnsible returns the path of ansible-playbook. Its absence fails
// the test; go test -short leaves these tests out on purpose.
func requireAnsible(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not running ansible-playbook")
	}
	path, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Fatal("ansible-playbook not found: install ansible-core (apt-get install --no-install-recommends ansible-core), or run go test -short to leave the playbook tests out")
	}
	return path
}

// run is one ansible-playbook run of a test playbook.
type run struct {
	emu    *nifcloudtest.Server
	output string
	recap  recap
	// counts are the API actions this run made, by action.
	counts map[string]int
}

// play says how to run a test playbook.
type play struct {
	// seed is the emulator's seed file under tests/; default seed.json.
	seed string
	// health is the health progression of the emulator.
	health nifcloudtest.Health
	// options, when set, adjusts the emulator's options.
	options func(*nifcloudtest.Options)
	// args are extra ansible-playbook arguments.
	args []string
	// fails lets ansible-playbook exit non-zero.
	fails bool
	// inventory replaces the default inventory, "localhost,web001,web002,".
	inventory string
	// collections, when set, is the ANSIBLE_COLLECTIONS_PATH that holds
	// the collection. The credentials and the endpoint are then left out
	// of the environment: only module_defaults can give them.
	collections string
}

// playbook runs tests/NAME with ansible-playbook -vvvv against a fresh
// emulator (see playbooks).
func playbook(t *testing.T, name string, p play) run {
	t.Helper()
	return playbooks(t, p, name)[0]
}

// playbooks runs tests/NAME for each name in turn with ansible-playbook
// -vvvv against one fresh emulator, with the module installed in a library/
// folder next to the playbook as users install it: the binary, a link to it
// under each other module's name, and every module's sidecar
// documentation. The emulator's endpoint is in the nifcloud_endpoint
// variable, and (unless the play uses the collection) in
// NIFCLOUD_ENDPOINT_URL, the credentials in the environment; the
// credentials are also in PLAYBOOK_TEST_KEY and PLAYBOOK_TEST_SECRET.
func playbooks(t *testing.T, p play, names ...string) []run {
	t.Helper()
	ansiblePlaybook := requireAnsible(t)
	seed := cmp.Or(p.seed, "seed.json")
	opts, err := nifcloudtest.LoadSeedFile(filepath.Join("tests", seed))
	require.NoError(t, err)
	opts.Health = p.health
	if p.options != nil {
		p.options(&opts)
	}
	emu, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)

	dir := t.TempDir()
	install(t, filepath.Join(dir, "library"))
	inventory := cmp.Or(p.inventory, "localhost,web001,web002,")
	args := append([]string{"-i", inventory, "-c", "local", "-vvvv", "-e", "nifcloud_endpoint=" + ts.URL + "/api/"}, p.args...)
	env := ansibleEnv(dir, "PLAYBOOK_TEST_KEY="+accessKey, "PLAYBOOK_TEST_SECRET="+secret, "NIFCLOUD_LB_LOCK_DIR="+filepath.Join(dir, "locks"))
	if p.collections != "" {
		env = append(env, "ANSIBLE_COLLECTIONS_PATH="+p.collections)
	} else {
		env = append(env,
			"NIFCLOUD_ACCESS_KEY_ID="+accessKey,
			"NIFCLOUD_SECRET_ACCESS_KEY="+secret,
			"NIFCLOUD_ENDPOINT_URL="+ts.URL+"/api/",
		)
	}
	runs := make([]run, 0, len(names))
	for _, name := range names {
		copyFile(t, filepath.Join("tests", name), filepath.Join(dir, name), 0o644)
		emu.ResetRequests()
		cmd := exec.Command(ansiblePlaybook, append(args, name)...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		output := string(out)
		if !p.fails {
			require.NoError(t, err, "ansible-playbook %s failed:\n%s", name, output)
		}
		assert.NotContains(t, output, secret, "the secret must never appear, even at -vvvv")
		assert.NotContains(t, output, "MODULE FAILURE")
		r := run{emu: emu, output: output, counts: emu.CountActions()}
		if recapLine.MatchString(output) {
			r.recap = parseRecap(t, output)
		}
		runs = append(runs, r)
	}
	return runs
}

// modules returns the names of the modules: one sidecar each in library/.
func modules(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join("..", "library", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	var names []string
	for _, d := range docs {
		names = append(names, strings.TrimSuffix(filepath.Base(d), ".yml"))
	}
	return names
}

// install puts the module in lib as make build does: the binary, a
// relative symbolic link to it for each other module, and the sidecars.
func install(t *testing.T, lib string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(lib, 0o755))
	copyFile(t, module, filepath.Join(lib, "nifcloud_lb"), 0o755)
	for _, name := range modules(t) {
		copyFile(t, filepath.Join("..", "library", name+".yml"), filepath.Join(lib, name+".yml"), 0o644)
		if name != "nifcloud_lb" {
			require.NoError(t, os.Symlink("nifcloud_lb", filepath.Join(lib, name)))
		}
	}
}

// ansibleEnv is the environment of Ansible's commands in the tests: this
// process's, without any NIFCLOUD_ variable, with home (Ansible's own
// temporary files stay in the test's folder), plain output, and extra.
// Ansible expands the async folder's "~" with the user's home, not HOME:
// it is given whole, so that async tasks find their results.
func ansibleEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NIFCLOUD_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"HOME="+home,
		"ANSIBLE_ASYNC_DIR="+filepath.Join(home, ".ansible_async"),
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_LOCALHOST_WARNING=false",
		"ANSIBLE_INVENTORY_UNPARSED_WARNING=false",
		"ANSIBLE_PYTHON_INTERPRETER=auto_silent",
	)
	return append(env, extra...)
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, data, mode))
}

func TestPlaybooks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		playbook  string
		args      []string
		health    nifcloudtest.Health
		recap     recap
		members80 []string // weblb01 80->8080 afterwards
		check     func(t *testing.T, r run)
	}{
		{playbook: "register.yml", recap: recap{ok: 3, changed: 1}, members80: []string{"web001", "web002", "web003", "web004"}},
		{playbook: "freeform.yml", recap: recap{ok: 2, changed: 1}, members80: []string{"web001", "web002", "web004", "web005"}},
		{playbook: "check_mode.yml", recap: recap{ok: 3, changed: 2}, members80: []string{"web001", "web002"},
			check: func(t *testing.T, r run) {
				for _, req := range r.emu.Requests() {
					assert.Equal(t, "DescribeLoadBalancers", req.Action, "check mode sends no changing call")
				}
			}},
		{playbook: "diff.yml", args: []string{"--diff"}, recap: recap{ok: 2, changed: 1}, members80: []string{"web001", "web003"},
			check: func(t *testing.T, r run) {
				assert.Contains(t, r.output, "--- before")
				assert.Contains(t, r.output, "+++ after")
				assert.Regexp(t, `(?m)^-\s+"web002"`, r.output)
				assert.Regexp(t, `(?m)^\+\s+"web003"`, r.output)
			}},
		{playbook: "absent.yml", recap: recap{ok: 3, changed: 1}, members80: []string{"web001"}},
		{playbook: "purge.yml", recap: recap{ok: 2, changed: 1}, members80: []string{"web004"}},
		{playbook: "absent_everywhere.yml", recap: recap{ok: 3, changed: 1}, members80: []string{"web002"},
			check: func(t *testing.T, r run) {
				assert.Empty(t, r.emu.Members("weblb01", 443, 8443))
				assert.Empty(t, r.emu.Members("weblb02", 80, 80))
			}},
		{playbook: "failure.yml", recap: recap{ok: 4, failed: 0, ignored: 3}, members80: []string{"web001", "web002"},
			check: func(t *testing.T, r run) {
				assert.Contains(t, r.output, "value of loadbalancer_port must be between 1 and 65535, got: 99999")
			}},
		{playbook: "wait.yml", health: nifcloudtest.Health{Appear: 500 * time.Millisecond, InService: time.Second},
			recap: recap{ok: 2, changed: 1}, members80: []string{"web001", "web002", "web005"}},
		{playbook: "rolling_deploy.yml", health: nifcloudtest.Health{Appear: 200 * time.Millisecond, InService: 500 * time.Millisecond},
			members80: []string{"web001", "web002"},
			check: func(t *testing.T, r run) {
				for _, host := range []string{"web001", "web002"} {
					assert.Regexp(t, host+`\s*:\s*ok=4\s+changed=2\s+unreachable=0\s+failed=0`, r.output)
				}
				var actions []string
				for _, req := range r.emu.Requests() {
					if req.Action != "DescribeInstanceHealth" {
						actions = append(actions, req.Action+" "+req.Params.Get("Instances.member.1.InstanceId"))
					}
				}
				assert.Equal(t, []string{
					"DescribeLoadBalancers ", "DeregisterInstancesFromLoadBalancer web001", "DescribeLoadBalancers ", "RegisterInstancesWithLoadBalancer web001",
					"DescribeLoadBalancers ", "DeregisterInstancesFromLoadBalancer web002", "DescribeLoadBalancers ", "RegisterInstancesWithLoadBalancer web002",
				}, actions, "one host at a time, never both out")
			}},
		{playbook: "secret.yml", recap: recap{ok: 3, changed: 1, ignored: 1}, members80: []string{"web001", "web002", "web004"},
			check: func(t *testing.T, r run) {
				assert.Contains(t, r.output, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "the -vvvv output shows the masked invocation")
			}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.playbook, ".yml"), func(t *testing.T) {
			t.Parallel()
			r := playbook(t, tt.playbook, play{health: tt.health, args: tt.args})
			assert.Equal(t, tt.recap, r.recap, "play recap")
			assert.Equal(t, tt.members80, r.emu.Members("weblb01", 80, 8080), "members of weblb01 80->8080 afterwards")
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

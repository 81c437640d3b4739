package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// bench runs the measured processes against the emulator and collects the
// checks that failed.
type bench struct {
	module string // the module binary
	floor  string // the floor binary
	dir    string // where args files go
	launch *launcher
	emu    *emulator
	cred   nifcloudtest.Credential
	// progress receives one line per measurement.
	progress io.Writer

	mu       sync.Mutex
	problems []string
	seen     map[string]int
}

// problem records a failed check; repeats of the same message are
// counted, not listed again.
func (b *bench) problem(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seen == nil {
		b.seen = map[string]int{}
	}
	if b.seen[msg] == 0 {
		b.problems = append(b.problems, msg)
	}
	b.seen[msg]++
}

// failures returns the failed checks, each with its count when repeated.
func (b *bench) failures() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, len(b.problems))
	for i, p := range b.problems {
		out[i] = p
		if n := b.seen[p]; n > 1 {
			out[i] = fmt.Sprintf("%s (%d times)", p, n)
		}
	}
	return out
}

// writeArgs writes the args file of a run: the scenario's options with the
// endpoint, credentials and CA bundle of the emulator.
func (b *bench) writeArgs(name string, options map[string]any) (string, error) {
	args := map[string]any{
		"endpoint":          b.emu.endpoint,
		"access_key":        b.cred.AccessKeyID,
		"secret_access_key": b.cred.SecretAccessKey,
		"ca_bundle":         b.emu.caFile,
	}
	for k, v := range options {
		args[k] = v
	}
	data, err := json.Marshal(args)
	if err != nil {
		return "", fmt.Errorf("encode args of %s: %w", name, err)
	}
	path := filepath.Join(b.dir, fileName(name)+".json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write args of %s: %w", name, err)
	}
	return path, nil
}

// fileName turns a scenario name into a file name.
func fileName(name string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(name))
}

// withLatency returns the scenario's state with the emulator latency set.
func withLatency(sc scenario, latency time.Duration) nifcloudtest.Options {
	o := sc.state()
	o.Latency = latency
	return o
}

// runModule runs the module once on a fresh state and checks the run: its
// result, its API calls and the state it left. It returns the sample and
// the number of API calls.
func (b *bench) runModule(ctx context.Context, sc scenario, argsFile string, latency time.Duration) (sample, int, error) {
	srv, err := b.emu.reset(withLatency(sc, latency))
	if err != nil {
		return sample{}, 0, err
	}
	s, err := b.launch.run(ctx, b.module, argsFile)
	if err != nil {
		return sample{}, 0, err
	}
	calls := len(srv.Requests())
	if err := checkModuleRun(s, sc.changed); err != nil {
		b.problem("%s: %v", sc.name, err)
	}
	if calls != sc.calls {
		b.problem("%s: %d API calls, want %d", sc.name, calls, sc.calls)
	}
	if err := sc.check(srv); err != nil {
		b.problem("%s: %v", sc.name, err)
	}
	return s, calls, nil
}

// runFloor runs the floor once against the scenario's state, trusting the
// CA file alone or, with systemRoots, the system pool too.
func (b *bench) runFloor(ctx context.Context, sc scenario, argsFile string, latency time.Duration, systemRoots bool) (sample, error) {
	srv, err := b.emu.reset(withLatency(sc, latency))
	if err != nil {
		return sample{}, err
	}
	args := []string{argsFile}
	if systemRoots {
		args = []string{"-system-roots", argsFile}
	}
	s, err := b.launch.run(ctx, b.floor, args...)
	if err != nil {
		return sample{}, err
	}
	if err := checkFloorRun(s); err != nil {
		b.problem("%s: %v", sc.name, err)
	}
	if calls := len(srv.Requests()); calls != 1 {
		b.problem("%s: the floor made %d API calls, want 1", sc.name, calls)
	}
	return s, nil
}

// runSet holds the measurements of one scenario.
type runSet struct {
	// Scenario is the scenario's name.
	Scenario string
	// Latency is the delay the emulator added to every call.
	Latency time.Duration
	// Module holds the module runs; Floor the floor runs trusting the CA
	// file, FloorSystem those trusting the system pool and the CA file,
	// as the module does (none when the scenario was measured without the
	// floors).
	Module, Floor, FloorSystem []cost
	// Calls holds the API calls of each module run.
	Calls []int
	// WantCalls is the number of calls each run must make.
	WantCalls int
}

// cost is what one process run cost.
type cost struct {
	Wall   time.Duration
	CPU    time.Duration
	MaxRSS int64
}

func costOf(s sample) cost {
	return cost{Wall: s.wall, CPU: s.cpu, MaxRSS: s.maxRSS}
}

// plan says how to measure a scenario.
type plan struct {
	// reps is the number of recorded runs of each program.
	reps int
	// latency is the delay the emulator adds to every call.
	latency time.Duration
	// floor measures both floors too, in turn with the module.
	floor bool
	// warmUp runs each program once, unrecorded, first.
	warmUp bool
}

// measure runs a scenario as p says. With the floors, the module (M), the
// floor (F) and the floor with system roots (S) take turns, the order
// rotating from one round to the next (M F S, F S M, S M F, ...).
func (b *bench) measure(ctx context.Context, sc scenario, p plan) (runSet, error) {
	set := runSet{Scenario: sc.name, Latency: p.latency, WantCalls: sc.calls}
	argsFile, err := b.writeArgs(sc.name, sc.options)
	if err != nil {
		return set, err
	}
	start := time.Now()
	module := func(record bool) error {
		s, calls, err := b.runModule(ctx, sc, argsFile, p.latency)
		if err == nil && record {
			set.Module = append(set.Module, costOf(s))
			set.Calls = append(set.Calls, calls)
		}
		return err
	}
	floor := func(systemRoots bool, into *[]cost) func(bool) error {
		return func(record bool) error {
			s, err := b.runFloor(ctx, sc, argsFile, p.latency, systemRoots)
			if err == nil && record {
				*into = append(*into, costOf(s))
			}
			return err
		}
	}
	steps := []func(bool) error{module}
	if p.floor {
		steps = append(steps, floor(false, &set.Floor), floor(true, &set.FloorSystem))
	}
	if p.warmUp {
		for _, step := range steps {
			if err := step(false); err != nil {
				return set, fmt.Errorf("%s: %w", sc.name, err)
			}
		}
	}
	for i := range p.reps {
		for j := range steps {
			if err := steps[(i+j)%len(steps)](true); err != nil {
				return set, fmt.Errorf("%s: %w", sc.name, err)
			}
		}
	}
	fmt.Fprintf(b.progress, "nifcloud-bench: %s, latency %s: %d runs in %s\n", sc.name, p.latency, p.reps, time.Since(start).Round(time.Millisecond))
	return set, nil
}

package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// concurrentResult is one round of module processes started at once, each
// registering its own server on the same port definition.
type concurrentResult struct {
	// Processes is how many ran.
	Processes int
	// Original is how many members the port definition had before.
	Original int
	// Latency is the delay the emulator added to every call.
	Latency time.Duration
	// Failures counts the runs that failed or reported changed=false.
	Failures int
	// Calls is the number of API calls of the whole round.
	Calls int
	// Wall is the time from the first start to the last exit.
	Wall time.Duration
	// Slowest is the longest single run.
	Slowest time.Duration
	// Exact reports that the port definition holds the original members
	// and the new servers, nothing else.
	Exact bool
}

// concurrent starts n module processes at once on a port definition of
// original members, process i registering server original+i: what Ansible
// does with forks: n on n hosts.
func (b *bench) concurrent(ctx context.Context, n, original int, latency time.Duration) (concurrentResult, error) {
	res := concurrentResult{Processes: n, Original: original, Latency: latency}
	sc := membersScenario(b.cred, original)
	sc.state = func() nifcloudtest.Options { return membersState(b.cred, original, n) }
	files := make([]string, n)
	for i := range n {
		var err error
		name := fmt.Sprintf("concurrent %d", i)
		if files[i], err = b.writeArgs(name, portOptions([]string{serverName(original + i)}, nil)); err != nil {
			return res, err
		}
	}
	srv, err := b.emu.reset(withLatency(sc, latency))
	if err != nil {
		return res, err
	}

	samples := make([]sample, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() { samples[i], errs[i] = b.launch.run(ctx, b.module, files[i]) })
	}
	wg.Wait()
	res.Wall = time.Since(start)

	for i := range n {
		if errs[i] != nil {
			return res, fmt.Errorf("concurrent run %d: %w", i, errs[i])
		}
		res.Slowest = max(res.Slowest, samples[i].wall)
		if err := checkModuleRun(samples[i], true); err != nil {
			res.Failures++
			b.problem("%d concurrent runs: %v", n, err)
		}
	}
	res.Calls = len(srv.Requests())
	if err := membersAre(names(0, original+n))(srv); err != nil {
		b.problem("%d concurrent runs: %v", n, err)
	} else {
		res.Exact = true
	}
	if res.Calls != 2*n {
		b.problem("%d concurrent runs: %d API calls, want %d", n, res.Calls, 2*n)
	}
	fmt.Fprintf(b.progress, "nifcloud-bench: %d concurrent runs (latency %s) in %s\n", n, latency, res.Wall.Round(time.Millisecond))
	return res, nil
}

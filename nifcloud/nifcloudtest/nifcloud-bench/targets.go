package main

import (
	"fmt"
	"strings"
	"time"
)

// The targets of issue 7.
const (
	// maxNoopRatio bounds the no-op run's median wall time over the
	// floor's.
	maxNoopRatio = 1.2
	// maxNoopRSS bounds the no-op run's peak RSS, in bytes.
	maxNoopRSS = 20e6
	// bigMembers is the size of the large port definition of the CPU and
	// memory targets.
	bigMembers = 10000
	// maxBigCPU bounds the module's CPU time on it.
	maxBigCPU = 100 * time.Millisecond
	// maxBigRSS bounds the module's peak RSS on it, in bytes.
	maxBigRSS = 50e6
	// maxBinary bounds the size of every module binary, in bytes.
	maxBinary = 10e6
)

// noopScenario is the name of the no-op scenario.
const noopScenario = "no-op"

// verdict is the outcome of a target.
type verdict int

const (
	pass verdict = iota
	miss
	notMeasured
)

// String renders a verdict for the report.
func (v verdict) String() string {
	switch v {
	case pass:
		return "pass"
	case miss:
		return "**miss**"
	}
	return "not measured"
}

// targetResult is one target with what was measured.
type targetResult struct {
	// Target states the target.
	Target string
	// Measured is what was measured.
	Measured string
	// Verdict is pass, miss or not measured.
	Verdict verdict
	// Miss says, for a miss, by how much and what it would take.
	Miss string
}

// evaluateTargets judges the measurements of r against the targets.
func evaluateTargets(r report) []targetResult {
	noop, haveNoop := findRunSet(r.PerRun, noopScenario)
	return []targetResult{
		noopWallTarget(noop, haveNoop),
		noopRSSTarget(noop, haveNoop),
		noopCallsTarget(noop, haveNoop),
		bigCPUTarget(r),
		bigRSSTarget(r),
		concurrentTarget(r.Concurrent),
		binaryTarget(r.Module, r.Dist),
	}
}

// findRunSet returns the measurements of the named scenario.
func findRunSet(sets []runSet, name string) (runSet, bool) {
	for _, s := range sets {
		if s.Scenario == name && len(s.Module) > 0 {
			return s, true
		}
	}
	return runSet{}, false
}

// findMembers returns the runs on a port definition of n members.
func findMembers(results []membersResult, n int) (membersResult, bool) {
	for _, m := range results {
		if m.Members == n && len(m.Runs.Module) > 0 {
			return m, true
		}
	}
	return membersResult{}, false
}

func noopWallTarget(noop runSet, ok bool) targetResult {
	t := targetResult{Target: fmt.Sprintf("No-op run: wall time at most %.1f times the floor's (medians)", maxNoopRatio), Verdict: notMeasured, Measured: "-"}
	if !ok || len(noop.Floor) == 0 {
		return t
	}
	mw, fw := summarize(millis(walls(noop.Module))), summarize(millis(walls(noop.Floor)))
	ratio := ratioOf(mw.Median, fw.Median)
	t.Measured = fmt.Sprintf("%.2f× (module %.1f ms, floor %.1f ms)", ratio, mw.Median, fw.Median)
	t.Verdict = pass
	if ratio <= maxNoopRatio {
		return t
	}
	t.Verdict = miss
	t.Miss = fmt.Sprintf("%.2f× instead of at most %.1f×: %.1f ms a run too slow (%.0f%% over).", ratio, maxNoopRatio, mw.Median-maxNoopRatio*fw.Median, (ratio/maxNoopRatio-1)*100)
	sw := summarize(millis(walls(noop.FloorSystem)))
	if sw.N > 0 && sw.Median > fw.Median && mw.Median >= sw.Median {
		t.Miss += fmt.Sprintf(" Loading the system CA pool costs %.1f ms (the floor with system roots against the floor): the module loads it because ca_bundle adds to the system pool, the floor does not. "+
			"Against a floor that trusts the same, the module is %.2f×. "+
			"What it would take: verify the server against ca_bundle alone first and load the system pool only when that fails (the same trust decision); "+
			"the verifier then needs the endpoint's host name, which only main.go knows, so main.go must hand it to the transport. "+
			"The rest is the module's own start-up and work.", sw.Median-fw.Median, ratioOf(mw.Median, sw.Median))
		return t
	}
	t.Miss += " What the module adds to one round trip is its start-up (a larger binary to load and initialise), reading and validating " +
		"the arguments, building the HTTP client and writing the JSON result, each a fraction of a millisecond; " +
		"getting under the target means cutting several of these (a smaller binary, a cheaper args decoder, one JSON encoding of the result instead of two)."
	return t
}

func noopRSSTarget(noop runSet, ok bool) targetResult {
	t := targetResult{Target: fmt.Sprintf("No-op run: peak RSS under %.0f MB", maxNoopRSS/1e6), Verdict: notMeasured, Measured: "-"}
	if !ok {
		return t
	}
	rss := summarize(megabytes(rsses(noop.Module)))
	t.Measured = fmt.Sprintf("%.1f MB at most (median %.1f MB)", rss.Max, rss.Median)
	t.Verdict = pass
	if rss.Max*1e6 >= maxNoopRSS {
		t.Verdict = miss
		t.Miss = fmt.Sprintf("%.1f MB over. Most of a Go program's RSS at this size is the runtime, the binary's pages "+
			"and the TLS and HTTP machinery; look at what the no-op run allocates (a heap profile) and at GOGC.", rss.Max-maxNoopRSS/1e6)
	}
	return t
}

func noopCallsTarget(noop runSet, ok bool) targetResult {
	t := targetResult{Target: "No-op run: exactly one API call", Verdict: notMeasured, Measured: "-"}
	if !ok {
		return t
	}
	t.Measured = callRange(noop.Calls) + " in every run"
	t.Verdict = pass
	if !allEqual(noop.Calls, 1) {
		t.Measured = callRange(noop.Calls)
		t.Verdict = miss
		t.Miss = "a no-op must read the port definition once and change nothing; see the API calls table and the module's api_calls at -vvv."
	}
	return t
}

func bigCPUTarget(r report) targetResult {
	t := targetResult{Target: fmt.Sprintf("%s-member reconcile: module CPU under %d ms", thousands(bigMembers), maxBigCPU.Milliseconds()), Verdict: notMeasured, Measured: "-"}
	m, ok := findMembers(r.Members, bigMembers)
	if !ok {
		return t
	}
	cpu := summarize(millis(cpus(m.Runs.Module)))
	t.Measured = fmt.Sprintf("%.1f ms median (p90 %.1f ms)", cpu.Median, cpu.P90)
	t.Verdict = pass
	if cpu.Median >= ms(maxBigCPU) {
		t.Verdict = miss
		decode := ""
		if g, ok := findGoBench(r.GoBench, fmt.Sprintf("DecodeDescribeLoadBalancers/members=%d", bigMembers)); ok {
			decode = fmt.Sprintf(" (decoding it alone takes %.1f ms in the Go benchmark)", g.NsPerOp/1e6)
		}
		t.Miss = fmt.Sprintf("%.1f ms over. The run reads a %.1f MB reply%s, then builds sets of the members and prints them all in the JSON result; "+
			"profile it with a profiling build of main.go and cut the largest.", cpu.Median-ms(maxBigCPU), float64(m.ReplyBytes)/1e6, decode)
	}
	return t
}

func bigRSSTarget(r report) targetResult {
	t := targetResult{Target: fmt.Sprintf("%s-member reconcile: peak RSS under %.0f MB", thousands(bigMembers), maxBigRSS/1e6), Verdict: notMeasured, Measured: "-"}
	m, ok := findMembers(r.Members, bigMembers)
	if !ok {
		return t
	}
	rss := summarize(megabytes(rsses(m.Runs.Module)))
	t.Measured = fmt.Sprintf("%.1f MB at most (median %.1f MB)", rss.Max, rss.Median)
	t.Verdict = pass
	if rss.Max*1e6 >= maxBigRSS {
		t.Verdict = miss
		t.Miss = fmt.Sprintf("%.1f MB over. The reply (%.1f MB) is read whole, then decoded; the members are copied into sets and into the result. "+
			"Decoding while reading instead of buffering, and keeping fewer copies of the member list, would cut it.", rss.Max-maxBigRSS/1e6, float64(m.ReplyBytes)/1e6)
	}
	return t
}

func concurrentTarget(rounds []concurrentResult) targetResult {
	t := targetResult{Target: "Concurrent runs: no failures, exact final state", Verdict: notMeasured, Measured: "-"}
	if len(rounds) == 0 {
		return t
	}
	failures, wrong, runs := 0, 0, 0
	for _, c := range rounds {
		failures += c.Failures
		runs += c.Processes
		if !c.Exact {
			wrong++
		}
	}
	t.Measured = fmt.Sprintf("%d rounds of %d processes: %d failed runs, %d wrong final states", len(rounds), rounds[0].Processes, failures, wrong)
	t.Verdict = pass
	if failures > 0 || wrong > 0 {
		t.Verdict = miss
		t.Miss = fmt.Sprintf("%d of %d runs failed and %d of %d rounds ended in a wrong state; the failed checks above name them. "+
			"Concurrent registrations of different servers must each be applied once: see how the reconciler re-reads after a refused or ambiguous change.",
			failures, runs, wrong, len(rounds))
	}
	return t
}

func binaryTarget(module binary, dist []binary) targetResult {
	t := targetResult{Target: fmt.Sprintf("Static binary under %.0f MB", maxBinary/1e6), Verdict: notMeasured, Measured: "-"}
	all := append([]binary{module}, dist...)
	if len(dist) == 0 {
		return t
	}
	largest := all[0]
	var big, dynamic []string
	for _, b := range all {
		if b.Size > largest.Size {
			largest = b
		}
		if float64(b.Size) >= maxBinary {
			big = append(big, fmt.Sprintf("%s %.2f MB", b.Name, float64(b.Size)/1e6))
		}
		if b.Format == "ELF" && !b.static() {
			dynamic = append(dynamic, b.Name+" is "+b.linking())
		}
	}
	t.Measured = fmt.Sprintf("largest %s, %.2f MB; Linux binaries static: %t", largest.Name, float64(largest.Size)/1e6, len(dynamic) == 0)
	t.Verdict = pass
	if len(big) > 0 || len(dynamic) > 0 {
		t.Verdict = miss
		t.Miss = strings.Join(append(big, dynamic...), "; ") + ". Build with CGO_ENABLED=0 -trimpath -ldflags '-s -w' (make build and make dist do) and check which packages the binary links (go version -m, go tool nm -size)."
	}
	return t
}

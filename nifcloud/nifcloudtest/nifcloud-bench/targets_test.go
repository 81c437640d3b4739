package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// costs returns n runs that cost wall ms, cpu ms and rss MB each.
func costs(n int, wall, cpu, rss float64) []cost {
	out := make([]cost, n)
	for i := range out {
		out[i] = cost{
			Wall:   time.Duration(wall * float64(time.Millisecond)),
			CPU:    time.Duration(cpu * float64(time.Millisecond)),
			MaxRSS: int64(rss * 1e6),
		}
	}
	return out
}

// calls returns n counts of c.
func calls(n, c int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = c
	}
	return out
}

// sampleReport is a complete report with fixed numbers; good makes every
// target pass, otherwise every target is missed and checks failed.
func sampleReport(good bool) report {
	noopWall, noopRSS, noopCalls, bigCPU, bigRSS, failures, size := 4.0, 8.0, 1, 45.0, 21.0, 0, int64(7_110_818)
	problems := []string(nil)
	if !good {
		noopWall, noopRSS, noopCalls, bigCPU, bigRSS, failures, size = 14.5, 25.5, 2, 130, 61, 3, 12_000_000
		problems = []string{"no-op: 2 API calls, want 1 (4 times)", "50 concurrent runs: module failed (exit 1): boom"}
	}
	perRun := func(latency time.Duration) []runSet {
		extra := float64(latency) / float64(time.Millisecond)
		var sets []runSet
		for i, name := range []string{"no-op", "register one", "purge swap", "absent everywhere"} {
			want := i + 1
			if name == "absent everywhere" {
				want = 4
			}
			got := want
			if name == "no-op" {
				got = noopCalls
			}
			sets = append(sets, runSet{
				Scenario: name, Latency: latency, WantCalls: want, Calls: calls(4, got),
				Module:      costs(4, noopWall+extra*float64(want)+float64(i), 3.5, noopRSS),
				Floor:       costs(4, 3.5+extra, 3.0, 6.8),
				FloorSystem: costs(4, 12.5+extra, 12.0, 11.3),
			})
		}
		return sets
	}
	return report{
		Machine: machine{
			Date: time.Date(2026, 11, 27, 2, 3, 4, 0, time.UTC), CPU: "Intel(R) Xeon(R) Processor", Cores: 2,
			MemoryBytes: 25_300_000_000, OS: "Debian GNU/Linux 12 (bookworm), linux 6.1.0 (amd64)", GoVersion: "go1.26.8",
			Commit: "811cd28-dirty", LoadBefore: "0.10 0.20 0.30", LoadAfter: "1.10 0.80 0.40",
		},
		Settings: settings{Reps: 4, RemoteReps: 4, MemberReps: 3, LBReps: 2, Latency: 100 * time.Millisecond,
			Members: []int{1000, 10000}, LBs: 200, LBRemote: true, Concurrent: 50, ConcurrentRounds: 1, ConcurrentOriginal: 100},
		Elapsed: 151 * time.Second,
		PerRun:  perRun(0),
		Remote:  perRun(100 * time.Millisecond),
		Members: []membersResult{
			{Members: 1000, ReplyBytes: 419_000, Runs: runSet{Scenario: "register one, 1000 members", WantCalls: 2, Calls: calls(3, 2), Module: costs(3, 11, 8.5, 10.6)}},
			{Members: 10000, ReplyBytes: 4_190_000, Runs: runSet{Scenario: "register one, 10000 members", WantCalls: 2, Calls: []int{2, 2, 3}, Module: costs(3, 80, bigCPU, bigRSS)}},
		},
		ManyLBs: []runSet{
			{Scenario: "absent everywhere, 200 load balancers", WantCalls: 201, Calls: calls(2, 201), Module: costs(2, 120, 60, 9.5)},
			{Scenario: "absent everywhere, 200 load balancers", Latency: 100 * time.Millisecond, WantCalls: 201, Calls: calls(1, 201), Module: costs(1, 20500, 80, 9.6)},
		},
		Concurrent: []concurrentResult{
			{Processes: 50, Original: 100, Failures: failures, Calls: 100, Wall: 420 * time.Millisecond, Slowest: 400 * time.Millisecond, Exact: good},
			{Processes: 50, Original: 100, Latency: 100 * time.Millisecond, Calls: 100, Wall: 650 * time.Millisecond, Slowest: 600 * time.Millisecond, Exact: true},
		},
		GoBench: []goBench{
			{Name: "Sign", Iterations: 384999, NsPerOp: 3140, BytesPerOp: 3336, AllocsPerOp: 28},
			{Name: "DecodeDescribeLoadBalancers/members=1000", Iterations: 2082, NsPerOp: 568834, MBPerS: 677.1, BytesPerOp: 300405, AllocsPerOp: 4059},
			{Name: "DecodeDescribeLoadBalancers/members=10000", Iterations: 171, NsPerOp: 6916612, MBPerS: 554.05, BytesPerOp: 5532918, AllocsPerOp: 40075},
		},
		Module:      binary{Name: "nifcloud_lb", Size: size, Format: "ELF"},
		LauncherRSS: 2_560_000,
		Dist: []binary{
			{Name: "nifcloud_lb_darwin_arm64", Size: 6_900_000, Format: "Mach-O", Libraries: []string{"/usr/lib/libSystem.B.dylib"}},
			{Name: "nifcloud_lb_linux_x86_64", Size: size, Format: "ELF"},
		},
		Problems: problems,
	}
}

func TestEvaluateTargets(t *testing.T) {
	t.Parallel()
	good := evaluateTargets(sampleReport(true))
	require.Len(t, good, 7)
	for _, tr := range good {
		assert.Equal(t, pass, tr.Verdict, tr.Target)
		assert.Empty(t, tr.Miss, tr.Target)
	}
	assert.Equal(t, "1.14× (module 4.0 ms, floor 3.5 ms)", good[0].Measured)
	assert.Equal(t, "8.0 MB at most (median 8.0 MB)", good[1].Measured)
	assert.Equal(t, "1 in every run", good[2].Measured)
	assert.Equal(t, "45.0 ms median (p90 45.0 ms)", good[3].Measured)
	assert.Equal(t, "largest nifcloud_lb, 7.11 MB; Linux binaries static: true", good[6].Measured)

	bad := evaluateTargets(sampleReport(false))
	for _, tr := range bad {
		assert.Equal(t, miss, tr.Verdict, tr.Target)
		assert.NotEmpty(t, tr.Miss, tr.Target)
	}
	assert.True(t, strings.HasPrefix(bad[0].Miss, "4.14× instead of at most 1.2×: 10.3 ms a run too slow (245% over). Loading the system CA pool costs 9.0 ms"), bad[0].Miss)
	assert.Contains(t, bad[0].Miss, "Against a floor that trusts the same, the module is 1.16×.")

	noSystem := sampleReport(false)
	noSystem.PerRun[0].FloorSystem = nil
	tr := noopWallTarget(noSystem.PerRun[0], true)
	assert.Contains(t, tr.Miss, "What the module adds to one round trip is its start-up")

	// A module that no longer pays for the system pool is not told to.
	fastModule := sampleReport(false)
	fastModule.PerRun[0].Module = fastModule.PerRun[0].Floor[:0:0]
	for _, r := range sampleReport(false).PerRun[0].Floor {
		r.Wall = r.Wall * 13 / 10
		fastModule.PerRun[0].Module = append(fastModule.PerRun[0].Module, r)
	}
	tr = noopWallTarget(fastModule.PerRun[0], true)
	assert.Equal(t, miss, tr.Verdict)
	assert.NotContains(t, tr.Miss, "system CA pool")
	assert.Contains(t, tr.Miss, "What the module adds to one round trip is its start-up")
	assert.True(t, strings.HasPrefix(bad[1].Miss, "5.5 MB over."), bad[1].Miss)
	assert.Equal(t, "2", bad[2].Measured)
	assert.Contains(t, bad[3].Miss, "30.0 ms over. The run reads a 4.2 MB reply (decoding it alone takes 6.9 ms in the Go benchmark)")
	assert.True(t, strings.HasPrefix(bad[4].Miss, "11.0 MB over."), bad[4].Miss)
	assert.True(t, strings.HasPrefix(bad[5].Miss, "3 of 100 runs failed and 1 of 2 rounds ended in a wrong state"), bad[5].Miss)
	assert.True(t, strings.HasPrefix(bad[6].Miss, "nifcloud_lb 12.00 MB; nifcloud_lb_linux_x86_64 12.00 MB."), bad[6].Miss)

	none := evaluateTargets(report{})
	for _, tr := range none {
		assert.Equal(t, notMeasured, tr.Verdict, tr.Target)
		assert.Equal(t, "-", tr.Measured)
	}
}

func TestBinaryTargetDynamic(t *testing.T) {
	t.Parallel()
	tr := binaryTarget(binary{Name: "nifcloud_lb", Size: 100, Format: "ELF"},
		[]binary{{Name: "nifcloud_lb_linux_aarch64", Size: 100, Format: "ELF", Interpreter: "/lib/ld-linux-aarch64.so.1"}})
	assert.Equal(t, miss, tr.Verdict)
	assert.True(t, strings.HasPrefix(tr.Miss, "nifcloud_lb_linux_aarch64 is dynamic (/lib/ld-linux-aarch64.so.1)."), tr.Miss)
}

func TestVerdictString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "pass", pass.String())
	assert.Equal(t, "**miss**", miss.String())
	assert.Equal(t, "not measured", notMeasured.String())
}

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot is the root of the nifcloud_lb module, seen from this package.
const repoRoot = "../../.."

func TestRunUsageErrors(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run(t.Context(), []string{"-h"}, &stdout, &stderr))
	assert.Equal(t, 2, run(t.Context(), []string{"-reps", "0"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "nifcloud-bench: -reps")

	stderr.Reset()
	missing := filepath.Join(t.TempDir(), "nifcloud_lb")
	assert.Equal(t, 1, run(t.Context(), []string{"-module", missing, "-out", filepath.Join(t.TempDir(), "B.md")}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "module: inspect binary: ")
	assert.Contains(t, stderr.String(), "(run make build)")

	stderr.Reset()
	exe, err := os.Executable()
	require.NoError(t, err)
	assert.Equal(t, 1, run(t.Context(), []string{"-module", exe, "-dist", t.TempDir(), "-out", filepath.Join(t.TempDir(), "B.md")}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "(run make dist)")
}

// buildForTest builds a package of the module into dir.
func buildForTest(t *testing.T, pkg, out string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	output, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", output)
}

// quick are flags that keep a whole run to a few seconds.
var quick = []string{
	"-root", repoRoot, "-gobench", "", "-reps", "1", "-remote-reps", "1", "-latency", "5ms",
	"-members", "20", "-member-reps", "1", "-lbs", "3", "-lb-reps", "1",
	"-concurrent", "3", "-concurrent-rounds", "1", "-concurrent-original", "2",
}

func TestRunEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	module := filepath.Join(dir, "nifcloud_lb")
	buildForTest(t, "nifcloud_lb", module)
	dist := filepath.Join(dir, "dist")
	require.NoError(t, os.Mkdir(dist, 0o755))
	data, err := os.ReadFile(module)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dist, "nifcloud_lb_linux_x86_64"), data, 0o755))
	out := filepath.Join(dir, "BENCHMARKS.md")

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, append([]string{"-module", module, "-dist", dist, "-out", out}, quick...), &stdout, &stderr)
	require.Equal(t, 0, code, "stderr:\n%s", stderr.String())
	assert.Contains(t, stdout.String(), "nifcloud-bench: wrote "+out)
	assert.Contains(t, stdout.String(), "pass         No-op run: exactly one API call: 1 in every run")
	assert.Contains(t, stderr.String(), "nifcloud-bench: no-op, latency 0s: 1 runs in ")

	report, err := os.ReadFile(out)
	require.NoError(t, err)
	text := string(report)
	assert.NotContains(t, text, "## Failed checks")
	for _, want := range []string{
		"| no-op | 1 | 1 | yes |", "| register one | 2 | 2 | yes |", "| purge swap | 3 | 3 | yes |", "| absent everywhere | 4 | 4 | yes |",
		"| register one, 20 members | 2 | 2 | yes |", "| absent everywhere, 3 load balancers | 4 | 4 | yes |",
		"| absent everywhere, 3 load balancers (5ms latency) | 4 | 4 | yes |",
		"| 3 concurrent runs, round 1 (all runs together) | 6 | 6 | yes |",
		"| 3 concurrent runs, round 2 (all runs together) (5ms latency) | 6 | 6 | yes |",
		"| nifcloud_lb_linux_x86_64 |", "| Static binary under 10 MB |",
	} {
		assert.Contains(t, text, want)
	}
	_, err = os.Stat(out + ".tmp")
	assert.True(t, os.IsNotExist(err))
}

func TestRunFailsLoudly(t *testing.T) {
	t.Parallel()
	// The floor is no module: it prints nothing, so every check of a
	// module run fails, and the run must say so and exit 1.
	dir := t.TempDir()
	notModule := filepath.Join(dir, "floor")
	buildForTest(t, floorPackage, notModule)
	out := filepath.Join(dir, "BENCHMARKS.md")
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), append([]string{"-module", notModule, "-dist", "", "-out", out}, quick...), &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "failed checks:")
	assert.Contains(t, stderr.String(), "no-op: module output is not one JSON object (exit 0)")
	report, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(report), "## Failed checks")
	assert.True(t, strings.Contains(string(report), "3 concurrent runs: "), "the concurrent round fails too")
}

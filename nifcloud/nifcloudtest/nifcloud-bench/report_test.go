package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden reports under testdata")

func TestWriteReportGolden(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		good bool
	}{{"report-pass.golden.md", true}, {"report-miss.golden.md", false}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := sampleReport(tt.good)
			r.Targets = evaluateTargets(r)
			var buf bytes.Buffer
			require.NoError(t, writeReport(&buf, r))
			path := filepath.Join("testdata", tt.name)
			if *update {
				require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), buf.String(), "run go test -update to accept the new output")
		})
	}
}

func TestReportSections(t *testing.T) {
	t.Parallel()
	r := sampleReport(false)
	r.Targets = evaluateTargets(r)
	var buf bytes.Buffer
	require.NoError(t, writeReport(&buf, r))
	out := buf.String()
	for _, want := range []string{
		"# Benchmarks", "| Commit | `811cd28-dirty` |", "## Failed checks", "- no-op: 2 API calls, want 1 (4 times)",
		"## Targets", "### Misses", "## Per run: module against floor", "## API calls per run",
		"| register one, 10000 members | 2 | 2-3 | **NO** |", "## Per run with a simulated remote API (100ms per call)",
		"### Large port definitions", "| 10,000 | 4.19 MB |", "### Absent everywhere over 200 load balancers",
		"### 50 module processes at once", "| 1 | 50 | 0s | 3 | 100 | 420 | 400 | WRONG |",
		"## Go benchmarks", "| DecodeDescribeLoadBalancers/members=10000 | 171 | 6.92 ms | 554.0 | 5,532,918 | 40,075 |",
		"## Binary size", "| nifcloud_lb_darwin_arm64 | 6,900,000 | 6.90 | dynamic (/usr/lib/libSystem.B.dylib) |", "## Method",
	} {
		assert.Contains(t, out, want)
	}

	good := sampleReport(true)
	good.Targets = evaluateTargets(good)
	good.GoBench = nil
	buf.Reset()
	require.NoError(t, writeReport(&buf, good))
	assert.NotContains(t, buf.String(), "## Failed checks")
	assert.Contains(t, buf.String(), "Every target is met.")
	assert.Contains(t, buf.String(), "| 1,000 | 0.42 MB | 11.0 (11.0) | 8.5 (8.5) | 10.6 (10.6) | not measured |")
	assert.Contains(t, buf.String(), "## Go benchmarks (package nifcloud)\n\nNot run.")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportFailures(t *testing.T) {
	t.Parallel()
	assert.EqualError(t, writeReport(failingWriter{}, report{}), "write report: disk full")

	dir := t.TempDir()
	path := filepath.Join(dir, "BENCHMARKS.md")
	require.NoError(t, writeReportFile(path, sampleReport(true)))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), "# Benchmarks")
	_, err = os.Stat(path + ".tmp")
	assert.True(t, os.IsNotExist(err), "no temporary file is left")

	err = writeReportFile(filepath.Join(dir, "missing", "BENCHMARKS.md"), report{})
	assert.ErrorContains(t, err, "write report: ")
}

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helperEnv makes the test binary act as a program that exits with the
// code it holds.
const helperEnv = "SPAWN_TEST_EXIT_CODE"

func TestMain(m *testing.M) {
	if code := os.Getenv(helperEnv); code != "" {
		n, _ := strconv.Atoi(code)
		os.Exit(n)
	}
	os.Exit(m.Run())
}

func TestRun(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, code := range []int{0, 3} {
		t.Setenv(helperEnv, strconv.Itoa(code))
		report := filepath.Join(t.TempDir(), "report")
		require.NoError(t, run([]string{report, exe, "-test.run=^$"}))
		data, err := os.ReadFile(report)
		require.NoError(t, err)
		line := string(data)
		require.True(t, strings.HasSuffix(line, "\n"))
		fields := strings.Fields(line)
		require.Len(t, fields, 5, line)
		for i, f := range fields[:4] {
			n, err := strconv.ParseInt(f, 10, 64)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, n, int64(0), "field %d", i+1)
		}
		wall, _ := strconv.ParseInt(fields[0], 10, 64)
		assert.Positive(t, wall)
		rss, _ := strconv.ParseInt(fields[3], 10, 64)
		assert.Positive(t, rss)
		assert.Equal(t, strconv.Itoa(code), fields[4])
	}
}

func TestRunErrors(t *testing.T) {
	t.Setenv(helperEnv, "0") // the programs run here exit at once
	dir := t.TempDir()
	assert.EqualError(t, run(nil), "usage: spawn REPORT_FILE PROGRAM [ARG...]")
	assert.EqualError(t, run([]string{filepath.Join(dir, "r")}), "usage: spawn REPORT_FILE PROGRAM [ARG...]")

	err := run([]string{filepath.Join(dir, "r"), filepath.Join(dir, "missing")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "run "+filepath.Join(dir, "missing")+": ")
	_, statErr := os.Stat(filepath.Join(dir, "r"))
	assert.True(t, os.IsNotExist(statErr), "no report for a program that did not run")

	exe, err := os.Executable()
	require.NoError(t, err)
	err = run([]string{filepath.Join(dir, "no", "such", "dir"), exe, "-test.run=^$"})
	assert.ErrorContains(t, err, "write report: ")
}

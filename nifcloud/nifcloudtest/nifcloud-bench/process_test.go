package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUsage(t *testing.T) {
	t.Parallel()
	s, err := parseUsage("5687404 1000 4724000 7704 0\n", "linux")
	require.NoError(t, err)
	assert.Equal(t, sample{wall: 5687404, cpu: 4725 * time.Microsecond, maxRSS: 7704 * 1024}, s)

	s, err = parseUsage("1 2 3 4096 3", "darwin")
	require.NoError(t, err)
	assert.Equal(t, int64(4096), s.maxRSS, "macOS counts bytes")
	assert.Equal(t, 3, s.exitCode)

	s, err = parseUsage("1 2 3 4 -1", "linux")
	require.NoError(t, err)
	assert.Equal(t, -1, s.exitCode, "killed by a signal")

	for _, bad := range []string{
		"", "1 2 3 4", "1 2 3 4 5 6", "a 2 3 4 5", "1 -2 3 4 5", "1 2 3 4 256", "1 2 3 4 -2",
		"1 2 3 99999999999999999 0", "1 2 3 4\n5", "1 2 3 4 5\n\n",
	} {
		_, err := parseUsage(bad, "linux")
		assert.Error(t, err, "%q", bad)
	}
	_, err = parseUsage(strings.Repeat("9", 200), "linux")
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 150, "the quoted report is clipped")
}

func FuzzParseUsage(f *testing.F) {
	f.Add("5687404 1000 4724000 7704 0\n")
	f.Add("1 2 3 4 -1")
	f.Add("x")
	f.Fuzz(func(t *testing.T, line string) {
		for _, goos := range []string{"linux", "darwin"} {
			s, err := parseUsage(line, goos)
			if err != nil {
				continue
			}
			assert.GreaterOrEqual(t, s.wall, time.Duration(0))
			assert.GreaterOrEqual(t, s.cpu, time.Duration(0))
			assert.GreaterOrEqual(t, s.maxRSS, int64(0))
			assert.True(t, s.exitCode >= -1 && s.exitCode <= 255)
		}
	})
}

func TestCheckModuleRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		s       sample
		changed bool
		wantErr string
	}{
		{"unchanged as expected", sample{stdout: []byte(`{"changed":false,"failed":false}`)}, false, ""},
		{"changed as expected", sample{stdout: []byte(`{"changed":true,"failed":false,"instances":[]}`)}, true, ""},
		{"changed when it should not", sample{stdout: []byte(`{"changed":true,"failed":false}`)}, false, "module reported changed=true, want false"},
		{"failed", sample{stdout: []byte(`{"changed":false,"failed":true,"msg":"boom"}`), exitCode: 1}, false, "module failed (exit 1): boom"},
		{"non-zero exit without failing", sample{stdout: []byte(`{"changed":false,"failed":false}`), exitCode: 1}, false, "module exited 1 without failing"},
		{"not JSON", sample{stdout: []byte("panic: x"), exitCode: 2}, false, "module output is not one JSON object (exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := checkModuleRun(tt.s, tt.changed)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestCheckFloorRun(t *testing.T) {
	t.Parallel()
	assert.NoError(t, checkFloorRun(sample{}))
	assert.EqualError(t, checkFloorRun(sample{exitCode: 1, stderr: []byte("floor: reply: HTTP 401\n")}), "floor exited 1: floor: reply: HTTP 401")
}

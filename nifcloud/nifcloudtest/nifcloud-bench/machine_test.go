package main

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPUModel(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"x86", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t: fpu\n\nprocessor\t: 1\nmodel name\t: Other\n", "Intel(R) Xeon(R) Processor"},
		{"arm without model name", "processor\t: 0\nBogoMIPS\t: 50.00\nHardware\t: BCM2835\n", "BCM2835"},
		{"old arm", "Processor\t: ARMv7 Processor rev 4 (v7l)\nprocessor\t: 0\n", "ARMv7 Processor rev 4 (v7l)"},
		{"empty model name is skipped", "model name\t:\nmodel name\t: Real\n", "Real"},
		{"nothing", "garbage without colons\n", unknown},
		{"empty", "", unknown},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cpuModel(tt.in), tt.name)
	}
}

func TestMemTotal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     int64
	}{
		{"usual", "MemTotal:       24683836 kB\nMemFree:        23369212 kB\n", 24683836 * 1024},
		{"not first", "Foo: 1 kB\nMemTotal: 2 kB\n", 2048},
		{"other unit", "MemTotal: 2 MB\n", 0},
		{"not a number", "MemTotal: lots kB\n", 0},
		{"negative", "MemTotal: -2 kB\n", 0},
		{"absurd", "MemTotal: 99999999999999999 kB\n", 0},
		{"missing", "MemFree: 1 kB\n", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, memTotal(tt.in), tt.name)
	}
}

func TestPrettyName(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"quoted", "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n", "Debian GNU/Linux 12 (bookworm)"},
		{"bare", "PRETTY_NAME=Alpine\n", "Alpine"},
		{"single quotes", "PRETTY_NAME='Arch Linux'\n", "Arch Linux"},
		{"escaped", `PRETTY_NAME="A \"B\""` + "\n", `A "B"`},
		{"missing", "NAME=x\n", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, prettyName(tt.in), tt.name)
	}
}

func TestLoadAverages(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "1.13 2.49 2.61", loadAverages("1.13 2.49 2.61 1/81 9204\n"))
	assert.Equal(t, unknown, loadAverages("1.13 2.49"))
	assert.Equal(t, unknown, loadAverages("a b c d"))
	assert.Equal(t, unknown, loadAverages(""))
}

func TestDescribeMachine(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("JST", 9*3600))
	m := describeMachine(t.Context(), t.TempDir(), now)
	assert.Equal(t, now.UTC(), m.Date)
	assert.Equal(t, runtime.NumCPU(), m.Cores)
	assert.Equal(t, runtime.Version(), m.GoVersion)
	assert.Equal(t, unknown, m.Commit, "a directory outside any repository has no commit")
	require.NotEmpty(t, m.OS)
	assert.True(t, strings.HasSuffix(m.OS, runtime.GOARCH+")") || m.OS == runtime.GOOS+"/"+runtime.GOARCH, m.OS)
	if runtime.GOOS == "linux" {
		assert.NotEqual(t, unknown, m.CPU)
		assert.Positive(t, m.MemoryBytes)
		assert.NotEqual(t, unknown, m.LoadBefore)
	}
	assert.Equal(t, unknown, machine{}.memory())
	assert.Equal(t, "24.7 GB", machine{MemoryBytes: 24_683_836 * 1000}.memory())
}

func FuzzMachineParsers(f *testing.F) {
	f.Add("model name\t: X\nMemTotal: 1 kB\nPRETTY_NAME=\"Y\"\n1.0 2.0 3.0 1/2 3")
	f.Add("Hardware: Z\nMemTotal:  99 kB\nPRETTY_NAME=Q")
	f.Fuzz(func(t *testing.T, in string) {
		assert.NotEmpty(t, cpuModel(in))
		assert.GreaterOrEqual(t, memTotal(in), int64(0))
		assert.NotContains(t, prettyName(in), "\n")
		load := loadAverages(in)
		if load != unknown {
			assert.Len(t, strings.Fields(load), 3)
		}
	})
}

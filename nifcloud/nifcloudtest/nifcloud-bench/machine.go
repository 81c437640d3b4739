package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the benchmark ran.
type machine struct {
	// Date is when the run started (UTC).
	Date time.Time
	// CPU is the model name from /proc/cpuinfo.
	CPU string
	// Cores is the number of logical CPUs.
	Cores int
	// MemoryBytes is MemTotal from /proc/meminfo (0 when unknown).
	MemoryBytes int64
	// OS is the distribution and kernel, e.g. "Debian GNU/Linux 12
	// (bookworm), Linux 6.1.0".
	OS string
	// GoVersion is the Go release that built everything.
	GoVersion string
	// Commit is git describe --always --dirty of the checkout.
	Commit string
	// LoadBefore and LoadAfter are /proc/loadavg's three load averages
	// at the start and at the end of the run.
	LoadBefore, LoadAfter string
}

// unknown stands for a fact that could not be read.
const unknown = "unknown"

// describeMachine reads the facts of this machine; what cannot be read is
// "unknown".
func describeMachine(ctx context.Context, dir string, now time.Time) machine {
	m := machine{
		Date:       now.UTC(),
		CPU:        unknown,
		Cores:      runtime.NumCPU(),
		OS:         runtime.GOOS + "/" + runtime.GOARCH,
		GoVersion:  runtime.Version(),
		Commit:     unknown,
		LoadBefore: readLoad(),
	}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = cpuModel(string(data))
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemoryBytes = memTotal(string(data))
	}
	osName := ""
	if data, err := os.ReadFile("/etc/os-release"); err == nil {
		osName = prettyName(string(data))
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel := runtime.GOOS + " " + strings.TrimSpace(string(data))
		if osName != "" {
			osName += ", "
		}
		osName += kernel
	}
	if osName != "" {
		m.OS = osName + " (" + runtime.GOARCH + ")"
	}
	cmd := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	cmd.Dir = dir
	if out, err := cmd.Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

// readLoad returns the 1, 5 and 15 minute load averages, or "unknown".
func readLoad() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return unknown
	}
	return loadAverages(string(data))
}

// cpuModel returns the first "model name" of /proc/cpuinfo (or, on CPUs
// that have none, "Hardware" or "Processor"), or "unknown".
func cpuModel(cpuinfo string) string {
	fallback := unknown
	sc := bufio.NewScanner(strings.NewReader(cpuinfo))
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case value == "":
		case key == "model name":
			return value
		case (key == "Hardware" || key == "Processor") && fallback == unknown:
			fallback = value
		}
	}
	return fallback
}

// memTotal returns MemTotal of /proc/meminfo in bytes, or 0.
func memTotal(meminfo string) int64 {
	sc := bufio.NewScanner(strings.NewReader(meminfo))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 3 && fields[0] == "MemTotal:" && fields[2] == "kB" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kb < 0 || kb > 1<<50 {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// prettyName returns PRETTY_NAME of os-release, unquoted, or "".
func prettyName(osRelease string) string {
	sc := bufio.NewScanner(strings.NewReader(osRelease))
	for sc.Scan() {
		value, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "PRETTY_NAME=")
		if !ok {
			continue
		}
		if unquoted, err := strconv.Unquote(value); err == nil {
			return unquoted
		}
		return strings.Trim(value, `"'`)
	}
	return ""
}

// loadAverages returns the first three fields of /proc/loadavg, or
// "unknown".
func loadAverages(loadavg string) string {
	fields := strings.Fields(loadavg)
	if len(fields) < 3 {
		return unknown
	}
	for _, f := range fields[:3] {
		if _, err := strconv.ParseFloat(f, 64); err != nil {
			return unknown
		}
	}
	return strings.Join(fields[:3], " ")
}

// memory describes the memory in GB.
func (m machine) memory() string {
	if m.MemoryBytes == 0 {
		return unknown
	}
	return fmt.Sprintf("%.1f GB", float64(m.MemoryBytes)/1e9)
}

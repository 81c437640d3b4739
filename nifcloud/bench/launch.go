package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// sample is what one process run cost and printed, as the spawn program
// (spawn/main.go) reports it.
type sample struct {
	Wall   time.Duration `json:"wall"`
	CPU    time.Duration `json:"cpu"`     // user + system
	MaxRSS int64         `json:"max_rss"` // peak resident set, bytes
	Exit   int           `json:"exit"`
	Stdout string        `json:"stdout"`
	Stderr string        `json:"stderr"`
}

// spawnPackage is the launcher of every measured program.
const spawnPackage = "nifcloud_lb/nifcloud/bench/spawn"

// buildSpawn builds the launcher into dir and returns its path.
func buildSpawn(ctx context.Context, dir string) (string, error) {
	out := filepath.Join(dir, "spawn")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, spawnPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w: %s", spawnPackage, err, bytes.TrimSpace(msg))
	}
	return out, nil
}

// launch runs program with args through the launcher and returns its
// sample.
func launch(ctx context.Context, spawn, program string, args ...string) (sample, error) {
	cmd := exec.CommandContext(ctx, spawn, append([]string{program}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return sample{}, fmt.Errorf("launch %s: %w: %s", program, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var s sample
	if err := json.Unmarshal(out, &s); err != nil {
		return sample{}, fmt.Errorf("launch %s: read sample: %w", program, err)
	}
	return s, nil
}

// result is the part of a module's JSON result that is checked.
type result struct {
	Changed bool   `json:"changed"`
	Failed  bool   `json:"failed"`
	Msg     string `json:"msg"`
}

// checkRun checks that a module run succeeded and reported changed.
func checkRun(s sample, changed bool) error {
	var res result
	if err := json.Unmarshal([]byte(s.Stdout), &res); err != nil {
		return fmt.Errorf("output is not one JSON object (exit %d): %w", s.Exit, err)
	}
	switch {
	case res.Failed:
		return fmt.Errorf("module failed (exit %d): %s", s.Exit, res.Msg)
	case s.Exit != 0:
		return fmt.Errorf("module exited %d", s.Exit)
	case res.Changed != changed:
		return fmt.Errorf("changed=%t, want %t", res.Changed, changed)
	}
	return nil
}

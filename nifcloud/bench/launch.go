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

// sample is what one process run cost and printed, as the launcher
// (spawn/main.go) reports it.
type sample struct {
	Wall   time.Duration `json:"wall"`
	CPU    time.Duration `json:"cpu"`     // user + system
	MaxRSS int64         `json:"max_rss"` // peak resident set, bytes
	Exit   int           `json:"exit"`
	Stdout string        `json:"stdout"`
	Stderr string        `json:"stderr"`
}

// buildSpawn builds the launcher into dir and returns its path.
func buildSpawn(ctx context.Context, dir string) (string, error) {
	const pkg = "nifcloud_lb/nifcloud/bench/spawn"
	out := filepath.Join(dir, "spawn")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w: %s", pkg, err, bytes.TrimSpace(msg))
	}
	return out, nil
}

// launch runs program with args through the launcher.
func launch(ctx context.Context, spawn, program string, args ...string) (sample, error) {
	var s sample
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, spawn, append([]string{program}, args...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		err = json.Unmarshal(out, &s)
	}
	if err != nil {
		return s, fmt.Errorf("launch %s: %w: %s", program, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return s, nil
}

// checkRun checks that a module run succeeded and reported changed.
func checkRun(s sample, changed bool) error {
	var res struct {
		Changed, Failed bool
		Msg             string
	}
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

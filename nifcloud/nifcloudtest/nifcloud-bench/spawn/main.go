// Command spawn runs a program and writes down what it cost. nifcloud-bench
// starts every measured program through it: on Linux a child's peak RSS
// (ru_maxrss) starts from its parent's, since the parent's high-water mark
// carries over the child's exec, so a child of the large benchmark process
// would report the benchmark's memory. A parent as small as this one keeps
// the measured peak the child's own.
//
// Usage:
//
//	spawn REPORT_FILE PROGRAM [ARG...]
//
// It runs PROGRAM with the ARGs, its own environment and standard streams,
// waits for it, and writes one line to REPORT_FILE:
//
//	WALL_NS USER_NS SYSTEM_NS MAXRSS EXIT_CODE
//
// (MAXRSS as the system counts it: KiB on Linux, bytes on macOS). It exits
// 0 when PROGRAM ran, whatever its exit code, and 2 when it could not.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "spawn: %v\n", err)
		os.Exit(2)
	}
}

// run runs the program and writes the report.
func run(args []string) error {
	if len(args) < 2 {
		return errors.New("usage: spawn REPORT_FILE PROGRAM [ARG...]")
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return fmt.Errorf("run %s: %w", args[1], err)
	}
	var maxRSS int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		maxRSS = int64(ru.Maxrss)
	}
	line := fmt.Sprintf("%d %d %d %d %d\n", wall.Nanoseconds(), cmd.ProcessState.UserTime().Nanoseconds(),
		cmd.ProcessState.SystemTime().Nanoseconds(), maxRSS, cmd.ProcessState.ExitCode())
	if err := os.WriteFile(args[0], []byte(line), 0o600); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

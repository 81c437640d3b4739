// Command spawn runs a program (spawn PROGRAM [ARG...]) in a fixed
// environment (PATH=/usr/bin:/bin, LANG=C: no proxy, no NIFCLOUD_*) and
// prints one JSON object: wall and CPU time (user + system) in ns, peak RSS
// in bytes, exit status, stdout and stderr. It exits 2 when PROGRAM could
// not run. nifcloud/bench starts every measured program through it: on
// Linux a child's peak RSS (ru_maxrss) starts from its parent's, whose
// high-water mark carries over the child's exec, so a module started by the
// benchmark, which holds the emulator, would show the benchmark's memory.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// sample is the JSON object printed; nifcloud/bench reads the same fields.
type sample struct {
	Wall   time.Duration `json:"wall"`
	CPU    time.Duration `json:"cpu"`
	MaxRSS int64         `json:"max_rss"`
	Exit   int           `json:"exit"`
	Stdout string        `json:"stdout"`
	Stderr string        `json:"stderr"`
}

// run runs args[0] with the other args and prints its sample to out.
func run(args []string, out, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: spawn PROGRAM [ARG...]")
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C"}
	if dir, ok := os.LookupEnv("NIFCLOUD_LB_LOCK_DIR"); ok { // the benchmark's own lock folder
		cmd.Env = append(cmd.Env, "NIFCLOUD_LB_LOCK_DIR="+dir)
	}
	var stdout, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &errOut
	start := time.Now()
	err := cmd.Run()
	s := sample{Wall: time.Since(start), Stdout: stdout.String(), Stderr: errOut.String()}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fmt.Fprintf(stderr, "spawn: %v\n", err)
		return 2
	}
	ps := cmd.ProcessState
	s.CPU, s.Exit = ps.UserTime()+ps.SystemTime(), ps.ExitCode()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		s.MaxRSS = int64(ru.Maxrss) // bytes on macOS, KiB elsewhere
		if runtime.GOOS != "darwin" {
			s.MaxRSS *= 1024
		}
	}
	if err := json.NewEncoder(out).Encode(s); err != nil {
		fmt.Fprintf(stderr, "spawn: %v\n", err)
		return 2
	}
	return 0
}

package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// bench runs module processes against an emulator served over HTTPS on
// loopback, and collects the checks that failed.
type bench struct {
	spawn, module, dir string
	endpoint, caBundle string
	cred               nifcloudtest.Credential
	current            atomic.Pointer[nifcloudtest.Server]
	hs                 *http.Server
	progress           io.Writer
	files              int // args files written

	mu       sync.Mutex
	problems []string // failed checks, each once
}

// newBench builds the launcher and starts the emulator with a fresh
// self-signed certificate, whose PEM is the modules' ca_bundle.
func newBench(ctx context.Context, module string, progress io.Writer) (b *bench, err error) {
	b = &bench{progress: progress, hs: &http.Server{ReadHeaderTimeout: 10 * time.Second}}
	b.cred = nifcloudtest.Credential{AccessKeyID: "NIFCLOUDBENCH0000001", SecretAccessKey: rand.Text()}
	if b.module, err = filepath.Abs(module); err != nil {
		return nil, fmt.Errorf("module path: %w", err)
	}
	if b.dir, err = os.MkdirTemp("", "nifcloud-bench-"); err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	if b.spawn, err = buildSpawn(ctx, b.dir); err != nil {
		return nil, err
	}
	cert, caPEM, err := nifcloudtest.SelfSignedCertificate("nifcloud-bench", time.Now())
	if err != nil {
		return nil, fmt.Errorf("emulator certificate: %w", err)
	}
	b.caBundle = filepath.Join(b.dir, "ca.pem")
	if err := os.WriteFile(b.caBundle, caPEM, 0o600); err != nil {
		return nil, fmt.Errorf("write CA bundle: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("emulator listen: %w", err)
	}
	b.endpoint = "https://" + ln.Addr().String() + nifcloudtest.APIPath
	// A module that exits may close its connection mid-handshake: not
	// worth a log line.
	b.hs.Handler, b.hs.ErrorLog = b, log.New(io.Discard, "", 0)
	go func() { _ = b.hs.Serve(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}})) }()
	return b, nil
}

// ServeHTTP hands a request to the current emulator.
func (b *bench) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s := b.current.Load(); s != nil {
		s.ServeHTTP(w, r)
		return
	}
	http.Error(w, "no emulator state", http.StatusServiceUnavailable)
}

// close stops the emulator and removes the temporary files.
func (b *bench) close() {
	_ = b.hs.Close()
	_ = os.RemoveAll(b.dir)
}

// check records err, if any, as a failed check of name, once.
func (b *bench) check(name string, err error) {
	if err == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if msg := name + ": " + err.Error(); !slices.Contains(b.problems, msg) {
		b.problems = append(b.problems, msg)
	}
}

// writeArgs writes the args file of a run: args with the emulator's
// endpoint, credential and CA bundle.
func (b *bench) writeArgs(args map[string]any) (string, error) {
	full := map[string]any{"endpoint": b.endpoint, "access_key": b.cred.AccessKeyID,
		"secret_access_key": b.cred.SecretAccessKey, "ca_bundle": b.caBundle}
	for k, v := range args {
		full[k] = v
	}
	data, err := json.Marshal(full)
	if err != nil {
		return "", fmt.Errorf("encode args: %w", err)
	}
	b.files++
	name := filepath.Join(b.dir, fmt.Sprintf("args-%d.json", b.files))
	if err := os.WriteFile(name, data, 0o600); err != nil {
		return "", fmt.Errorf("write args: %w", err)
	}
	return name, nil
}

// floor is the peak RSS that a launched program that does nothing shows.
func (b *bench) floor(ctx context.Context) (int64, error) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		return 0, fmt.Errorf("floor: %w", err)
	}
	s, err := launch(ctx, b.spawn, truePath)
	return s.MaxRSS, err
}

// round is what one round of module processes started at once did.
type round struct {
	samples []sample
	calls   map[string]int // API calls per action
	failed  int            // runs that failed or reported the wrong changed
	wrong   bool           // the final state failed its check
	wall    time.Duration  // from the first start to the last exit
}

// seed makes a fresh emulator seeded with opts the current one.
func (b *bench) seed(name string, opts nifcloudtest.Options, latency time.Duration) (*nifcloudtest.Server, error) {
	opts.Credentials, opts.Latency = []nifcloudtest.Credential{b.cred}, latency
	srv, err := nifcloudtest.New(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: seed emulator: %w", name, err)
	}
	b.current.Store(srv)
	return srv, nil
}

// run starts one module process per args file at once against srv, and
// checks every run and the final state.
func (b *bench) run(ctx context.Context, name string, srv *nifcloudtest.Server, files []string,
	changed bool, state func(*nifcloudtest.Server) error) (round, error) {
	runtime.GC() // the benchmark's garbage is collected now, not during the run
	r := round{samples: make([]sample, len(files))}
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	start := time.Now()
	for i, f := range files {
		wg.Go(func() { r.samples[i], errs[i] = launch(ctx, b.spawn, b.module, f) })
	}
	wg.Wait()
	r.wall = time.Since(start)
	for i, s := range r.samples {
		if errs[i] != nil {
			return r, fmt.Errorf("%s: %w", name, errs[i])
		}
		if err := checkRun(s, changed); err != nil {
			r.failed++
			b.check(name, err)
		}
	}
	r.calls = srv.CountActions()
	if state != nil {
		err := state(srv)
		r.wrong = err != nil
		b.check(name, err)
	}
	return r, nil
}

// runResult is the measure of one scenario at one latency.
type runResult struct {
	Scenario  string
	Latency   time.Duration
	WantCalls int
	Calls     []int
	Wall, CPU []time.Duration
	MaxRSS    []int64
}

// runScenario runs the module reps times, each on a fresh state, after one
// unrecorded warm-up run.
func (b *bench) runScenario(ctx context.Context, sc scenario, latency time.Duration, reps int) (runResult, error) {
	res := runResult{Scenario: sc.name, Latency: latency, WantCalls: sc.calls}
	file, err := b.writeArgs(sc.args)
	if err != nil {
		return res, err
	}
	var srv *nifcloudtest.Server
	start := time.Now()
	for i := range reps + 1 {
		if srv == nil {
			if srv, err = b.seed(sc.name, sc.seed(), latency); err != nil {
				return res, err
			}
		}
		r, err := b.run(ctx, sc.name, srv, []string{file}, sc.changed, sc.state)
		if err != nil {
			return res, err
		}
		// A run that only read left the state as it was: the next run
		// reuses it (seeding 10,000 members takes a while).
		srv.ResetRequests()
		if !readOnly(r.calls) {
			srv = nil
		}
		b.check(sc.name, countCheck(r.calls, sc.calls))
		if s := r.samples[0]; i > 0 {
			res.Calls, res.Wall, res.CPU = append(res.Calls, total(r.calls)), append(res.Wall, s.Wall), append(res.CPU, s.CPU)
			res.MaxRSS = append(res.MaxRSS, s.MaxRSS)
		}
	}
	fmt.Fprintf(b.progress, "bench: %s, latency %s: %d runs in %s\n", sc.name, latency, reps, time.Since(start).Round(time.Millisecond))
	return res, nil
}

// concurrentResult is one round of module processes started at once.
type concurrentResult struct {
	Name       string
	Procs      int
	Latency    time.Duration
	Failed     int
	WrongState bool
	WantCalls  int
	Calls      map[string]int
	Wall       time.Duration
}

// runConcurrent starts n module processes at once on one fresh state,
// process i with cc.args(i).
func (b *bench) runConcurrent(ctx context.Context, cc concurrent, n int, latency time.Duration) (concurrentResult, error) {
	res := concurrentResult{Name: cc.name, Procs: n, Latency: latency, WantCalls: cc.calls(n)}
	files := make([]string, n)
	for i := range files {
		var err error
		if files[i], err = b.writeArgs(cc.args(i)); err != nil {
			return res, err
		}
	}
	name := fmt.Sprintf("%d concurrent runs, %s", n, cc.name)
	srv, err := b.seed(name, cc.seed(n), latency)
	if err != nil {
		return res, err
	}
	r, err := b.run(ctx, name, srv, files, cc.changed, cc.state(n))
	if err != nil {
		return res, err
	}
	b.check(name, countCheck(r.calls, res.WantCalls))
	res.Failed, res.WrongState, res.Calls, res.Wall = r.failed, r.wrong, r.calls, r.wall
	fmt.Fprintf(b.progress, "bench: %s, latency %s: %s\n", name, latency, r.wall.Round(time.Millisecond))
	return res, nil
}

// countCheck checks the total of the API calls.
func countCheck(calls map[string]int, want int) error {
	if n := total(calls); n != want {
		return fmt.Errorf("%d API calls (%s), want %d", n, actionsText(calls), want)
	}
	return nil
}

// readOnly reports whether every action called only reads.
func readOnly(calls map[string]int) bool {
	for action := range calls {
		if !strings.HasPrefix(action, "Describe") {
			return false
		}
	}
	return true
}

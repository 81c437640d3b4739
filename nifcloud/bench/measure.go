package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
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
	spawn, module, dir, caBundle string
	cred                         nifcloudtest.Credential
	emu                          atomic.Pointer[nifcloudtest.Server] // the current state
	ts                           *httptest.Server
	progress                     io.Writer
	files                        int      // args files written
	problems                     []string // failed checks, each once
	mu                           sync.Mutex
}

// newBench builds the launcher and serves the emulator with a fresh
// self-signed certificate, whose PEM is the modules' ca_bundle.
func newBench(ctx context.Context, module string, progress io.Writer) (b *bench, err error) {
	b = &bench{progress: progress, cred: nifcloudtest.Credential{AccessKeyID: "NIFCLOUDBENCH0000001", SecretAccessKey: rand.Text()}}
	if b.module, err = filepath.Abs(module); err != nil {
		return nil, fmt.Errorf("module path: %w", err)
	}
	if b.dir, err = os.MkdirTemp("", "nifcloud-bench-"); err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	cert, caPEM, err := nifcloudtest.SelfSignedCertificate("nifcloud-bench", time.Now())
	b.caBundle = filepath.Join(b.dir, "ca.pem")
	if err == nil {
		err = os.WriteFile(b.caBundle, caPEM, 0o600)
	}
	if err == nil {
		b.spawn, err = buildSpawn(ctx, b.dir)
	}
	if err == nil { // the modules' lock folders go with the benchmark's files, not into the machine's
		err = os.Setenv("NIFCLOUD_LB_LOCK_DIR", filepath.Join(b.dir, "locks"))
	}
	if err != nil {
		_ = os.RemoveAll(b.dir)
		return nil, fmt.Errorf("set up: %w", err)
	}
	b.ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { b.emu.Load().ServeHTTP(w, r) }))
	b.ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	b.ts.Config.ErrorLog = log.New(io.Discard, "", 0) // modules that exit may drop a connection mid-handshake
	b.ts.StartTLS()
	return b, nil
}

// close stops the emulator and removes the temporary files.
func (b *bench) close() {
	b.ts.Close()
	_ = os.RemoveAll(b.dir)
}

// check records err, if any, as a failed check of name, once.
func (b *bench) check(name string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil && !slices.Contains(b.problems, name+": "+err.Error()) {
		b.problems = append(b.problems, name+": "+err.Error())
	}
}

// writeArgs writes the args file of a run: args with the emulator's
// endpoint, credential and CA bundle.
func (b *bench) writeArgs(args map[string]any) (string, error) {
	full := map[string]any{"endpoint": b.ts.URL + nifcloudtest.APIPath, "access_key": b.cred.AccessKeyID,
		"secret_access_key": b.cred.SecretAccessKey, "ca_bundle": b.caBundle}
	for k, v := range args {
		full[k] = v
	}
	data, err := json.Marshal(full)
	b.files++
	name := filepath.Join(b.dir, fmt.Sprintf("args-%d.json", b.files))
	if err == nil {
		err = os.WriteFile(name, data, 0o600)
	}
	if err != nil {
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

// seed makes a fresh emulator seeded with opts the current one.
func (b *bench) seed(name string, opts nifcloudtest.Options, latency time.Duration) (*nifcloudtest.Server, error) {
	opts.Credentials, opts.Latency = []nifcloudtest.Credential{b.cred}, latency
	srv, err := nifcloudtest.New(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: seed emulator: %w", name, err)
	}
	b.emu.Store(srv)
	return srv, nil
}

// round is what module processes started at once did.
type round struct {
	samples []sample
	calls   map[string]int // API calls per action
	failed  int            // runs that failed or reported the wrong changed
	wrong   bool           // the final state failed its check
	wall    time.Duration  // from the first start to the last exit
}

// run starts one module process per args file at once against srv, and
// checks the runs, the final state and the number of API calls.
func (b *bench) run(ctx context.Context, name string, srv *nifcloudtest.Server, files []string, want scenario) (round, error) {
	runtime.GC() // the benchmark's garbage is collected now, not during the runs
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
		if err := checkRun(s, want.changed); err != nil {
			r.failed++
			b.check(name, err)
		}
	}
	if r.calls = srv.CountActions(); want.calls > 0 && total(r.calls) != want.calls {
		b.check(name, fmt.Errorf("%d API calls (%s), want %d", total(r.calls), actionsText(r.calls), want.calls))
	}
	if want.state != nil {
		err := want.state(srv)
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

// runScenario runs the module reps times, after one unrecorded warm-up
// run, each from the scenario's state: a fresh emulator, or the same one
// when the run before only read (seeding 10,000 members takes a while).
func (b *bench) runScenario(ctx context.Context, sc scenario, latency time.Duration, reps int) (runResult, error) {
	res := runResult{Scenario: sc.name, Latency: latency, WantCalls: sc.calls}
	file, err := b.writeArgs(sc.args)
	if err != nil {
		return res, err
	}
	start := time.Now()
	var srv *nifcloudtest.Server
	for i := range reps + 1 {
		if srv == nil {
			if srv, err = b.seed(sc.name, sc.seed(), latency); err != nil {
				return res, err
			}
		}
		r, err := b.run(ctx, sc.name, srv, []string{file}, sc)
		if err != nil {
			return res, err
		}
		if s := r.samples[0]; i > 0 {
			res.Calls = append(res.Calls, total(r.calls))
			res.Wall, res.CPU, res.MaxRSS = append(res.Wall, s.Wall), append(res.CPU, s.CPU), append(res.MaxRSS, s.MaxRSS)
		}
		srv.ResetRequests()
		if !readOnly(r.calls) {
			srv = nil
		}
	}
	fmt.Fprintf(b.progress, "bench: %s, latency %s: %d runs in %s\n", sc.name, latency, reps, time.Since(start).Round(time.Millisecond))
	return res, nil
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

// concurrentResult is one round of module processes started at once.
type concurrentResult struct {
	Name, Calls string // Calls: API calls per action
	Procs       int
	Latency     time.Duration
	Failed      int
	WrongState  bool
	MaxCalls    string // the bounds, per action
	CallsOff    bool   // a bound was exceeded
	Wall        time.Duration
}

// runConcurrent starts n module processes at once on one fresh state,
// process i with cc.args(i).
func (b *bench) runConcurrent(ctx context.Context, cc concurrent, n int, latency time.Duration) (concurrentResult, error) {
	name := fmt.Sprintf("%d concurrent runs, %s", n, cc.name)
	res := concurrentResult{Name: cc.name, Procs: n, Latency: latency, MaxCalls: boundsText(cc.maxCalls(n))}
	files := make([]string, n)
	for i := range files {
		var err error
		if files[i], err = b.writeArgs(cc.args(i, n)); err != nil {
			return res, err
		}
	}
	srv, err := b.seed(name, cc.seed(n), latency)
	if err != nil {
		return res, err
	}
	r, err := b.run(ctx, name, srv, files, scenario{changed: cc.changed, state: cc.state(n)})
	res.Failed, res.WrongState, res.Calls, res.Wall = r.failed, r.wrong, actionsText(r.calls), r.wall
	for action, most := range cc.maxCalls(n) {
		if r.calls[action] > most {
			res.CallsOff = true
			b.check(name, fmt.Errorf("%d %s calls, want at most %d", r.calls[action], action, most))
		}
	}
	fmt.Fprintf(b.progress, "bench: %s, latency %s: %s\n", name, latency, r.wall.Round(time.Millisecond))
	return res, err
}

// boundsText writes the call bounds of a round: "at most 5 Register...".
func boundsText(bounds map[string]int) string {
	var parts []string
	for _, action := range slices.Sorted(maps.Keys(bounds)) {
		parts = append(parts, fmt.Sprintf("%s at most %d", action, bounds[action]))
	}
	return strings.Join(parts, ", ")
}

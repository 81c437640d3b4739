package batch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"nifcloud_lb/nifcloud"
)

// Listener identifies one listener of the queue's load balancer.
type Listener struct {
	LoadBalancerName string `json:"name,omitempty"`
	LoadBalancerID   string `json:"id,omitempty"`
	Protocol         string `json:"protocol,omitempty"`
	LoadBalancerPort int    `json:"loadbalancer_port"`
	InstancePort     int    `json:"instance_port"`
}

// Request is the change one run wants on one listener.
type Request struct {
	// ID names the request; Do sets it.
	ID string `json:"id"`
	// PID is the run's process; Do sets it.
	PID int `json:"pid"`
	// Listener is the listener to change.
	Listener Listener `json:"listener"`
	// Present registers Instances; otherwise they are deregistered.
	Present bool `json:"present"`
	// Instances are the servers the run names.
	Instances []string `json:"instances"`
	// Purge also deregisters every other member; such a request is
	// applied alone.
	Purge bool `json:"purge,omitempty"`
	// Alone asks to be applied alone (the module's batch: false).
	Alone bool `json:"alone,omitempty"`
	// Add and Remove are the run's own plan, from its own read.
	Add    []string `json:"add,omitempty"`
	Remove []string `json:"remove,omitempty"`

	// Orphaned marks a request a holder took and died before answering:
	// it may have been applied in part.
	Orphaned bool `json:"-"`
	file     string
}

// Result is what serving the requests of one listener did.
type Result struct {
	// Registered and Deregistered are the servers the change registered
	// and deregistered (or may have: a change with an unknown outcome that
	// no read could settle counts).
	Registered   []string `json:"registered"`
	Deregistered []string `json:"deregistered"`
	// Instances are the members after the change, or as last read when it
	// failed; nil when no read succeeded.
	Instances []string `json:"instances"`
	// HealthCheckInterval is the listener's, in seconds (0 when unknown).
	HealthCheckInterval int `json:"health_check_interval,omitempty"`
	// State is the load balancer's state at the end, when it has one.
	State string `json:"state,omitempty"`
	// Missing says that the load balancer or the listener does not exist.
	Missing string `json:"missing,omitempty"`
	// Err is the failure of the change.
	Err *Error `json:"error,omitempty"`
}

// Error is a failure, as it crosses from the holder to the run.
type Error struct {
	// Msg is the message for the user.
	Msg string `json:"msg"`
	// Code, Message, RequestID and HTTPStatus are the API's, if any.
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
	RequestID  string `json:"request_id,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
}

// Outcome is what became of one request: the Result of its batch, with the
// servers it changed narrowed to its own.
type Outcome struct {
	Result
	// Counter is the load balancer's change counter right after the
	// batch that served the request (see StampAfter).
	Counter uint64 `json:"counter,omitempty"`
	// Unknown is set when the outcome is not known: the run gave up
	// waiting while a holder was applying its request. Read the state
	// again.
	Unknown bool `json:"unknown,omitempty"`
}

// Serve applies the requests of one listener as one change and says what it
// did. fresh tells that the load balancer may have changed since the
// caller's own read (another run changed it, or an earlier change of this
// holder did), so the state must be read again.
type Serve func(ctx context.Context, l Listener, reqs []Request, fresh bool) Result

// Do submits req and waits for its outcome: served by another run, or by
// this one once it holds the lock (then it serves every request queued at
// that moment that may go with its own, through serve). stamp is
// ReadStamp, taken before the caller read the load balancer. Waiting ends
// after wait, in real time since other processes hold the lock (or with
// ctx): a request no holder took is withdrawn and Do fails; one a holder is
// applying gives an Unknown outcome.
func (q *Queue) Do(ctx context.Context, req Request, stamp Stamp, wait time.Duration, serve Serve) (Outcome, error) {
	deadline := time.Now().Add(wait)
	req.ID, req.PID = newID(), os.Getpid()
	req.file = fmt.Sprintf("%019d-%s", time.Now().UnixNano(), req.ID)
	data, err := json.Marshal(req)
	if err != nil {
		return Outcome{}, fmt.Errorf("queue: %w", err)
	}
	if err := writeFile(q.path(req.file, ".req"), data); err != nil {
		return Outcome{}, fmt.Errorf("queue: %w", err)
	}
	defer q.remove(req)
	for poll := firstPoll; ; poll = min(2*poll, maxPoll) {
		if out, ok := q.outcome(req.ID); ok {
			return out, nil
		}
		l, held, err := q.tryLock()
		if err != nil {
			return Outcome{}, err
		}
		if held {
			out, err := q.hold(ctx, req, stamp, serve)
			q.remove(req) // before the next holder can see this run's taken request
			l.unlock()
			return out, err
		}
		if time.Now().After(deadline) || nifcloud.SystemClock.Sleep(ctx, poll) != nil {
			return q.withdraw(req)
		}
	}
}

// newID returns a random request id.
func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand never fails on supported systems
	return hex.EncodeToString(b)
}

// path is a file of the queue.
func (q *Queue) path(name, ext string) string {
	return filepath.Join(q.dir, name+ext)
}

// outcome reads the outcome of request id, if it was written.
func (q *Queue) outcome(id string) (Outcome, bool) {
	data, err := os.ReadFile(q.path(id, ".out"))
	if err != nil {
		return Outcome{}, false
	}
	var out Outcome
	if err := json.Unmarshal(data, &out); err != nil {
		return Outcome{Unknown: true}, true
	}
	return out, true
}

// remove deletes the files of a request: its own run's, when it ends. The
// .out goes last (see answered).
func (q *Queue) remove(req Request) {
	for _, p := range []string{q.path(req.file, ".req"), q.path(req.file, ".taken"), q.path(req.file, ".withdrawn"), q.path(req.ID, ".out")} {
		os.Remove(p)
	}
}

// withdraw takes req out of the queue after the run stopped waiting. If a
// holder took it first, its outcome is not known yet.
func (q *Queue) withdraw(req Request) (Outcome, error) {
	if err := os.Rename(q.path(req.file, ".req"), q.path(req.file, ".withdrawn")); err != nil {
		if out, ok := q.outcome(req.ID); ok {
			return out, nil
		}
		return Outcome{Unknown: true}, nil
	}
	return Outcome{}, fmt.Errorf("waited too long for another run on this machine that is changing the same load balancer (lock folder %s)", q.dir)
}

// hold serves, with the lock held, the requests queued now, in batches,
// up to the batch that holds req, and returns req's outcome.
func (q *Queue) hold(ctx context.Context, req Request, stamp Stamp, serve Serve) (Outcome, error) {
	if out, ok := q.outcome(req.ID); ok {
		return out, nil
	}
	fresh := stamp.moved()
	mine := Outcome{Unknown: true}
	for _, b := range batches(q.pending(), req.ID) {
		if err := q.bump(); err != nil {
			return Outcome{}, fmt.Errorf("queue: change counter: %w", err)
		}
		n := counter(q.dir)
		for _, g := range groups(q.claim(b)) {
			res := serve(ctx, g[0].Listener, g, fresh)
			for _, r := range g {
				out := outcomeOf(r, res)
				out.Counter = n
				if r.ID == req.ID {
					mine = out
				} else {
					q.answer(r, out)
				}
			}
		}
		fresh = true
	}
	return mine, nil
}

// pending returns the requests waiting to be served, in arrival order: the
// queued ones and the orphans a holder took and died with. The files of
// runs that died are removed (see sweep).
func (q *Queue) pending() []Request {
	entries, _ := os.ReadDir(q.dir)
	q.sweep(entries)
	var out []Request
	for _, e := range entries {
		name, ext := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())), filepath.Ext(e.Name())
		if ext != ".req" && ext != ".taken" {
			continue
		}
		var r Request
		data, err := os.ReadFile(filepath.Join(q.dir, e.Name()))
		if err != nil || json.Unmarshal(data, &r) != nil || !alive(r.PID) {
			os.Remove(filepath.Join(q.dir, e.Name()))
			os.Remove(q.path(r.ID, ".out"))
			continue
		}
		r.file, r.Orphaned = name, ext == ".taken"
		if q.answered(r) {
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Request) int { return strings.Compare(a.file, b.file) })
	return out
}

// sweep removes what runs that died left: an outcome whose request file is
// gone, and a withdrawn request of a process that is not running. (The
// .req and .taken files of dead runs go in pending.)
func (q *Queue) sweep(entries []os.DirEntry) {
	requests := map[string]bool{}
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext == ".req" || ext == ".taken" || ext == ".withdrawn" {
			name := strings.TrimSuffix(e.Name(), ext)
			requests[name[strings.IndexByte(name, '-')+1:]] = true
		}
	}
	for _, e := range entries {
		path := filepath.Join(q.dir, e.Name())
		switch filepath.Ext(e.Name()) {
		case ".out":
			if !requests[strings.TrimSuffix(e.Name(), ".out")] {
				os.Remove(path)
			}
		case ".withdrawn":
			var r Request
			if data, err := os.ReadFile(path); err != nil || json.Unmarshal(data, &r) != nil || !alive(r.PID) {
				os.Remove(path)
			}
		}
	}
}

// answered reports whether request r, read from its file, needs no
// serving: its outcome is written, or (a taken request) its run has read
// the outcome and removed its files since. remove deletes a request's
// .taken file before its .out, so a taken request whose outcome is missing
// but whose file is still there was never answered: its holder died.
func (q *Queue) answered(r Request) bool {
	if _, ok := q.outcome(r.ID); ok {
		return true
	}
	if !r.Orphaned {
		return false
	}
	_, err := os.Stat(q.path(r.file, ".taken"))
	return err != nil
}

// alive reports whether process pid runs.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// claim marks the requests of a batch as taken, and returns those it
// could claim (a run may have withdrawn its request meanwhile).
func (q *Queue) claim(b []Request) []Request {
	var out []Request
	for _, r := range b {
		if !r.Orphaned && os.Rename(q.path(r.file, ".req"), q.path(r.file, ".taken")) != nil {
			continue
		}
		out = append(out, r)
	}
	return out
}

// answer writes the outcome of a request. When the request's run has
// stopped waiting meanwhile (its file is gone), nobody will read it: it is
// removed again.
func (q *Queue) answer(r Request, out Outcome) {
	data, err := json.Marshal(out)
	if err != nil {
		data = []byte(`{"unknown": true}`)
	}
	_ = writeFile(q.path(r.ID, ".out"), data) // unwritten, the run reads the state again
	if _, err := os.Stat(q.path(r.file, ".taken")); err != nil {
		os.Remove(q.path(r.ID, ".out"))
	}
}

// Package membership keeps the members of NIFCLOUD load-balancer listeners
// in the state an operator asked for, with the fewest API calls, and
// converges when other clients change the same listener at the same time or
// when a reply is lost.
//
// A run reads the listener once, computes what to register and what to
// deregister, and sends at most one register and one deregister call (or one
// per batch of BatchSize servers), register first, so a swap never leaves the
// listener empty. When a change fails in a way that means "already done" (a
// server already registered, a server no longer registered) the listener is
// read again at once and only what is left is sent. When its outcome is
// unknown (a timeout, a server error, a dropped connection) the run waits
// with a jittered backoff, reads again, counts whatever of the change shows
// as applied as its own, and sends only what is left: nothing is applied
// twice, and nothing a call may have applied is lost from the report.
//
// The listener is an interface: Classic is a port definition of a classic
// load balancer.
package membership

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"nifcloud_lb/nifcloud"
)

// Retry bounds of a Reconciler.
const (
	// DefaultMaxRounds is how many times a run sends a change before it
	// gives up, when MaxRounds is zero.
	DefaultMaxRounds = 5
	// DefaultBatchSize is the most servers one register or deregister call
	// names, when BatchSize is zero. The API's own limit is not documented
	// (reference §9); 100 keeps a call's form body around 4 KB.
	DefaultBatchSize = 100
	// RoundBackoff is the base of the wait before a run reads the listener
	// again after a change whose outcome is unknown: round k waits a random
	// time in [d/2, d] for d = RoundBackoff*2^(k-1), capped at
	// MaxRoundBackoff.
	RoundBackoff    = time.Second
	MaxRoundBackoff = 20 * time.Second
)

// Listener is one listener whose members a Reconciler keeps.
type Listener interface {
	// String names the listener for messages, e.g. "weblb01 (80->8080)".
	String() string
	// Describe reads the listener's members. A load balancer or listener
	// that does not exist is a *MissingError.
	Describe(ctx context.Context) (Snapshot, error)
	// Register adds servers in one call, Deregister removes them in one
	// call. A load balancer or listener that does not exist is a
	// *MissingError.
	Register(ctx context.Context, names []string) error
	Deregister(ctx context.Context, names []string) error
	// AlreadyDone reports a refusal of Register (register true) or
	// Deregister that means part of the change was already made: a
	// server already registered, or not registered any more.
	AlreadyDone(err error, register bool) bool
	// Ambiguous reports a failure after which the change may or may not
	// have been applied.
	Ambiguous(err error) bool
	// Health reads the health of the given servers of the listener.
	Health(ctx context.Context, names []string) ([]Health, error)
}

// Snapshot is what a read of a listener tells.
type Snapshot struct {
	// Members are the registered server names, in reply order.
	Members []string
	// HealthCheckInterval is the health check's interval in seconds, 0
	// when unknown.
	HealthCheckInterval int
	// Busy reports a load balancer that does not accept changes now (a
	// Settler's, whose State is not available).
	Busy bool
}

// Settler is a Listener whose load balancer takes one change at a time:
// after a change it is busy until it settles, and a change sent meanwhile
// is refused. The reconciler waits for it to settle before its first change
// and after each change, and the final members come from the last read.
type Settler interface {
	Listener
	// Settle reads the listener until its load balancer accepts changes,
	// and returns the last read.
	Settle(ctx context.Context) (Snapshot, error)
	// MaybeBusy reports a refusal of a change that may mean "busy": one
	// that is neither a known "not found" nor "already done".
	MaybeBusy(err error) bool
}

// Change is what a run did, or in check mode would do, to one listener.
// Every list is sorted.
type Change struct {
	// Listener is the listener.
	Listener Listener
	// Before holds the members read first; nil when no read succeeded.
	Before []string
	// Members holds the members as last read; nil when no read succeeded.
	Members []string
	// After holds the members once the run is done; nil unless it
	// completed.
	After []string
	// Registered holds the servers this run registered, including those
	// a call with an unknown outcome may have registered when no later
	// read could tell.
	Registered []string
	// Deregistered holds the servers this run deregistered, likewise.
	Deregistered []string
	// HealthCheckInterval is the listener's health-check interval in
	// seconds, as last read (0 when unknown).
	HealthCheckInterval int
}

// Changed reports whether the run changed (or would change) the members.
func (c Change) Changed() bool {
	return len(c.Registered) > 0 || len(c.Deregistered) > 0
}

// Reconciler applies membership changes.
type Reconciler struct {
	// CheckMode computes the changes without sending any changing call.
	CheckMode bool
	// MaxRounds bounds the changes sent to one listener by one run; zero
	// means DefaultMaxRounds.
	MaxRounds int
	// BatchSize bounds the servers of one call; zero means
	// DefaultBatchSize.
	BatchSize int
	// Clock waits between rounds and health polls and times the waits;
	// nil means nifcloud.SystemClock.
	Clock nifcloud.Clock
	// Jitter returns a random number in [0, 1) for the backoff between
	// rounds; nil means math/rand/v2.
	Jitter func() float64
}

// Plan computes what to register and what to deregister given the members.
type Plan func(members []string) (add, remove []string)

// Apply reads the listener (unless known is given, a read the caller just
// made) and applies the plan until nothing is left to do.
func (r *Reconciler) Apply(ctx context.Context, l Listener, known *Snapshot, p Plan) (Change, error) {
	return r.converge(ctx, l, known, p)
}

// converge reads the listener (unless known is given) and applies the plan
// until nothing is left to do.
func (r *Reconciler) converge(ctx context.Context, l Listener, known *Snapshot, p Plan) (Change, error) {
	run := &convergence{r: r, l: l, c: Change{Listener: l, Registered: []string{}, Deregistered: []string{}}}
	c, err := run.loop(ctx, known, p)
	c.Registered, c.Deregistered = Sorted(c.Registered), Sorted(c.Deregistered)
	return c, err
}

// convergence is the state of one converge call.
type convergence struct {
	r *Reconciler
	l Listener
	c Change
	// sent is what the last round applied or may have applied, and maybe
	// what of it has an unknown outcome: if it shows as applied on the next
	// read, this run applied it.
	sent, maybe pending
	// lastErr is the error of the last refused or unknown change.
	lastErr error
	// raced is set once a read showed a change this run did not send.
	raced bool
	// failed is set when the last round's change failed; busyRefused when
	// a Settler refused it in a way that may mean busy.
	failed, busyRefused bool
	// failures counts the failed changes after which the load balancer
	// was seen accepting changes; refusedAvailable the "maybe busy"
	// refusals after which it was. Failures while it was busy do not
	// count: they are waited out.
	failures, refusedAvailable int
	// last is the last read of a Settler after a change, when there is one.
	last *Snapshot
}

// pending is a set of servers to register and to deregister.
type pending struct {
	add, remove []string
}

func (p pending) empty() bool { return len(p.add) == 0 && len(p.remove) == 0 }

// plus returns the union of p and q.
func (p pending) plus(q pending) pending {
	return pending{add: Union(p.add, q.add), remove: Union(p.remove, q.remove)}
}

// loop runs the rounds of converge.
func (run *convergence) loop(ctx context.Context, known *Snapshot, p Plan) (Change, error) {
	var prev []string
	for round := 1; ; round++ {
		snap, err := run.read(ctx, known, round)
		known = nil
		if err != nil {
			return run.c, err
		}
		run.account(prev, snap, round)
		add, remove := p(snap.Members)
		if len(add) > 0 || len(remove) > 0 {
			if snap, add, remove, err = run.ready(ctx, snap, p); err != nil {
				return run.c, err
			}
		}
		prev = snap.Members
		if len(add) == 0 && len(remove) == 0 || run.r.CheckMode {
			return run.c.done(snap.Members, add, remove), nil
		}
		if err := run.giveUp(add, remove); err != nil {
			return run.c, err
		}
		done, err := run.apply(ctx, add, remove)
		switch {
		case err != nil:
			return run.c, err
		case done:
			return run.finish(snap.Members, add, remove), nil
		}
	}
}

// ready waits, for a Settler that is busy, until it accepts changes, and
// plans again from that read; otherwise it returns snap as it is.
func (run *convergence) ready(ctx context.Context, snap Snapshot, p Plan) (Snapshot, []string, []string, error) {
	s, ok := run.l.(Settler)
	if ok && snap.Busy && !run.r.CheckMode {
		var err error
		if snap, err = s.Settle(ctx); err != nil {
			return snap, nil, nil, err
		}
		run.record(snap, 2)
	}
	add, remove := p(snap.Members)
	return snap, add, remove, nil
}

// giveUp returns the error that ends a run whose changes failed too often
// while the load balancer accepted changes, or nil.
func (run *convergence) giveUp(add, remove []string) error {
	switch {
	case run.failures >= run.r.maxRounds():
		return run.exhausted(add, remove)
	case run.refusedAvailable >= 2:
		return fmt.Errorf("%s: %s was refused while the load balancer accepted changes: %w", run.l, DescribePlan(add, remove), run.lastErr)
	}
	return nil
}

// finish completes a run whose changes all went through: the members after
// it come from the last read of a Settler, or from the plan.
func (run *convergence) finish(members, add, remove []string) Change {
	c := run.c.done(members, add, remove)
	if run.last != nil {
		c.After = Sorted(run.last.Members)
		c.Members = c.After
	}
	return c
}

// read reads the listener, or takes the known snapshot. When the read
// fails, whatever the last round may have applied counts as applied: no
// read can tell otherwise.
func (run *convergence) read(ctx context.Context, known *Snapshot, round int) (Snapshot, error) {
	if known != nil {
		run.record(*known, round)
		return *known, nil
	}
	if round > 1 && run.failures+1 < run.r.maxRounds() && !run.maybe.empty() {
		if err := run.r.backoff(ctx, round-1); err != nil {
			run.assumeApplied()
			return Snapshot{}, fmt.Errorf("%s: %w; last error: %w", run.l, err, run.lastErr)
		}
	}
	snap, err := run.l.Describe(ctx)
	if err != nil {
		run.assumeApplied()
		return Snapshot{}, err
	}
	run.record(snap, round)
	return snap, nil
}

// record keeps what a read told.
func (run *convergence) record(snap Snapshot, round int) {
	run.c.Members = Sorted(snap.Members)
	run.c.HealthCheckInterval = snap.HealthCheckInterval
	if round == 1 {
		run.c.Before = run.c.Members
	}
}

// assumeApplied counts what a change with an unknown outcome may have
// applied as applied.
func (run *convergence) assumeApplied() {
	run.c.Registered = Union(run.c.Registered, run.maybe.add)
	run.c.Deregistered = Union(run.c.Deregistered, run.maybe.remove)
	run.maybe = pending{}
}

// account attributes to this run what the last round's unknown change shows
// as applied in snap, notes a change that nobody in this run sent (members
// read before: prev), and counts the last round's failure unless the load
// balancer was busy.
func (run *convergence) account(prev []string, snap Snapshot, round int) {
	members := snap.Members
	run.c.Registered = Union(run.c.Registered, Intersection(run.maybe.add, members))
	run.c.Deregistered = Union(run.c.Deregistered, Difference(run.maybe.remove, members))
	if round > 1 {
		mine := Union(run.sent.add, run.sent.remove)
		changed := Union(Difference(members, prev), Difference(prev, members))
		if len(Difference(changed, mine)) > 0 {
			run.raced = true
		}
	}
	if run.failed && !snap.Busy {
		run.failures++
		if run.busyRefused {
			run.refusedAvailable++
		}
	}
	run.maybe, run.sent, run.failed, run.busyRefused = pending{}, pending{}, false, false
}

// apply sends the changes of one round: the registrations, then the
// deregistrations, each in batches. It reports done when all of it was
// applied; otherwise, with a nil error, the next round reads again.
func (run *convergence) apply(ctx context.Context, add, remove []string) (done bool, err error) {
	for _, step := range []struct {
		names    []string
		register bool
	}{{add, true}, {remove, false}} {
		for _, batch := range chunks(step.names, run.r.batchSize()) {
			ok, err := run.send(ctx, batch, step.register)
			if err != nil || !ok {
				return false, err
			}
		}
	}
	return true, nil
}

// send sends one batch and sorts out how it ended: applied (true), to be
// read again (false, nil), or failed for good (an error).
func (run *convergence) send(ctx context.Context, batch []string, register bool) (bool, error) {
	call, verb := run.l.Deregister, "deregister"
	if register {
		call, verb = run.l.Register, "register"
	}
	err := call(ctx, batch)
	this := pending{remove: batch}
	if register {
		this = pending{add: batch}
	}
	settler, isSettler := run.l.(Settler)
	switch {
	case err == nil:
		run.c.Registered = Union(run.c.Registered, this.add)
		run.c.Deregistered = Union(run.c.Deregistered, this.remove)
		run.sent = run.sent.plus(this)
		return true, run.settle(ctx)
	case run.l.Ambiguous(err):
		run.maybe, run.lastErr, run.failed = this, err, true
		run.sent = run.sent.plus(this)
		return false, nil
	case run.l.AlreadyDone(err, register):
		run.lastErr, run.failed = err, true
		return false, nil
	case isMissing(err):
		return false, err
	case isSettler && settler.MaybeBusy(err):
		run.lastErr, run.failed, run.busyRefused = err, true, true
		return false, nil
	}
	return false, fmt.Errorf("%s %s with %s: %w", verb, strings.Join(batch, ", "), run.l, err)
}

// settle waits, after a change to a Settler, until its load balancer
// accepts changes again, and keeps that read.
func (run *convergence) settle(ctx context.Context) error {
	s, ok := run.l.(Settler)
	if !ok {
		return nil
	}
	snap, err := s.Settle(ctx)
	if err != nil {
		return err
	}
	run.last = &snap
	run.record(snap, 2)
	return nil
}

// exhausted is the error of a run that sent MaxRounds changes without
// converging. It blames other clients only when a read showed their
// changes; otherwise the API refused or lost the change every time, and the
// error is the last of these failures.
func (run *convergence) exhausted(add, remove []string) error {
	rounds := run.r.maxRounds()
	if run.raced {
		return fmt.Errorf("%s: the members kept changing under this run (another client is changing them too); gave up after %d rounds with %s still to do; last error: %w",
			run.l, rounds, DescribePlan(add, remove), run.lastErr)
	}
	return fmt.Errorf("%s: %s did not go through in %d attempts, and the members did not change in between; last error: %w",
		run.l, DescribePlan(add, remove), rounds, run.lastErr)
}

// done completes the change of a run that read members and then registered
// add and deregistered remove (or, in check mode, would).
func (c Change) done(members, add, remove []string) Change {
	c.Registered = Sorted(Union(c.Registered, add))
	c.Deregistered = Sorted(Union(c.Deregistered, remove))
	c.After = Sorted(Union(Difference(members, remove), add))
	return c
}

// backoff waits before round+1 reads again after a change with an unknown
// outcome.
func (r *Reconciler) backoff(ctx context.Context, round int) error {
	return r.clock().Sleep(ctx, RoundWait(round, r.Jitter))
}

// RoundWait is the wait after round (from 1) of changes whose outcome is
// unknown, before the state is read again: a random time in [d/2, d] for
// d = RoundBackoff*2^(round-1), capped at MaxRoundBackoff. jitter returns
// a number in [0, 1); nil means math/rand/v2.
func RoundWait(round int, jitter func() float64) time.Duration {
	if jitter == nil {
		jitter = rand.Float64
	}
	d := min(RoundBackoff<<min(round-1, 10), MaxRoundBackoff)
	return d/2 + time.Duration(jitter()*float64(d/2))
}

// clock returns the reconciler's clock.
func (r *Reconciler) clock() nifcloud.Clock { return nifcloud.ClockOr(r.Clock) }

func (r *Reconciler) maxRounds() int {
	if r.MaxRounds > 0 {
		return r.MaxRounds
	}
	return DefaultMaxRounds
}

func (r *Reconciler) batchSize() int {
	if r.BatchSize > 0 {
		return r.BatchSize
	}
	return DefaultBatchSize
}

// chunks splits names into slices of at most size names.
func chunks(names []string, size int) [][]string {
	var out [][]string
	for len(names) > size {
		out = append(out, names[:size:size])
		names = names[size:]
	}
	if len(names) > 0 {
		out = append(out, names)
	}
	return out
}

// DescribePlan says what a plan does, for a message: "register web1,
// web2 and deregister web3".
func DescribePlan(add, remove []string) string {
	var parts []string
	if len(add) > 0 {
		parts = append(parts, "register "+strings.Join(add, ", "))
	}
	if len(remove) > 0 {
		parts = append(parts, "deregister "+strings.Join(remove, ", "))
	}
	return strings.Join(parts, " and ")
}

// MissingError reports a load balancer or listener that does not exist. It
// wraps the API error, when there was one.
type MissingError struct {
	// What is e.g. "load balancer weblb01" or "load balancer weblb01 has
	// no port definition 80->8080": the summary of what is missing.
	What string
	// Err is the API error that said so, if any.
	Err error
}

func (e *MissingError) Error() string {
	if e.Err != nil {
		return e.Summary() + ": " + e.Err.Error()
	}
	return e.Summary()
}

// Summary says what is missing, without the API error.
func (e *MissingError) Summary() string { return e.What }

// Unwrap returns the API error.
func (e *MissingError) Unwrap() error { return e.Err }

// isMissing reports a MissingError in err's chain.
func isMissing(err error) bool {
	var m *MissingError
	return errors.As(err, &m)
}

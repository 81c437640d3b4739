package listener

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/membership"
)

// Bounds of a Reconciler's run.
const (
	// DefaultMaxRounds is how many rounds of changes a run sends before it
	// gives up, when MaxRounds is zero; between rounds whose outcome is
	// unknown it waits membership.RoundWait, as a membership change does.
	DefaultMaxRounds = membership.DefaultMaxRounds
	// DefaultVisibilityTimeout bounds the wait for what this run created
	// to become visible, from the first miss, when VisibilityTimeout is
	// zero. The waits start at VisibilityBackoff and double up to
	// MaxVisibilityBackoff.
	DefaultVisibilityTimeout = 60 * time.Second
	VisibilityBackoff        = time.Second
	MaxVisibilityBackoff     = 10 * time.Second
)

// Reconciler applies requests to port definitions.
type Reconciler struct {
	// Client calls the API.
	Client *nifcloud.Client
	// CheckMode computes the change with one read and sends nothing.
	CheckMode bool
	// Clock waits and tells the time; nil means nifcloud.SystemClock.
	Clock nifcloud.Clock
	// Jitter returns a random number in [0, 1) for the backoff between
	// rounds; nil means math/rand/v2.
	Jitter func() float64
	// MaxRounds bounds the rounds of a run; zero means DefaultMaxRounds.
	MaxRounds int
	// VisibilityTimeout bounds the wait for what this run created to
	// become visible; zero means DefaultVisibilityTimeout.
	VisibilityTimeout time.Duration
}

// InUseError is the refusal to delete a port definition that still has
// servers registered.
type InUseError struct {
	// Key is the port definition.
	Key Key
	// Instances are its registered servers, sorted.
	Instances []string
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("%s still has servers registered: %s; deleting it would take them out of service", e.Key, strings.Join(e.Instances, ", "))
}

// Present makes the port definition of d and its load balancer exist with
// the settings of d, creating what is missing.
func (r *Reconciler) Present(ctx context.Context, d Desired) (Change, error) {
	if err := d.Validate(); err != nil {
		return Change{}, fmt.Errorf("%s: %w", d.Key, err)
	}
	run := r.newRun(d.Key)
	for round := 1; ; round++ {
		st, err := run.read(ctx, round)
		if err != nil {
			return run.c, err
		}
		target, calls, err := plan(st, d)
		run.settle(calls)
		if err != nil {
			return run.c, fmt.Errorf("%s: %w", d.Key, err)
		}
		if len(calls) == 0 || r.CheckMode {
			if r.CheckMode {
				run.c.Actions = append(run.c.Actions, actionsOf(calls)...)
			}
			run.c.After = &target
			return run.c, nil
		}
		if round > run.rounds {
			return run.c, run.exhausted(actionsOf(calls))
		}
		vip, done, err := run.apply(ctx, calls)
		if err != nil || done {
			if done && vip != "" {
				target.LoadBalancer.DNSName = vip
			}
			run.c.After = target.ifDone(done)
			return run.c, err
		}
	}
}

// ifDone returns st when done, else nil.
func (st State) ifDone(done bool) *State {
	if !done {
		return nil
	}
	return &st
}

// Absent deletes the port definition of key with DeleteLoadBalancer (the
// load balancer goes with its last one). A port definition with servers
// registered is refused with an *InUseError unless force is set. One that
// does not exist has nothing to delete: the change has Missing set.
func (r *Reconciler) Absent(ctx context.Context, key Key, force bool) (Change, error) {
	run := r.newRun(key)
	del := call{nifcloud.ActionDeleteLoadBalancer, &nifcloud.DeleteLoadBalancerInput{
		LoadBalancerName: key.LoadBalancerName, LoadBalancerPort: key.LoadBalancerPort, InstancePort: key.InstancePort,
	}}
	for round := 1; ; round++ {
		st, err := run.read(ctx, round)
		if err != nil {
			return run.c, err
		}
		if st.Listener == nil {
			if run.maybe != "" {
				return run.deleted(st), nil
			}
			return run.missing(st, missingIn(st, key)), nil
		}
		run.maybe = "" // the port definition is still there: the delete was not applied
		if len(st.Listener.Instances) > 0 && !force {
			return run.c, &InUseError{Key: key, Instances: st.Listener.Instances}
		}
		if r.CheckMode {
			return run.deleted(without(st, key)), nil
		}
		if round > run.rounds {
			return run.c, run.exhausted([]string{del.action})
		}
		_, err = run.send(ctx, del)
		switch {
		case err == nil:
			return run.deleted(without(st, key)), nil
		case nifcloud.IsAmbiguous(err):
			run.maybe, run.lastErr = del.action, err
		case nifcloud.ErrorCode(err) == nifcloud.CodeLoadBalancerNotFound:
			return run.missing(State{}, fmt.Sprintf("load balancer %s was deleted by another client meanwhile", key.LoadBalancerName)), nil
		case isNotFound(err):
			return run.missing(without(st, key), fmt.Sprintf("%s was deleted by another client meanwhile", key)), nil
		default:
			return run.c, fmt.Errorf("delete port definition %s: %w", key, err)
		}
	}
}

// deleted completes an Absent run whose delete went through (or would, in
// check mode); st is the state after it.
func (run *run) deleted(st State) Change {
	run.maybe = ""
	run.c.After = &st
	run.c.Actions = append(run.c.Actions, nifcloud.ActionDeleteLoadBalancer)
	run.c.DeletedLoadBalancer = st.LoadBalancer == nil
	return run.c
}

// missing completes an Absent run that found nothing to delete; st is the
// state, what says what was missing.
func (run *run) missing(st State, what string) Change {
	run.c.After, run.c.Missing = &st, what
	return run.c
}

// missingIn says what of key does not exist in st.
func missingIn(st State, key Key) string {
	if st.LoadBalancer == nil {
		return fmt.Sprintf("load balancer %s does not exist", key.LoadBalancerName)
	}
	return fmt.Sprintf("load balancer %s has no port definition %d->%d", key.LoadBalancerName, key.LoadBalancerPort, key.InstancePort)
}

// without is st after the deletion of the port definition of key: without
// its load balancer when that was its last one.
func without(st State, key Key) State {
	if st.LoadBalancer == nil {
		return State{}
	}
	lb := *st.LoadBalancer
	lb.Ports = slices.DeleteFunc(slices.Clone(lb.Ports), func(p Key) bool {
		return p.LoadBalancerPort == key.LoadBalancerPort && p.InstancePort == key.InstancePort
	})
	if len(lb.Ports) == 0 {
		return State{}
	}
	return State{LoadBalancer: &lb}
}

// run is the state of one Present or Absent run.
type run struct {
	r      *Reconciler
	key    Key
	c      Change
	rounds int            // the most rounds
	jitter func() float64 // for the backoff; nil means math/rand/v2
	vis    visibility
	// maybe is the action of the last round whose outcome is unknown.
	maybe string
	// unsureCreate is a create (or port registration) whose outcome was
	// unknown and that a read did not show: if sending it again is refused
	// because it exists, the first one did it.
	unsureCreate string
	// lastErr is the error of the last change refused or with an unknown
	// outcome.
	lastErr error
}

// newRun starts a run on key with the Reconciler's settings, the defaults
// filling in.
func (r *Reconciler) newRun(key Key) *run {
	return &run{r: r, key: key, rounds: cmp.Or(r.MaxRounds, DefaultMaxRounds), jitter: r.Jitter,
		vis: visibility{clock: nifcloud.ClockOr(r.Clock), timeout: cmp.Or(r.VisibilityTimeout, DefaultVisibilityTimeout)}}
}

// read reads the state, after a backoff when the last change had an
// unknown outcome; once this run created something, a read that does not
// show it yet is tried again (see visibility). When the read fails, what
// the last change may have done counts as done.
func (run *run) read(ctx context.Context, round int) (State, error) {
	if run.maybe != "" {
		if err := run.backoff(ctx, round-1); err != nil {
			run.settle(nil)
			return State{}, fmt.Errorf("%s: %w; last error: %w", run.key, err, run.lastErr)
		}
	}
	for {
		st, err := Read(ctx, run.r.Client, run.key)
		if err != nil {
			run.settle(nil)
			return State{}, err
		}
		if run.vis.armed && !shows(st, run.key) {
			if err := run.vis.wait(ctx, run.key, errors.New("DescribeLoadBalancers does not show it")); err != nil {
				run.settle(nil)
				return State{}, err
			}
			continue
		}
		run.c.Last = &st
		if run.c.Before == nil {
			run.c.Before = &st
		}
		return st, nil
	}
}

// shows reports whether st shows the port definition of key, or another
// one on its LoadBalancerPort (which a create or port registration refused
// as existing may have met).
func shows(st State, key Key) bool {
	if st.LoadBalancer == nil {
		return false
	}
	return st.Listener != nil || slices.ContainsFunc(st.LoadBalancer.Ports, func(p Key) bool { return p.LoadBalancerPort == key.LoadBalancerPort })
}

// settle decides, from the calls a new read still plans, whether the last
// change with an unknown outcome was applied: it was unless the plan still
// has it (or no read could tell: calls is nil after a failed read).
func (run *run) settle(calls []call) {
	if run.maybe == "" {
		return
	}
	if calls != nil && slices.Contains(actionsOf(calls), run.maybe) {
		if isCreate(run.maybe) {
			run.unsureCreate = run.maybe
		}
	} else {
		run.c.Actions = append(run.c.Actions, run.maybe)
	}
	run.maybe = ""
}

// apply sends the calls of one round in order. It reports done when all
// of them were applied, and returns the VIP of a load balancer it
// created; otherwise, with a nil error, the next round reads again.
func (run *run) apply(ctx context.Context, calls []call) (vip string, done bool, err error) {
	for _, c := range calls {
		v, err := run.send(ctx, c)
		vip = cmp.Or(v, vip)
		switch {
		case err == nil:
			run.c.Actions = append(run.c.Actions, c.action)
			run.vis.armed = run.vis.armed || isCreate(c.action)
		case nifcloud.IsAmbiguous(err):
			run.maybe, run.lastErr = c.action, err
			return vip, false, nil
		case errors.Is(err, errNotVisible) || ctx.Err() != nil:
			return vip, false, err
		case raced(err):
			run.lastErr = err
			if isCreate(c.action) {
				run.vis.armed = true
				run.claimCreate(c.action)
			}
			return vip, false, nil
		default:
			return vip, false, fmt.Errorf("%s %s: %w", verbs[c.action], run.key, err)
		}
	}
	return vip, true, nil
}

// claimCreate counts a create refused as existing as this run's own when
// an earlier one with an unknown outcome may have done it.
func (run *run) claimCreate(action string) {
	if run.unsureCreate == action {
		run.c.Actions = append(run.c.Actions, action)
		run.unsureCreate = ""
	}
}

// verbs say what each changing action does, for error messages.
var verbs = map[string]string{
	nifcloud.ActionCreateLoadBalancer:           "create the load balancer of",
	nifcloud.ActionRegisterPortWithLoadBalancer: "add the port definition",
	nifcloud.ActionUpdateLoadBalancer:           "update the load balancer of",
	nifcloud.ActionConfigureHealthCheck:         "configure the health check of",
	nifcloud.ActionSetFilterForLoadBalancer:     "set the filter of",
	nifcloud.ActionUpdateLoadBalancerOption:     "update the options of",
	nifcloud.ActionDeleteLoadBalancer:           "delete the port definition",
}

// isCreate reports an action that makes something another call may not
// see at once.
func isCreate(action string) bool {
	return action == nifcloud.ActionCreateLoadBalancer || action == nifcloud.ActionRegisterPortWithLoadBalancer
}

// raced reports a refusal that means another client changed the load
// balancer since the read: what the call creates or adds exists, or what
// it changes is gone. The next round reads again.
func raced(err error) bool {
	switch nifcloud.ErrorCode(err) {
	case nifcloud.CodeLoadBalancerDuplicate, nifcloud.CodeLoadBalancerPortAlreadyExists, nifcloud.CodeIPAddressDuplicate:
		return true
	}
	return isNotFound(err)
}

// isNotFound reports a refusal because the load balancer or the port
// definition does not exist.
func isNotFound(err error) bool {
	code := nifcloud.ErrorCode(err)
	return code == nifcloud.CodeLoadBalancerNotFound || code == nifcloud.CodeLoadBalancerPortNotFound
}

// send sends one call; once this run created something, a refusal because
// it does not exist is tried again (see visibility).
func (run *run) send(ctx context.Context, c call) (string, error) {
	for {
		vip, err := sendCall(ctx, run.r.Client, c)
		if !run.vis.armed || !isNotFound(err) {
			return vip, err
		}
		if err := run.vis.wait(ctx, run.key, err); err != nil {
			return "", err
		}
	}
}

// sendCall makes one call, returning the VIP of a created load balancer.
func sendCall(ctx context.Context, client *nifcloud.Client, c call) (string, error) {
	var err error
	switch in := c.in.(type) {
	case *nifcloud.CreateLoadBalancerInput:
		out, cerr := client.CreateLoadBalancer(ctx, in)
		if cerr != nil {
			return "", cerr
		}
		return out.DNSName, nil
	case *nifcloud.RegisterPortWithLoadBalancerInput:
		_, err = client.RegisterPortWithLoadBalancer(ctx, in)
	case *nifcloud.UpdateLoadBalancerInput:
		_, err = client.UpdateLoadBalancer(ctx, in)
	case *nifcloud.ConfigureHealthCheckInput:
		_, err = client.ConfigureHealthCheck(ctx, in)
	case *nifcloud.SetFilterForLoadBalancerInput:
		_, err = client.SetFilterForLoadBalancer(ctx, in)
	case *nifcloud.UpdateLoadBalancerOptionInput:
		_, err = client.UpdateLoadBalancerOption(ctx, in)
	case *nifcloud.DeleteLoadBalancerInput:
		_, err = client.DeleteLoadBalancer(ctx, in)
	default:
		err = fmt.Errorf("internal error: no way to send %T", c.in)
	}
	return "", err
}

// actionsOf returns the actions of calls.
func actionsOf(calls []call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.action
	}
	return out
}

// exhausted is the error of a run that made MaxRounds rounds without
// getting through; left are the actions it still had to make.
func (run *run) exhausted(left []string) error {
	return fmt.Errorf("%s: %s did not go through in %d rounds (another client may be changing the load balancer too); last error: %w",
		run.key, strings.Join(left, ", "), run.rounds, run.lastErr)
}

// backoff waits before round+1 reads again after a change with an unknown
// outcome.
func (run *run) backoff(ctx context.Context, round int) error {
	return run.vis.clock.Sleep(ctx, membership.RoundWait(round, run.jitter))
}

// errNotVisible marks the failure of a run whose creation did not become
// visible in time.
var errNotVisible = errors.New("still not visible")

// visibility waits for what this run created to become visible: once
// armed (after this run's create or port registration, or one refused
// because it exists), a miss is tried again after VisibilityBackoff,
// doubling up to MaxVisibilityBackoff, until timeout after the first miss.
type visibility struct {
	clock   nifcloud.Clock
	timeout time.Duration
	armed   bool
	first   time.Time // of the first miss; zero before
	next    time.Duration
}

// wait waits before the next try after a miss (described by miss), or
// returns an error when the time is up or ctx ends.
func (v *visibility) wait(ctx context.Context, key Key, miss error) error {
	now := v.clock.Now()
	if v.first.IsZero() {
		v.first, v.next = now, VisibilityBackoff
	}
	left := v.first.Add(v.timeout).Sub(now)
	if left <= 0 {
		return fmt.Errorf("%s was created, but is %w after %s: %w", key, errNotVisible, v.timeout, miss)
	}
	d := min(v.next, left)
	v.next = min(2*v.next, MaxVisibilityBackoff)
	if err := v.clock.Sleep(ctx, d); err != nil {
		return fmt.Errorf("%s: waiting for it to become visible: %w; last error: %w", key, err, miss)
	}
	return nil
}

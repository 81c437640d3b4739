package membership

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"nifcloud_lb/nifcloud"
)

// ElasticTarget names a listener of a Multi Load Balancer.
type ElasticTarget struct {
	// Name or ID is the load balancer, as the task gives it (one of them).
	Name, ID string
	// Protocol is TCP, UDP, HTTP or HTTPS; empty means "the one listener
	// with these ports".
	Protocol string
	// Port and InstancePort are the listener's ports.
	Port, InstancePort int
}

// Settle polling: the first wait after a change (or a busy read), doubling
// up to the longest, so that a load balancer that becomes available is seen
// within MaxSettlePoll.
const (
	FirstSettlePoll = 250 * time.Millisecond
	MaxSettlePoll   = 2 * time.Second
)

// Elastic is a listener of a Multi Load Balancer, reached through a
// client: the Settler of NiftyRegisterInstancesWithElasticLoadBalancer,
// NiftyDeregisterInstancesFromElasticLoadBalancer,
// NiftyDescribeElasticLoadBalancers and
// NiftyDescribeInstanceElasticLoadBalancerHealth. The load balancer takes
// one change at a time: its State leaves "available" after a change, and a
// change sent meanwhile is refused. Describe resolves the load balancer's id
// and name and, without a protocol, the listener's protocol; the changes
// then address it by id.
type Elastic struct {
	// Client calls the API.
	Client *nifcloud.Client
	// Target is the listener.
	Target ElasticTarget
	// Clock times the waits for the load balancer to settle; nil means
	// nifcloud.SystemClock.
	Clock nifcloud.Clock
	// Jitter returns a number in [0, 1) that spreads those waits, so that
	// runs of several controllers do not poll and retry in step: a wait of
	// d lasts d/2 + Jitter()*d/2. nil means math/rand/v2.
	Jitter func() float64
	// Deadline bounds those waits; zero means none (ctx bounds them).
	Deadline time.Time

	// What Describe found.
	id, name, protocol, state string
}

// ID, Name, Protocol and State return what the last read found: the load
// balancer's id, name and State, and the listener's protocol.
func (l *Elastic) ID() string       { return l.id }
func (l *Elastic) Name() string     { return l.name }
func (l *Elastic) Protocol() string { return l.protocol }
func (l *Elastic) State() string    { return l.state }

// String implements Listener: "webelb01 (TCP 80->8080)".
func (l *Elastic) String() string {
	name := cmp.Or(l.name, l.Target.Name, l.Target.ID)
	return fmt.Sprintf("%s (%s %d->%d)", name, cmp.Or(l.protocol, l.Target.Protocol, "?"), l.Target.Port, l.Target.InstancePort)
}

// Describe implements Listener with one NiftyDescribeElasticLoadBalancers
// call for the whole load balancer: the listener is picked from its
// listeners, by protocol and ports, or by ports alone when no protocol is
// given (several listeners with these ports are an error that names them).
func (l *Elastic) Describe(ctx context.Context) (Snapshot, error) {
	sel := nifcloud.ElasticLoadBalancerSelector{Name: l.Target.Name, ID: l.Target.ID}
	if l.id != "" {
		sel = nifcloud.ElasticLoadBalancerSelector{ID: l.id}
	}
	out, err := l.Client.NiftyDescribeElasticLoadBalancers(ctx, &nifcloud.NiftyDescribeElasticLoadBalancersInput{
		ElasticLoadBalancers: nifcloud.ElasticLoadBalancerSelectors{sel},
	})
	if err != nil {
		return Snapshot{}, l.missing(err, "describe")
	}
	if len(out.ElasticLoadBalancerDescriptions) == 0 {
		return Snapshot{}, &MissingError{What: l.noLoadBalancer()}
	}
	d := out.ElasticLoadBalancerDescriptions[0]
	l.id, l.name, l.state = d.ElasticLoadBalancerID, d.ElasticLoadBalancerName, d.State
	listener, err := l.pick(d)
	if err != nil {
		return Snapshot{}, err
	}
	l.protocol = listener.Protocol
	return Snapshot{
		Members:             listener.InstanceIDs(),
		HealthCheckInterval: listener.HealthCheck.Interval,
		Busy:                d.State != nifcloud.ElasticLoadBalancerStateAvailable,
	}, nil
}

// pick finds the target's listener among the load balancer's.
func (l *Elastic) pick(d nifcloud.ElasticLoadBalancerDescription) (nifcloud.ElasticLoadBalancerListener, error) {
	var matches []nifcloud.ElasticLoadBalancerListener
	for _, x := range d.Listeners {
		if x.ElasticLoadBalancerPort == l.Target.Port && x.InstancePort == l.Target.InstancePort &&
			(l.Target.Protocol == "" || strings.EqualFold(x.Protocol, l.Target.Protocol)) {
			matches = append(matches, x)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return nifcloud.ElasticLoadBalancerListener{}, &MissingError{What: l.noListener()}
	}
	protocols := make([]string, len(matches))
	for i, m := range matches {
		protocols[i] = m.Protocol
	}
	slices.Sort(protocols)
	return nifcloud.ElasticLoadBalancerListener{}, fmt.Errorf("ports %d->%d are those of %d listeners of Multi Load Balancer %s (%s): set protocol to one of them",
		l.Target.Port, l.Target.InstancePort, len(matches), d.ElasticLoadBalancerName, strings.Join(protocols, ", "))
}

// input is the load balancer and listener of the change calls.
func (l *Elastic) input(names []string) *nifcloud.NiftyRegisterInstancesWithElasticLoadBalancerInput {
	in := &nifcloud.NiftyRegisterInstancesWithElasticLoadBalancerInput{
		ElasticLoadBalancerName: l.Target.Name, ElasticLoadBalancerID: l.Target.ID,
		Protocol: cmp.Or(l.protocol, l.Target.Protocol), ElasticLoadBalancerPort: l.Target.Port, InstancePort: l.Target.InstancePort,
		Instances: names,
	}
	if l.id != "" {
		in.ElasticLoadBalancerName, in.ElasticLoadBalancerID = "", l.id
	}
	return in
}

// Register implements Listener with one
// NiftyRegisterInstancesWithElasticLoadBalancer call.
func (l *Elastic) Register(ctx context.Context, names []string) error {
	_, err := l.Client.NiftyRegisterInstancesWithElasticLoadBalancer(ctx, l.input(names))
	return l.missing(err, "")
}

// Deregister implements Listener with one
// NiftyDeregisterInstancesFromElasticLoadBalancer call.
func (l *Elastic) Deregister(ctx context.Context, names []string) error {
	in := nifcloud.NiftyDeregisterInstancesFromElasticLoadBalancerInput(*l.input(names))
	_, err := l.Client.NiftyDeregisterInstancesFromElasticLoadBalancer(ctx, &in)
	return l.missing(err, "")
}

// AlreadyDone implements Listener: "already registered" for Register,
// "not registered" for Deregister.
func (l *Elastic) AlreadyDone(err error, register bool) bool {
	if register {
		return nifcloud.ErrorCode(err) == nifcloud.CodeElasticInstanceAlreadyRegistered
	}
	return nifcloud.ErrorCode(err) == nifcloud.CodeInstanceNotFound
}

// Ambiguous implements Listener.
func (l *Elastic) Ambiguous(err error) bool { return nifcloud.IsAmbiguous(err) }

// MaybeBusy implements Settler: the code the live API uses for "this load
// balancer is busy" is not known, so any refusal by the API that is not a
// known "not found", "already done", an unknown server or a refused
// authentication may mean it.
func (l *Elastic) MaybeBusy(err error) bool {
	var apiErr *nifcloud.APIError
	if !errors.As(err, &apiErr) || nifcloud.IsAuthFailure(err) {
		return false
	}
	switch apiErr.Code {
	case nifcloud.CodeInstanceNotFound, nifcloud.CodeElasticInstanceAlreadyRegistered:
		return false
	}
	return true
}

// Settle implements Settler: it reads the load balancer, after a first wait
// of FirstSettlePoll that doubles up to MaxSettlePoll (each spread by
// Jitter), until its State is available, or fails at Deadline.
func (l *Elastic) Settle(ctx context.Context) (Snapshot, error) {
	clock := l.clock()
	start := clock.Now()
	jitter := l.Jitter
	if jitter == nil {
		jitter = rand.Float64
	}
	for poll := FirstSettlePoll; ; poll = min(2*poll, MaxSettlePoll) {
		wait := poll/2 + time.Duration(jitter()*float64(poll/2))
		if !l.Deadline.IsZero() {
			left := l.Deadline.Sub(clock.Now())
			if left <= 0 {
				return Snapshot{}, &BusyTimeoutError{Listener: l.String(), State: l.state, Waited: clock.Now().Sub(start)}
			}
			wait = min(wait, left)
		}
		if err := clock.Sleep(ctx, wait); err != nil {
			return Snapshot{}, fmt.Errorf("wait for %s to be available: %w", l, err)
		}
		snap, err := l.Describe(ctx)
		if err != nil || !snap.Busy {
			return snap, err
		}
	}
}

// BusyTimeoutError reports a load balancer that did not become available
// in time.
type BusyTimeoutError struct {
	// Listener names the listener.
	Listener string
	// State is the load balancer's last State.
	State string
	// Waited is how long the run waited.
	Waited time.Duration
}

func (e *BusyTimeoutError) Error() string {
	return fmt.Sprintf("%s: the load balancer was still %q after waiting %s for it to be available (wait_timeout)", e.Listener, e.State, e.Waited.Round(time.Second))
}

func (l *Elastic) clock() nifcloud.Clock { return nifcloud.ClockOr(l.Clock) }

// Health implements Listener with one
// NiftyDescribeInstanceElasticLoadBalancerHealth call.
func (l *Elastic) Health(ctx context.Context, names []string) ([]Health, error) {
	in := l.input(names)
	out, err := l.Client.NiftyDescribeInstanceElasticLoadBalancerHealth(ctx, &nifcloud.NiftyDescribeInstanceElasticLoadBalancerHealthInput{
		ElasticLoadBalancerName: in.ElasticLoadBalancerName, ElasticLoadBalancerID: in.ElasticLoadBalancerID,
		Protocol: in.Protocol, ElasticLoadBalancerPort: in.ElasticLoadBalancerPort, InstancePort: in.InstancePort, Instances: names,
	})
	if err != nil {
		return nil, fmt.Errorf("describe instance health of %s: %w", l, err)
	}
	health := make([]Health, len(out.InstanceStates))
	for i, s := range out.InstanceStates {
		health[i] = Health{InstanceID: s.InstanceID, State: s.State, ReasonCode: s.ReasonCode, Description: s.Description}
	}
	return health, nil
}

// missing turns the API's "not found" answers into a *MissingError; with
// verb, it wraps anything else with it and the listener.
func (l *Elastic) missing(err error, verb string) error {
	switch nifcloud.ErrorCode(err) {
	case nifcloud.CodeElasticLoadBalancerNotFound, nifcloud.CodeElasticLoadBalancerIDNotFound:
		return &MissingError{What: l.noLoadBalancer(), Err: err}
	case nifcloud.CodeElasticListenerNotFound, nifcloud.CodeElasticLoadBalancerPortNotFound:
		return &MissingError{What: l.noListener(), Err: err}
	}
	if err != nil && verb != "" {
		return fmt.Errorf("%s %s: %w", verb, l, err)
	}
	return err
}

func (l *Elastic) noLoadBalancer() string {
	return fmt.Sprintf("Multi Load Balancer %s does not exist", cmp.Or(l.Target.Name, l.Target.ID))
}

func (l *Elastic) noListener() string {
	what := fmt.Sprintf("ports %d->%d", l.Target.Port, l.Target.InstancePort)
	if l.Target.Protocol != "" {
		what = fmt.Sprintf("%s %d->%d", strings.ToUpper(l.Target.Protocol), l.Target.Port, l.Target.InstancePort)
	}
	return fmt.Sprintf("Multi Load Balancer %s has no listener %s", cmp.Or(l.name, l.Target.Name, l.Target.ID), what)
}

// Package membership keeps the members of NIFCLOUD load-balancer port
// definitions in the state an operator asked for, with the fewest API calls,
// and converges when other clients change the same port definition at the
// same time or when a reply is lost.
//
// A run reads the port definition once, computes what to register and what
// to deregister, and sends at most one RegisterInstancesWithLoadBalancer and
// one DeregisterInstancesFromLoadBalancer call, each batching all of its
// servers (register first, so a swap never leaves the listener empty). When a
// change fails in a way that means "already done" or "maybe done" (a server
// already registered, a server no longer registered, a timeout, a server
// error, a dropped connection), the port definition is read again and only
// what is left is sent; nothing is applied twice.
package membership

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"nifcloud_lb/nifcloud"
)

// Error codes of the API that the reconciler interprets.
const (
	codeLoadBalancerNotFound = "Client.InvalidParameterNotFound.LoadBalancer"
	codePortNotFound         = "Client.InvalidParameterNotFound.LoadBalancerPort"
	codeInstanceNotFound     = "Client.InvalidParameterNotFound.Instance"
	codeAlreadyRegistered    = "Client.Inoperable.LoadBalancer.HavingRegisteredInstance"
)

// DefaultMaxRounds is how many times a run reads a port definition and
// applies what is left before it gives up, when MaxRounds is zero.
const DefaultMaxRounds = 5

// PortDefinition identifies one port definition (listener) of a load
// balancer.
type PortDefinition struct {
	// LoadBalancerName is the load balancer's name, possibly prefixed by
	// the NIFCLOUD ID that shares it ("ABC12345.weblb01").
	LoadBalancerName string
	// LoadBalancerPort is the port the load balancer listens on.
	LoadBalancerPort int
	// InstancePort is the port of the servers.
	InstancePort int
}

// String returns "weblb01 (80->8080)".
func (p PortDefinition) String() string {
	return fmt.Sprintf("%s (%d->%d)", p.LoadBalancerName, p.LoadBalancerPort, p.InstancePort)
}

// Change is what a run did, or in check mode would do, to one port
// definition. Every list is sorted.
type Change struct {
	// Port is the port definition.
	Port PortDefinition
	// Before holds the members read first.
	Before []string
	// After holds the members once the run is done.
	After []string
	// Registered holds the servers this run registered.
	Registered []string
	// Deregistered holds the servers this run deregistered.
	Deregistered []string
	// HealthCheckInterval is the port definition's health-check interval
	// in seconds, as last read (0 when unknown).
	HealthCheckInterval int
	// Missing, when not empty, says that the load balancer or the port
	// definition does not exist, e.g. "load balancer lb9 does not exist"
	// (only Absent tolerates that).
	Missing string
}

// Changed reports whether the run changed (or would change) the members.
func (c Change) Changed() bool {
	return len(c.Registered) > 0 || len(c.Deregistered) > 0
}

// Reconciler applies membership changes through a NIFCLOUD client.
type Reconciler struct {
	// Client calls the API.
	Client *nifcloud.Client
	// CheckMode computes the changes without sending any changing call.
	CheckMode bool
	// MaxRounds bounds the read-and-apply rounds of one port definition;
	// zero means DefaultMaxRounds.
	MaxRounds int
	// Now is the clock of WaitInService; nil means time.Now.
	Now func() time.Time
	// Sleep waits between health polls; nil means a timer that ends early
	// with ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Present makes instances members of the port definition. With purge, it
// also deregisters every member that is not in instances. The servers that
// do not exist make the whole run fail, naming them; a load balancer or port
// definition that does not exist is an error too.
func (r *Reconciler) Present(ctx context.Context, port PortDefinition, instances []string, purge bool) (Change, error) {
	want := unique(instances)
	return r.converge(ctx, port, func(members []string) (add, remove []string) {
		add = difference(want, members)
		if purge {
			remove = difference(members, want)
		}
		return add, remove
	})
}

// Absent deregisters instances from the port definition. A load balancer or
// port definition that does not exist has nothing to deregister: the result
// is unchanged, with Missing set.
func (r *Reconciler) Absent(ctx context.Context, port PortDefinition, instances []string) (Change, error) {
	want := unique(instances)
	c, err := r.converge(ctx, port, func(members []string) (add, remove []string) {
		return nil, intersection(members, want)
	})
	var missing *MissingError
	if errors.As(err, &missing) {
		return Change{Port: port, Before: []string{}, After: []string{}, Registered: []string{}, Deregistered: []string{}, Missing: missing.Summary()}, nil
	}
	return c, err
}

// AbsentEverywhere deregisters instances from every port definition of every
// load balancer that has any of them: one DescribeLoadBalancers call, then
// one DeregisterInstancesFromLoadBalancer call per port definition touched,
// one after the other. It returns the changes in load balancer name and port
// order.
func (r *Reconciler) AbsentEverywhere(ctx context.Context, instances []string) ([]Change, error) {
	want := unique(instances)
	changes := []Change{}
	if len(want) == 0 {
		return changes, nil
	}
	out, err := r.Client.DescribeLoadBalancers(ctx, nil)
	if err != nil {
		return changes, fmt.Errorf("describe load balancers: %w", err)
	}
	var targets []PortDefinition
	first := map[PortDefinition]nifcloud.LoadBalancerDescription{}
	for _, d := range out.LoadBalancerDescriptions {
		lbPort, instPort := d.Ports()
		p := PortDefinition{LoadBalancerName: d.LoadBalancerName, LoadBalancerPort: lbPort, InstancePort: instPort}
		if _, seen := first[p]; seen || len(intersection(d.InstanceIDs(), want)) == 0 {
			continue
		}
		first[p] = d
		targets = append(targets, p)
	}
	slices.SortFunc(targets, comparePorts)
	for _, p := range targets {
		d := first[p]
		c, err := r.convergeFrom(ctx, p, &d, func(members []string) (add, remove []string) {
			return nil, intersection(members, want)
		})
		if err != nil && !isMissing(err) {
			return changes, err
		}
		if c.Changed() {
			changes = append(changes, c)
		}
	}
	return changes, nil
}

// plan computes what to register and what to deregister given the members.
type plan func(members []string) (add, remove []string)

// converge reads the port definition and applies the plan until nothing is
// left to do.
func (r *Reconciler) converge(ctx context.Context, port PortDefinition, p plan) (Change, error) {
	return r.convergeFrom(ctx, port, nil, p)
}

// convergeFrom is converge starting from an already read description, when
// known (nil means read it first).
func (r *Reconciler) convergeFrom(ctx context.Context, port PortDefinition, known *nifcloud.LoadBalancerDescription, p plan) (Change, error) {
	c := Change{Port: port, Registered: []string{}, Deregistered: []string{}}
	// Servers sent in a change whose outcome is unknown: if they turn out
	// applied on the next read, this run applied them.
	var maybeAdded, maybeRemoved []string
	maxRounds := r.MaxRounds
	if maxRounds <= 0 {
		maxRounds = DefaultMaxRounds
	}
	for round := 1; ; round++ {
		d := known
		known = nil
		if d == nil {
			var err error
			if d, err = r.describe(ctx, port); err != nil {
				return c, err
			}
		}
		members := d.InstanceIDs()
		c.HealthCheckInterval = d.HealthCheck.Interval
		if round == 1 {
			c.Before = sorted(members)
		}
		c.Registered = union(c.Registered, intersection(maybeAdded, members))
		c.Deregistered = union(c.Deregistered, difference(maybeRemoved, members))
		maybeAdded, maybeRemoved = nil, nil

		add, remove := p(members)
		if len(add) == 0 && len(remove) == 0 || r.CheckMode {
			return c.done(members, add, remove), nil
		}
		if round > maxRounds {
			return c, fmt.Errorf("%s: the members kept changing under this run; gave up after %d rounds with %s still to do", port, maxRounds, describePlan(add, remove))
		}

		res, err := r.register(ctx, port, add)
		if err != nil {
			return c, err
		}
		if res != applied {
			if res == unknown {
				maybeAdded = add
			}
			continue
		}
		c.Registered = union(c.Registered, add)

		res, err = r.deregister(ctx, port, remove)
		if err != nil {
			return c, err
		}
		if res != applied {
			if res == unknown {
				maybeRemoved = remove
			}
			continue
		}
		return c.done(members, add, remove), nil
	}
}

// done completes the change of a run that read members and then registered
// add and deregistered remove (or, in check mode, would).
func (c Change) done(members, add, remove []string) Change {
	c.Registered = sorted(union(c.Registered, add))
	c.Deregistered = sorted(union(c.Deregistered, remove))
	c.After = sorted(union(difference(members, remove), add))
	return c
}

// describe reads one port definition.
func (r *Reconciler) describe(ctx context.Context, port PortDefinition) (*nifcloud.LoadBalancerDescription, error) {
	out, err := r.Client.DescribeLoadBalancers(ctx, &nifcloud.DescribeLoadBalancersInput{
		LoadBalancers: []nifcloud.LoadBalancerSelector{{
			Name:             port.LoadBalancerName,
			LoadBalancerPort: port.LoadBalancerPort,
			InstancePort:     port.InstancePort,
		}},
	})
	if err != nil {
		return nil, describeError(port, err)
	}
	for i, d := range out.LoadBalancerDescriptions {
		lbPort, instPort := d.Ports()
		name := d.LoadBalancerName
		if (name == port.LoadBalancerName || name == bareName(port.LoadBalancerName)) && lbPort == port.LoadBalancerPort && instPort == port.InstancePort {
			return &out.LoadBalancerDescriptions[i], nil
		}
	}
	return nil, &MissingError{Port: port, What: "port definition"}
}

// outcome is how a change ended, when it did not fail for good.
type outcome int

const (
	// failed: the change failed for good; the error says why.
	failed outcome = iota
	// applied: the change was made (or there was nothing to send).
	applied
	// refused: the API refused the change because part of it was done
	// already; read again and send what is left.
	refused
	// unknown: the change may or may not have been made; read again, and
	// whatever of it shows as done was done by this run.
	unknown
)

// register sends one RegisterInstancesWithLoadBalancer call for add, if any.
// A server already registered makes it refused.
func (r *Reconciler) register(ctx context.Context, port PortDefinition, add []string) (outcome, error) {
	if len(add) == 0 {
		return applied, nil
	}
	_, err := r.Client.RegisterInstancesWithLoadBalancer(ctx, &nifcloud.RegisterInstancesWithLoadBalancerInput{
		LoadBalancerName: port.LoadBalancerName,
		LoadBalancerPort: port.LoadBalancerPort,
		InstancePort:     port.InstancePort,
		Instances:        add,
	})
	switch {
	case err == nil:
		return applied, nil
	case nifcloud.IsAmbiguous(err):
		return unknown, nil
	case nifcloud.ErrorCode(err) == codeAlreadyRegistered:
		return refused, nil
	case nifcloud.ErrorCode(err) == codeLoadBalancerNotFound, nifcloud.ErrorCode(err) == codePortNotFound:
		return failed, describeError(port, err)
	}
	return failed, fmt.Errorf("register %s with %s: %w", strings.Join(add, ", "), port, err)
}

// deregister sends one DeregisterInstancesFromLoadBalancer call for remove,
// if any. A server no longer registered makes it refused.
func (r *Reconciler) deregister(ctx context.Context, port PortDefinition, remove []string) (outcome, error) {
	if len(remove) == 0 {
		return applied, nil
	}
	_, err := r.Client.DeregisterInstancesFromLoadBalancer(ctx, &nifcloud.DeregisterInstancesFromLoadBalancerInput{
		LoadBalancerName: port.LoadBalancerName,
		LoadBalancerPort: port.LoadBalancerPort,
		InstancePort:     port.InstancePort,
		Instances:        remove,
	})
	switch {
	case err == nil:
		return applied, nil
	case nifcloud.IsAmbiguous(err):
		return unknown, nil
	case nifcloud.ErrorCode(err) == codeInstanceNotFound:
		return refused, nil
	case nifcloud.ErrorCode(err) == codeLoadBalancerNotFound, nifcloud.ErrorCode(err) == codePortNotFound:
		return failed, describeError(port, err)
	}
	return failed, fmt.Errorf("deregister %s from %s: %w", strings.Join(remove, ", "), port, err)
}

// MissingError reports a load balancer or port definition that does not
// exist. It wraps the API error, when there was one.
type MissingError struct {
	// Port is the port definition asked for.
	Port PortDefinition
	// What is "load balancer" or "port definition".
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
func (e *MissingError) Summary() string {
	if e.What == "load balancer" {
		return fmt.Sprintf("load balancer %s does not exist", e.Port.LoadBalancerName)
	}
	return fmt.Sprintf("load balancer %s has no port definition %d->%d", e.Port.LoadBalancerName, e.Port.LoadBalancerPort, e.Port.InstancePort)
}

func (e *MissingError) Unwrap() error { return e.Err }

// isMissing reports a MissingError in err's chain.
func isMissing(err error) bool {
	var m *MissingError
	return errors.As(err, &m)
}

// describeError turns the API's "not found" answers into a MissingError and
// wraps anything else with the port definition.
func describeError(port PortDefinition, err error) error {
	switch nifcloud.ErrorCode(err) {
	case codeLoadBalancerNotFound:
		return &MissingError{Port: port, What: "load balancer", Err: err}
	case codePortNotFound:
		return &MissingError{Port: port, What: "port definition", Err: err}
	}
	return fmt.Errorf("describe %s: %w", port, err)
}

// bareName strips the sharing account prefix from "ABC12345.name"; the API
// describes a shared load balancer under its own name.
func bareName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// describePlan says what was left to do, for an error message.
func describePlan(add, remove []string) string {
	var parts []string
	if len(add) > 0 {
		parts = append(parts, "register "+strings.Join(add, ", "))
	}
	if len(remove) > 0 {
		parts = append(parts, "deregister "+strings.Join(remove, ", "))
	}
	return strings.Join(parts, " and ")
}

// comparePorts orders port definitions by name, then ports.
func comparePorts(a, b PortDefinition) int {
	if c := strings.Compare(a.LoadBalancerName, b.LoadBalancerName); c != 0 {
		return c
	}
	if a.LoadBalancerPort != b.LoadBalancerPort {
		return a.LoadBalancerPort - b.LoadBalancerPort
	}
	return a.InstancePort - b.InstancePort
}

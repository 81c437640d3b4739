package membership

import (
	"context"
	"fmt"

	"nifcloud_lb/nifcloud"
)

// PortDefinition identifies one port definition (listener) of a classic
// load balancer.
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

// Classic is a port definition of a classic load balancer, reached through
// a client: the Listener of RegisterInstancesWithLoadBalancer,
// DeregisterInstancesFromLoadBalancer, DescribeLoadBalancers and
// DescribeInstanceHealth.
type Classic struct {
	// Client calls the API.
	Client *nifcloud.Client
	// Port is the port definition.
	Port PortDefinition
}

// String implements Listener.
func (l Classic) String() string { return l.Port.String() }

// Describe implements Listener with one DescribeLoadBalancers call
// narrowed to the port definition.
func (l Classic) Describe(ctx context.Context) (Snapshot, error) {
	p := l.Port
	out, err := l.Client.DescribeLoadBalancers(ctx, &nifcloud.DescribeLoadBalancersInput{
		LoadBalancers: []nifcloud.LoadBalancerSelector{{
			Name: p.LoadBalancerName, LoadBalancerPort: p.LoadBalancerPort, InstancePort: p.InstancePort,
		}},
	})
	if err != nil {
		return Snapshot{}, l.missing(err, "describe")
	}
	for _, d := range out.LoadBalancerDescriptions {
		lbPort, instPort := d.Ports()
		name := d.LoadBalancerName
		if (name == p.LoadBalancerName || name == nifcloud.BareLoadBalancerName(p.LoadBalancerName)) && lbPort == p.LoadBalancerPort && instPort == p.InstancePort {
			return classicSnapshot(d), nil
		}
	}
	return Snapshot{}, &MissingError{What: l.noPort()}
}

// classicSnapshot is what a description tells of its members.
func classicSnapshot(d nifcloud.LoadBalancerDescription) Snapshot {
	return Snapshot{Members: d.InstanceIDs(), HealthCheckInterval: d.HealthCheck.Interval}
}

// Register implements Listener with one RegisterInstancesWithLoadBalancer
// call.
func (l Classic) Register(ctx context.Context, names []string) error {
	p := l.Port
	_, err := l.Client.RegisterInstancesWithLoadBalancer(ctx, &nifcloud.RegisterInstancesWithLoadBalancerInput{
		LoadBalancerName: p.LoadBalancerName, LoadBalancerPort: p.LoadBalancerPort, InstancePort: p.InstancePort,
		Instances: names,
	})
	return l.missing(err, "")
}

// Deregister implements Listener with one
// DeregisterInstancesFromLoadBalancer call.
func (l Classic) Deregister(ctx context.Context, names []string) error {
	p := l.Port
	_, err := l.Client.DeregisterInstancesFromLoadBalancer(ctx, &nifcloud.DeregisterInstancesFromLoadBalancerInput{
		LoadBalancerName: p.LoadBalancerName, LoadBalancerPort: p.LoadBalancerPort, InstancePort: p.InstancePort,
		Instances: names,
	})
	return l.missing(err, "")
}

// AlreadyDone implements Listener: "already registered" for Register,
// "not registered" for Deregister.
func (l Classic) AlreadyDone(err error, register bool) bool {
	if register {
		return nifcloud.ErrorCode(err) == nifcloud.CodeInstanceAlreadyRegistered
	}
	return nifcloud.ErrorCode(err) == nifcloud.CodeInstanceNotFound
}

// Ambiguous implements Listener.
func (l Classic) Ambiguous(err error) bool { return nifcloud.IsAmbiguous(err) }

// Health implements Listener with one DescribeInstanceHealth call.
func (l Classic) Health(ctx context.Context, names []string) ([]Health, error) {
	p := l.Port
	out, err := l.Client.DescribeInstanceHealth(ctx, &nifcloud.DescribeInstanceHealthInput{
		LoadBalancerName: p.LoadBalancerName, LoadBalancerPort: p.LoadBalancerPort, InstancePort: p.InstancePort,
		Instances: names,
	})
	if err != nil {
		return nil, fmt.Errorf("describe instance health of %s: %w", p, err)
	}
	health := make([]Health, len(out.InstanceStates))
	for i, s := range out.InstanceStates {
		health[i] = Health{InstanceID: s.InstanceID, State: s.State, ReasonCode: s.ReasonCode, Description: s.Description}
	}
	return health, nil
}

// missing turns the API's "not found" answers into a *MissingError; with
// verb, it wraps anything else with it and the port definition.
func (l Classic) missing(err error, verb string) error {
	switch nifcloud.ErrorCode(err) {
	case nifcloud.CodeLoadBalancerNotFound:
		return &MissingError{What: fmt.Sprintf("load balancer %s does not exist", l.Port.LoadBalancerName), Err: err}
	case nifcloud.CodeLoadBalancerPortNotFound:
		return &MissingError{What: l.noPort(), Err: err}
	}
	if err != nil && verb != "" {
		return fmt.Errorf("%s %s: %w", verb, l.Port, err)
	}
	return err
}

func (l Classic) noPort() string {
	return fmt.Sprintf("load balancer %s has no port definition %d->%d", l.Port.LoadBalancerName, l.Port.LoadBalancerPort, l.Port.InstancePort)
}

package nifcloud

import (
	"context"
	"fmt"
)

// Action names of the operations of this package.
const (
	ActionDescribeLoadBalancers               = "DescribeLoadBalancers"
	ActionRegisterInstancesWithLoadBalancer   = "RegisterInstancesWithLoadBalancer"
	ActionDeregisterInstancesFromLoadBalancer = "DeregisterInstancesFromLoadBalancer"
	ActionDescribeInstanceHealth              = "DescribeInstanceHealth"
)

// DescribeLoadBalancersInput selects the load balancers to describe.
type DescribeLoadBalancersInput struct {
	// LoadBalancers narrows the reply to these load balancers (and, for an
	// entry with ports, to that port definition). Empty means all.
	LoadBalancers LoadBalancerSelectors `url:"LoadBalancerNames,omitempty"`
}

// DescribeLoadBalancersOutput is the reply of DescribeLoadBalancers.
type DescribeLoadBalancersOutput struct {
	// LoadBalancerDescriptions has one entry per port definition.
	LoadBalancerDescriptions []LoadBalancerDescription
	// RequestID is the request id of the reply.
	RequestID string
}

// DescribeLoadBalancers describes load balancers, one description per port
// definition. A nil input describes all of them. An unknown name is an
// *APIError with code Client.InvalidParameterNotFound.LoadBalancer, an
// unknown port pair one with Client.InvalidParameterNotFound.LoadBalancerPort.
//
// API reference: https://docs.nifcloud.com/cp/api/DescribeLoadBalancers.htm
func (c *Client) DescribeLoadBalancers(ctx context.Context, in *DescribeLoadBalancersInput) (*DescribeLoadBalancersOutput, error) {
	if in == nil {
		in = &DescribeLoadBalancersInput{}
	}
	var resp xmlDescribeLoadBalancersResponse
	if err := c.do(ctx, ActionDescribeLoadBalancers, false, in, &resp); err != nil {
		return nil, err
	}
	return resp.output(), nil
}

// RegisterInstancesWithLoadBalancerInput names servers to add to one port
// definition.
type RegisterInstancesWithLoadBalancerInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// LoadBalancerPort and InstancePort identify the port definition
	// (required, 1-65535).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
	// Instances are the server names to register (at least one).
	Instances InstanceIDs `url:"Instances"`
}

// RegisterInstancesWithLoadBalancerOutput is the reply of
// RegisterInstancesWithLoadBalancer.
type RegisterInstancesWithLoadBalancerOutput struct {
	// Instances are the servers this call registered.
	Instances []Instance
	// RequestID is the request id of the reply.
	RequestID string
}

// RegisterInstancesWithLoadBalancer adds servers to one port definition of a
// load balancer. A server already registered fails the call with
// Client.Inoperable.LoadBalancer.HavingRegisteredInstance, an unknown one with
// Client.InvalidParameterNotFound.Instance. The client retries this call only
// when its request was provably not sent; see IsAmbiguous.
//
// API reference: https://docs.nifcloud.com/cp/api/RegisterInstancesWithLoadBalancer.htm
func (c *Client) RegisterInstancesWithLoadBalancer(ctx context.Context, in *RegisterInstancesWithLoadBalancerInput) (*RegisterInstancesWithLoadBalancerOutput, error) {
	var resp xmlRegisterInstancesResponse
	if err := run(ctx, c, ActionRegisterInstancesWithLoadBalancer, true, in, &resp); err != nil {
		return nil, err
	}
	return &RegisterInstancesWithLoadBalancerOutput{Instances: resp.Instances, RequestID: resp.requestID()}, nil
}

// DeregisterInstancesFromLoadBalancerInput names servers to remove from one
// port definition.
type DeregisterInstancesFromLoadBalancerInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// LoadBalancerPort and InstancePort identify the port definition
	// (required, 1-65535).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
	// Instances are the server names to deregister (at least one).
	Instances InstanceIDs `url:"Instances"`
}

// DeregisterInstancesFromLoadBalancerOutput is the reply of
// DeregisterInstancesFromLoadBalancer.
type DeregisterInstancesFromLoadBalancerOutput struct {
	// Instances are the servers this call removed.
	Instances []Instance
	// RequestID is the request id of the reply.
	RequestID string
}

// DeregisterInstancesFromLoadBalancer removes servers from one port
// definition of a load balancer. A server that is not registered fails the
// call with Client.InvalidParameterNotFound.Instance. The client retries this
// call only when its request was provably not sent; see IsAmbiguous.
//
// API reference: https://docs.nifcloud.com/cp/api/DeregisterInstancesFromLoadBalancer.htm
func (c *Client) DeregisterInstancesFromLoadBalancer(ctx context.Context, in *DeregisterInstancesFromLoadBalancerInput) (*DeregisterInstancesFromLoadBalancerOutput, error) {
	var resp xmlDeregisterInstancesResponse
	if err := run(ctx, c, ActionDeregisterInstancesFromLoadBalancer, true, in, &resp); err != nil {
		return nil, err
	}
	return &DeregisterInstancesFromLoadBalancerOutput{Instances: resp.Instances, RequestID: resp.requestID()}, nil
}

// DescribeInstanceHealthInput selects the port definition, and optionally
// the servers, whose health to report.
type DescribeInstanceHealthInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// LoadBalancerPort and InstancePort identify the port definition
	// (required, 1-65535).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
	// Instances narrows the reply to these servers; empty means all
	// registered servers.
	Instances InstanceIDs `url:"Instances,omitempty"`
}

// DescribeInstanceHealthOutput is the reply of DescribeInstanceHealth.
type DescribeInstanceHealthOutput struct {
	// InstanceStates has one entry per server.
	InstanceStates []InstanceState
	// RequestID is the request id of the reply.
	RequestID string
}

// DescribeInstanceHealth reports the health check results of the servers of
// one port definition.
//
// API reference: https://docs.nifcloud.com/cp/api/DescribeInstanceHealth.htm
func (c *Client) DescribeInstanceHealth(ctx context.Context, in *DescribeInstanceHealthInput) (*DescribeInstanceHealthOutput, error) {
	var resp xmlDescribeInstanceHealthResponse
	if err := run(ctx, c, ActionDescribeInstanceHealth, false, in, &resp); err != nil {
		return nil, err
	}
	return &DescribeInstanceHealthOutput{InstanceStates: resp.InstanceStates, RequestID: resp.requestID()}, nil
}

func (in *RegisterInstancesWithLoadBalancerInput) check() error {
	return checkInstances(in.LoadBalancerName, in.LoadBalancerPort, in.InstancePort, len(in.Instances))
}

func (in *DeregisterInstancesFromLoadBalancerInput) check() error {
	return checkInstances(in.LoadBalancerName, in.LoadBalancerPort, in.InstancePort, len(in.Instances))
}

func (in *DescribeInstanceHealthInput) check() error {
	return checkPortDefinition(in.LoadBalancerName, in.LoadBalancerPort, in.InstancePort)
}

// checkInstances validates the port definition of a register or
// deregister input and that it names at least one server.
func checkInstances(name string, lbPort, instPort, instances int) error {
	if err := checkPortDefinition(name, lbPort, instPort); err != nil {
		return err
	}
	if instances == 0 {
		return fmt.Errorf("%w: no instances given", ErrInvalidInput)
	}
	return nil
}

// checkPortDefinition validates the load balancer name (a shared one
// allowed) and the two ports that identify a port definition.
func checkPortDefinition(name string, lbPort, instPort int) error {
	if err := checkName("LoadBalancerName", name, true); err != nil {
		return err
	}
	if err := checkPort("LoadBalancerPort", lbPort); err != nil {
		return err
	}
	return checkPort("InstancePort", instPort)
}

// run is a call of an operation whose input must be given: it refuses a nil
// input and one that check refuses with an error wrapping ErrInvalidInput,
// before any request, then runs the call (see Client.do).
func run[I any, P interface {
	*I
	check() error
}](ctx context.Context, c *Client, action string, mutating bool, in P, resp response) error {
	if in == nil {
		return fmt.Errorf("%s: %w: nil input", action, ErrInvalidInput)
	}
	if err := in.check(); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return c.do(ctx, action, mutating, in, resp)
}

package nifcloud

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Action names of the Multi Load Balancer operations of this package.
const (
	ActionNiftyDescribeElasticLoadBalancers               = "NiftyDescribeElasticLoadBalancers"
	ActionNiftyRegisterInstancesWithElasticLoadBalancer   = "NiftyRegisterInstancesWithElasticLoadBalancer"
	ActionNiftyDeregisterInstancesFromElasticLoadBalancer = "NiftyDeregisterInstancesFromElasticLoadBalancer"
	ActionNiftyDescribeInstanceElasticLoadBalancerHealth  = "NiftyDescribeInstanceElasticLoadBalancerHealth"
)

// Names of the filters of NiftyDescribeElasticLoadBalancers.
const (
	ElasticFilterAvailabilityZone = "availability-zone"
	ElasticFilterState            = "state"
	ElasticFilterID               = "elastic-loadbalancer-id"
	ElasticFilterName             = "elastic-loadbalancer-name"
	ElasticFilterDescription      = "description"
	ElasticFilterAccountingType   = "accounting-type"
	ElasticFilterIPAddress        = "ip-address"
	ElasticFilterVersion          = "version"
)

// elasticFilterNames are the filter names the API knows.
var elasticFilterNames = []string{
	ElasticFilterAvailabilityZone, ElasticFilterState, ElasticFilterID, ElasticFilterName,
	ElasticFilterDescription, ElasticFilterAccountingType, ElasticFilterIPAddress, ElasticFilterVersion,
}

// ElasticLoadBalancerDescription is one elastic load balancer, as
// NiftyDescribeElasticLoadBalancers returns it, with what the modules use
// (not its network interfaces, version, zone, creation time, or the
// stickiness, sorry page and certificate of its listeners).
type ElasticLoadBalancerDescription struct {
	// ElasticLoadBalancerID is the unique id, e.g. "elb-0a1b2c3d".
	ElasticLoadBalancerID string
	// ElasticLoadBalancerName is the name.
	ElasticLoadBalancerName string
	// DNSName is the VIP.
	DNSName string
	// NetworkVolume is the maximum bandwidth in Mbps (0 when absent).
	NetworkVolume int
	// State is ElasticLoadBalancerStateAvailable when the load balancer
	// accepts changes.
	State string
	// AccountingType is AccountingTypeMonthly or AccountingTypePayPerUse.
	AccountingType string
	// NextMonthAccountingType is the accounting type from next month.
	NextMonthAccountingType string
	// Listeners are the listeners, each with its own servers and health
	// check.
	Listeners []ElasticLoadBalancerListener
}

// Listener returns the listener with the protocol (compared without regard
// to case) and ports, and whether there is one.
func (d ElasticLoadBalancerDescription) Listener(protocol string, elasticLoadBalancerPort, instancePort int) (ElasticLoadBalancerListener, bool) {
	for _, l := range d.Listeners {
		if strings.EqualFold(l.Protocol, protocol) && l.ElasticLoadBalancerPort == elasticLoadBalancerPort && l.InstancePort == instancePort {
			return l, true
		}
	}
	return ElasticLoadBalancerListener{}, false
}

// ElasticLoadBalancerListener is one listener of an elastic load balancer.
type ElasticLoadBalancerListener struct {
	// Protocol is ProtocolTCP, ProtocolUDP, ProtocolHTTP or ProtocolHTTPS.
	Protocol string
	// ElasticLoadBalancerPort is the port the load balancer listens on.
	ElasticLoadBalancerPort int
	// InstancePort is the port of the servers.
	InstancePort int
	// BalancingType is BalancingTypeRoundRobin or
	// BalancingTypeLeastConnection.
	BalancingType int
	// Description is the memo of the listener.
	Description string
	// Instances are the servers registered on the listener.
	Instances []Instance
	// HealthCheck is the health check and its latest results.
	HealthCheck ElasticLoadBalancerHealthCheck
}

// InstanceIDs returns the server names registered on the listener, in
// reply order.
func (l ElasticLoadBalancerListener) InstanceIDs() []string {
	return instanceIDs(l.Instances)
}

// ElasticLoadBalancerHealthCheck is the health check of an elastic
// listener.
type ElasticLoadBalancerHealthCheck struct {
	// Target is e.g. "TCP:8080", "HTTP:8080" or "ICMP".
	Target string
	// Interval is the seconds between checks.
	Interval int
	// UnhealthyThreshold is the failures before a server is taken out.
	UnhealthyThreshold int
	// Path is the request path of an HTTP or HTTPS check.
	Path string
	// Expectation are the HTTP status codes that count as healthy, e.g.
	// "200".
	Expectation []string
	// InstanceStates are the latest results. A server without a result
	// yet may be missing or have an empty State.
	InstanceStates []InstanceState
}

// NiftyDescribeElasticLoadBalancersInput selects the elastic load balancers
// to describe.
type NiftyDescribeElasticLoadBalancersInput struct {
	// ElasticLoadBalancers narrows the reply to these load balancers.
	// Empty means all.
	ElasticLoadBalancers ElasticLoadBalancerSelectors `url:"ElasticLoadBalancers,omitempty"`
	// Filters narrow the reply further.
	Filters ElasticLoadBalancerFilters `url:"Filter,omitempty"`
}

// ElasticLoadBalancerSelector names one elastic load balancer by name or by
// id (exactly one), optionally narrowed to one listener by giving its
// protocol and both ports.
type ElasticLoadBalancerSelector struct {
	// Name is the load balancer name.
	Name string
	// ID is the load balancer id.
	ID string
	// Protocol, ElasticLoadBalancerPort and InstancePort select one
	// listener; leave all three zero to select the whole load balancer.
	Protocol                string
	ElasticLoadBalancerPort int
	InstancePort            int
}

// ElasticLoadBalancerSelectors is the selection of
// NiftyDescribeElasticLoadBalancers. Entry N (counting from 1) is encoded as
// ElasticLoadBalancers.ElasticLoadBalancerName.N or
// ElasticLoadBalancers.ElasticLoadBalancerId.N and, with a listener,
// ElasticLoadBalancers.Protocol.N, ElasticLoadBalancers.ElasticLoadBalancerPort.N
// and ElasticLoadBalancers.InstancePort.N: lists without "member", aligned
// by N.
type ElasticLoadBalancerSelectors []ElasticLoadBalancerSelector

// EncodeValues implements query.Encoder. The key is the list name,
// "ElasticLoadBalancers".
func (s ElasticLoadBalancerSelectors) EncodeValues(key string, v *url.Values) error {
	for i, sel := range s {
		n := strconv.Itoa(i + 1)
		if err := sel.check(); err != nil {
			return fmt.Errorf("%s entry %s: %w", key, n, err)
		}
		if sel.Name != "" {
			v.Add(key+".ElasticLoadBalancerName."+n, sel.Name)
		} else {
			v.Add(key+".ElasticLoadBalancerId."+n, sel.ID)
		}
		if sel.Protocol == "" && sel.ElasticLoadBalancerPort == 0 && sel.InstancePort == 0 {
			continue
		}
		v.Add(key+".Protocol."+n, sel.Protocol)
		v.Add(key+".ElasticLoadBalancerPort."+n, strconv.Itoa(sel.ElasticLoadBalancerPort))
		v.Add(key+".InstancePort."+n, strconv.Itoa(sel.InstancePort))
	}
	return nil
}

// check validates a selector.
func (sel ElasticLoadBalancerSelector) check() error {
	if err := checkElasticLoadBalancer(sel.Name, sel.ID); err != nil {
		return err
	}
	if sel.Protocol == "" && sel.ElasticLoadBalancerPort == 0 && sel.InstancePort == 0 {
		return nil
	}
	return checkElasticListener(sel.Protocol, sel.ElasticLoadBalancerPort, sel.InstancePort)
}

// ElasticLoadBalancerFilter keeps the load balancers whose attribute Name
// has one of Values.
type ElasticLoadBalancerFilter struct {
	// Name is one of the ElasticFilter* names.
	Name string
	// Values are the accepted values (at least one).
	Values []string
}

// ElasticLoadBalancerFilters are the filters of
// NiftyDescribeElasticLoadBalancers. Filter N (counting from 1) is encoded
// as Filter.N.Name and its values as Filter.N.Value.M.
type ElasticLoadBalancerFilters []ElasticLoadBalancerFilter

// EncodeValues implements query.Encoder. The key is "Filter".
func (f ElasticLoadBalancerFilters) EncodeValues(key string, v *url.Values) error {
	for i, filter := range f {
		prefix := key + "." + strconv.Itoa(i+1)
		if err := checkOneOf("Name", filter.Name, elasticFilterNames...); err != nil {
			return fmt.Errorf("%s: %w", prefix, err)
		}
		if len(filter.Values) == 0 {
			return fmt.Errorf("%s: %w: filter %q has no values", prefix, ErrInvalidInput, filter.Name)
		}
		v.Add(prefix+".Name", filter.Name)
		for j, value := range filter.Values {
			v.Add(prefix+".Value."+strconv.Itoa(j+1), value)
		}
	}
	return nil
}

// NiftyDescribeElasticLoadBalancersOutput is the reply of
// NiftyDescribeElasticLoadBalancers.
type NiftyDescribeElasticLoadBalancersOutput struct {
	// ElasticLoadBalancerDescriptions has one entry per load balancer.
	ElasticLoadBalancerDescriptions []ElasticLoadBalancerDescription
	// RequestID is the request id of the reply.
	RequestID string
}

// NiftyDescribeElasticLoadBalancers describes elastic load balancers, one
// description per load balancer with all its listeners (only the selected
// one for a selector with a listener). A nil input describes all of them.
// An unknown load balancer is an *APIError with code
// CodeElasticLoadBalancerNotFound (or CodeElasticLoadBalancerIDNotFound),
// an unknown listener one with CodeElasticListenerNotFound or
// CodeElasticLoadBalancerPortNotFound.
//
// API reference: https://docs.nifcloud.com/cp/api/NiftyDescribeElasticLoadBalancers.htm
func (c *Client) NiftyDescribeElasticLoadBalancers(ctx context.Context, in *NiftyDescribeElasticLoadBalancersInput) (*NiftyDescribeElasticLoadBalancersOutput, error) {
	if in == nil {
		in = &NiftyDescribeElasticLoadBalancersInput{}
	}
	var resp xmlDescribeElasticLoadBalancersResponse
	if err := c.do(ctx, ActionNiftyDescribeElasticLoadBalancers, false, in, &resp); err != nil {
		return nil, err
	}
	return resp.output(), nil
}

// NiftyRegisterInstancesWithElasticLoadBalancerInput names servers to add
// to one listener of an elastic load balancer.
type NiftyRegisterInstancesWithElasticLoadBalancerInput struct {
	// ElasticLoadBalancerName or ElasticLoadBalancerID is the load
	// balancer (exactly one).
	ElasticLoadBalancerName string `url:"ElasticLoadBalancerName,omitempty"`
	ElasticLoadBalancerID   string `url:"ElasticLoadBalancerId,omitempty"`
	// Protocol, ElasticLoadBalancerPort and InstancePort identify the
	// listener (required).
	Protocol                string `url:"Protocol"`
	ElasticLoadBalancerPort int    `url:"ElasticLoadBalancerPort"`
	InstancePort            int    `url:"InstancePort"`
	// Instances are the server names to register (or deregister) (at
	// least one).
	Instances InstanceIDs `url:"Instances"`
}

// NiftyRegisterInstancesWithElasticLoadBalancerOutput is the reply of
// NiftyRegisterInstancesWithElasticLoadBalancer (which lists no servers).
type NiftyRegisterInstancesWithElasticLoadBalancerOutput struct {
	// RequestID is the request id of the reply.
	RequestID string
}

// NiftyRegisterInstancesWithElasticLoadBalancer adds servers to one
// listener of an elastic load balancer. A server already registered fails
// the call with CodeElasticInstanceAlreadyRegistered, an unknown one with
// CodeInstanceNotFound. The client retries this call only when its request
// was provably not sent; see IsAmbiguous.
//
// API reference: https://docs.nifcloud.com/cp/api/NiftyRegisterInstancesWithElasticLoadBalancer.htm
func (c *Client) NiftyRegisterInstancesWithElasticLoadBalancer(ctx context.Context, in *NiftyRegisterInstancesWithElasticLoadBalancerInput) (*NiftyRegisterInstancesWithElasticLoadBalancerOutput, error) {
	resp := metadataResponse(ActionNiftyRegisterInstancesWithElasticLoadBalancer)
	if err := run(ctx, c, ActionNiftyRegisterInstancesWithElasticLoadBalancer, true, in, resp); err != nil {
		return nil, err
	}
	return &NiftyRegisterInstancesWithElasticLoadBalancerOutput{RequestID: resp.requestID()}, nil
}

func (in *NiftyRegisterInstancesWithElasticLoadBalancerInput) check() error {
	if err := checkElasticTarget(in.ElasticLoadBalancerName, in.ElasticLoadBalancerID,
		in.Protocol, in.ElasticLoadBalancerPort, in.InstancePort); err != nil {
		return err
	}
	if len(in.Instances) == 0 {
		return fmt.Errorf("%w: no instances given", ErrInvalidInput)
	}
	return nil
}

// NiftyDeregisterInstancesFromElasticLoadBalancerInput names servers to
// remove from one listener of an elastic load balancer. Its fields are those
// of NiftyRegisterInstancesWithElasticLoadBalancerInput: the load balancer
// by name or id, the listener, and the server names to deregister (at least
// one).
type NiftyDeregisterInstancesFromElasticLoadBalancerInput NiftyRegisterInstancesWithElasticLoadBalancerInput

// NiftyDeregisterInstancesFromElasticLoadBalancerOutput is the reply of
// NiftyDeregisterInstancesFromElasticLoadBalancer (which lists no servers).
type NiftyDeregisterInstancesFromElasticLoadBalancerOutput struct {
	// RequestID is the request id of the reply.
	RequestID string
}

// NiftyDeregisterInstancesFromElasticLoadBalancer removes servers from one
// listener of an elastic load balancer. A server that is not registered
// fails the call with CodeInstanceNotFound. The client retries this call
// only when its request was provably not sent; see IsAmbiguous.
//
// API reference: https://docs.nifcloud.com/cp/api/NiftyDeregisterInstancesFromElasticLoadBalancer.htm
func (c *Client) NiftyDeregisterInstancesFromElasticLoadBalancer(ctx context.Context, in *NiftyDeregisterInstancesFromElasticLoadBalancerInput) (*NiftyDeregisterInstancesFromElasticLoadBalancerOutput, error) {
	resp := metadataResponse(ActionNiftyDeregisterInstancesFromElasticLoadBalancer)
	if err := run(ctx, c, ActionNiftyDeregisterInstancesFromElasticLoadBalancer, true, in, resp); err != nil {
		return nil, err
	}
	return &NiftyDeregisterInstancesFromElasticLoadBalancerOutput{RequestID: resp.requestID()}, nil
}

func (in *NiftyDeregisterInstancesFromElasticLoadBalancerInput) check() error {
	return (*NiftyRegisterInstancesWithElasticLoadBalancerInput)(in).check()
}

// NiftyDescribeInstanceElasticLoadBalancerHealthInput selects the listener,
// and optionally the servers, whose health to report.
type NiftyDescribeInstanceElasticLoadBalancerHealthInput struct {
	// ElasticLoadBalancerName or ElasticLoadBalancerID is the load
	// balancer (exactly one).
	ElasticLoadBalancerName string `url:"ElasticLoadBalancerName,omitempty"`
	ElasticLoadBalancerID   string `url:"ElasticLoadBalancerId,omitempty"`
	// Protocol, ElasticLoadBalancerPort and InstancePort identify the
	// listener (required).
	Protocol                string `url:"Protocol"`
	ElasticLoadBalancerPort int    `url:"ElasticLoadBalancerPort"`
	InstancePort            int    `url:"InstancePort"`
	// Instances narrows the reply to these servers; empty means all
	// registered servers.
	Instances InstanceIDs `url:"Instances,omitempty"`
}

// NiftyDescribeInstanceElasticLoadBalancerHealthOutput is the reply of
// NiftyDescribeInstanceElasticLoadBalancerHealth.
type NiftyDescribeInstanceElasticLoadBalancerHealthOutput struct {
	// InstanceStates has one entry per server; a server without a result
	// yet has an empty State.
	InstanceStates []InstanceState
	// RequestID is the request id of the reply.
	RequestID string
}

// NiftyDescribeInstanceElasticLoadBalancerHealth reports the health check
// results of the servers of one listener of an elastic load balancer.
//
// API reference: https://docs.nifcloud.com/cp/api/NiftyDescribeInstanceElasticLoadBalancerHealth.htm
func (c *Client) NiftyDescribeInstanceElasticLoadBalancerHealth(ctx context.Context, in *NiftyDescribeInstanceElasticLoadBalancerHealthInput) (*NiftyDescribeInstanceElasticLoadBalancerHealthOutput, error) {
	var resp xmlElasticHealthResponse
	if err := run(ctx, c, ActionNiftyDescribeInstanceElasticLoadBalancerHealth, false, in, &resp); err != nil {
		return nil, err
	}
	return &NiftyDescribeInstanceElasticLoadBalancerHealthOutput{InstanceStates: resp.InstanceStates, RequestID: resp.requestID()}, nil
}

func (in *NiftyDescribeInstanceElasticLoadBalancerHealthInput) check() error {
	return checkElasticTarget(in.ElasticLoadBalancerName, in.ElasticLoadBalancerID,
		in.Protocol, in.ElasticLoadBalancerPort, in.InstancePort)
}

// checkElasticTarget validates the load balancer and the listener of an
// input.
func checkElasticTarget(name, id, protocol string, lbPort, instPort int) error {
	if err := checkElasticLoadBalancer(name, id); err != nil {
		return err
	}
	return checkElasticListener(protocol, lbPort, instPort)
}

// checkElasticLoadBalancer validates that exactly one of a name and an id
// is given, and the name.
func checkElasticLoadBalancer(name, id string) error {
	switch {
	case name == "" && id == "":
		return fmt.Errorf("%w: give an ElasticLoadBalancerName or an ElasticLoadBalancerId", ErrInvalidInput)
	case name != "" && id != "":
		return fmt.Errorf("%w: give an ElasticLoadBalancerName or an ElasticLoadBalancerId, not both", ErrInvalidInput)
	case name != "":
		return checkName("ElasticLoadBalancerName", name, false)
	}
	return nil
}

// checkElasticListener validates the protocol and ports of an elastic
// listener.
func checkElasticListener(protocol string, lbPort, instPort int) error {
	if err := checkOneOf("Protocol", protocol, ProtocolTCP, ProtocolUDP, ProtocolHTTP, ProtocolHTTPS); err != nil {
		return err
	}
	if err := checkPort("ElasticLoadBalancerPort", lbPort); err != nil {
		return err
	}
	return checkPort("InstancePort", instPort)
}

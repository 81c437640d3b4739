package nifcloud

import (
	"net/url"
	"time"
)

// LoadBalancerDescription is one port definition of a load balancer, as
// DescribeLoadBalancers returns it: a load balancer with several port
// definitions appears once per port definition, each time with the same
// name and DNSName. It holds what the modules use; the SSL certificate and
// policy of a listener and the (always empty) cookie stickiness policies of
// the reply are not decoded.
type LoadBalancerDescription struct {
	// LoadBalancerName is the name of the load balancer.
	LoadBalancerName string
	// DNSName is the global IP address (VIP) of the load balancer.
	DNSName string
	// NetworkVolume is the maximum bandwidth in Mbps (0 when absent).
	NetworkVolume int
	// PolicyType is PolicyTypeStandard or PolicyTypeATS.
	PolicyType string
	// Listener is the protocol and ports of this port definition. The
	// reply wraps it in a list that has exactly one entry in practice; a
	// reply with several has them merged, later values winning.
	Listener Listener
	// AvailabilityZones lists zone names such as "east-11".
	AvailabilityZones []string
	// Instances are the servers registered on this port definition.
	Instances []Instance
	// HealthCheck is the health check and its latest results.
	HealthCheck HealthCheck
	// Filter is the source address filter.
	Filter Filter
	// CreatedTime is the creation time (zero when absent).
	CreatedTime time.Time
	// AccountingType is AccountingTypeMonthly or AccountingTypePayPerUse.
	AccountingType string
	// NextMonthAccountingType is the accounting type from next month.
	NextMonthAccountingType string
	// Option holds session stickiness and sorry page settings; nil when
	// the reply has no Option element.
	Option *Option
	// Description is the memo of the load balancer.
	Description string
}

// Ports returns the LoadBalancerPort and InstancePort of the description's
// listener (zeros when the reply had none).
func (d LoadBalancerDescription) Ports() (loadBalancerPort, instancePort int) {
	return d.Listener.LoadBalancerPort, d.Listener.InstancePort
}

// InstanceIDs returns the server names registered on this port definition,
// in reply order.
func (d LoadBalancerDescription) InstanceIDs() []string {
	return instanceIDs(d.Instances)
}

// instanceIDs returns the server names of instances, in order.
func instanceIDs(instances []Instance) []string {
	ids := make([]string, len(instances))
	for i, inst := range instances {
		ids[i] = inst.InstanceID
	}
	return ids
}

// Listener is the protocol and ports of a classic port definition. As the
// input of CreateLoadBalancer and RegisterPortWithLoadBalancer a zero field
// is not sent.
type Listener struct {
	// Protocol is ProtocolHTTP, ProtocolHTTPS, ProtocolFTP or empty (a
	// custom protocol). Replies of RegisterPortWithLoadBalancer spell it
	// in lower case; the client returns it in upper case, as
	// DescribeLoadBalancers does.
	Protocol string `url:"Protocol,omitempty"`
	// LoadBalancerPort is the port the load balancer listens on.
	LoadBalancerPort int `url:"LoadBalancerPort,omitempty"`
	// InstancePort is the port of the servers.
	InstancePort int `url:"InstancePort,omitempty"`
	// BalancingType is BalancingTypeRoundRobin or
	// BalancingTypeLeastConnection (0 when absent or not sent).
	BalancingType int `url:"BalancingType,omitempty"`
}

// EncodeValues implements query.Encoder: the fields that are set, as
// key.Protocol, key.LoadBalancerPort, key.InstancePort and
// key.BalancingType.
func (l Listener) EncodeValues(key string, v *url.Values) error {
	return encodeStruct(key, l, v)
}

// Instance is a server: its name and its unique id.
type Instance struct {
	// InstanceID is the server name, e.g. "web001".
	InstanceID string `xml:"InstanceId"`
	// InstanceUniqueID is the unique id, e.g. "i-0a1b2c3d".
	InstanceUniqueID string `xml:"InstanceUniqueId"`
}

// InstanceState is the health of one server on a port definition or an
// elastic listener.
type InstanceState struct {
	// InstanceID is the server name.
	InstanceID string `xml:"InstanceId"`
	// InstanceUniqueID is the unique id of the server.
	InstanceUniqueID string `xml:"InstanceUniqueId"`
	// State is "InService" or "OutOfService" (empty for an elastic
	// listener's server without a result yet).
	State string `xml:"State"`
	// ReasonCode is usually empty.
	ReasonCode string `xml:"ReasonCode"`
	// Description is usually empty.
	Description string `xml:"Description"`
}

// HealthCheck is the health check of a port definition.
type HealthCheck struct {
	// Target is e.g. "TCP:8080" or "ICMP".
	Target string
	// Interval is the seconds between checks.
	Interval int
	// Timeout is the timeout in seconds the platform computed (only in
	// DescribeLoadBalancers).
	Timeout int
	// UnhealthyThreshold is the failures before a server is taken out.
	UnhealthyThreshold int
	// HealthyThreshold is the successes before a server is put back.
	HealthyThreshold int
	// InstanceStates are the latest results; empty until the first check
	// (and always in the reply of ConfigureHealthCheck).
	InstanceStates []InstanceState
}

// Filter is the source address filter of a port definition.
type Filter struct {
	// FilterType is FilterTypeAllow or FilterTypeDeny.
	FilterType string `xml:"FilterType"`
	// IPAddresses are addresses or CIDR blocks; "*.*.*.*" means all.
	IPAddresses []string `xml:"IPAddresses>member>IPAddress"`
}

// Option holds the optional features of a port definition.
type Option struct {
	// SessionStickinessPolicy is the session stickiness setting.
	SessionStickinessPolicy SessionStickinessPolicy
	// SorryPage is the sorry page setting.
	SorryPage SorryPage
}

// SessionStickinessPolicy is the session stickiness setting. As the
// SessionStickinessPolicyUpdate of UpdateLoadBalancerOption, Enabled is
// always sent (as Enable) and a zero ExpirationPeriod is not.
type SessionStickinessPolicy struct {
	// Enabled reports whether stickiness is on.
	Enabled bool `url:"Enable"`
	// ExpirationPeriod is the stickiness period in minutes.
	ExpirationPeriod int `url:"ExpirationPeriod,omitempty"`
}

// EncodeValues implements query.Encoder: key.Enable and, when set,
// key.ExpirationPeriod.
func (p SessionStickinessPolicy) EncodeValues(key string, v *url.Values) error {
	return encodeStruct(key, p, v)
}

// SorryPage is the sorry page setting. As the SorryPageUpdate of
// UpdateLoadBalancerOption, Enabled is always sent (as Enable) and a zero
// StatusCode is not.
type SorryPage struct {
	// Enabled reports whether the sorry page is on.
	Enabled bool `url:"Enable"`
	// StatusCode is the HTTP status of the sorry page,
	// SorryPageStatusOK or SorryPageStatusServiceUnavailable.
	StatusCode int `url:"StatusCode,omitempty"`
}

// EncodeValues implements query.Encoder: key.Enable and, when set,
// key.StatusCode.
func (p SorryPage) EncodeValues(key string, v *url.Values) error {
	return encodeStruct(key, p, v)
}

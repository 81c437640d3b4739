package nifcloud

import "time"

// LoadBalancerDescription is one port definition of a load balancer, as
// DescribeLoadBalancers returns it: a load balancer with several port
// definitions appears once per port definition, each time with the same
// name and DNSName.
type LoadBalancerDescription struct {
	// LoadBalancerName is the name of the load balancer.
	LoadBalancerName string
	// DNSName is the global IP address (VIP) of the load balancer.
	DNSName string
	// NetworkVolume is the maximum bandwidth in Mbps (0 when absent).
	NetworkVolume int
	// PolicyType is "standard" or "ats".
	PolicyType string
	// ListenerDescriptions holds the listener of this port definition
	// (exactly one in practice).
	ListenerDescriptions []ListenerDescription
	// Policies are the cookie stickiness policies (an AWS vestige, usually
	// empty strings).
	Policies Policies
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
	// AccountingType is "1" (monthly) or "2" (pay per use).
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
// (single) listener, or zeros when it has none.
func (d LoadBalancerDescription) Ports() (loadBalancerPort, instancePort int) {
	if len(d.ListenerDescriptions) == 0 {
		return 0, 0
	}
	l := d.ListenerDescriptions[0].Listener
	return l.LoadBalancerPort, l.InstancePort
}

// InstanceIDs returns the server names registered on this port definition,
// in reply order.
func (d LoadBalancerDescription) InstanceIDs() []string {
	ids := make([]string, len(d.Instances))
	for i, inst := range d.Instances {
		ids[i] = inst.InstanceID
	}
	return ids
}

// ListenerDescription wraps one listener.
type ListenerDescription struct {
	// Listener is the port definition's listener.
	Listener Listener
}

// Listener is the protocol and ports of a port definition.
type Listener struct {
	// Protocol is e.g. "HTTP", "HTTPS", "FTP", or empty.
	Protocol string
	// LoadBalancerPort is the port the load balancer listens on.
	LoadBalancerPort int
	// InstancePort is the port of the servers.
	InstancePort int
	// BalancingType is 1 (round robin) or 2 (least connection).
	BalancingType int
	// SSLCertificateID is the id of the SSL certificate, if any.
	SSLCertificateID string
	// SSLPolicy is the SSL policy; nil when absent.
	SSLPolicy *SSLPolicy
}

// SSLPolicy identifies an SSL policy.
type SSLPolicy struct {
	// SSLPolicyID is the policy id.
	SSLPolicyID string `xml:"SSLPolicyId"`
	// SSLPolicyName is the policy name.
	SSLPolicyName string `xml:"SSLPolicyName"`
}

// Policies are the cookie stickiness policies of a description.
type Policies struct {
	// AppCookieStickinessPolicies are application cookie policies.
	AppCookieStickinessPolicies []AppCookieStickinessPolicy
	// LBCookieStickinessPolicies are load balancer cookie policies.
	LBCookieStickinessPolicies []LBCookieStickinessPolicy
}

// AppCookieStickinessPolicy is an application cookie policy.
type AppCookieStickinessPolicy struct {
	// PolicyName is the policy name.
	PolicyName string `xml:"PolicyName"`
	// CookieName is the cookie name.
	CookieName string `xml:"CookieName"`
}

// LBCookieStickinessPolicy is a load balancer cookie policy.
type LBCookieStickinessPolicy struct {
	// PolicyName is the policy name.
	PolicyName string
	// CookieExpirationPeriod is the cookie lifetime (0 when absent).
	CookieExpirationPeriod int
}

// Instance is a server: its name and its unique id.
type Instance struct {
	// InstanceID is the server name, e.g. "web001".
	InstanceID string `xml:"InstanceId"`
	// InstanceUniqueID is the unique id, e.g. "i-0a1b2c3d".
	InstanceUniqueID string `xml:"InstanceUniqueId"`
}

// InstanceState is the health of one server on a port definition.
type InstanceState struct {
	// InstanceID is the server name.
	InstanceID string `xml:"InstanceId"`
	// InstanceUniqueID is the unique id of the server.
	InstanceUniqueID string `xml:"InstanceUniqueId"`
	// State is "InService" or "OutOfService".
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
	// Timeout is the computed timeout in seconds.
	Timeout int
	// UnhealthyThreshold is the failures before a server is taken out.
	UnhealthyThreshold int
	// HealthyThreshold is the successes before a server is put back.
	HealthyThreshold int
	// InstanceStates are the latest results; empty until the first check.
	InstanceStates []InstanceState
}

// Filter is the source address filter of a port definition.
type Filter struct {
	// FilterType is "1" (allow the listed addresses) or "2" (deny them).
	FilterType string
	// IPAddresses are addresses or CIDR blocks; "*.*.*.*" means all.
	IPAddresses []string
}

// Option holds the optional features of a port definition.
type Option struct {
	// SessionStickinessPolicy is the session stickiness setting.
	SessionStickinessPolicy SessionStickinessPolicy
	// SorryPage is the sorry page setting.
	SorryPage SorryPage
}

// SessionStickinessPolicy is the session stickiness setting.
type SessionStickinessPolicy struct {
	// Enabled reports whether stickiness is on.
	Enabled bool
	// ExpirationPeriod is the stickiness period in minutes.
	ExpirationPeriod int
}

// SorryPage is the sorry page setting.
type SorryPage struct {
	// Enabled reports whether the sorry page is on.
	Enabled bool
	// StatusCode is the HTTP status of the sorry page.
	StatusCode int
}

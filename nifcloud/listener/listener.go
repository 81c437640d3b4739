// Package listener keeps one port definition (listener) of a NIFCLOUD
// classic load balancer, and the load balancer's own settings, in the state
// an operator asked for: it creates the load balancer or adds the port
// definition when they are missing, changes the settings that differ, and
// deletes the port definition (the load balancer goes with its last one).
//
// A run reads the load balancer once (one DescribeLoadBalancers by name,
// which lists every port definition), computes the state the request leads
// to and the calls that reach it, and sends them in this order:
// CreateLoadBalancer or (UpdateLoadBalancer then)
// RegisterPortWithLoadBalancer, or UpdateLoadBalancer for an existing port
// definition; then ConfigureHealthCheck, SetFilterForLoadBalancer and
// UpdateLoadBalancerOption, each only when something it sets differs. A run
// with nothing to do makes the one read. It does not read again to report:
// the state after the run is computed from the read and the calls that
// succeeded.
//
// Settings the request leaves unset are left alone on an existing load
// balancer and port definition, and take the defaults below on a new one.
// The IP version and the policy type can only be set by the create: a
// request that differs from an existing load balancer fails before any
// change.
//
// Failures and races: a change whose outcome is unknown (nifcloud.IsAmbiguous)
// is followed by a jittered backoff and a new read, and whatever of it shows
// as applied counts as this run's action; a create or port registration
// refused because it already exists, an address the filter already lists,
// or a load balancer or port definition not found by a change (another
// client changed them in between) lead to a new read at once. Every new
// read plans again from what it shows, so nothing is sent twice; a run
// makes at most MaxRounds rounds.
//
// Eventual consistency: right after this run's CreateLoadBalancer or
// RegisterPortWithLoadBalancer (or one refused because the object already
// exists), the API may not show what was created yet (reference §6.4).
// Reads that miss it and calls refused with
// Client.InvalidParameterNotFound.LoadBalancer or ...LoadBalancerPort are
// then tried again after 1 s, 2 s, 4 s, 8 s and every 10 s, up to
// VisibilityTimeout (60 s) after the first miss, on the Reconciler's clock.
package listener

import (
	"strconv"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/membership"
)

// Defaults of a new load balancer and a new port definition, for the
// settings a request leaves unset. A create configures no health check
// unless asked: the health check defaults fill in only the fields a
// request leaves out of a health check it gives for a port definition
// whose health check is unknown.
const (
	DefaultNetworkVolume        = 10
	DefaultAccountingType       = nifcloud.AccountingTypePayPerUse
	DefaultIPVersion            = nifcloud.IPVersion4
	DefaultPolicyType           = nifcloud.PolicyTypeStandard
	DefaultBalancingType        = nifcloud.BalancingTypeRoundRobin
	DefaultFilterType           = nifcloud.FilterTypeAllow
	DefaultHealthCheckInterval  = 10
	DefaultHealthCheckThreshold = 1
)

// DefaultHealthCheckTarget is the health check target of a new port
// definition: TCP on its instance port.
func DefaultHealthCheckTarget(instancePort int) string {
	return "TCP:" + strconv.Itoa(instancePort)
}

// Key identifies a port definition: the load balancer's name (possibly
// prefixed by the NIFCLOUD ID that shares it, "ABC12345.weblb01"; such a
// load balancer cannot be created) and the two ports. A load balancer has
// at most one port definition per LoadBalancerPort. It is the port
// definition of package membership, whose String is "weblb01 (80->8080)".
type Key = membership.PortDefinition

// Desired is what a request asks for. A zero field (nil for a pointer)
// leaves the setting alone on an existing load balancer or port definition
// and takes its default on a new one.
type Desired struct {
	Key
	// NetworkVolume is the bandwidth in Mbps (ValidNetworkVolume).
	NetworkVolume int
	// AccountingType is nifcloud.AccountingTypeMonthly or
	// nifcloud.AccountingTypePayPerUse. On an existing load balancer it
	// is compared with the accounting type from next month, which is what
	// a change sets.
	AccountingType string
	// IPVersion (nifcloud.IPVersion4 or IPVersion6) and PolicyType
	// (nifcloud.PolicyTypeStandard or PolicyTypeATS, IPv4 only) are set
	// by the create only.
	IPVersion  string
	PolicyType string
	// BalancingType is nifcloud.BalancingTypeRoundRobin or
	// BalancingTypeLeastConnection.
	BalancingType int
	// HealthCheck holds the health check settings; its zero fields are
	// left alone.
	HealthCheck HealthCheck
	// Filter, when set, changes the source address filter.
	Filter *FilterChange
	// Stickiness, when set, turns session stickiness on (with an
	// ExpirationPeriod of 3-60 minutes, required then) or off.
	Stickiness *nifcloud.SessionStickinessPolicy
	// SorryPage, when set, turns the sorry page on (with a StatusCode,
	// 200 or 503, required then; LoadBalancerPort 80 only) or off.
	SorryPage *nifcloud.SorryPage
}

// FilterChange is a change of the source address filter.
type FilterChange struct {
	// Type, when set, is nifcloud.FilterTypeAllow or FilterTypeDeny.
	Type string
	// Addresses are IPv4 or IPv6 addresses or CIDR blocks, compared and
	// sent in their canonical form (CanonicalAddress);
	// nifcloud.FilterAllAddresses stands for no address and cannot be mixed
	// with others.
	Addresses []string
	// Purge makes Addresses the whole list: the other addresses are
	// removed. Without it, the addresses are only added.
	Purge bool
}

// HealthCheck is the health check of a port definition.
type HealthCheck struct {
	// Target is "TCP:<port>" or "ICMP".
	Target string
	// Interval is the seconds between checks.
	Interval int
	// UnhealthyThreshold is the failures before a server is taken out.
	UnhealthyThreshold int
	// HealthyThreshold is the successes before a server is put back.
	HealthyThreshold int
}

// State is a load balancer and one of its port definitions.
type State struct {
	// LoadBalancer is nil when no load balancer has the name.
	LoadBalancer *LoadBalancer
	// Listener is nil when the load balancer has no such port definition.
	Listener *Listener
}

// LoadBalancer holds the load balancer's own settings.
type LoadBalancer struct {
	// Name is its name, as the request gave it.
	Name string
	// DNSName is its VIP; empty before a create's reply is known (in
	// check mode).
	DNSName string
	// NetworkVolume is the bandwidth in Mbps.
	NetworkVolume int
	// AccountingType is the accounting type from next month when the API
	// reports one, else the current one: the value a change sets.
	AccountingType string
	// IPVersion is nifcloud.IPVersion4 or IPVersion6, from the family of
	// DNSName (no reply names it); empty when DNSName is not an address.
	IPVersion string
	// PolicyType is nifcloud.PolicyTypeStandard or PolicyTypeATS.
	PolicyType string
	// Ports are the port definitions of the load balancer.
	Ports []Key
}

// Listener is a port definition's settings and members.
type Listener struct {
	// Protocol is "HTTP", "HTTPS", "FTP" or "" (custom): the API derives
	// it from the LoadBalancerPort (reference §4.5).
	Protocol         string
	LoadBalancerPort int
	InstancePort     int
	// BalancingType is nifcloud.BalancingTypeRoundRobin or
	// BalancingTypeLeastConnection.
	BalancingType int
	// HealthCheck is the health check; zero when it is not known: in the
	// after-state of a create that configured none, the API's own default
	// shows only on the next read.
	HealthCheck HealthCheck
	// Filter is the source address filter; its IPAddresses leave out
	// nifcloud.FilterAllAddresses, which the API shows for "no address".
	Filter nifcloud.Filter
	// Instances are the registered servers, sorted.
	Instances []string
	// InstanceStates are the health results the read showed, by server
	// name.
	InstanceStates []nifcloud.InstanceState
	// Stickiness and SorryPage are the options, zero when off: the period
	// or status code the API may keep for an option turned off means
	// nothing until it is on again, and is left out.
	Stickiness nifcloud.SessionStickinessPolicy
	SorryPage  nifcloud.SorryPage
}

// Change is what a run did, or in check mode would do.
type Change struct {
	// Before is the state read first; nil when no read succeeded.
	Before *State
	// Last is the state as last read; nil when no read succeeded.
	Last *State
	// After is the state once the run is done (in check mode, what it
	// would be); nil unless the run completed.
	After *State
	// Actions are the changing API actions made, in order, including
	// those whose outcome was unknown when no later read could tell they
	// were not applied; in check mode, those that would be made.
	Actions []string
	// Missing, with Absent, says what did not exist (nothing to delete).
	Missing string
	// DeletedLoadBalancer, with Absent, reports that the port definition
	// deleted was the last one, so the load balancer is gone too.
	DeletedLoadBalancer bool
}

// Changed reports whether the run changed (or would change) anything.
func (c Change) Changed() bool { return len(c.Actions) > 0 }

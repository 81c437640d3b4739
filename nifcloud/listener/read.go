package listener

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"nifcloud_lb/nifcloud"
)

// Read reads the load balancer of key with one DescribeLoadBalancers call
// by name, which lists all of its port definitions, and returns it with the
// port definition of key. A load balancer that does not exist is a State
// without one, not an error.
func Read(ctx context.Context, client *nifcloud.Client, key Key) (State, error) {
	out, err := client.DescribeLoadBalancers(ctx, &nifcloud.DescribeLoadBalancersInput{
		LoadBalancers: nifcloud.LoadBalancerSelectors{{Name: key.LoadBalancerName}},
	})
	if nifcloud.ErrorCode(err) == nifcloud.CodeLoadBalancerNotFound {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("describe load balancer %s: %w", key.LoadBalancerName, err)
	}
	return stateOf(key, out.LoadBalancerDescriptions), nil
}

// stateOf makes the State of key from the descriptions of its load
// balancer: one per port definition. A shared load balancer may be
// described under its bare name.
func stateOf(key Key, descriptions []nifcloud.LoadBalancerDescription) State {
	var st State
	for _, d := range descriptions {
		if d.LoadBalancerName != key.LoadBalancerName && d.LoadBalancerName != nifcloud.BareLoadBalancerName(key.LoadBalancerName) {
			continue
		}
		lbPort, instPort := d.Ports()
		if st.LoadBalancer == nil {
			st.LoadBalancer = loadBalancerOf(key.LoadBalancerName, d)
		}
		st.LoadBalancer.Ports = append(st.LoadBalancer.Ports, Key{LoadBalancerName: key.LoadBalancerName, LoadBalancerPort: lbPort, InstancePort: instPort})
		if lbPort == key.LoadBalancerPort && instPort == key.InstancePort {
			st.Listener = listenerOf(d)
		}
	}
	return st
}

// loadBalancerOf is the load balancer's own settings in a description.
func loadBalancerOf(name string, d nifcloud.LoadBalancerDescription) *LoadBalancer {
	return &LoadBalancer{
		Name:           name,
		DNSName:        d.DNSName,
		NetworkVolume:  d.NetworkVolume,
		AccountingType: cmp.Or(d.NextMonthAccountingType, d.AccountingType),
		IPVersion:      ipVersionOf(d.DNSName),
		PolicyType:     d.PolicyType,
	}
}

// ipVersionOf is the IP version of a load balancer with VIP vip: the
// family of the address, or "" when it is not one.
func ipVersionOf(vip string) string {
	a, err := netip.ParseAddr(vip)
	switch {
	case err != nil:
		return ""
	case a.Unmap().Is4():
		return nifcloud.IPVersion4
	}
	return nifcloud.IPVersion6
}

// listenerOf is the port definition in a description.
func listenerOf(d nifcloud.LoadBalancerDescription) *Listener {
	h := d.HealthCheck
	l := &Listener{
		Protocol:         d.Listener.Protocol,
		LoadBalancerPort: d.Listener.LoadBalancerPort,
		InstancePort:     d.Listener.InstancePort,
		BalancingType:    d.Listener.BalancingType,
		HealthCheck:      HealthCheck{Target: h.Target, Interval: h.Interval, UnhealthyThreshold: h.UnhealthyThreshold, HealthyThreshold: h.HealthyThreshold},
		Filter:           nifcloud.Filter{FilterType: d.Filter.FilterType, IPAddresses: []string{}},
		Instances:        d.InstanceIDs(),
		InstanceStates:   append([]nifcloud.InstanceState{}, h.InstanceStates...),
	}
	for _, a := range d.Filter.IPAddresses {
		if a != nifcloud.FilterAllAddresses {
			l.Filter.IPAddresses = append(l.Filter.IPAddresses, a)
		}
	}
	slices.Sort(l.Instances)
	l.Instances = slices.Compact(l.Instances)
	slices.SortFunc(l.InstanceStates, func(a, b nifcloud.InstanceState) int { return strings.Compare(a.InstanceID, b.InstanceID) })
	if o := d.Option; o != nil && o.SessionStickinessPolicy.Enabled {
		l.Stickiness = o.SessionStickinessPolicy
	}
	if o := d.Option; o != nil && o.SorryPage.Enabled {
		l.SorryPage = o.SorryPage
	}
	return l
}

package listener

import (
	"cmp"
	"fmt"
	"slices"

	"nifcloud_lb/nifcloud"
)

// call is one changing API call of a plan: its action and its input (a
// pointer to one of the nifcloud input types).
type call struct {
	action string
	in     any
}

// plan returns the state that d leads to from st and the calls that reach
// it, in the order they must be sent, or why d cannot be applied to st.
func plan(st State, d Desired) (State, []call, error) {
	if st.LoadBalancer == nil {
		return planCreate(d)
	}
	if err := checkCreateOnly(*st.LoadBalancer, d); err != nil {
		return State{}, nil, err
	}
	lb, calls := planLoadBalancer(st, d)
	var cur Listener
	if st.Listener != nil {
		cur = *st.Listener
		cur.BalancingType = cmp.Or(d.BalancingType, cur.BalancingType)
	} else {
		if err := checkNewPort(*st.LoadBalancer, d.Key); err != nil {
			return State{}, nil, err
		}
		cur = newListener(d)
		lb.Ports = append(lb.Ports, d.Key)
		calls = append(calls, call{nifcloud.ActionRegisterPortWithLoadBalancer, &nifcloud.RegisterPortWithLoadBalancerInput{
			LoadBalancerName: d.LoadBalancerName, Listener: newListenerInput(cur),
		}})
	}
	l, more := planListener(d, cur)
	if err := checkFilterSize(l); err != nil {
		return State{}, nil, err
	}
	return State{LoadBalancer: &lb, Listener: &l}, append(calls, more...), nil
}

// planCreate plans a new load balancer with the port definition of d.
func planCreate(d Desired) (State, []call, error) {
	if nifcloud.BareLoadBalancerName(d.LoadBalancerName) != d.LoadBalancerName {
		return State{}, nil, fmt.Errorf("load balancer %s does not exist, and a load balancer shared by another NIFCLOUD ID cannot be created", d.LoadBalancerName)
	}
	lb := LoadBalancer{
		Name:           d.LoadBalancerName,
		NetworkVolume:  cmp.Or(d.NetworkVolume, DefaultNetworkVolume),
		AccountingType: cmp.Or(d.AccountingType, DefaultAccountingType),
		IPVersion:      cmp.Or(d.IPVersion, DefaultIPVersion),
		PolicyType:     cmp.Or(d.PolicyType, DefaultPolicyType),
		Ports:          []Key{d.Key},
	}
	cur := newListener(d)
	create := call{nifcloud.ActionCreateLoadBalancer, &nifcloud.CreateLoadBalancerInput{
		LoadBalancerName: d.LoadBalancerName, Listener: newListenerInput(cur),
		NetworkVolume: lb.NetworkVolume, IPVersion: lb.IPVersion, AccountingType: lb.AccountingType, PolicyType: lb.PolicyType,
	}}
	l, more := planListener(d, cur)
	if err := checkFilterSize(l); err != nil {
		return State{}, nil, err
	}
	return State{LoadBalancer: &lb, Listener: &l}, append([]call{create}, more...), nil
}

// checkCreateOnly refuses a request to change the settings that only a
// create sets.
func checkCreateOnly(lb LoadBalancer, d Desired) error {
	for _, s := range []struct{ what, have, want string }{
		{"IP version", lb.IPVersion, d.IPVersion},
		{"policy type", lb.PolicyType, d.PolicyType},
	} {
		if s.want != "" && s.have != "" && s.want != s.have {
			return fmt.Errorf("load balancer %s has %s %s, not %s: the %s is set when a load balancer is created and cannot be changed",
				lb.Name, s.what, s.have, s.want, s.what)
		}
	}
	return nil
}

// checkNewPort refuses a port definition that the load balancer cannot
// take: its LoadBalancerPort is used by another port definition, or the
// load balancer has as many as it can have.
func checkNewPort(lb LoadBalancer, key Key) error {
	for _, p := range lb.Ports {
		if p.LoadBalancerPort == key.LoadBalancerPort {
			return fmt.Errorf("load balancer %s already listens on port %d, with the port definition %d->%d: a load balancer port has one port definition; "+
				"delete that one first, or ask for %d->%d", lb.Name, p.LoadBalancerPort, p.LoadBalancerPort, p.InstancePort, p.LoadBalancerPort, p.InstancePort)
		}
	}
	if len(lb.Ports) >= maxPorts {
		return fmt.Errorf("load balancer %s already has %d port definitions, the most it can have: cannot add %d->%d", lb.Name, len(lb.Ports), key.LoadBalancerPort, key.InstancePort)
	}
	return nil
}

// maxPorts is the most port definitions a load balancer has (reference
// §4.0).
const maxPorts = 3

// checkFilterSize refuses a filter that would hold too many addresses.
func checkFilterSize(l Listener) error {
	if n := len(l.Filter.IPAddresses); n > MaxFilterAddresses {
		return fmt.Errorf("the filter would hold %d addresses, more than the %d it can hold", n, MaxFilterAddresses)
	}
	return nil
}

// planLoadBalancer plans the change of an existing load balancer's
// bandwidth and accounting type, and of the balancing type of its existing
// port definition: one UpdateLoadBalancer call, if any.
func planLoadBalancer(st State, d Desired) (LoadBalancer, []call) {
	lb := *st.LoadBalancer
	lb.Ports = slices.Clone(lb.Ports)
	in := &nifcloud.UpdateLoadBalancerInput{LoadBalancerName: d.LoadBalancerName}
	if d.NetworkVolume != 0 && d.NetworkVolume != lb.NetworkVolume {
		in.NetworkVolumeUpdate, lb.NetworkVolume = d.NetworkVolume, d.NetworkVolume
	}
	if d.AccountingType != "" && d.AccountingType != lb.AccountingType {
		in.AccountingTypeUpdate, lb.AccountingType = d.AccountingType, d.AccountingType
	}
	if l := st.Listener; l != nil && d.BalancingType != 0 && d.BalancingType != l.BalancingType {
		in.ListenerUpdate = &nifcloud.ListenerUpdate{LoadBalancerPort: d.LoadBalancerPort, InstancePort: d.InstancePort,
			Listener: nifcloud.Listener{BalancingType: d.BalancingType}}
	}
	if in.NetworkVolumeUpdate == 0 && in.AccountingTypeUpdate == "" && in.ListenerUpdate == nil {
		return lb, nil
	}
	return lb, []call{{nifcloud.ActionUpdateLoadBalancer, in}}
}

// newListener is a new port definition of d, as its create leaves it: the
// API's own health check is unknown (zero), the filter allows all, no
// options, no servers.
func newListener(d Desired) Listener {
	return Listener{
		Protocol:         protocolFor(d.LoadBalancerPort),
		LoadBalancerPort: d.LoadBalancerPort,
		InstancePort:     d.InstancePort,
		BalancingType:    cmp.Or(d.BalancingType, DefaultBalancingType),
		Filter:           nifcloud.Filter{FilterType: DefaultFilterType, IPAddresses: []string{}},
		Instances:        []string{},
		InstanceStates:   []nifcloud.InstanceState{},
	}
}

// newListenerInput is the listener of the create or the port registration
// of l.
func newListenerInput(l Listener) nifcloud.Listener {
	return nifcloud.Listener{LoadBalancerPort: l.LoadBalancerPort, InstancePort: l.InstancePort, BalancingType: l.BalancingType}
}

// protocolFor is the protocol the API derives from a LoadBalancerPort.
func protocolFor(lbPort int) string {
	switch lbPort {
	case 80:
		return nifcloud.ProtocolHTTP
	case 443:
		return nifcloud.ProtocolHTTPS
	case 21:
		return nifcloud.ProtocolFTP
	}
	return ""
}

// planListener plans the health check, filter and options of port
// definition cur.
func planListener(d Desired, cur Listener) (Listener, []call) {
	l := cur
	var calls []call
	for _, step := range []func(Desired, *Listener) *call{planHealthCheck, planFilter, planOptions} {
		if c := step(d, &l); c != nil {
			calls = append(calls, *c)
		}
	}
	return l, calls
}

// planHealthCheck sets the health check of l to what d asks for and
// returns the call that does it, or nil when nothing changes. A request
// without a health check leaves it as it is, even on a new port definition
// (the "default on create: none"). Fields the request leaves out
// keep their current values; when those are unknown (a new port definition,
// or one the API shows without a health check), the defaults fill in, since
// ConfigureHealthCheck needs the target, interval and threshold.
func planHealthCheck(d Desired, l *Listener) *call {
	if d.HealthCheck == (HealthCheck{}) {
		return nil
	}
	cur, want := l.HealthCheck, l.HealthCheck
	if want == (HealthCheck{}) {
		want = HealthCheck{Target: DefaultHealthCheckTarget(d.InstancePort), Interval: DefaultHealthCheckInterval,
			UnhealthyThreshold: DefaultHealthCheckThreshold, HealthyThreshold: DefaultHealthCheckThreshold}
	}
	h := d.HealthCheck
	want.Target = cmp.Or(h.Target, want.Target)
	want.Interval = cmp.Or(h.Interval, want.Interval)
	want.UnhealthyThreshold = cmp.Or(h.UnhealthyThreshold, want.UnhealthyThreshold)
	want.HealthyThreshold = cmp.Or(h.HealthyThreshold, want.HealthyThreshold)
	if want == cur {
		return nil
	}
	l.HealthCheck = want
	return &call{nifcloud.ActionConfigureHealthCheck, &nifcloud.ConfigureHealthCheckInput{
		LoadBalancerName: d.LoadBalancerName, LoadBalancerPort: d.LoadBalancerPort, InstancePort: d.InstancePort,
		Target: want.Target, Interval: want.Interval, UnhealthyThreshold: want.UnhealthyThreshold, HealthyThreshold: want.HealthyThreshold,
	}}
}

// planFilter sets the filter of l to what d asks for and returns the call
// that does it, or nil when nothing changes: one SetFilterForLoadBalancer
// with the type and every removal and addition. Addresses are compared, and
// added, in their canonical form (CanonicalAddress); those the API shows
// are removed as it spells them.
func planFilter(d Desired, l *Listener) *call {
	fc := d.Filter
	if fc == nil {
		return nil
	}
	want := map[string]bool{}
	for _, c := range canonicalAddresses(fc.Addresses) {
		want[c] = true
	}
	var changes nifcloud.FilterChanges
	have, kept := map[string]bool{}, []string{}
	for _, a := range l.Filter.IPAddresses {
		c := canonicalOrSelf(a)
		if fc.Purge && !want[c] {
			changes.Remove = append(changes.Remove, a)
			continue
		}
		kept, have[c] = append(kept, a), true
	}
	for _, c := range canonicalAddresses(fc.Addresses) {
		if !have[c] {
			changes.Add, kept, have[c] = append(changes.Add, c), append(kept, c), true
		}
	}
	typeChange := fc.Type != "" && fc.Type != l.Filter.FilterType
	if !typeChange && len(changes.Add) == 0 && len(changes.Remove) == 0 {
		return nil
	}
	in := &nifcloud.SetFilterForLoadBalancerInput{LoadBalancerName: d.LoadBalancerName, LoadBalancerPort: d.LoadBalancerPort, InstancePort: d.InstancePort,
		IPAddresses: changes}
	if typeChange {
		in.FilterType = fc.Type
	}
	l.Filter = nifcloud.Filter{FilterType: cmp.Or(fc.Type, l.Filter.FilterType), IPAddresses: kept}
	return &call{nifcloud.ActionSetFilterForLoadBalancer, in}
}

// canonicalOrSelf is the canonical form of an address the API showed, or
// the address itself when it does not parse.
func canonicalOrSelf(a string) string {
	if c, ok := CanonicalAddress(a); ok {
		return c
	}
	return a
}

// planOptions sets the session stickiness and the sorry page of l to what
// d asks for and returns the one UpdateLoadBalancerOption call that does
// it, or nil when nothing changes. An option turned off has no period or
// status code (see Listener).
func planOptions(d Desired, l *Listener) *call {
	in := &nifcloud.UpdateLoadBalancerOptionInput{LoadBalancerName: d.LoadBalancerName, LoadBalancerPort: d.LoadBalancerPort, InstancePort: d.InstancePort}
	if s := d.Stickiness; s != nil && (s.Enabled != l.Stickiness.Enabled || s.Enabled && s.ExpirationPeriod != l.Stickiness.ExpirationPeriod) {
		l.Stickiness = nifcloud.SessionStickinessPolicy{Enabled: s.Enabled}
		if s.Enabled {
			l.Stickiness.ExpirationPeriod = s.ExpirationPeriod
		}
		update := l.Stickiness
		in.SessionStickinessPolicyUpdate = &update
	}
	if p := d.SorryPage; p != nil && (p.Enabled != l.SorryPage.Enabled || p.Enabled && p.StatusCode != l.SorryPage.StatusCode) {
		l.SorryPage = nifcloud.SorryPage{Enabled: p.Enabled}
		if p.Enabled {
			l.SorryPage.StatusCode = p.StatusCode
		}
		update := l.SorryPage
		in.SorryPageUpdate = &update
	}
	if in.SessionStickinessPolicyUpdate == nil && in.SorryPageUpdate == nil {
		return nil
	}
	return &call{nifcloud.ActionUpdateLoadBalancerOption, in}
}

package nifcloudtest

import (
	"slices"
	"time"
)

// lbState is the emulator's record of one load balancer.
type lbState struct {
	name                    string
	dnsName                 string
	networkVolume           int
	policyType              string
	ipVersion               string
	zones                   []string
	accountingType          string
	nextMonthAccountingType string
	description             string
	createdTime             time.Time
	visibleAt               time.Time // zero: visible at once
	ports                   []*portState
}

// portState is one port definition.
type portState struct {
	protocol      string
	lbPort        int
	instPort      int
	balancingType int
	sslCertID     string
	createdTime   time.Time
	visibleAt     time.Time // zero: visible at once
	members       []*memberState
	health        HealthCheck
	filterType    int
	filterAddrs   []string
	option        *Option
}

// memberState is a registered server.
type memberState struct {
	id           string
	registeredAt time.Time
	forced       string // "" or a Health* state
}

// instanceState is a known server.
type instanceState struct {
	id        string
	uniqueID  string
	unhealthy bool
}

// helperView is the "now" of the test helpers (Members, SetHealth, ...):
// they see load balancers and port definitions that API calls do not see
// yet (Options.CreateVisibilityDelay).
var helperView = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// visibleAt reports whether something that becomes visible at "at" (zero:
// always) is visible to a call at now.
func visibleAt(at, now time.Time) bool {
	return !now.Before(at)
}

// findLB returns the load balancer called name, visible or not, or nil.
func (s *Server) findLB(name string) *lbState {
	for _, lb := range s.lbs {
		if lb.name == name {
			return lb
		}
	}
	return nil
}

// visibleLB returns the load balancer called name if a call at now can see
// it, or nil.
func (s *Server) visibleLB(name string, now time.Time) *lbState {
	if lb := s.findLB(name); lb != nil && visibleAt(lb.visibleAt, now) {
		return lb
	}
	return nil
}

// visiblePorts returns the port definitions of lb a call at now can see.
func (lb *lbState) visiblePorts(now time.Time) []*portState {
	out := make([]*portState, 0, len(lb.ports))
	for _, p := range lb.ports {
		if visibleAt(p.visibleAt, now) {
			out = append(out, p)
		}
	}
	return out
}

// findPort returns the port definition of lb with the pair key that a call
// at now can see, or nil.
func (lb *lbState) findPort(key portKey, now time.Time) *portState {
	for _, p := range lb.visiblePorts(now) {
		if p.lbPort == key.LoadBalancerPort && p.instPort == key.InstancePort {
			return p
		}
	}
	return nil
}

// lookupPort returns the port definition named by lb and key as a call at
// now sees it, or the live API's not-found error.
func (s *Server) lookupPort(name string, key portKey, now time.Time) (*lbState, *portState, *apiError) {
	lb := s.visibleLB(name, now)
	if lb == nil {
		return nil, nil, errLoadBalancerNotFound(name)
	}
	p := lb.findPort(key, now)
	if p == nil {
		return nil, nil, errPortNotFound(name, key.LoadBalancerPort, key.InstancePort)
	}
	return lb, p, nil
}

// memberIndex returns the position of server id among p's members, or -1.
func (p *portState) memberIndex(id string) int {
	return memberIndex(p.members, id)
}

// memberIndex returns the position of server id in ms, or -1.
func memberIndex(ms []*memberState, id string) int {
	return slices.IndexFunc(ms, func(m *memberState) bool { return m.id == id })
}

// uniqueID returns the unique id of a known server, or "".
func (s *Server) uniqueID(id string) string {
	if in := s.instances[id]; in != nil {
		return in.uniqueID
	}
	return ""
}

// removeLB deletes lb from the state.
func (s *Server) removeLB(lb *lbState) {
	s.lbs = slices.DeleteFunc(s.lbs, func(x *lbState) bool { return x == lb })
}

// snapshot returns a deep copy of the state at time now.
func (s *Server) snapshot(now time.Time) State {
	st := State{LoadBalancers: []LoadBalancer{}, ElasticLoadBalancers: s.snapshotELBs(now), Instances: []Instance{}}
	for _, id := range s.instanceOrder {
		in := s.instances[id]
		st.Instances = append(st.Instances, Instance{InstanceID: in.id, UniqueID: in.uniqueID, Unhealthy: in.unhealthy})
	}
	for _, lb := range s.lbs {
		out := LoadBalancer{
			Name:                    lb.name,
			DNSName:                 lb.dnsName,
			NetworkVolume:           lb.networkVolume,
			PolicyType:              lb.policyType,
			IPVersion:               lb.ipVersion,
			AvailabilityZones:       slices.Clone(lb.zones),
			AccountingType:          lb.accountingType,
			NextMonthAccountingType: lb.nextMonthAccountingType,
			Description:             lb.description,
			CreatedTime:             lb.createdTime,
			VisibleAt:               lb.visibleAt,
		}
		for _, p := range lb.ports {
			out.Ports = append(out.Ports, s.snapshotPort(p, now))
		}
		st.LoadBalancers = append(st.LoadBalancers, out)
	}
	return st
}

func (s *Server) snapshotPort(p *portState, now time.Time) Port {
	out := Port{
		Protocol:         p.protocol,
		LoadBalancerPort: p.lbPort,
		InstancePort:     p.instPort,
		BalancingType:    p.balancingType,
		SSLCertificateID: p.sslCertID,
		CreatedTime:      p.createdTime,
		VisibleAt:        p.visibleAt,
		HealthCheck:      p.health,
		Filter:           Filter{FilterType: p.filterType, IPAddresses: slices.Clone(p.filterAddrs)},
	}
	if p.option != nil {
		opt := *p.option
		out.Option = &opt
	}
	out.Members = s.snapshotMembers(p.members, now)
	return out
}

package nifcloudtest

import (
	"slices"
	"strings"
	"time"
)

// elbState is the emulator's record of one elastic load balancer.
type elbState struct {
	name                    string
	id                      string
	dnsName                 string
	networkVolume           int
	accountingType          string
	nextMonthAccountingType string
	zone                    string
	nics                    []NetworkInterface
	version                 string
	versionOutdated         bool
	createdTime             time.Time
	busyState               string    // "" when available
	busyUntil               time.Time // end of busyState; zero: for ever
	listeners               []*elbListenerState
}

// elbListenerState is one listener of an elastic load balancer.
type elbListenerState struct {
	key           elbKey
	balancingType int
	description   string
	sslCertID     string
	stickiness    ElasticStickiness
	sorryPage     ElasticSorryPage
	health        ElasticHealthCheck
	members       []*memberState
}

// elbRef is how a call names an elastic load balancer: label is the
// parameter as the live API's messages spell it (e.g.
// "ElasticLoadBalancerName", "ElasticLoadBalancers_ElasticLoadBalancerId"),
// value what was sent, byID whether value is an
// ElasticLoadBalancerId.
type elbRef struct {
	label string
	value string
	byID  bool
}

// elbKey identifies an elastic listener: protocol (upper case) and ports.
type elbKey struct {
	protocol string
	elbPort  int
	instPort int
}

// state is the State of elb at now.
func (elb *elbState) state(now time.Time) string {
	if elb.busyState != "" && (elb.busyUntil.IsZero() || now.Before(elb.busyUntil)) {
		return elb.busyState
	}
	return ElasticStateAvailable
}

// findListener returns the listener of elb with key, or nil.
func (elb *elbState) findListener(key elbKey) *elbListenerState {
	for _, l := range elb.listeners {
		if l.key == key {
			return l
		}
	}
	return nil
}

// findELB returns the elastic load balancer ref names, or nil.
func (s *Server) findELB(ref elbRef) *elbState {
	for _, elb := range s.elbs {
		if (ref.byID && elb.id == ref.value) || (!ref.byID && elb.name == ref.value) {
			return elb
		}
	}
	return nil
}

// helperRef is the elbRef of a test helper's nameOrID argument: an id when
// it starts with "elb-" (names have no dash), a name otherwise.
func helperRef(nameOrID string) elbRef {
	if strings.HasPrefix(nameOrID, "elb-") {
		return elbRef{label: "ElasticLoadBalancerId", value: nameOrID, byID: true}
	}
	return elbRef{label: "ElasticLoadBalancerName", value: nameOrID}
}

// lookupListener returns the elastic load balancer and listener named by
// ref and key, or the live API's not-found error.
func (s *Server) lookupListener(ref elbRef, key elbKey) (*elbState, *elbListenerState, *apiError) {
	elb := s.findELB(ref)
	if elb == nil {
		return nil, nil, errElasticNotFound(ref)
	}
	l := elb.findListener(key)
	if l == nil {
		return nil, nil, errElasticListenerNotFound(ref, key)
	}
	return elb, l, nil
}

// snapshotELBs returns deep copies of the elastic load balancers at now.
func (s *Server) snapshotELBs(now time.Time) []ElasticLoadBalancer {
	out := []ElasticLoadBalancer{}
	for _, elb := range s.elbs {
		e := ElasticLoadBalancer{
			Name:                    elb.name,
			ID:                      elb.id,
			DNSName:                 elb.dnsName,
			NetworkVolume:           elb.networkVolume,
			AccountingType:          elb.accountingType,
			NextMonthAccountingType: elb.nextMonthAccountingType,
			AvailabilityZone:        elb.zone,
			NetworkInterfaces:       cloneNICs(elb.nics),
			Version:                 elb.version,
			VersionOutdated:         elb.versionOutdated,
			CreatedTime:             elb.createdTime,
			State:                   elb.state(now),
		}
		if e.State != ElasticStateAvailable {
			e.StateUntil = elb.busyUntil
		}
		for _, l := range elb.listeners {
			e.Listeners = append(e.Listeners, s.snapshotListener(l, now))
		}
		out = append(out, e)
	}
	return out
}

func (s *Server) snapshotListener(l *elbListenerState, now time.Time) ElasticListener {
	hc := l.health
	hc.Expectation = slices.Clone(hc.Expectation)
	return ElasticListener{
		Protocol:                l.key.protocol,
		ElasticLoadBalancerPort: l.key.elbPort,
		InstancePort:            l.key.instPort,
		BalancingType:           l.balancingType,
		Description:             l.description,
		SSLCertificateID:        l.sslCertID,
		SessionStickiness:       l.stickiness,
		SorryPage:               l.sorryPage,
		Members:                 s.snapshotMembers(l.members, now),
		HealthCheck:             hc,
	}
}

// snapshotMembers copies members with their health at now.
func (s *Server) snapshotMembers(ms []*memberState, now time.Time) []Member {
	var out []Member
	for _, m := range ms {
		out = append(out, Member{
			InstanceID:   m.id,
			Health:       m.forced,
			RegisteredAt: m.registeredAt,
			State:        s.healthOf(m, now),
		})
	}
	return out
}

// cloneNICs deep-copies network interfaces.
func cloneNICs(nics []NetworkInterface) []NetworkInterface {
	out := slices.Clone(nics)
	for i := range out {
		out[i].SystemIPAddresses = slices.Clone(out[i].SystemIPAddresses)
	}
	return out
}

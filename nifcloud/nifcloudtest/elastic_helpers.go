package nifcloudtest

import (
	"fmt"
	"time"
)

// helperListener looks up an elastic listener for a test helper.
func (s *Server) helperListener(nameOrID, protocol string, elbPort, instPort int) (*elbState, *elbListenerState, *apiError) {
	proto, ok := elasticProtocol(protocol)
	if !ok {
		return nil, nil, errIllegal("Protocol", protocol, "must be TCP, UDP, HTTP or HTTPS")
	}
	return s.lookupListener(helperRef(nameOrID), elbKey{protocol: proto, elbPort: elbPort, instPort: instPort})
}

// ElasticMembers returns the servers registered on the listener (protocol,
// elbPort, instPort) of the elastic load balancer nameOrID (a name, or an
// id such as "elb-0a1b2c3d") in registration order, or nil if there is no
// such listener.
func (s *Server) ElasticMembers(nameOrID, protocol string, elbPort, instPort int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, l, apiErr := s.helperListener(nameOrID, protocol, elbPort, instPort)
	if apiErr != nil {
		return nil
	}
	out := make([]string, 0, len(l.members))
	for _, m := range l.members {
		out = append(out, m.id)
	}
	return out
}

// SetElasticHealth forces the health state reported for server instanceID
// on an elastic listener, as SetHealth does for classic port definitions:
// HealthInService, HealthOutOfService, HealthPending (listed with an empty
// State) or empty to follow the health progression again.
func (s *Server) SetElasticHealth(nameOrID, protocol string, elbPort, instPort int, instanceID, health string) error {
	if !validForcedHealth(health) {
		return fmt.Errorf("set elastic health of %q: state %q: want empty, %s, %s or %s",
			instanceID, health, HealthInService, HealthOutOfService, HealthPending)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, l, apiErr := s.helperListener(nameOrID, protocol, elbPort, instPort)
	if apiErr != nil {
		return fmt.Errorf("set elastic health of %q: %w", instanceID, apiErr)
	}
	i := memberIndex(l.members, instanceID)
	if i < 0 {
		in := elbInstance{field: "InstanceId", given: instanceID}
		return fmt.Errorf("set elastic health of %q: %w", instanceID, errElasticInstanceNotRegistered(in, helperRef(nameOrID)))
	}
	l.members[i].forced = health
	return nil
}

// SetElasticState forces the State of the elastic load balancer nameOrID
// until the given time (zero: until the next SetElasticState), e.g. to
// start a test with a busy load balancer: while the State is not
// ElasticStateAvailable, Register and Deregister are refused with
// Options.ElasticBusyCode. ElasticStateAvailable (or "") makes it
// available at once.
func (s *Server) SetElasticState(nameOrID, state string, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	elb := s.findELB(helperRef(nameOrID))
	if elb == nil {
		return fmt.Errorf("set elastic state: %w", errElasticNotFound(helperRef(nameOrID)))
	}
	if state == ElasticStateAvailable {
		state = ""
	}
	elb.busyState, elb.busyUntil = state, until
	if state == "" {
		elb.busyUntil = time.Time{}
	}
	return nil
}

package nifcloudtest

import (
	"fmt"
	"time"
)

// healthOf is the health state of member m at time now: a forced state if
// one is set, otherwise the progression of Options.Health from the
// registration, with a pinned-unhealthy server held OutOfService.
func (s *Server) healthOf(m *memberState, now time.Time) string {
	if m.forced != "" {
		return m.forced
	}
	// A zero registration time (a seeded member) means long ago.
	recent := func(d time.Duration) bool {
		return d > 0 && !m.registeredAt.IsZero() && now.Sub(m.registeredAt) < d
	}
	pinned := s.instances[m.id] != nil && s.instances[m.id].unhealthy
	switch {
	case recent(s.opts.Health.Appear):
		return HealthPending
	case pinned || recent(s.opts.Health.InService):
		return HealthOutOfService
	}
	return HealthInService
}

// SetHealth forces the health state reported for server instanceID on the
// port definition (lb, lbPort, instPort): HealthInService,
// HealthOutOfService or HealthPending (absent from InstanceStates). An
// empty health removes the forced state, so the server follows the health
// progression again. Deregistering the server also removes it.
func (s *Server) SetHealth(lb string, lbPort, instPort int, instanceID, health string) error {
	if !validForcedHealth(health) {
		return fmt.Errorf("set health of %q: state %q: want empty, %s, %s or %s",
			instanceID, health, HealthInService, HealthOutOfService, HealthPending)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, apiErr := s.lookupPort(lb, portKey{lbPort, instPort}, helperView)
	if apiErr != nil {
		return fmt.Errorf("set health of %q: %w", instanceID, apiErr)
	}
	i := p.memberIndex(instanceID)
	if i < 0 {
		return fmt.Errorf("set health of %q: %w", instanceID, errInstanceNotRegistered(instanceID, lb))
	}
	p.members[i].forced = health
	return nil
}

// PinUnhealthy makes the known server instanceID fail its health checks:
// wherever it is registered it is reported OutOfService (once its first
// result has appeared) until UnpinUnhealthy. Forced states (SetHealth) take
// precedence.
func (s *Server) PinUnhealthy(instanceID string) error {
	return s.setUnhealthy(instanceID, true)
}

// UnpinUnhealthy undoes PinUnhealthy.
func (s *Server) UnpinUnhealthy(instanceID string) error {
	return s.setUnhealthy(instanceID, false)
}

func (s *Server) setUnhealthy(instanceID string, unhealthy bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.instances[instanceID]
	if in == nil {
		return fmt.Errorf("pin health of %q: %w", instanceID, errInstanceNotExist(instanceID))
	}
	in.unhealthy = unhealthy
	return nil
}

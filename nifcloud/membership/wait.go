package membership

import (
	"context"
	"fmt"
	"strings"
	"time"

	"nifcloud_lb/nifcloud"
)

// StateUnknown is reported for a server that has no health result yet (it
// is not listed in InstanceStates, as happens just after registration).
const StateUnknown = "Unknown"

// Poll interval bounds: half the health check's own interval, clamped.
const (
	MinPollInterval     = 2 * time.Second
	MaxPollInterval     = 30 * time.Second
	DefaultPollInterval = 5 * time.Second
)

// Health is the latest health result of one server.
type Health struct {
	// InstanceID is the server name.
	InstanceID string
	// State is "InService", "OutOfService", or StateUnknown.
	State string
	// ReasonCode is the API's reason code, usually empty.
	ReasonCode string
	// Description is the API's description, usually empty.
	Description string
}

// PollInterval returns how often to poll the health of a port definition
// whose health check runs every healthCheckSeconds: half that interval, so
// that a new result is seen at most half an interval late, within
// MinPollInterval and MaxPollInterval; DefaultPollInterval when unknown.
func PollInterval(healthCheckSeconds int) time.Duration {
	if healthCheckSeconds <= 0 {
		return DefaultPollInterval
	}
	return min(max(time.Duration(healthCheckSeconds)*time.Second/2, MinPollInterval), MaxPollInterval)
}

// WaitTimeoutError reports servers that were not InService in time.
type WaitTimeoutError struct {
	// Listener is the listener.
	Listener Listener
	// Timeout is how long the run waited.
	Timeout time.Duration
	// NotInService holds the last health of the servers not in service.
	NotInService []Health
}

func (e *WaitTimeoutError) Error() string {
	parts := make([]string, len(e.NotInService))
	for i, h := range e.NotInService {
		parts[i] = h.InstanceID + " " + h.State
		if h.State == StateUnknown {
			parts[i] = h.InstanceID + " (no health result yet)"
		}
	}
	return fmt.Sprintf("timed out after %s waiting for %s to report InService: %s", e.Timeout, e.Listener, strings.Join(parts, ", "))
}

// WaitInService polls the health of instances on the listener every
// interval until all of them are InService, and returns their health. A
// server missing from the reply, or reported with an empty state, has no
// result yet and is waited for. When timeout passes first, it returns the
// last health with a *WaitTimeoutError.
func (r *Reconciler) WaitInService(ctx context.Context, l Listener, instances []string, interval, timeout time.Duration) ([]Health, error) {
	want := Sorted(instances)
	if len(want) == 0 {
		return []Health{}, nil
	}
	deadline := r.clock().Now().Add(timeout)
	for {
		states, err := l.Health(ctx, want)
		if err != nil {
			return nil, err
		}
		health, waiting := healthOf(want, states)
		if len(waiting) == 0 {
			return health, nil
		}
		left := deadline.Sub(r.clock().Now())
		if left <= 0 {
			return health, &WaitTimeoutError{Listener: l, Timeout: timeout, NotInService: waiting}
		}
		if err := r.clock().Sleep(ctx, min(interval, left)); err != nil {
			return health, fmt.Errorf("wait for %s: %w", l, err)
		}
	}
}

// healthOf returns the health of each wanted server (StateUnknown when not
// reported) and the ones that are not InService.
func healthOf(want []string, states []Health) (all, waiting []Health) {
	byID := make(map[string]Health, len(states))
	for _, s := range states {
		byID[s.InstanceID] = s
	}
	all = make([]Health, 0, len(want))
	for _, id := range want {
		h := Health{InstanceID: id, State: StateUnknown}
		if s, ok := byID[id]; ok && s.State != "" {
			h = s
		}
		all = append(all, h)
		if h.State != nifcloud.InstanceStateInService {
			waiting = append(waiting, h)
		}
	}
	return all, waiting
}

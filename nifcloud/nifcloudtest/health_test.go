package nifcloudtest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// memberState returns the snapshot state of a member of weblb01 80->8080.
func memberState(t *testing.T, srv *nifcloudtest.Server, id string) string {
	t.Helper()
	for _, m := range srv.State().LoadBalancers[0].Ports[0].Members {
		if m.InstanceID == id {
			return m.State
		}
	}
	t.Fatalf("%s is not a member", id)
	return ""
}

func TestHealthProgression(t *testing.T) {
	opts := referenceOptions()
	opts.Health = nifcloudtest.Health{Appear: time.Second, InService: 3 * time.Second}
	e := newEnv(t, opts)
	got := e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web003")...))
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	describeStates := func() []string {
		ds := e.describe(url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.1": {"80"}, "LoadBalancerNames.InstancePort.1": {"8080"}})
		require.Len(t, ds, 1)
		return ds[0].states()
	}

	steps := []struct {
		advance time.Duration
		want    string // web003's state; Pending means absent
	}{
		{0, nifcloudtest.HealthPending},
		{999 * time.Millisecond, nifcloudtest.HealthPending},
		{time.Millisecond, nifcloudtest.HealthOutOfService},
		{1999 * time.Millisecond, nifcloudtest.HealthOutOfService},
		{time.Millisecond, nifcloudtest.HealthInService},
		{time.Hour, nifcloudtest.HealthInService},
	}
	for i, s := range steps {
		e.clock.Advance(s.advance)
		want := []string{"web001=InService", "web002=OutOfService"}
		if s.want != nifcloudtest.HealthPending {
			want = append(want, "web003="+s.want)
		}
		assert.Equal(t, want, e.health("weblb01", 80, 8080), "step %d", i)
		assert.Equal(t, want, describeStates(), "step %d", i)
		assert.Equal(t, s.want, memberState(t, e.srv, "web003"), "step %d", i)
	}

	// Pinned unhealthy: OutOfService everywhere until unpinned.
	require.NoError(t, e.srv.PinUnhealthy("web001"))
	assert.Equal(t, []string{"web001=OutOfService", "web002=OutOfService", "web003=InService"}, describeStates())
	assert.True(t, e.srv.State().Instances[0].Unhealthy)
	require.NoError(t, e.srv.UnpinUnhealthy("web001"))
	assert.Equal(t, []string{"web001=InService", "web002=OutOfService", "web003=InService"}, describeStates())

	// Forced states win and can be cleared.
	require.NoError(t, e.srv.SetHealth("weblb01", 80, 8080, "web002", nifcloudtest.HealthInService))
	require.NoError(t, e.srv.SetHealth("weblb01", 80, 8080, "web003", nifcloudtest.HealthPending))
	assert.Equal(t, []string{"web001=InService", "web002=InService"}, e.health("weblb01", 80, 8080))
	assert.Equal(t, []string{}, e.health("weblb01", 80, 8080, "web003"), "registered, no result")
	require.NoError(t, e.srv.SetHealth("weblb01", 80, 8080, "web003", ""))
	assert.Equal(t, []string{"web003=InService"}, e.health("weblb01", 80, 8080, "web003"))

	// Registering again restarts the progression.
	require.Equal(t, http.StatusOK, e.call("DeregisterInstancesFromLoadBalancer", with(target("weblb01", 80, 8080), instances("web003")...)).Status)
	require.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web003")...)).Status)
	assert.Equal(t, nifcloudtest.HealthPending, memberState(t, e.srv, "web003"))
	e.clock.Advance(time.Second)
	assert.Equal(t, nifcloudtest.HealthOutOfService, memberState(t, e.srv, "web003"))

	// Pinning does not make a result appear early.
	require.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 443, 8443), instances("web003")...)).Status)
	require.NoError(t, e.srv.PinUnhealthy("web003"))
	assert.Equal(t, []string{}, e.health("weblb01", 443, 8443, "web003"))
	e.clock.Advance(10 * time.Second)
	assert.Equal(t, []string{"web003=OutOfService"}, e.health("weblb01", 443, 8443, "web003"))
}

func TestHealthZeroDelays(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web003")...)).Status)
	assert.Equal(t, []string{"web003=InService"}, e.health("weblb01", 80, 8080, "web003"))
	require.NoError(t, e.srv.PinUnhealthy("web003"))
	assert.Equal(t, []string{"web003=OutOfService"}, e.health("weblb01", 80, 8080, "web003"))
}

func TestHealthInServiceShorterThanAppear(t *testing.T) {
	opts := referenceOptions()
	opts.Health = nifcloudtest.Health{Appear: 2 * time.Second, InService: time.Second}
	e := newEnv(t, opts)
	require.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web003")...)).Status)
	e.clock.Advance(1500 * time.Millisecond)
	assert.Equal(t, nifcloudtest.HealthPending, memberState(t, e.srv, "web003"))
	e.clock.Advance(500 * time.Millisecond)
	assert.Equal(t, nifcloudtest.HealthInService, memberState(t, e.srv, "web003"))
}

func TestSeededRegistrationTime(t *testing.T) {
	opts := referenceOptions()
	opts.Health = nifcloudtest.Health{Appear: time.Second, InService: 3 * time.Second}
	opts.LoadBalancers[0].Ports[0].Members = append(opts.LoadBalancers[0].Ports[0].Members,
		nifcloudtest.Member{InstanceID: "web003", RegisteredAt: t0.Add(-2 * time.Second)})
	e := newEnv(t, opts)
	assert.Equal(t, nifcloudtest.HealthInService, memberState(t, e.srv, "web001"), "zero RegisteredAt means long ago")
	assert.Equal(t, nifcloudtest.HealthOutOfService, memberState(t, e.srv, "web003"))
	e.clock.Advance(time.Second)
	assert.Equal(t, nifcloudtest.HealthInService, memberState(t, e.srv, "web003"))
}

func TestHealthHelperErrors(t *testing.T) {
	e := newEnv(t, referenceOptions())
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"bad state", e.srv.SetHealth("weblb01", 80, 8080, "web001", "Unknown"), `state "Unknown"`},
		{"not registered", e.srv.SetHealth("weblb01", 80, 8080, "web003", nifcloudtest.HealthInService), "does not register"},
		{"unknown load balancer", e.srv.SetHealth("nolb", 80, 8080, "web001", nifcloudtest.HealthInService), nifcloudtest.CodeLoadBalancerNotFound},
		{"unknown port", e.srv.SetHealth("weblb01", 81, 8080, "web001", nifcloudtest.HealthInService), nifcloudtest.CodeLoadBalancerPortNotFound},
		{"pin unknown server", e.srv.PinUnhealthy("web009"), "does not exist"},
		{"unpin unknown server", e.srv.UnpinUnhealthy("web009"), "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Error(t, tt.err)
			assert.Contains(t, tt.err.Error(), tt.want)
		})
	}
}

package listener

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

// newKey is a load balancer the seed does not have.
var newKey = Key{LoadBalancerName: "newlb", LoadBalancerPort: 80, InstancePort: 80}

func TestEventualConsistency(t *testing.T) {
	t.Run("calls after this run's create are tried again until it shows", func(t *testing.T) {
		opts := seed()
		opts.CreateVisibilityDelay = 5 * time.Second
		e := newEnv(t, opts)
		c, err := e.rec.Present(t.Context(), Desired{Key: newKey, HealthCheck: HealthCheck{Target: "ICMP"}, Filter: &FilterChange{Addresses: []string{"192.0.2.1"}}})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, create, health, health, health, health, setFilter}, e.actions())
		assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, e.sleeps, "1 s, doubling")
		assert.Equal(t, []string{create, health, setFilter}, c.Actions)
		e.requireAfterIsTrue(t, newKey, c)
	})
	t.Run("a new port definition too", func(t *testing.T) {
		opts := seed()
		opts.CreateVisibilityDelay = 2 * time.Second
		e := newEnv(t, opts)
		key := Key{LoadBalancerName: "weblb01", LoadBalancerPort: 21, InstancePort: 21}
		c, err := e.rec.Present(t.Context(), Desired{Key: key, HealthCheck: HealthCheck{Interval: 30}})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, registerPrt, health, health, health}, e.actions())
		e.requireAfterIsTrue(t, key, c)
	})
	t.Run("gives up after a minute, saying what was created", func(t *testing.T) {
		opts := seed()
		opts.CreateVisibilityDelay = time.Hour
		e := newEnv(t, opts)
		c, err := e.rec.Present(t.Context(), Desired{Key: newKey, HealthCheck: HealthCheck{UnhealthyThreshold: 3}})
		require.Error(t, err)
		assert.True(t, errors.Is(err, errNotVisible))
		assert.Contains(t, err.Error(), "newlb (80->80) was created, but is still not visible after 1m0s: ConfigureHealthCheck: Client.InvalidParameterNotFound.LoadBalancer")
		assert.Equal(t, []string{create}, c.Actions)
		assert.Equal(t, []time.Duration{1, 2, 4, 8, 10, 10, 10, 10, 5}, seconds(e.sleeps), "capped at 10 s, 60 s in all")
	})
	t.Run("not found without a create of this run is another client's delete", func(t *testing.T) {
		e := newEnv(t, seed())
		e.competeAfter(t, describe, deleteLB, url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"}})
		c, err := e.rec.Present(t.Context(), Desired{Key: key80, HealthCheck: HealthCheck{Interval: 20}})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, health, describe, registerPrt, health}, e.actions(), "read again at once, then converge")
		assert.Empty(t, e.sleeps)
		assert.Equal(t, []string{registerPrt, health}, c.Actions)
		e.requireAfterIsTrue(t, key80, c)
	})
}

// seconds turns durations into whole seconds.
func seconds(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d / time.Second
	}
	return out
}

func TestUnknownOutcomes(t *testing.T) {
	t.Run("a lost reply is read back and counted", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: health, AfterApply: true, Drop: true}))
		c, err := e.rec.Present(t.Context(), Desired{Key: key80, HealthCheck: HealthCheck{Interval: 20}, SorryPage: &nifcloud.SorryPage{Enabled: true, StatusCode: 200}})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, health, describe, option}, e.actions(), "nothing sent twice")
		assert.Equal(t, []string{health, option}, c.Actions)
		assert.Equal(t, []time.Duration{time.Second}, e.sleeps, "a backoff before reading again")
		e.requireAfterIsTrue(t, key80, c)
	})
	t.Run("a change that did not happen is sent again and counted once", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: update, Status: 503, Code: "Server.InternalError"}))
		c, err := e.rec.Present(t.Context(), Desired{Key: key80, NetworkVolume: 30})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, update, describe, update}, e.actions())
		assert.Equal(t, []string{update}, c.Actions)
	})
	t.Run("a lost create reply while the load balancer is hidden", func(t *testing.T) {
		opts := seed()
		opts.CreateVisibilityDelay = 3 * time.Second
		e := newEnv(t, opts)
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: create, AfterApply: true, Status: 504}))
		c, err := e.rec.Present(t.Context(), Desired{Key: newKey})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, create, describe, create, describe, describe, describe}, e.actions(),
			"the second create is refused as existing, then the reads wait for it; its health check is the default")
		assert.Equal(t, []string{create}, c.Actions, "the first create was this run's")
		assert.Equal(t, []time.Duration{1, 1, 2}, seconds(e.sleeps), "the backoff, then the visibility waits")
		e.requireAfterIsTrue(t, newKey, c)
	})
	t.Run("a change that fails every time gives up after five rounds", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: option, Times: nifcloudtest.Forever, Status: 500, Code: "Server.InternalError"}))
		c, err := e.rec.Present(t.Context(), Desired{Key: key80, Stickiness: &nifcloud.SessionStickinessPolicy{Enabled: true, ExpirationPeriod: 5}})
		require.ErrorContains(t, err, "weblb01 (80->8080): UpdateLoadBalancerOption did not go through in 5 rounds")
		assert.ErrorContains(t, err, "Server.InternalError")
		assert.Empty(t, c.Actions, "every read showed it not applied")
		assert.Equal(t, []time.Duration{1, 2, 4, 8, 16}, seconds(e.sleeps))
		assert.Nil(t, c.After)
	})
	t.Run("a read that fails after a lost reply counts the change", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: setFilter, AfterApply: true, Drop: true}))
		e.onSleep = func() { // the backoff before the second read
			assert.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: describe, Status: 401, Code: "Client.AuthFailure", Message: "no"}))
		}
		c, err := e.rec.Present(t.Context(), Desired{Key: key80, Filter: &FilterChange{Type: "2"}})
		require.ErrorContains(t, err, "Client.AuthFailure")
		assert.Equal(t, []string{setFilter}, c.Actions, "no read could tell")
		assert.Equal(t, []string{describe, setFilter, describe}, e.actions())
	})
}

func TestRaces(t *testing.T) {
	t.Run("another client creates the load balancer first", func(t *testing.T) {
		e := newEnv(t, seed())
		e.competeAfter(t, describe, create, url.Values{"LoadBalancerName": {"newlb"}, "Listeners.member.1.LoadBalancerPort": {"80"}})
		c, err := e.rec.Present(t.Context(), Desired{Key: newKey, HealthCheck: HealthCheck{Target: "ICMP"}})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, create, describe, health}, e.actions())
		assert.Equal(t, []string{health}, c.Actions, "the create was not this run's")
		e.requireAfterIsTrue(t, newKey, c)
	})
	t.Run("another client adds the port definition first", func(t *testing.T) {
		e := newEnv(t, seed())
		key := Key{LoadBalancerName: "weblb01", LoadBalancerPort: 21, InstancePort: 21}
		e.competeAfter(t, describe, registerPrt, url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.LoadBalancerPort": {"21"}})
		c, err := e.rec.Present(t.Context(), Desired{Key: key})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, registerPrt, describe}, e.actions(), "its default health check is the one asked for")
		assert.Empty(t, c.Actions)
	})
	t.Run("another client adds an address first", func(t *testing.T) {
		e := newEnv(t, seed())
		e.competeAfter(t, describe, setFilter, url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"},
			"IPAddresses.member.1.IPAddress": {"198.51.100.9"}})
		c, err := e.rec.Present(t.Context(), Desired{Key: key80, Filter: &FilterChange{Addresses: []string{"198.51.100.9", "198.51.100.10"}}})
		require.NoError(t, err)
		assert.Equal(t, []string{describe, setFilter, describe, setFilter}, e.actions())
		assert.Equal(t, []string{setFilter}, c.Actions)
		e.requireAfterIsTrue(t, key80, c)
	})
	t.Run("another client takes the load balancer port", func(t *testing.T) {
		e := newEnv(t, seed())
		key := Key{LoadBalancerName: "weblb01", LoadBalancerPort: 21, InstancePort: 21}
		e.competeAfter(t, describe, registerPrt, url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.LoadBalancerPort": {"21"},
			"Listeners.member.1.InstancePort": {"2121"}})
		_, err := e.rec.Present(t.Context(), Desired{Key: key})
		require.ErrorContains(t, err, "already listens on port 21, with the port definition 21->2121")
	})
}

func TestAbsent(t *testing.T) {
	key443 := Key{LoadBalancerName: "weblb01", LoadBalancerPort: 443, InstancePort: 8443}
	key02 := Key{LoadBalancerName: "weblb02", LoadBalancerPort: 80, InstancePort: 80}
	t.Run("deletes a port definition", func(t *testing.T) {
		e := newEnv(t, seed())
		c, err := e.rec.Absent(t.Context(), key443, false)
		require.NoError(t, err)
		assert.Equal(t, []string{describe, deleteLB}, e.actions())
		assert.Equal(t, []string{deleteLB}, c.Actions)
		assert.False(t, c.DeletedLoadBalancer)
		assert.Nil(t, c.After.Listener)
		assert.Equal(t, []Key{key80}, c.After.LoadBalancer.Ports)
		e.requireAfterIsTrue(t, key443, c)
	})
	t.Run("the last one takes the load balancer with it", func(t *testing.T) {
		e := newEnv(t, seed())
		c, err := e.rec.Absent(t.Context(), key02, true)
		require.NoError(t, err)
		assert.True(t, c.DeletedLoadBalancer)
		assert.Equal(t, &State{}, c.After)
		e.requireAfterIsTrue(t, key02, c)
	})
	t.Run("refuses to delete one with servers unless forced", func(t *testing.T) {
		e := newEnv(t, seed())
		_, err := e.rec.Absent(t.Context(), key80, false)
		var inUse *InUseError
		require.ErrorAs(t, err, &inUse)
		assert.Equal(t, []string{"web001", "web002"}, inUse.Instances)
		assert.EqualError(t, err, "weblb01 (80->8080) still has servers registered: web001, web002; deleting it would take them out of service")
		assert.Equal(t, []string{describe}, e.actions())
	})
	t.Run("nothing to delete", func(t *testing.T) {
		e := newEnv(t, seed())
		c, err := e.rec.Absent(t.Context(), Key{LoadBalancerName: "nolb", LoadBalancerPort: 80, InstancePort: 80}, false)
		require.NoError(t, err)
		assert.Equal(t, "load balancer nolb does not exist", c.Missing)
		c, err = e.rec.Absent(t.Context(), Key{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 80}, false)
		require.NoError(t, err)
		assert.Equal(t, "load balancer weblb01 has no port definition 80->80", c.Missing)
		assert.False(t, c.Changed())
	})
	t.Run("deleted by another client meanwhile", func(t *testing.T) {
		e := newEnv(t, seed())
		e.competeAfter(t, describe, deleteLB, url.Values{"LoadBalancerName": {"weblb02"}, "LoadBalancerPort": {"80"}, "InstancePort": {"80"}})
		c, err := e.rec.Absent(t.Context(), key02, true)
		require.NoError(t, err)
		assert.Equal(t, "load balancer weblb02 was deleted by another client meanwhile", c.Missing)
		assert.False(t, c.Changed())
		e.competeAfter(t, describe, deleteLB, url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"443"}, "InstancePort": {"8443"}})
		c, err = e.rec.Absent(t.Context(), key443, true)
		require.NoError(t, err)
		assert.Equal(t, "weblb01 (443->8443) was deleted by another client meanwhile", c.Missing)
		e.requireAfterIsTrue(t, key443, c)
	})
	t.Run("a lost delete reply is read back", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: deleteLB, AfterApply: true, Drop: true}))
		c, err := e.rec.Absent(t.Context(), key02, true)
		require.NoError(t, err)
		assert.Equal(t, []string{describe, deleteLB, describe}, e.actions())
		assert.Equal(t, []string{deleteLB}, c.Actions)
		assert.True(t, c.DeletedLoadBalancer)
	})
	t.Run("a delete that did not happen is sent again", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: deleteLB, Status: 503, Code: "Server.InternalError"}))
		c, err := e.rec.Absent(t.Context(), key443, false)
		require.NoError(t, err)
		assert.Equal(t, []string{describe, deleteLB, describe, deleteLB}, e.actions())
		assert.Equal(t, []string{deleteLB}, c.Actions)
	})
	t.Run("a refused delete", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: deleteLB, Code: "Client.Unknown", Message: "no"}))
		c, err := e.rec.Absent(t.Context(), key443, false)
		require.ErrorContains(t, err, "delete port definition weblb01 (443->8443): DeleteLoadBalancer: Client.Unknown: no")
		assert.Empty(t, c.Actions)
	})
	t.Run("gives up after five rounds", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: deleteLB, Times: nifcloudtest.Forever, Status: 503, Code: "Server.InternalError"}))
		_, err := e.rec.Absent(t.Context(), key443, false)
		require.ErrorContains(t, err, "DeleteLoadBalancer did not go through in 5 rounds")
		deletes := 0
		for _, a := range e.actions() {
			if a == deleteLB {
				deletes++
			}
		}
		assert.Equal(t, 5, deletes, "one call a round: the client sends a change once")
	})
}

func TestReadFailures(t *testing.T) {
	e := newEnv(t, seed())
	require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: describe, Status: 401, Code: "Client.AuthFailure", Message: "no"}))
	c, err := e.rec.Present(t.Context(), Desired{Key: key80})
	require.ErrorContains(t, err, "describe load balancer weblb01: DescribeLoadBalancers: Client.AuthFailure: no")
	assert.Nil(t, c.Before)
	assert.Nil(t, c.Last)
	require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: describe, Status: 401, Code: "Client.AuthFailure", Message: "no"}))
	_, err = e.rec.Absent(t.Context(), key80, false)
	require.ErrorContains(t, err, "Client.AuthFailure")
}

func TestCreateRefused(t *testing.T) {
	e := newEnv(t, seed())
	require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: create, Code: "Client.ResourceLimitExceeded", Message: "too many"}))
	c, err := e.rec.Present(t.Context(), Desired{Key: newKey})
	require.ErrorContains(t, err, "create the load balancer of newlb (80->80): CreateLoadBalancer: Client.ResourceLimitExceeded: too many")
	assert.Empty(t, c.Actions)
	assert.Equal(t, &State{}, c.Last)
}

func TestInterruptedWait(t *testing.T) {
	opts := seed()
	opts.CreateVisibilityDelay = time.Hour
	e := newEnv(t, opts)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e.onSleep = cancel // as a signal would, while the run waits
	c, err := e.rec.Present(ctx, Desired{Key: newKey, HealthCheck: HealthCheck{Target: "TCP:80"}})
	require.ErrorContains(t, err, "newlb (80->80): waiting for it to become visible: context canceled; last error: ConfigureHealthCheck: Client.InvalidParameterNotFound.LoadBalancer")
	assert.Equal(t, []string{create}, c.Actions)
}

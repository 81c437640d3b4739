package nifcloudtest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestConcurrentRegistrationsOfDifferentServers(t *testing.T) {
	e := newEnv(t, referenceOptions())
	const n = 50
	var ids []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("app%03d", i)
		require.NoError(t, e.srv.AddInstance(nifcloudtest.Instance{InstanceID: id}))
		ids = append(ids, id)
	}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances(id)...)).Status
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		assert.Equal(t, http.StatusOK, s, "call %d", i)
	}
	members := e.srv.Members("weblb01", 80, 8080)
	require.Len(t, members, n+2)
	assert.Equal(t, []string{"web001", "web002"}, members[:2])
	got := append([]string(nil), members[2:]...)
	sort.Strings(got)
	assert.Equal(t, ids, got, "each registered exactly once")
	assert.Equal(t, n, e.srv.CountActions()["RegisterInstancesWithLoadBalancer"])
}

func TestConcurrentRegistrationsOfOneServer(t *testing.T) {
	e := newEnv(t, referenceOptions())
	const n = 20
	replies := make([]reply, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = e.call("RegisterInstancesWithLoadBalancer", registerWeb003)
		}()
	}
	wg.Wait()
	ok, dup := 0, 0
	for _, r := range replies {
		switch {
		case r.Status == http.StatusOK:
			ok++
		case r.Code == nifcloudtest.CodeInstanceAlreadyRegistered:
			dup++
		}
	}
	assert.Equal(t, 1, ok, "exactly one succeeds")
	assert.Equal(t, n-1, dup)
	assert.Equal(t, []string{"web001", "web002", "web003"}, e.srv.Members("weblb01", 80, 8080))
}

// TestConcurrentMixedUse runs every kind of call and helper at once; it
// exists for the race detector, and checks the state stays consistent.
func TestConcurrentMixedUse(t *testing.T) {
	e := newEnv(t, referenceOptions())
	var wg sync.WaitGroup
	run := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				f()
			}
		}()
	}
	run(func() { e.call("RegisterInstancesWithLoadBalancer", registerWeb003) })
	run(func() { e.call("DeregisterInstancesFromLoadBalancer", registerWeb003) })
	run(func() { e.call("DescribeLoadBalancers", nil) })
	run(func() { e.call("DescribeInstanceHealth", target("weblb01", 80, 8080)) })
	run(func() {
		e.call("SetFilterForLoadBalancer", with(target("weblb01", 80, 8080), "IPAddresses.member.1.IPAddress", "192.0.2.1"))
	})
	run(func() {
		e.call("SetFilterForLoadBalancer", with(target("weblb01", 80, 8080),
			"IPAddresses.member.1.IPAddress", "192.0.2.1", "IPAddresses.member.1.AddOnFilter", "false"))
	})
	run(func() {
		e.call("RegisterPortWithLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.LoadBalancerPort": {"21"}})
	})
	run(func() { e.call("DeleteLoadBalancer", target("weblb01", 21, 21)) })
	run(func() { _ = e.srv.Inject(nifcloudtest.Fault{Action: "DescribeLoadBalancers", Status: 503}) })
	run(func() { _ = e.srv.PinUnhealthy("web001"); _ = e.srv.UnpinUnhealthy("web001") })
	run(func() { _ = e.srv.SetHealth("weblb01", 80, 8080, "web002", nifcloudtest.HealthInService) })
	run(func() { _ = e.srv.State(); _ = e.srv.Requests(); _ = e.srv.CountActions(); _ = e.srv.Faults() })
	run(func() { e.clock.Advance(1) })
	wg.Wait()

	st := e.srv.State()
	require.Len(t, st.LoadBalancers, 1)
	for _, p := range st.LoadBalancers[0].Ports {
		seen := map[string]bool{}
		for _, m := range p.Members {
			assert.False(t, seen[m.InstanceID], "no duplicate members")
			seen[m.InstanceID] = true
		}
	}
	assert.Len(t, e.srv.Requests(), 80)
}

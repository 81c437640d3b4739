package playbooks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestListenerPlaybooks runs the nifcloud_lb_listener playbooks.
func TestListenerPlaybooks(t *testing.T) {
	t.Parallel()
	t.Run("build from nothing, twice, then tear down, twice", func(t *testing.T) {
		t.Parallel()
		runs := playbooks(t, play{}, "lb_listener_build.yml", "lb_listener_build.yml", "lb_listener_teardown.yml", "lb_listener_teardown.yml")
		build, again, down, downAgain := runs[0], runs[1], runs[2], runs[3]
		assert.Equal(t, recap{ok: 5, changed: 2, skipped: 1}, build.recap)
		assert.Equal(t, map[string]int{
			// 2 reads of nifcloud_lb_listener, 2 of nifcloud_lb, 1 of nifcloud_lb_info
			"DescribeLoadBalancers": 5, "CreateLoadBalancer": 1, "RegisterPortWithLoadBalancer": 1,
			"ConfigureHealthCheck": 2, "SetFilterForLoadBalancer": 2, "RegisterInstancesWithLoadBalancer": 2,
		}, build.counts, "the fewest calls")
		assert.Equal(t, recap{ok: 5, changed: 0, skipped: 1}, again.recap, "a second run changes nothing")
		assert.Equal(t, map[string]int{"DescribeLoadBalancers": 5}, again.counts, "one read per task")

		assert.Equal(t, recap{ok: 5, changed: 2}, down.recap)
		assert.Equal(t, map[string]int{"DescribeLoadBalancers": 5, "DeregisterInstancesFromLoadBalancer": 2, "DeleteLoadBalancer": 2}, down.counts)
		assert.Equal(t, recap{ok: 4, changed: 0, skipped: 1}, downAgain.recap, "a second tear-down changes nothing")
		// nifcloud_lb reads a missing load balancer with one call (not
		// found), as does nifcloud_lb_listener; nifcloud_lb_info too.
		assert.Equal(t, map[string]int{"DescribeLoadBalancers": 5}, downAgain.counts)
		assert.Len(t, downAgain.emu.State().LoadBalancers, 2, "the seed's two load balancers, shop01 gone")
	})
	t.Run("settings", func(t *testing.T) {
		t.Parallel()
		r := playbook(t, "lb_listener_settings.yml", play{})
		assert.Equal(t, recap{ok: 4, changed: 3}, r.recap)
		assert.Contains(t, r.output, "--- before")
		assert.Regexp(t, `(?m)^\+\s+"balancing_type": "least_connection"`, r.output)
		st := r.emu.State().LoadBalancers[0].Ports[0]
		assert.Equal(t, 2, st.BalancingType)
		assert.Equal(t, []string{"2001:db8::/64"}, st.Filter.IPAddresses)
	})
	t.Run("absent", func(t *testing.T) {
		t.Parallel()
		r := playbook(t, "lb_listener_absent.yml", play{})
		assert.Equal(t, recap{ok: 6, changed: 2, ignored: 2}, r.recap)
		st := r.emu.State()
		assert.Len(t, st.LoadBalancers, 1)
		assert.Len(t, st.LoadBalancers[0].Ports, 1)
	})
}

package playbooks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestListenerPlaybooks runs the nifcloud_lb_listener playbooks.
func TestListenerPlaybooks(t *testing.T) {
	t.Run("build from nothing", func(t *testing.T) {
		t.Parallel()
		r := playbook(t, "lb_listener_build.yml", play{})
		assert.Equal(t, recap{ok: 6, changed: 2}, r.recap)
		assert.Equal(t, []string{"web001", "web002"}, r.emu.Members("shop01", 80, 8080))
		assert.Equal(t, []string{"web001", "web002"}, r.emu.Members("shop01", 443, 8443))
		counts := r.emu.CountActions()
		assert.Equal(t, map[string]int{
			// 2 + 1 (read back) + 2 reads of nifcloud_lb_listener, 2 of nifcloud_lb
			"DescribeLoadBalancers": 7, "CreateLoadBalancer": 1, "RegisterPortWithLoadBalancer": 1,
			"ConfigureHealthCheck": 2, "SetFilterForLoadBalancer": 2, "RegisterInstancesWithLoadBalancer": 2,
		}, counts, "the fewest calls")
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

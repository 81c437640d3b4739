package playbooks

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// TestLBInfoPlaybook registers a server with nifcloud_lb, reads it back with
// nifcloud_lb_info until its health is InService, and picks the load
// balancers of both kinds it is a member of (tests/lb_info.yml).
func TestLBInfoPlaybook(t *testing.T) {
	t.Parallel()
	r := playbook(t, "lb_info.yml", play{
		// Unknown at the first read, OutOfService at the second, then
		// InService.
		health: nifcloudtest.Health{Appear: 500 * time.Millisecond, InService: 1500 * time.Millisecond},
		options: func(o *nifcloudtest.Options) {
			o.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{{Name: "webelb01", Listeners: []nifcloudtest.ElasticListener{
				{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web005"}}},
			}}}
		},
	})
	assert.Equal(t, recap{ok: 6, changed: 1}, r.recap)
	assert.Contains(t, r.output, "FAILED - RETRYING: [localhost]: Read the listener back until web005 is InService")
	actions := map[string]int{}
	for _, req := range r.emu.Requests() {
		actions[req.Action]++
	}
	reads := actions["DescribeLoadBalancers"] - 1 // the first is nifcloud_lb's
	assert.GreaterOrEqual(t, reads, 3, "until: read again until InService")
	assert.Equal(t, map[string]int{
		"DescribeLoadBalancers":             1 + reads,
		"RegisterInstancesWithLoadBalancer": 1,
		"DescribeInstanceHealth":            reads - 1, // one per until: read; none with health: false
		"NiftyDescribeElasticLoadBalancers": reads,
	}, actions, "nifcloud_lb_info changes nothing")
	assert.Equal(t, []string{"web001", "web002", "web005"}, r.emu.Members("weblb01", 80, 8080))
}

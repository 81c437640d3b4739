package playbooks

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// TestElasticRollingDeploy runs tests/elb_rolling_deploy.yml: serial 1
// over two hosts against a Multi Load Balancer that is busy after each
// change.
func TestElasticRollingDeploy(t *testing.T) {
	t.Parallel()
	r := playbook(t, "elb_rolling_deploy.yml", play{
		health: nifcloudtest.Health{Appear: 200 * time.Millisecond, InService: 500 * time.Millisecond},
		options: func(o *nifcloudtest.Options) {
			o.ElasticBusy = 300 * time.Millisecond
			o.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{{Name: "webelb01", ID: "elb-0a1b2c3d", Listeners: []nifcloudtest.ElasticListener{
				{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web001"}, {InstanceID: "web002"}},
					HealthCheck: nifcloudtest.ElasticHealthCheck{Interval: 5}},
			}}}
		},
	})
	for _, host := range []string{"web001", "web002"} {
		assert.Regexp(t, host+`\s*:\s*ok=4\s+changed=2\s+unreachable=0\s+failed=0`, r.output)
	}
	var changes []string
	for _, req := range r.emu.Requests() {
		if strings.Contains(req.Action, "egister") {
			changes = append(changes, req.Action+" "+req.Params.Get("Instances.member.1.InstanceId"))
		}
	}
	assert.Equal(t, []string{
		"NiftyDeregisterInstancesFromElasticLoadBalancer web001", "NiftyRegisterInstancesWithElasticLoadBalancer web001",
		"NiftyDeregisterInstancesFromElasticLoadBalancer web002", "NiftyRegisterInstancesWithElasticLoadBalancer web002",
	}, changes, "one host at a time, never both out")
	assert.Equal(t, []string{"web001", "web002"}, r.emu.ElasticMembers("webelb01", "TCP", 80, 8080))
}

// TestBatchUnderForks runs tests/batch_forks.yml over twenty hosts with
// forks 20: every host is registered, each reports its own, and the
// registrations go in far fewer calls than hosts.
func TestBatchUnderForks(t *testing.T) {
	t.Parallel()
	var hosts []string
	r := playbook(t, "batch_forks.yml", play{
		options: func(o *nifcloudtest.Options) {
			o.Latency = 100 * time.Millisecond
			for i := 1; i <= 20; i++ {
				name := fmt.Sprintf("host%02d", i)
				hosts = append(hosts, name)
				o.Instances = append(o.Instances, nifcloudtest.Instance{InstanceID: name})
			}
		},
		inventory: "host01,host02,host03,host04,host05,host06,host07,host08,host09,host10," +
			"host11,host12,host13,host14,host15,host16,host17,host18,host19,host20,",
		args: []string{"--forks", "20"},
	})
	for _, h := range hosts {
		assert.Regexp(t, h+`\s*:\s*ok=2\s+changed=1\s+unreachable=0\s+failed=0`, r.output)
	}
	assert.ElementsMatch(t, append([]string{"web001", "web002"}, hosts...), r.emu.Members("weblb01", 80, 8080))
	counts := r.emu.CountActions()
	registers := counts["RegisterInstancesWithLoadBalancer"]
	assert.Less(t, registers, 20, "the registrations are combined: %v", counts)
	// One read per run, and one more per batch whose holder saw the
	// change counter move since its own read.
	assert.GreaterOrEqual(t, counts["DescribeLoadBalancers"], 20)
	assert.LessOrEqual(t, counts["DescribeLoadBalancers"], 20+registers)
	t.Logf("20 forks: %d RegisterInstancesWithLoadBalancer calls", counts["RegisterInstancesWithLoadBalancer"])
}

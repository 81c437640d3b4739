package modules

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

const (
	elbDescribe   = "NiftyDescribeElasticLoadBalancers"
	elbRegister   = "NiftyRegisterInstancesWithElasticLoadBalancer"
	elbDeregister = "NiftyDeregisterInstancesFromElasticLoadBalancer"
	elbHealth     = "NiftyDescribeInstanceElasticLoadBalancerHealth"
	webelbID      = "elb-0a1b2c3d"
)

// elasticSeed adds to testSeed the Multi Load Balancers webelb01
// (elb-0a1b2c3d: TCP 80->8080 with web001 and web002, HTTP 8000->8000 with
// web001) and webelb02 (TCP and UDP 53->53, both with web003).
func elasticSeed() nifcloudtest.Options {
	o := testSeed()
	o.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{
		{Name: "webelb01", ID: webelbID, Listeners: []nifcloudtest.ElasticListener{
			{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web001"}, {InstanceID: "web002"}}},
			{Protocol: "HTTP", ElasticLoadBalancerPort: 8000, InstancePort: 8000, Members: []nifcloudtest.Member{{InstanceID: "web001"}}},
		}},
		{Name: "webelb02", Listeners: []nifcloudtest.ElasticListener{
			{Protocol: "TCP", ElasticLoadBalancerPort: 53, InstancePort: 53, Members: []nifcloudtest.Member{{InstanceID: "web003"}}},
			{Protocol: "UDP", ElasticLoadBalancerPort: 53, InstancePort: 53, Members: []nifcloudtest.Member{{InstanceID: "web003"}}},
		}},
	}
	return o
}

// elbArgs are the usual options of nifcloud_elb merged with extra (nil
// removes an option).
func (h *harness) elbArgs(extra map[string]any) map[string]any {
	a := h.args(map[string]any{"_ansible_module_name": "nifcloud_elb", "loadbalancer_name": "webelb01", "protocol": "TCP"})
	for k, v := range extra {
		if v == nil {
			delete(a, k)
		} else {
			a[k] = v
		}
	}
	return a
}

// members80 returns the members of webelb01 TCP 80->8080.
func (h *harness) members80() []string {
	return h.emu.ElasticMembers("webelb01", "TCP", 80, 8080)
}

func TestElasticBehaviour(t *testing.T) {
	tests := []struct {
		name                                string
		args                                map[string]any
		changed                             bool
		calls                               []string
		instances, registered, deregistered []string
		members                             []string
	}{
		{name: "nothing to do makes one call", args: map[string]any{"instance_ids": "web001"},
			calls: []string{elbDescribe}, instances: []string{"web001", "web002"}, registered: []string{}, deregistered: []string{},
			members: []string{"web001", "web002"}},
		{name: "register, then wait for the load balancer to settle", args: map[string]any{"instance_ids": []string{"web004", "web003"}},
			changed: true, calls: []string{elbDescribe, elbRegister, elbDescribe},
			instances: []string{"web001", "web002", "web003", "web004"}, registered: []string{"web003", "web004"}, deregistered: []string{},
			members: []string{"web001", "web002", "web004", "web003"}},
		{name: "purge swap registers first, settling after each change", args: map[string]any{"instance_ids": "web003", "purge_instance_ids": true},
			changed: true, calls: []string{elbDescribe, elbRegister, elbDescribe, elbDeregister, elbDescribe},
			instances: []string{"web003"}, registered: []string{"web003"}, deregistered: []string{"web001", "web002"}, members: []string{"web003"}},
		{name: "absent", args: map[string]any{"instance_ids": "web002", "state": "absent"},
			changed: true, calls: []string{elbDescribe, elbDeregister, elbDescribe},
			instances: []string{"web001"}, registered: []string{}, deregistered: []string{"web002"}, members: []string{"web001"}},
		{name: "check mode reads once", args: map[string]any{"instance_ids": "web003", "_ansible_check_mode": true},
			changed: true, calls: []string{elbDescribe},
			instances: []string{"web001", "web002", "web003"}, registered: []string{"web003"}, deregistered: []string{}, members: []string{"web001", "web002"}},
		{name: "by id, with the protocol found from the ports", args: map[string]any{"loadbalancer_name": nil, "elb_id": webelbID, "protocol": nil, "instance_ids": "web003"},
			changed: true, calls: []string{elbDescribe, elbRegister, elbDescribe},
			instances: []string{"web001", "web002", "web003"}, registered: []string{"web003"}, deregistered: []string{}, members: []string{"web001", "web002", "web003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, elasticSeed())
			res, code, _ := h.run(t, h.elbArgs(tt.args))
			require.Equal(t, 0, code, "%v", res)
			assert.Equal(t, tt.changed, res["changed"])
			assert.Equal(t, tt.calls, h.actions())
			assert.Equal(t, tt.instances, list(t, res["instances"]))
			assert.Equal(t, tt.registered, list(t, res["registered"]))
			assert.Equal(t, tt.deregistered, list(t, res["deregistered"]))
			assert.Equal(t, tt.members, h.members80())
			assert.Equal(t, "webelb01", res["loadbalancer_name"])
			assert.Equal(t, webelbID, res["loadbalancer_id"])
			assert.Equal(t, "TCP", res["protocol"])
			assert.Equal(t, "available", res["state"])
			assert.Equal(t, []string{"web001"}, h.emu.ElasticMembers("webelb01", "HTTP", 8000, 8000), "other listeners are untouched")
		})
	}
}

func TestElasticSecondRunIsUnchanged(t *testing.T) {
	h := newHarness(t, elasticSeed())
	args := h.elbArgs(map[string]any{"instance_ids": []string{"web003"}, "purge_instance_ids": true})
	first, _, _ := h.run(t, args)
	assert.Equal(t, true, first["changed"])
	h.emu.ResetRequests()
	second, _, _ := h.run(t, args)
	assert.Equal(t, false, second["changed"])
	assert.Equal(t, []string{elbDescribe}, h.actions(), "a second run makes exactly one read call")
}

func TestElasticListenerChoice(t *testing.T) {
	t.Run("several listeners with the ports and no protocol", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"loadbalancer_name": "webelb02", "protocol": nil, "loadbalancer_port": 53, "instance_port": 53, "instance_ids": "web004"}))
		assert.Equal(t, 1, code)
		assert.Equal(t, "ports 53->53 are those of 2 listeners of Multi Load Balancer webelb02 (TCP, UDP): set protocol to one of them", res["msg"])
		assert.Equal(t, []string{elbDescribe}, h.actions())
	})
	t.Run("the protocol picks one", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"loadbalancer_name": "webelb02", "protocol": "UDP", "loadbalancer_port": 53, "instance_port": 53, "instance_ids": "web004"}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, []string{"web003", "web004"}, h.emu.ElasticMembers("webelb02", "UDP", 53, 53))
		assert.Equal(t, []string{"web003"}, h.emu.ElasticMembers("webelb02", "TCP", 53, 53))
	})
	for _, tt := range []struct {
		name, msg string
		args      map[string]any
	}{
		{"a missing load balancer", "Multi Load Balancer nolb does not exist", map[string]any{"loadbalancer_name": "nolb"}},
		{"a missing load balancer id", "Multi Load Balancer elb-00000000 does not exist", map[string]any{"loadbalancer_name": nil, "loadbalancer_id": "elb-00000000"}},
		{"a missing listener", "Multi Load Balancer webelb01 has no listener UDP 80->8080", map[string]any{"protocol": "UDP"}},
		{"missing ports", "Multi Load Balancer webelb01 has no listener ports 81->81", map[string]any{"protocol": nil, "loadbalancer_port": 81, "instance_port": 81}},
	} {
		t.Run(tt.name+" fails present and warns absent", func(t *testing.T) {
			h := newHarness(t, elasticSeed())
			tt.args["instance_ids"] = "web001"
			res, code, _ := h.run(t, h.elbArgs(tt.args))
			assert.Equal(t, 1, code)
			assert.Contains(t, res["msg"], tt.msg)
			tt.args["state"] = "absent"
			res, code, _ = h.run(t, h.elbArgs(tt.args))
			assert.Equal(t, 0, code, "%v", res)
			assert.Equal(t, false, res["changed"])
			assert.Equal(t, []any{tt.msg + "; there is nothing to deregister"}, res["warnings"])
		})
	}
}

func TestElasticWaitsForTheLoadBalancer(t *testing.T) {
	t.Run("busy before the first change: polls until available, then changes", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		start := h.clk.Now()
		require.NoError(t, h.emu.SetElasticState("webelb01", "configuring", start.Add(5*time.Second)))
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web003"}))
		require.Equal(t, 0, code, "%v", res)
		// Polls after 0.25, 0.5, 1, 2, 2 s: available at 5.75 s.
		assert.Equal(t, []string{elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbRegister, elbDescribe}, h.actions())
		assert.Equal(t, []string{"web001", "web002", "web003"}, h.members80())
	})
	t.Run("the polls are spread by jitter", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		start := h.clk.Now()
		require.NoError(t, h.emu.SetElasticState("webelb01", "configuring", start.Add(5*time.Second)))
		env := h.testEnv()
		env.Jitter = func() float64 { return 0 }
		res, code, _ := h.runEnv(t, env, h.elbArgs(map[string]any{"instance_ids": "web003"}))
		require.Equal(t, 0, code, "%v", res)
		// Half of each poll: reads at 0.125, 0.375, 0.875, then every 1 s; the one at 5.875 s finds it available.
		assert.Equal(t, []string{elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbDescribe, elbDescribe,
			elbRegister, elbDescribe}, h.actions())
	})
	t.Run("busy after each change: waits before the next step and before reporting", func(t *testing.T) {
		opts := elasticSeed()
		opts.ElasticBusy = 3 * time.Second
		h := newHarness(t, opts)
		start := h.clk.Now()
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web003", "purge_instance_ids": true}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, "available", res["state"])
		assert.Equal(t, []string{elbDescribe, elbRegister, elbDescribe, elbDescribe, elbDescribe, elbDescribe,
			elbDeregister, elbDescribe, elbDescribe, elbDescribe, elbDescribe}, h.actions())
		assert.GreaterOrEqual(t, h.clk.Now().Sub(start), 6*time.Second)
		assert.Equal(t, []string{"web003"}, h.members80())
	})
	t.Run("wait_timeout while busy fails without a change", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		require.NoError(t, h.emu.SetElasticState("webelb01", "configuring", time.Time{}))
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web003", "wait_timeout": 5}))
		assert.Equal(t, 1, code)
		assert.Equal(t, `webelb01 (TCP 80->8080): the load balancer was still "configuring" after waiting 5s for it to be available (wait_timeout)`, res["msg"])
		assert.NotContains(t, h.actions(), elbRegister)
		assert.Equal(t, "configuring", res["state"])
		assert.Equal(t, []any{"web001", "web002"}, res["instances"])
	})
	t.Run("a no-op on a busy load balancer does not wait", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		require.NoError(t, h.emu.SetElasticState("webelb01", "configuring", time.Time{}))
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web001"}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, []string{elbDescribe}, h.actions())
		assert.Equal(t, "configuring", res["state"])
	})
}

func TestElasticRefusedWhileBusy(t *testing.T) {
	for _, code := range []string{"", "Client.ResourceIncorrectState.ElasticLoadBalancer.Processing"} {
		t.Run("busy code "+code+": waits and converges", func(t *testing.T) {
			opts := elasticSeed()
			opts.ElasticBusy = 4 * time.Second
			opts.ElasticBusyCode = code
			h := newHarness(t, opts)
			// Another controller changes the load balancer between this
			// run's read and its register: the register is refused.
			h.after = func(r nifcloudtest.Request) {
				if r.Action == elbDescribe && r.AccessKeyID == testAccessKey {
					h.after = nil
					h.otherClient(t, elbRegister, url.Values{"ElasticLoadBalancerName": {"webelb01"}, "Protocol": {"TCP"},
						"ElasticLoadBalancerPort": {"80"}, "InstancePort": {"8080"}, "Instances.member.1.InstanceId": {"web004"}})
				}
			}
			res, exit, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web003"}))
			require.Equal(t, 0, exit, "%v", res)
			assert.Equal(t, []string{"web003"}, list(t, res["registered"]), "only its own server")
			assert.Equal(t, []string{"web001", "web002", "web003", "web004"}, list(t, res["instances"]))
			assert.Equal(t, []string{"web001", "web002", "web004", "web003"}, h.members80())
		})
	}
	t.Run("refused while available: fails with the API's code", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: elbRegister, Times: nifcloudtest.Forever, Code: "Client.Inoperable.Whatever", Message: "no"}))
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web003"}))
		assert.Equal(t, 1, code)
		assert.Equal(t, "Client.Inoperable.Whatever", res["error_code"])
		assert.Contains(t, res["msg"], "webelb01 (TCP 80->8080): register web003 was refused while the load balancer accepted changes")
		assert.Equal(t, []string{elbDescribe, elbRegister, elbDescribe, elbRegister, elbDescribe}, h.actions())
	})
}

func TestElasticRacesAndLostReplies(t *testing.T) {
	t.Run("registered by another host meanwhile", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		h.after = func(r nifcloudtest.Request) {
			if r.Action == elbDescribe && r.AccessKeyID == testAccessKey {
				h.after = nil
				h.otherClient(t, elbRegister, url.Values{"ElasticLoadBalancerId": {webelbID}, "Protocol": {"TCP"},
					"ElasticLoadBalancerPort": {"80"}, "InstancePort": {"8080"}, "Instances.member.1.InstanceId": {"web003"}})
			}
		}
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web003"}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, false, res["changed"], "the other host registered it")
		assert.Equal(t, []string{elbDescribe, elbRegister, elbDescribe}, h.actions())
	})
	t.Run("a lost reply after the register applied", func(t *testing.T) {
		h := newHarness(t, elasticSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: elbRegister, AfterApply: true, Status: 504}))
		res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": "web003"}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, true, res["changed"])
		assert.Equal(t, []string{"web003"}, list(t, res["registered"]))
		assert.NotContains(t, h.actions()[2:], elbRegister, "nothing is sent twice")
	})
}

func TestElasticWait(t *testing.T) {
	opts := elasticSeed()
	opts.Health = nifcloudtest.Health{Appear: 5 * time.Second, InService: 12 * time.Second}
	h := newHarness(t, opts)
	res, code, _ := h.run(t, h.elbArgs(map[string]any{"instance_ids": []string{"web001", "web003"}, "wait": true}))
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, []any{map[string]any{"instance_id": "web003", "state": "InService", "reason_code": "", "description": ""}}, res["instance_health"])
	assert.Contains(t, h.actions(), elbHealth)
}

func TestElasticEverywhere(t *testing.T) {
	h := newHarness(t, elasticSeed())
	res, code, _ := h.run(t, h.elbArgs(map[string]any{"loadbalancer_name": nil, "protocol": nil, "loadbalancer_port": nil, "instance_port": nil,
		"instance_ids": []string{"web001", "web003"}, "state": "absent"}))
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, []string{"web001", "web003"}, list(t, res["deregistered"]))
	updated, _ := res["updated"].([]any)
	assert.Len(t, updated, 4, "two listeners of webelb01, two of webelb02")
	assert.Equal(t, []string{"web002"}, h.members80())
	assert.Empty(t, h.emu.ElasticMembers("webelb02", "UDP", 53, 53))
	assert.Equal(t, elbDescribe, h.actions()[0])
	assert.Nil(t, res["instances"])
}

func TestElasticBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		args map[string]any
		msg  string
	}{
		{"name and id", map[string]any{"loadbalancer_id": webelbID, "instance_ids": "web001"}, "parameters are mutually exclusive: loadbalancer_name|loadbalancer_id"},
		{"a bad id", map[string]any{"loadbalancer_name": nil, "loadbalancer_id": "lb-1", "instance_ids": "web001"}, "value of loadbalancer_id must be a Multi Load Balancer id such as elb-0a1b2c3d, got: lb-1"},
		{"a bad name", map[string]any{"loadbalancer_name": "web.elb", "instance_ids": "web001"}, "value of loadbalancer_name must be 1 to 15 letters and digits, got: web.elb"},
		{"a bad protocol", map[string]any{"protocol": "SCTP", "instance_ids": "web001"}, "value of protocol must be one of: TCP, UDP, HTTP, HTTPS, got: SCTP"},
		{"no load balancer with present", map[string]any{"loadbalancer_name": nil, "instance_ids": "web001"}, "state is present but any of the following are missing: loadbalancer_name, loadbalancer_id"},
		{"a name without ports", map[string]any{"loadbalancer_port": nil, "instance_port": nil, "state": "absent", "instance_ids": "web001"}, "missing parameter(s) required by 'loadbalancer_name': loadbalancer_port, instance_port"},
		{"ports without a load balancer", map[string]any{"loadbalancer_name": nil, "state": "absent", "instance_ids": "web001"}, "protocol, loadbalancer_port and instance_port need loadbalancer_name or loadbalancer_id"},
		{"null servers", map[string]any{"instance_ids": jsonNull, "purge_instance_ids": true}, "missing required arguments: instance_ids"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, elasticSeed())
			res, code, _ := h.run(t, h.elbArgs(tt.args))
			assert.Equal(t, 1, code)
			assert.Contains(t, res["msg"], tt.msg)
			assert.Empty(t, h.actions())
		})
	}
}

// TestElasticAliasesAndCheckModeWait: elb_name and elb_port name the load
// balancer and its port; check mode with wait reports what would change
// and waits for nothing.
func TestElasticAliasesAndCheckModeWait(t *testing.T) {
	h := newHarness(t, elasticSeed())
	res, code, _ := h.run(t, h.elbArgs(map[string]any{"loadbalancer_name": nil, "elb_name": "webelb01", "loadbalancer_port": nil, "elb_port": 80,
		"instance_ids": "web003", "wait": true, "_ansible_check_mode": true}))
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, []any{"web003"}, res["registered"])
	assert.Equal(t, []any{}, res["instance_health"], "check mode waits for no health")
	assert.Equal(t, []string{elbDescribe}, h.actions())
}

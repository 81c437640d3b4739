package modules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

const (
	createLB    = nifcloud.ActionCreateLoadBalancer
	registerPrt = nifcloud.ActionRegisterPortWithLoadBalancer
	deleteLB    = nifcloud.ActionDeleteLoadBalancer
	configureHC = nifcloud.ActionConfigureHealthCheck
	setFilter   = nifcloud.ActionSetFilterForLoadBalancer
	updateLB    = nifcloud.ActionUpdateLoadBalancer
	updateOpt   = nifcloud.ActionUpdateLoadBalancerOption
)

// runListener runs nifcloud_lb_listener with the usual options (weblb01
// 80->8080) merged with extra.
func (h *harness) runListener(t *testing.T, extra map[string]any) (map[string]any, int) {
	t.Helper()
	args := h.args(extra)
	args["_ansible_module_name"] = "nifcloud_lb_listener"
	res, code, _ := h.run(t, args)
	return res, code
}

// seededListener is weblb01's 80->8080 of testSeed as the module reports it.
func seededListener() map[string]any {
	return map[string]any{
		"protocol": "HTTP", "loadbalancer_port": float64(80), "instance_port": float64(8080), "balancing_type": "round_robin",
		"health_check": map[string]any{"target": "TCP:8080", "interval": float64(10), "unhealthy_threshold": float64(1), "healthy_threshold": float64(1),
			"path": nil, "expectation": nil},
		"filter":    map[string]any{"type": "allow", "ip_addresses": []any{}},
		"instances": []any{"web001", "web002"},
		"instance_health": []any{
			map[string]any{"instance_id": "web001", "state": "InService", "reason_code": "", "description": ""},
			map[string]any{"instance_id": "web002", "state": "InService", "reason_code": "", "description": ""},
		},
		"session_stickiness": map[string]any{"enabled": false, "expiration_period": nil},
		"sorry_page":         map[string]any{"enabled": false, "status_code": nil},
	}
}

// seededLB is weblb01 of testSeed as the module reports it.
func seededLB() map[string]any {
	return map[string]any{"name": "weblb01", "dns_name": "198.51.100.20", "network_volume": float64(10), "accounting_type": "pay_per_use",
		"ip_version": "v4", "policy_type": "standard"}
}

func TestListenerUnchangedMakesOneCall(t *testing.T) {
	h := newHarness(t, testSeed())
	res, code := h.runListener(t, map[string]any{"balancing_type": "round_robin", "health_check": map[string]any{"interval": 10}})
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, false, res["changed"])
	assert.Equal(t, []string{describe}, h.actions())
	assert.Equal(t, []any{}, res["actions"])
	assert.Equal(t, seededLB(), res["load_balancer"])
	assert.Equal(t, seededListener(), res["listener"])
	assert.NotContains(t, res, "deleted_load_balancer")
}

func TestListenerCreateFromNothing(t *testing.T) {
	h := newHarness(t, testSeed())
	args := map[string]any{"loadbalancer_name": "newlb", "loadbalancer_port": 443, "instance_port": 8443,
		"health_check": map[string]any{"interval": 30}, "filter": map[string]any{"ip_addresses": []string{"203.0.113.0/24"}}}
	res, code := h.runListener(t, args)
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, []string{describe, createLB, configureHC, setFilter}, h.actions())
	assert.Equal(t, []any{createLB, configureHC, setFilter}, res["actions"])
	assert.Equal(t, map[string]any{"name": "newlb", "dns_name": "198.51.100.22", "network_volume": float64(10), "accounting_type": "pay_per_use",
		"ip_version": "v4", "policy_type": "standard"}, res["load_balancer"], "the defaults: pay per use, 10 Mbps, v4, standard")
	want := map[string]any{
		"protocol": "HTTPS", "loadbalancer_port": float64(443), "instance_port": float64(8443), "balancing_type": "round_robin",
		"health_check": map[string]any{"target": "TCP:8443", "interval": float64(30), "unhealthy_threshold": float64(1), "healthy_threshold": float64(1),
			"path": nil, "expectation": nil},
		"filter":    map[string]any{"type": "allow", "ip_addresses": []any{"203.0.113.0/24"}},
		"instances": []any{}, "instance_health": []any{},
		"session_stickiness": map[string]any{"enabled": false, "expiration_period": nil},
		"sorry_page":         map[string]any{"enabled": false, "status_code": nil},
	}
	assert.Equal(t, want, res["listener"])
	lb := h.emu.State().LoadBalancers[2]
	assert.Equal(t, []any{"newlb", "2", 10, "v4", "standard"}, []any{lb.Name, lb.AccountingType, lb.NetworkVolume, lb.IPVersion, lb.PolicyType})

	h.emu.ResetRequests()
	again, _ := h.runListener(t, args)
	assert.Equal(t, false, again["changed"])
	assert.Equal(t, []string{describe}, h.actions())
	assert.Equal(t, want, again["listener"], "what the first run computed is what the API shows")
}

func TestListenerCreateWithoutHealthCheck(t *testing.T) {
	h := newHarness(t, testSeed())
	args := map[string]any{"loadbalancer_name": "newlb", "loadbalancer_port": 80, "instance_port": 80}
	res, code := h.runListener(t, args)
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, []string{describe, createLB}, h.actions(), "no health check asked, none configured")
	assert.Equal(t, []any{createLB}, res["actions"])
	assert.Equal(t, map[string]any{"target": nil, "interval": nil, "unhealthy_threshold": nil, "healthy_threshold": nil, "path": nil, "expectation": nil},
		res["listener"].(map[string]any)["health_check"], "the API's own health check is not known until read")
	in := h.emu.Requests()[1].Params
	assert.Equal(t, "2", in.Get("AccountingType"), "pay per use on the wire")

	h.emu.ResetRequests()
	again, _ := h.runListener(t, args)
	assert.Equal(t, false, again["changed"])
	assert.Equal(t, []string{describe}, h.actions(), "whatever health check the API set is left alone")
}

func TestListenerChanges(t *testing.T) {
	h := newHarness(t, testSeed())
	res, code := h.runListener(t, map[string]any{
		"network_volume": 200, "accounting_type": "monthly", "balancing_type": "least_connection",
		"health_check":       map[string]any{"target": "ICMP", "unhealthy_threshold": 3},
		"filter":             map[string]any{"type": "deny", "ip_addresses": "192.0.2.1,2001:db8::/64", "purge": true},
		"session_stickiness": map[string]any{"enabled": true, "expiration_period": 15},
		"sorry_page":         map[string]any{"enabled": "yes"},
		"_ansible_diff":      true,
	})
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, []string{describe, updateLB, configureHC, setFilter, updateOpt}, h.actions(), "one call per kind of setting")
	l := res["listener"].(map[string]any)
	assert.Equal(t, "least_connection", l["balancing_type"])
	assert.Equal(t, map[string]any{"type": "deny", "ip_addresses": []any{"192.0.2.1", "2001:db8::/64"}}, l["filter"])
	assert.Equal(t, map[string]any{"enabled": true, "status_code": float64(200)}, l["sorry_page"], "status_code defaults to 200")
	assert.Equal(t, map[string]any{"enabled": true, "expiration_period": float64(15)}, l["session_stickiness"])
	assert.Equal(t, "monthly", res["load_balancer"].(map[string]any)["accounting_type"], "from next month")
	diff := res["diff"].(map[string]any)
	assert.Equal(t, seededLB(), diff["before"].(map[string]any)["load_balancer"])
	before := seededListener()
	delete(before, "instances")
	delete(before, "instance_health")
	assert.Equal(t, before, diff["before"].(map[string]any)["listener"], "the diff shows settings only")
	assert.Equal(t, "deny", diff["after"].(map[string]any)["listener"].(map[string]any)["filter"].(map[string]any)["type"])

	h.emu.ResetRequests()
	again, _ := h.runListener(t, map[string]any{"accounting_type": "monthly", "filter": map[string]any{"ip_addresses": []string{"2001:DB8::/64"}}})
	assert.Equal(t, false, again["changed"], "the accounting type is compared with next month's; the address is listed")
	assert.Equal(t, l, again["listener"])
}

func TestListenerCheckMode(t *testing.T) {
	h := newHarness(t, testSeed())
	before := h.emu.State()
	res, code := h.runListener(t, map[string]any{"loadbalancer_name": "newlb", "_ansible_check_mode": true,
		"session_stickiness": map[string]any{"enabled": true, "expiration_period": 5}})
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, []any{createLB, updateOpt}, res["actions"])
	assert.Nil(t, res["load_balancer"].(map[string]any)["dns_name"], "not known before the create")
	res, _ = h.runListener(t, map[string]any{"state": "absent", "force": true, "_ansible_check_mode": true})
	assert.Equal(t, []any{deleteLB}, res["actions"])
	assert.Equal(t, false, res["deleted_load_balancer"])
	assert.Equal(t, []string{describe, describe}, h.actions())
	assert.Equal(t, before, h.emu.State())
}

func TestListenerAbsent(t *testing.T) {
	t.Run("the last port definition takes the load balancer", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, code := h.runListener(t, map[string]any{"loadbalancer_name": "weblb02", "instance_port": 80, "state": "absent", "force": true,
			"_ansible_diff": true})
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, true, res["changed"])
		assert.Equal(t, true, res["deleted_load_balancer"])
		assert.Nil(t, res["load_balancer"])
		assert.Nil(t, res["listener"])
		assert.Equal(t, map[string]any{}, res["diff"].(map[string]any)["after"])
		assert.Equal(t, []string{describe, deleteLB}, h.actions())
	})
	t.Run("servers registered and no force", func(t *testing.T) {
		h := newHarness(t, testSeed())
		before := h.emu.State()
		res, code := h.runListener(t, map[string]any{"state": "absent"})
		assert.Equal(t, 1, code)
		assert.Equal(t, "weblb01 (80->8080) still has servers registered: web001, web002; deleting it would take them out of service. "+
			"Deregister them first (nifcloud_lb with state=absent), or set force=true to delete the port definition with its servers.", res["msg"])
		assert.Equal(t, false, res["changed"])
		assert.Equal(t, seededListener(), res["listener"], "as read")
		assert.Equal(t, before, h.emu.State())
	})
	t.Run("nothing to delete, and settings that have no effect", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, code := h.runListener(t, map[string]any{"loadbalancer_name": "nolb", "state": "absent", "network_volume": 20,
			"sorry_page": map[string]any{"enabled": false}})
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, false, res["changed"])
		assert.Equal(t, false, res["deleted_load_balancer"])
		assert.Equal(t, []any{"network_volume, sorry_page have no effect with state=absent",
			"load balancer nolb does not exist; there is nothing to delete"}, res["warnings"])
	})
	t.Run("one port definition of two", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, _ := h.runListener(t, map[string]any{"state": "absent", "loadbalancer_port": 443, "instance_port": 8443, "force": "yes"})
		assert.Equal(t, false, res["deleted_load_balancer"])
		assert.Equal(t, seededLB(), res["load_balancer"])
		assert.Equal(t, []string{"web001", "web002"}, h.emu.Members("weblb01", 80, 8080))
	})
}

func TestListenerBadInputMakesNoCall(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		msg  string
	}{
		{"missing instance_port", map[string]any{"instance_port": nil}, "missing required arguments: instance_port"},
		{"balancing type", map[string]any{"balancing_type": "random"}, "value of balancing_type must be one of: round_robin, least_connection, got: random"},
		{"network volume", map[string]any{"network_volume": 50}, "value of network_volume must be 10, 20, 30, 40, or 100 to 2000 in steps of 100, got: 50"},
		{"network volume off the steps", map[string]any{"network_volume": 150}, "value of network_volume must be 10, 20, 30, 40, or 100 to 2000 in steps of 100, got: 150"},
		{"network volume too high", map[string]any{"network_volume": 2100}, "value of network_volume must be 10, 20, 30, 40, or 100 to 2000 in steps of 100, got: 2100"},
		{"loadbalancer port", map[string]any{"loadbalancer_port": 0}, "value of loadbalancer_port must be between 1 and 65535, got: 0"},
		{"instance port", map[string]any{"instance_port": 65536}, "value of instance_port must be between 1 and 65535, got: 65536"},
		{"unhealthy threshold", map[string]any{"health_check": map[string]any{"unhealthy_threshold": 11}}, "value of unhealthy_threshold must be between 1 and 10, got: 11 found in health_check"},
		{"healthy threshold", map[string]any{"health_check": map[string]any{"healthy_threshold": 0}}, "value of healthy_threshold must be between 1 and 10, got: 0 found in health_check"},
		{"period too short", map[string]any{"session_stickiness": map[string]any{"enabled": true, "expiration_period": 2}},
			"value of expiration_period must be between 3 and 60, got: 2 found in session_stickiness"},
		{"target", map[string]any{"health_check": map[string]any{"target": "HTTP:80"}},
			"value of target must be TCP:<port> or ICMP, got: HTTP:80 found in health_check"},
		{"interval", map[string]any{"health_check": map[string]any{"interval": 1}}, "value of interval must be between 5 and 300, got: 1 found in health_check"},
		{"unknown health check key", map[string]any{"health_check": map[string]any{"timeout": 5}}, "Unsupported parameters for (nifcloud_lb_listener) module: health_check.timeout"},
		{"address", map[string]any{"filter": map[string]any{"ip_addresses": []string{"192.0.2.0/33"}}},
			"value of ip_addresses must be IPv4 or IPv6 addresses or CIDR blocks, got: 192.0.2.0/33 found in filter"},
		{"all and more", map[string]any{"filter": map[string]any{"ip_addresses": []string{"*.*.*.*", "192.0.2.1"}}},
			"value of ip_addresses must not list *.*.*.* (all addresses) with other addresses"},
		{"too many", map[string]any{"filter": map[string]any{"ip_addresses": manyAddresses(31)}}, "value of ip_addresses must have at most 30 addresses, got 31"},
		{"purge without addresses", map[string]any{"filter": map[string]any{"purge": true}},
			"filter.ip_addresses is required when filter.purge is true (give [] to remove every address)"},
		{"stickiness without period", map[string]any{"session_stickiness": map[string]any{"enabled": true}},
			"session_stickiness.expiration_period is required when session_stickiness.enabled is true"},
		{"stickiness without enabled", map[string]any{"session_stickiness": map[string]any{"expiration_period": 5}},
			"missing required arguments: enabled found in session_stickiness"},
		{"period", map[string]any{"session_stickiness": map[string]any{"enabled": true, "expiration_period": 61}},
			"value of expiration_period must be between 3 and 60, got: 61 found in session_stickiness"},
		{"sorry page on 443", map[string]any{"loadbalancer_port": 443, "sorry_page": map[string]any{"enabled": true}},
			"sorry_page.enabled=true needs loadbalancer_port 80 (the API has a sorry page on port 80 only), got loadbalancer_port 443"},
		{"status code", map[string]any{"sorry_page": map[string]any{"enabled": true, "status_code": 404}}, "value of status_code must be one of: 200, 503, got: 404"},
		{"ats with v6", map[string]any{"policy_type": "ats", "ip_version": "v6"}, "policy_type=ats needs ip_version=v4, got ip_version=v6"},
		{"name", map[string]any{"loadbalancer_name": "web_lb"}, "value of loadbalancer_name must be 1 to 15 letters and digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testSeed())
			res, code := h.runListener(t, tt.args)
			assert.Equal(t, 1, code)
			assert.Contains(t, res["msg"], tt.msg)
			assert.Empty(t, h.actions(), "bad input makes no API call")
		})
	}
}

// manyAddresses returns n distinct addresses.
func manyAddresses(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.0.1.%d", i+1)
	}
	return out
}

func TestListenerRefusals(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		msg  string
	}{
		{"create-only setting", map[string]any{"ip_version": "v6"},
			"weblb01 (80->8080): load balancer weblb01 has IP version v4, not v6: the IP version is set when a load balancer is created and cannot be changed"},
		{"port in use", map[string]any{"instance_port": 9090}, "load balancer weblb01 already listens on port 80, with the port definition 80->8080"},
		{"shared create", map[string]any{"loadbalancer_name": "ABC12345.nolb"}, "a load balancer shared by another NIFCLOUD ID cannot be created"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testSeed())
			res, code := h.runListener(t, tt.args)
			assert.Equal(t, 1, code)
			assert.Contains(t, res["msg"], tt.msg)
			assert.Equal(t, []string{describe}, h.actions(), "refused after the read, before any change")
			assert.Equal(t, []any{}, res["actions"])
		})
	}
}

func TestListenerFailureKeepsActions(t *testing.T) {
	h := newHarness(t, testSeed())
	require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: setFilter, Code: "Client.InvalidParameterLimitExceeded.IpAddress", Message: "too many"}))
	res, code := h.runListener(t, map[string]any{"loadbalancer_name": "newlb", "filter": map[string]any{"type": "deny"}})
	assert.Equal(t, 1, code)
	assert.Equal(t, true, res["changed"], "the load balancer was created")
	assert.Equal(t, []any{createLB}, res["actions"])
	assert.Contains(t, res["msg"], "set the filter of newlb (80->8080): SetFilterForLoadBalancer: Client.InvalidParameterLimitExceeded.IpAddress: too many")
	assert.Equal(t, "Client.InvalidParameterLimitExceeded.IpAddress", res["error_code"])
	assert.Nil(t, res["load_balancer"], "as last read: no load balancer then")
}

func TestListenerEventualConsistency(t *testing.T) {
	opts := testSeed()
	opts.CreateVisibilityDelay = 4 * time.Second
	h := newHarness(t, opts)
	start := h.clk.Now()
	res, code := h.runListener(t, map[string]any{"loadbalancer_name": "newlb", "health_check": map[string]any{"target": "ICMP"}})
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, []string{describe, createLB, configureHC, configureHC, configureHC, configureHC}, h.actions())
	assert.Equal(t, 7*time.Second, h.clk.Now().Sub(start), "waited 1, 2 and 4 seconds")
}

func TestListenerInterruptedNamesItsActions(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(&ansible.InterruptError{Signal: os.Interrupt})
	res := listenerFailure(ctx, ansible.Result{Changed: true, Data: map[string]any{"actions": []string{createLB, configureHC}}},
		errors.New("set the filter of newlb (80->8080): context canceled"))
	assert.Equal(t, "Interrupted by SIGINT before the run finished; by then it had made CreateLoadBalancer, ConfigureHealthCheck. "+
		"Read the state again before running it again. Cause: set the filter of newlb (80->8080): context canceled", res.Msg)
	assert.True(t, res.Failed)
}

func TestListenerSecretNeverPrinted(t *testing.T) {
	h := newHarness(t, testSeed())
	// h.run checks that the output never holds the secret.
	res, _ := h.runListener(t, map[string]any{"loadbalancer_name": "newlb", "_ansible_verbosity": 4})
	assert.Len(t, res["api_calls"], 2)
}

func TestListenerWarningsAndReadFailures(t *testing.T) {
	t.Run("force with present", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, code := h.runListener(t, map[string]any{"force": true})
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, []any{"force has no effect with state=present: it only allows deleting a port definition that has servers"}, res["warnings"])
	})
	t.Run("settings that do not fit together, with absent", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, code := h.runListener(t, map[string]any{"state": "absent", "loadbalancer_name": "weblb02", "instance_port": 80, "force": true,
			"loadbalancer_port": 80, "sorry_page": map[string]any{"enabled": true}, "policy_type": "ats", "ip_version": "v6"})
		require.Equal(t, 0, code, "ignored, not refused: %v", res)
		assert.Equal(t, []any{"ip_version, policy_type, sorry_page have no effect with state=absent"}, res["warnings"])
		assert.Equal(t, []string{describe, deleteLB}, h.actions())
	})
	t.Run("an address spelt twice counts once", func(t *testing.T) {
		h := newHarness(t, testSeed())
		addrs := append(manyAddresses(29), "2001:db8::1", "2001:DB8:0::1")
		res, code := h.runListener(t, map[string]any{"filter": map[string]any{"ip_addresses": addrs}})
		require.Equal(t, 0, code, "30 distinct addresses fit: %v", res)
		assert.Len(t, h.emu.State().LoadBalancers[0].Ports[0].Filter.IPAddresses, 30)
	})
	t.Run("one setting with absent", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, _ := h.runListener(t, map[string]any{"state": "absent", "instance_port": 80, "filter": map[string]any{"type": "deny"}})
		assert.Equal(t, []any{"filter has no effect with state=absent", "load balancer weblb01 has no port definition 80->80; there is nothing to delete"},
			res["warnings"])
	})
	t.Run("nothing read", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: describe, Status: 401, Code: "Client.AuthFailure", Message: "no"}))
		res, code := h.runListener(t, nil)
		assert.Equal(t, 1, code)
		assert.Contains(t, res, "load_balancer")
		assert.Nil(t, res["load_balancer"])
		assert.Nil(t, res["listener"])
		assert.Contains(t, res["msg"], "The API refused the request's authentication")
		assert.Equal(t, "Client.AuthFailure", res["error_code"])
	})
	t.Run("an endpoint that cannot be used", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, code := h.runListener(t, map[string]any{"endpoint": "ftp://example.com"})
		assert.Equal(t, 1, code)
		assert.Contains(t, res["msg"], "value of endpoint is not a usable API endpoint")
		assert.Empty(t, h.actions())
	})
}

func TestCodeNames(t *testing.T) {
	assert.Equal(t, "monthly", *accountingTypes.name(nifcloud.AccountingTypeMonthly))
	assert.Equal(t, "3", *accountingTypes.name("3"), "a value the module has no name for is shown as the API gives it")
	assert.Nil(t, accountingTypes.name(""), "none")
	assert.Equal(t, "9", *balancingType(9))
	assert.Equal(t, nifcloud.BalancingTypeLeastConnection, balancingCode("least_connection"))
	assert.Equal(t, nifcloud.FilterTypeDeny, filterTypes.code("deny"))
}

// settingsSeed is testSeed with weblb01 80->8080 holding two filter
// addresses, session stickiness and a sorry page.
func settingsSeed() nifcloudtest.Options {
	opts := testSeed()
	p := &opts.LoadBalancers[0].Ports[0]
	p.Filter = nifcloudtest.Filter{IPAddresses: []string{"192.0.2.1", "192.0.2.2"}}
	p.Option = &nifcloudtest.Option{SessionStickiness: nifcloudtest.SessionStickiness{Enabled: true, ExpirationPeriod: 10},
		SorryPage: nifcloudtest.SorryPage{Enabled: true, StatusCode: 503}}
	return opts
}

// TestListenerEachSettingAlone changes each setting alone on an existing
// port definition: one read and exactly one call, with only that setting
// different afterwards.
func TestListenerEachSettingAlone(t *testing.T) {
	tests := []struct {
		name   string
		args   map[string]any
		action string
		form   map[string]string
		check  func(t *testing.T, p nifcloudtest.Port)
	}{
		{"balancing type", map[string]any{"balancing_type": "least_connection"}, updateLB,
			map[string]string{"ListenerUpdate.Listener.BalancingType": "2"},
			func(t *testing.T, p nifcloudtest.Port) { assert.Equal(t, 2, p.BalancingType) }},
		{"healthy threshold", map[string]any{"health_check": map[string]any{"healthy_threshold": 3}}, configureHC,
			map[string]string{"HealthCheck.Target": "TCP:8080", "HealthCheck.Interval": "10", "HealthCheck.UnhealthyThreshold": "1", "HealthCheck.HealthyThreshold": "3"},
			func(t *testing.T, p nifcloudtest.Port) { assert.Equal(t, 3, p.HealthCheck.HealthyThreshold) }},
		{"filter with purge", map[string]any{"filter": map[string]any{"ip_addresses": []string{"192.0.2.2", "198.51.100.0/24"}, "purge": true}}, setFilter,
			map[string]string{"IPAddresses.member.1.IPAddress": "192.0.2.1", "IPAddresses.member.1.AddOnFilter": "false",
				"IPAddresses.member.2.IPAddress": "198.51.100.0/24", "IPAddresses.member.2.AddOnFilter": "true"},
			func(t *testing.T, p nifcloudtest.Port) {
				assert.Equal(t, []string{"192.0.2.2", "198.51.100.0/24"}, p.Filter.IPAddresses)
			}},
		{"stickiness period", map[string]any{"session_stickiness": map[string]any{"enabled": true, "expiration_period": 20}}, updateOpt,
			map[string]string{"SessionStickinessPolicyUpdate.Enable": "true", "SessionStickinessPolicyUpdate.ExpirationPeriod": "20"},
			func(t *testing.T, p nifcloudtest.Port) {
				assert.Equal(t, nifcloudtest.SessionStickiness{Enabled: true, ExpirationPeriod: 20}, p.Option.SessionStickiness)
				assert.Equal(t, 503, p.Option.SorryPage.StatusCode, "the sorry page is left alone")
			}},
		{"sorry page status code", map[string]any{"sorry_page": map[string]any{"enabled": true, "status_code": 200}}, updateOpt,
			map[string]string{"SorryPageUpdate.Enable": "true", "SorryPageUpdate.StatusCode": "200"},
			func(t *testing.T, p nifcloudtest.Port) {
				assert.Equal(t, nifcloudtest.SorryPage{Enabled: true, StatusCode: 200}, p.Option.SorryPage)
			}},
		{"sorry page off", map[string]any{"sorry_page": map[string]any{"enabled": false}}, updateOpt,
			map[string]string{"SorryPageUpdate.Enable": "false"},
			func(t *testing.T, p nifcloudtest.Port) { assert.False(t, p.Option.SorryPage.Enabled) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, settingsSeed())
			res, code := h.runListener(t, tt.args)
			require.Equal(t, 0, code, "%v", res)
			assert.Equal(t, true, res["changed"])
			assert.Equal(t, []string{describe, tt.action}, h.actions())
			form := h.emu.Requests()[1].Params
			for k, v := range tt.form {
				assert.Equal(t, v, form.Get(k), k)
			}
			tt.check(t, h.emu.State().LoadBalancers[0].Ports[0])

			h.emu.ResetRequests()
			again, _ := h.runListener(t, tt.args)
			assert.Equal(t, false, again["changed"])
			assert.Equal(t, []string{describe}, h.actions(), "the second run makes one read")
		})
	}
}

// TestListenerCreateSettings creates with the settings a create alone
// sets, and a partial health check whose other values take the defaults.
func TestListenerCreateSettings(t *testing.T) {
	h := newHarness(t, testSeed())
	res, code := h.runListener(t, map[string]any{"loadbalancer_name": "newlb", "policy_type": "ats", "health_check": map[string]any{"target": "ICMP"}})
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, []string{describe, createLB, configureHC}, h.actions())
	reqs := h.emu.Requests()
	assert.Equal(t, "ats", reqs[1].Params.Get("PolicyType"))
	assert.Equal(t, []string{"ICMP", "10", "1", "1"}, []string{reqs[2].Params.Get("HealthCheck.Target"), reqs[2].Params.Get("HealthCheck.Interval"),
		reqs[2].Params.Get("HealthCheck.UnhealthyThreshold"), reqs[2].Params.Get("HealthCheck.HealthyThreshold")}, "10 s and thresholds of 1 fill in")
	assert.Equal(t, "ats", res["load_balancer"].(map[string]any)["policy_type"])
	assert.Equal(t, "ats", h.emu.State().LoadBalancers[2].PolicyType)

	res, code = h.runListener(t, map[string]any{"loadbalancer_name": "newlb", "policy_type": "standard"})
	assert.Equal(t, 1, code)
	assert.Contains(t, res["msg"], "load balancer newlb has policy type ats, not standard: the policy type is set when a load balancer is created and cannot be changed")
}

package nifcloudtest_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestUpdateLoadBalancer(t *testing.T) {
	update := func(kv ...string) url.Values { return with(url.Values{"LoadBalancerName": {"weblb01"}}, kv...) }
	port80 := func(kv ...string) url.Values {
		return update(append([]string{"ListenerUpdate.LoadBalancerPort", "80", "ListenerUpdate.InstancePort", "8080"}, kv...)...)
	}
	sorry80 := func(o *nifcloudtest.Options) {
		o.LoadBalancers[0].Ports[0].Option = &nifcloudtest.Option{SorryPage: nifcloudtest.SorryPage{Enabled: true, StatusCode: 503}}
	}
	tests := []struct {
		name   string
		seed   func(*nifcloudtest.Options)
		params url.Values
		check  func(t *testing.T, lb nifcloudtest.LoadBalancer)
		fail   *failure
	}{
		{name: "network volume", params: update("NetworkVolumeUpdate", "20"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) { assert.Equal(t, 20, lb.NetworkVolume) }},
		{name: "accounting type applies next month", params: update("AccountingTypeUpdate", "1"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				assert.Equal(t, "2", lb.AccountingType)
				assert.Equal(t, "1", lb.NextMonthAccountingType)
			}},
		{name: "rename keeps everything else", params: update("LoadBalancerNameUpdate", "weblb09"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				assert.Equal(t, "weblb09", lb.Name)
				assert.Equal(t, "198.51.100.20", lb.DNSName)
				assert.Len(t, lb.Ports, 2)
			}},
		{name: "rename to its own name", params: update("LoadBalancerNameUpdate", "weblb01"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) { assert.Equal(t, "weblb01", lb.Name) }},
		{name: "nothing to change", params: update()}, // check nil: the state is unchanged
		{name: "balancing type", params: port80("ListenerUpdate.Listener.BalancingType", "2"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) { assert.Equal(t, 2, lb.Ports[0].BalancingType) }},
		{name: "instance port keeps the members", params: port80("ListenerUpdate.Listener.InstancePort", "8081"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				p := lb.Ports[0]
				assert.Equal(t, [3]any{"HTTP", 80, 8081}, [3]any{p.Protocol, p.LoadBalancerPort, p.InstancePort})
				assert.Len(t, p.Members, 2)
				assert.Equal(t, "TCP:8080", p.HealthCheck.Target, "the health check is not changed")
			}},
		{name: "a custom port", params: port80("ListenerUpdate.Listener.LoadBalancerPort", "8000"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				assert.Equal(t, [3]any{"", 8000, 8080}, [3]any{lb.Ports[0].Protocol, lb.Ports[0].LoadBalancerPort, lb.Ports[0].InstancePort})
			}},
		{name: "protocol implies its port", params: port80("ListenerUpdate.Listener.Protocol", "FTP"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				assert.Equal(t, [2]any{"FTP", 21}, [2]any{lb.Ports[0].Protocol, lb.Ports[0].LoadBalancerPort})
			}},
		{name: "port wins over protocol", params: port80("ListenerUpdate.Listener.Protocol", "FTP", "ListenerUpdate.Listener.LoadBalancerPort", "80"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				assert.Equal(t, [2]any{"HTTP", 80}, [2]any{lb.Ports[0].Protocol, lb.Ports[0].LoadBalancerPort})
			}},
		{name: "custom keeps the port", params: port80("ListenerUpdate.Listener.Protocol", "custom"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				assert.Equal(t, [2]any{"HTTP", 80}, [2]any{lb.Ports[0].Protocol, lb.Ports[0].LoadBalancerPort})
			}},
		{name: "all at once", params: port80("LoadBalancerNameUpdate", "web2", "NetworkVolumeUpdate", "100",
			"ListenerUpdate.Listener.BalancingType", "2", "ListenerUpdate.Listener.InstancePort", "80"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) {
				assert.Equal(t, [4]any{"web2", 100, 2, 80}, [4]any{lb.Name, lb.NetworkVolume, lb.Ports[0].BalancingType, lb.Ports[0].InstancePort})
			}},
		{name: "sorry page port may keep 80", seed: sorry80, params: port80("ListenerUpdate.Listener.InstancePort", "80"),
			check: func(t *testing.T, lb nifcloudtest.LoadBalancer) { assert.Equal(t, 80, lb.Ports[0].InstancePort) }},

		{name: "unknown load balancer", params: url.Values{"LoadBalancerName": {"lb001"}, "NetworkVolumeUpdate": {"20"}},
			fail: &failure{nifcloudtest.CodeLoadBalancerNotFound, "The LoadBalancerName 'lb001' does not exist."}},
		{name: "unknown port definition", params: update("ListenerUpdate.LoadBalancerPort", "80", "ListenerUpdate.InstancePort", "80",
			"ListenerUpdate.Listener.BalancingType", "2"),
			fail: &failure{nifcloudtest.CodeLoadBalancerPortNotFound,
				"The requested LoadBalancer 'weblb01' does not have this port (loadBalancerPort:80,instancePort:80)."}},
		{name: "name in use", seed: func(o *nifcloudtest.Options) { o.LoadBalancers = twoLBOptions().LoadBalancers },
			params: update("LoadBalancerNameUpdate", "applb", "NetworkVolumeUpdate", "20"),
			fail:   &failure{nifcloudtest.CodeLoadBalancerDuplicate, "The LoadBalancer 'applb' already exists."}},
		{name: "port in use", params: port80("ListenerUpdate.Listener.LoadBalancerPort", "443", "NetworkVolumeUpdate", "20"),
			fail: &failure{nifcloudtest.CodePortAlreadyExists, "The requested LoadBalancerPort '443' already exists."}},
		{name: "protocol whose port is in use", params: port80("ListenerUpdate.Listener.Protocol", "HTTPS"),
			fail: &failure{code: nifcloudtest.CodePortAlreadyExists}},
		{name: "sorry page needs port 80", seed: sorry80, params: port80("ListenerUpdate.Listener.LoadBalancerPort", "8000"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The sorry page of LoadBalancer 'weblb01', loadBalancerPort '80' is enabled; it needs LoadBalancerPort 80."}},
		{name: "bad new name", params: update("LoadBalancerNameUpdate", "web_lb"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value 'web_lb' of parameter 'LoadBalancerNameUpdate' is invalid: must be 1 to 15 ASCII letters and digits."}},
		{name: "bad network volume", params: update("NetworkVolumeUpdate", "50"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value '50' of parameter 'NetworkVolumeUpdate' is invalid: must be 10, 20, 30, 40 or a multiple of 100 up to 2000."}},
		{name: "bad accounting type", params: update("AccountingTypeUpdate", "3"),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value '3' of parameter 'AccountingTypeUpdate' is invalid: must be one of 1, 2."}},
		{name: "bad protocol", params: port80("ListenerUpdate.Listener.Protocol", "TCP"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value 'TCP' of parameter 'ListenerUpdate.Listener.Protocol' is invalid: must be HTTP, HTTPS, FTP or custom."}},
		{name: "bad balancing type", params: port80("ListenerUpdate.Listener.BalancingType", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "bad new port", params: port80("ListenerUpdate.Listener.LoadBalancerPort", "0"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "bad new instance port", params: port80("ListenerUpdate.Listener.InstancePort", "65536"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "listener change without the port definition", params: update("ListenerUpdate.Listener.BalancingType", "2"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ListenerUpdate.LoadBalancerPort' is required."}},
		{name: "half a port definition", params: update("ListenerUpdate.LoadBalancerPort", "80"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ListenerUpdate.InstancePort' is required."}},
		{name: "no name", params: url.Values{"NetworkVolumeUpdate": {"20"}},
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerName' is required."}},
		{name: "unknown parameter", params: update("ListenerUpdate.Listener.SSLCertificateId", "1"),
			fail: &failure{code: nifcloudtest.CodeUnknownParameter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := referenceOptions()
			if tt.seed != nil {
				tt.seed(&opts)
			}
			e, _, ok := runCase(t, opts, "UpdateLoadBalancer", tt.params, tt.fail)
			if !ok {
				return
			}
			if tt.check == nil {
				assert.Equal(t, newEnv(t, opts).srv.State(), e.srv.State())
				return
			}
			tt.check(t, e.srv.State().LoadBalancers[0])
		})
	}
}

func TestUpdateLoadBalancerRenameAndPortChangeSeenByCalls(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.Empty(t, e.code("UpdateLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerNameUpdate": {"weblb09"},
		"ListenerUpdate.LoadBalancerPort": {"80"}, "ListenerUpdate.InstancePort": {"8080"},
		"ListenerUpdate.Listener.InstancePort": {"8081"}}))
	assert.Equal(t, nifcloudtest.CodeLoadBalancerNotFound, e.code("DescribeInstanceHealth", target("weblb01", 80, 8080)))
	assert.Equal(t, nifcloudtest.CodeLoadBalancerPortNotFound, e.code("DescribeInstanceHealth", target("weblb09", 80, 8080)))
	assert.Equal(t, []string{"weblb09 80->8081", "weblb09 443->8443"}, keys(e.describe(nil)))
	assert.Equal(t, []string{"web001", "web002"}, e.srv.Members("weblb09", 80, 8081))
}

func TestUpdateLoadBalancerOption(t *testing.T) {
	opt := func(lbPort, instPort int, kv ...string) url.Values {
		return with(target("weblb01", lbPort, instPort), kv...)
	}
	option := func(stick bool, period int, sorry bool, code int) *nifcloudtest.Option {
		return &nifcloudtest.Option{
			SessionStickiness: nifcloudtest.SessionStickiness{Enabled: stick, ExpirationPeriod: period},
			SorryPage:         nifcloudtest.SorryPage{Enabled: sorry, StatusCode: code},
		}
	}
	tests := []struct {
		name   string
		params url.Values
		port   int // index of the port definition to check
		want   *nifcloudtest.Option
		fail   *failure
	}{
		{name: "enable stickiness", params: opt(80, 8080, "SessionStickinessPolicyUpdate.Enable", "true",
			"SessionStickinessPolicyUpdate.ExpirationPeriod", "60"), want: option(true, 60, false, 200)},
		{name: "disable stickiness keeps the period", params: opt(443, 8443, "SessionStickinessPolicyUpdate.Enable", "false"),
			port: 1, want: option(false, 10, false, 200)},
		{name: "disable with a new period", params: opt(443, 8443, "SessionStickinessPolicyUpdate.Enable", "FALSE",
			"SessionStickinessPolicyUpdate.ExpirationPeriod", "3"), port: 1, want: option(false, 3, false, 200)},
		{name: "enable the sorry page on port 80", params: opt(80, 8080, "SorryPageUpdate.Enable", "true", "SorryPageUpdate.StatusCode", "503"),
			want: option(false, 3, true, 503)},
		{name: "both", params: opt(80, 8080, "SorryPageUpdate.Enable", "true", "SorryPageUpdate.StatusCode", "200",
			"SessionStickinessPolicyUpdate.Enable", "true", "SessionStickinessPolicyUpdate.ExpirationPeriod", "3"),
			want: option(true, 3, true, 200)},
		{name: "disable the sorry page anywhere", params: opt(443, 8443, "SorryPageUpdate.Enable", "false"),
			port: 1, want: option(true, 10, false, 200)},
		{name: "nothing to change adds no option", params: opt(80, 8080)},

		{name: "sorry page off port 80", params: opt(443, 8443, "SorryPageUpdate.Enable", "true", "SorryPageUpdate.StatusCode", "503"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The sorry page can be enabled only on LoadBalancerPort 80, not on LoadBalancer 'weblb01', loadBalancerPort '443'."}},
		{name: "enable stickiness without period", params: opt(80, 8080, "SessionStickinessPolicyUpdate.Enable", "true"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'SessionStickinessPolicyUpdate.ExpirationPeriod' is required."}},
		{name: "enable sorry page without status", params: opt(80, 8080, "SorryPageUpdate.Enable", "true"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'SorryPageUpdate.StatusCode' is required."}},
		{name: "period without enable", params: opt(80, 8080, "SessionStickinessPolicyUpdate.ExpirationPeriod", "10"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'SessionStickinessPolicyUpdate.Enable' is required."}},
		{name: "period 2", params: opt(80, 8080, "SessionStickinessPolicyUpdate.Enable", "true", "SessionStickinessPolicyUpdate.ExpirationPeriod", "2"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value '2' of parameter 'SessionStickinessPolicyUpdate.ExpirationPeriod' is invalid: must be between 3 and 60."}},
		{name: "period 61", params: opt(80, 8080, "SessionStickinessPolicyUpdate.Enable", "true", "SessionStickinessPolicyUpdate.ExpirationPeriod", "61"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "period not a number", params: opt(80, 8080, "SessionStickinessPolicyUpdate.Enable", "false", "SessionStickinessPolicyUpdate.ExpirationPeriod", "ten"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "status 404", params: opt(80, 8080, "SorryPageUpdate.Enable", "true", "SorryPageUpdate.StatusCode", "404"),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value '404' of parameter 'SorryPageUpdate.StatusCode' is invalid: must be 200 or 503."}},
		{name: "bad boolean", params: opt(80, 8080, "SorryPageUpdate.Enable", "yes"),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value 'yes' of parameter 'SorryPageUpdate.Enable' is invalid: must be true or false."}},
		{name: "unknown port definition", params: opt(80, 80, "SorryPageUpdate.Enable", "false"),
			fail: &failure{code: nifcloudtest.CodeLoadBalancerPortNotFound}},
		{name: "unknown load balancer", params: with(target("lb001", 80, 8080), "SorryPageUpdate.Enable", "false"),
			fail: &failure{code: nifcloudtest.CodeLoadBalancerNotFound}},
		{name: "missing port", params: url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}},
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'InstancePort' is required."}},
		{name: "historic mobile filter", params: opt(80, 8080, "MobileFilterUpdate.Enable", "true"),
			fail: &failure{code: nifcloudtest.CodeUnknownParameter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, ok := runCase(t, referenceOptions(), "UpdateLoadBalancerOption", tt.params, tt.fail)
			if !ok {
				return
			}
			assert.Equal(t, tt.want, e.srv.State().LoadBalancers[0].Ports[tt.port].Option)
		})
	}
}

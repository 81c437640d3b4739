package nifcloudtest_test

import (
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// sharedTestdata holds the golden replies shared with the client package.
const sharedTestdata = "../testdata"

// withoutPort removes one port definition from the first reference load
// balancer.
func withoutPort(lbPort int) func(*nifcloudtest.Options) {
	return func(o *nifcloudtest.Options) {
		lb := &o.LoadBalancers[0]
		var kept []nifcloudtest.Port
		for _, p := range lb.Ports {
			if p.LoadBalancerPort != lbPort {
				kept = append(kept, p)
			}
		}
		lb.Ports = kept
	}
}

// TestSharedGoldenFiles replays each scenario of nifcloud/testdata/README.md
// on the reference state and compares the reply with the shared golden file.
func TestSharedGoldenFiles(t *testing.T) {
	tests := []struct {
		file   string
		seed   func(*nifcloudtest.Options)
		before func(e *env)
		action string
		params url.Values
		status int
	}{
		{file: "responses/DescribeLoadBalancers.xml", action: "DescribeLoadBalancers"},
		{file: "responses/DescribeLoadBalancers.xml", action: "DescribeLoadBalancers",
			params: url.Values{"LoadBalancerNames.member.1": {"weblb01"}}},
		{file: "responses/RegisterInstancesWithLoadBalancer.xml", action: "RegisterInstancesWithLoadBalancer",
			seed:   func(o *nifcloudtest.Options) { o.LoadBalancers[0].Ports[0].Members = nil },
			params: with(target("weblb01", 80, 8080), instances("web001", "web002")...)},
		{file: "responses/DeregisterInstancesFromLoadBalancer.xml", action: "DeregisterInstancesFromLoadBalancer",
			params: with(target("weblb01", 80, 8080), instances("web002")...)},
		{file: "responses/DescribeInstanceHealth.xml", action: "DescribeInstanceHealth",
			params: target("weblb01", 80, 8080)},
		{file: "responses/CreateLoadBalancer.xml", action: "CreateLoadBalancer",
			params: url.Values{"LoadBalancerName": {"weblb02"}, "Listeners.member.1.Protocol": {"HTTP"},
				"Listeners.member.1.LoadBalancerPort": {"80"}, "Listeners.member.1.InstancePort": {"80"}}},
		{file: "responses/DeleteLoadBalancer.xml", action: "DeleteLoadBalancer",
			params: target("weblb01", 443, 8443)},
		{file: "responses/RegisterPortWithLoadBalancer.xml", action: "RegisterPortWithLoadBalancer",
			seed: withoutPort(443),
			params: url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.Protocol": {"HTTPS"},
				"Listeners.member.1.LoadBalancerPort": {"443"}, "Listeners.member.1.InstancePort": {"8443"},
				"Listeners.member.1.BalancingType": {"2"}}},
		{file: "responses/ConfigureHealthCheck.xml", action: "ConfigureHealthCheck",
			params: with(target("weblb01", 80, 8080), "HealthCheck.Target", "TCP:8080", "HealthCheck.Interval", "10",
				"HealthCheck.UnhealthyThreshold", "1", "HealthCheck.HealthyThreshold", "1")},
		{file: "responses/SetFilterForLoadBalancer.xml", action: "SetFilterForLoadBalancer",
			params: with(target("weblb01", 80, 8080),
				"IPAddresses.member.1.IPAddress", "203.0.113.0/24", "IPAddresses.member.1.AddOnFilter", "true",
				"IPAddresses.member.2.IPAddress", "192.0.2.10", "IPAddresses.member.2.AddOnFilter", "true")},
		{file: "responses/UpdateLoadBalancer.xml", action: "UpdateLoadBalancer",
			params: url.Values{"LoadBalancerName": {"weblb01"}, "NetworkVolumeUpdate": {"20"}}},
		{file: "responses/UpdateLoadBalancerOption.xml", action: "UpdateLoadBalancerOption",
			params: with(target("weblb01", 443, 8443), "SessionStickinessPolicyUpdate.Enable", "false")},
		{file: "responses/NiftyDescribeElasticLoadBalancers.xml", action: "NiftyDescribeElasticLoadBalancers"},
		{file: "responses/NiftyDescribeElasticLoadBalancers.xml", action: "NiftyDescribeElasticLoadBalancers",
			params: url.Values{"ElasticLoadBalancers.ElasticLoadBalancerName.1": {"webelb01"}}},
		{file: "responses/NiftyDescribeElasticLoadBalancers.xml", action: "NiftyDescribeElasticLoadBalancers",
			params: url.Values{"ElasticLoadBalancers.ElasticLoadBalancerId.1": {"elb-0a1b2c3d"}}},
		{file: "responses/NiftyRegisterInstancesWithElasticLoadBalancer.xml", action: "NiftyRegisterInstancesWithElasticLoadBalancer",
			seed:   func(o *nifcloudtest.Options) { o.ElasticLoadBalancers[0].Listeners[0].Members = nil },
			params: with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web001", "web002")...)},
		{file: "responses/NiftyDeregisterInstancesFromElasticLoadBalancer.xml", action: "NiftyDeregisterInstancesFromElasticLoadBalancer",
			params: with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web002")...)},
		{file: "responses/NiftyDescribeInstanceElasticLoadBalancerHealth.xml", action: "NiftyDescribeInstanceElasticLoadBalancerHealth",
			params: elasticTarget("webelb01", "TCP", 80, 8080)},

		{file: "errors/Client.InvalidParameterNotFound.LoadBalancer.xml", action: "DescribeLoadBalancers",
			params: url.Values{"LoadBalancerNames.member.1": {"lb001"}}, status: 500},
		{file: "errors/Client.InvalidParameterNotFound.LoadBalancerPort.xml", action: "DescribeLoadBalancers",
			params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
				"LoadBalancerNames.LoadBalancerPort.1": {"80"}, "LoadBalancerNames.InstancePort.1": {"80"}}, status: 500},
		{file: "errors/Client.InvalidParameterNotFound.Instance.xml", action: "RegisterInstancesWithLoadBalancer",
			params: with(target("weblb01", 80, 8080), instances("web009")...), status: 500},
		{file: "errors/Client.InvalidParameterNotFound.Instance-deregister.xml", action: "DeregisterInstancesFromLoadBalancer",
			params: with(target("weblb01", 80, 8080), instances("web003")...), status: 500},
		{file: "errors/Client.Inoperable.LoadBalancer.HavingRegisteredInstance.xml", action: "RegisterInstancesWithLoadBalancer",
			params: with(target("weblb01", 80, 8080), instances("web001")...), status: 500},
		{file: "errors/Client.InvalidParameterDuplicate.LoadBalancer.xml", action: "CreateLoadBalancer",
			params: url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.Protocol": {"HTTP"}}, status: 500},
		{file: "errors/Client.Inoperable.LoadBalancerPort.AlreadyExists.xml", action: "RegisterPortWithLoadBalancer",
			params: url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.LoadBalancerPort": {"443"},
				"Listeners.member.1.InstancePort": {"8443"}}, status: 500},
		{file: "errors/Client.InvalidParameterDuplicate.IpAddress.xml", action: "SetFilterForLoadBalancer",
			before: func(e *env) {
				r := e.call("SetFilterForLoadBalancer", with(target("weblb01", 80, 8080), "IPAddresses.member.1.IPAddress", "203.0.113.5"))
				require.Equal(e.t, http.StatusOK, r.Status, "%s", r.Body)
			},
			params: with(target("weblb01", 80, 8080), "IPAddresses.member.1.IPAddress", "203.0.113.5"), status: 500},
		{file: "errors/Client.InvalidParameterNotFound.ElasticLoadBalancer.xml", action: "NiftyDescribeElasticLoadBalancers",
			params: url.Values{"ElasticLoadBalancers.ElasticLoadBalancerName.1": {"elb001"}}, status: 500},
		{file: "errors/Client.InvalidParameterNotFound.ElasticLoadBalancer-register.xml", action: "NiftyRegisterInstancesWithElasticLoadBalancer",
			params: with(elasticTarget("elb001", "TCP", 80, 8080), instances("web001")...), status: 500},
		{file: "errors/Client.InvalidParameterNotFound.Protocol.or.ElasticLoadBalancerPort.xml", action: "NiftyRegisterInstancesWithElasticLoadBalancer",
			params: with(elasticTarget("webelb01", "UDP", 80, 8080), instances("web001")...), status: 500},
		{file: "errors/Client.InvalidParameterNotFound.Instance-elastic.xml", action: "NiftyRegisterInstancesWithElasticLoadBalancer",
			params: with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web009")...), status: 500},
		{file: "errors/Client.InvalidParameterNotFound.Instance-elastic-deregister.xml", action: "NiftyDeregisterInstancesFromElasticLoadBalancer",
			params: with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web003")...), status: 500},
		{file: "errors/Client.Inoperable.ElasticLoadBalancer.HavingRegisteredInstance.xml", action: "NiftyRegisterInstancesWithElasticLoadBalancer",
			params: with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web001")...), status: 500},
		{file: "errors/Server.InternalError.xml", action: "DescribeLoadBalancers",
			before: func(e *env) {
				require.NoError(e.t, e.srv.Inject(nifcloudtest.Fault{Code: nifcloudtest.CodeInternalError}))
			},
			status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.params.Encode(), func(t *testing.T) {
			opts := referenceOptions()
			if tt.seed != nil {
				tt.seed(&opts)
			}
			e := newEnv(t, opts)
			if tt.before != nil {
				tt.before(e)
			}
			want, err := os.ReadFile(filepath.Join(sharedTestdata, tt.file))
			require.NoError(t, err)
			got := e.call(tt.action, tt.params)
			wantStatus := tt.status
			if wantStatus == 0 {
				wantStatus = http.StatusOK
			}
			assert.Equal(t, wantStatus, got.Status)
			assertSameXML(t, want, got.Body)
		})
	}
}

// TestOwnGoldenFiles compares emulator-specific replies byte for byte with
// testdata/golden (refresh with go test -update).
func TestOwnGoldenFiles(t *testing.T) {
	registerWeb003 := func(e *env) {
		r := e.call("NiftyRegisterInstancesWithElasticLoadBalancer", with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web003")...))
		require.Equal(e.t, http.StatusOK, r.Status, "%s", r.Body)
	}
	busy := func(o *nifcloudtest.Options) {
		o.ElasticBusy = 30 * time.Second
		o.Health = nifcloudtest.Health{Appear: 5 * time.Second, InService: 10 * time.Second}
	}
	tests := []struct {
		name   string
		opts   func(*nifcloudtest.Options)
		action string
		params url.Values
		before func(e *env)
		signAt time.Time
	}{
		{name: "describe-after-create", action: "DescribeLoadBalancers",
			params: url.Values{"LoadBalancerNames.member.1": {"weblb02"}},
			before: func(e *env) {
				r := e.call("CreateLoadBalancer", url.Values{"LoadBalancerName": {"weblb02"},
					"Listeners.member.1.LoadBalancerPort": {"8080"}, "Listeners.member.1.InstancePort": {"80"},
					"AvailabilityZones.member.1": {"east-12"}, "NetworkVolume": {"100"}, "AccountingType": {"1"}})
				require.Equal(e.t, http.StatusOK, r.Status, "%s", r.Body)
				r = e.call("RegisterInstancesWithLoadBalancer", with(target("weblb02", 8080, 80), instances("web003")...))
				require.Equal(e.t, http.StatusOK, r.Status, "%s", r.Body)
			}},
		{name: "describe-one-port", action: "DescribeLoadBalancers",
			params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
				"LoadBalancerNames.LoadBalancerPort.1": {"443"}, "LoadBalancerNames.InstancePort.1": {"8443"}}},
		{name: "describe-none", action: "DescribeLoadBalancers",
			before: func(e *env) {
				for _, port := range [][2]int{{80, 8080}, {443, 8443}} {
					r := e.call("DeleteLoadBalancer", target("weblb01", port[0], port[1]))
					require.Equal(e.t, http.StatusOK, r.Status, "%s", r.Body)
				}
			}},
		{name: "health-of-one", action: "DescribeInstanceHealth",
			params: with(target("weblb01", 80, 8080), instances("web002")...)},
		{name: "filter-remove", action: "SetFilterForLoadBalancer",
			params: with(target("weblb01", 443, 8443), "FilterType", "2",
				"IPAddresses.member.1.IPAddress", "192.0.2.10", "IPAddresses.member.1.AddOnFilter", "false")},
		{name: "describe-after-option-update", action: "DescribeLoadBalancers",
			params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
				"LoadBalancerNames.LoadBalancerPort.1": {"80"}, "LoadBalancerNames.InstancePort.1": {"8080"}},
			before: func(e *env) {
				r := e.call("UpdateLoadBalancerOption", with(target("weblb01", 80, 8080),
					"SorryPageUpdate.Enable", "true", "SorryPageUpdate.StatusCode", "503"))
				require.Equal(e.t, http.StatusOK, r.Status, "%s", r.Body)
			}},
		{name: "elastic-describe-narrowed", action: "NiftyDescribeElasticLoadBalancers",
			params: url.Values{"ElasticLoadBalancers.ElasticLoadBalancerId.1": {"elb-0a1b2c3d"},
				"ElasticLoadBalancers.Protocol.1": {"HTTPS"}, "ElasticLoadBalancers.ElasticLoadBalancerPort.1": {"443"},
				"ElasticLoadBalancers.InstancePort.1": {"8443"}}},
		{name: "elastic-describe-busy", opts: busy, before: registerWeb003, action: "NiftyDescribeElasticLoadBalancers",
			params: url.Values{"ElasticLoadBalancers.ElasticLoadBalancerName.1": {"webelb01"},
				"ElasticLoadBalancers.Protocol.1": {"TCP"}, "ElasticLoadBalancers.ElasticLoadBalancerPort.1": {"80"},
				"ElasticLoadBalancers.InstancePort.1": {"8080"}}},
		{name: "elastic-describe-filtered-out", opts: busy, before: registerWeb003, action: "NiftyDescribeElasticLoadBalancers",
			params: url.Values{"Filter.1.Name": {"state"}, "Filter.1.Value.1": {"available"}}},
		{name: "elastic-busy-refusal", opts: busy, before: registerWeb003, action: "NiftyDeregisterInstancesFromElasticLoadBalancer",
			params: with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web003")...)},
		{name: "elastic-health-pending", opts: busy, before: registerWeb003, action: "NiftyDescribeInstanceElasticLoadBalancerHealth",
			params: elasticTarget("webelb01", "TCP", 80, 8080)},
		{name: "error-auth", action: "DescribeLoadBalancers", signAt: t0.Add(-20 * time.Minute)},
		{name: "error-unknown-parameter", action: "DescribeLoadBalancers",
			params: url.Values{"LoadBalancerName": {"weblb01"}}},
		{name: "error-unknown-action", action: "DescribeInstances"},
		{name: "error-missing-parameter", action: "RegisterInstancesWithLoadBalancer",
			params: target("weblb01", 80, 8080)},
		{name: "error-port-range", action: "DeleteLoadBalancer",
			params: target("weblb01", 80, 65536)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := referenceOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			e := newEnv(t, opts)
			if tt.before != nil {
				tt.before(e)
			}
			signAt := tt.signAt
			if signAt.IsZero() {
				signAt = e.clock.Now()
			}
			got := e.callAt(tt.action, tt.params, signAt)
			path := filepath.Join("testdata", "golden", tt.name+".xml")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got.Body, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got.Body))
		})
	}
}

package nifcloudtest_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestConfigureHealthCheck(t *testing.T) {
	hc := func(kv ...string) url.Values { return with(target("weblb01", 80, 8080), kv...) }
	full := []string{"HealthCheck.Target", "ICMP", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "3"}
	tests := []struct {
		name   string
		params url.Values
		want   nifcloudtest.HealthCheck
		fail   *failure
	}{
		{name: "ICMP, computed timeout, healthy threshold kept", params: hc(full...),
			want: nifcloudtest.HealthCheck{Target: "ICMP", Interval: 30, Timeout: 91, UnhealthyThreshold: 3, HealthyThreshold: 1}},
		{name: "TCP with every parameter", params: hc("HealthCheck.Target", "TCP:65535", "HealthCheck.Interval", "300",
			"HealthCheck.UnhealthyThreshold", "10", "HealthCheck.HealthyThreshold", "2", "HealthCheck.Timeout", "30"),
			want: nifcloudtest.HealthCheck{Target: "TCP:65535", Interval: 300, Timeout: 3001, UnhealthyThreshold: 10, HealthyThreshold: 2}},
		{name: "smallest values", params: hc("HealthCheck.Target", "TCP:1", "HealthCheck.Interval", "5", "HealthCheck.UnhealthyThreshold", "1"),
			want: nifcloudtest.HealthCheck{Target: "TCP:1", Interval: 5, Timeout: 6, UnhealthyThreshold: 1, HealthyThreshold: 1}},
		{name: "no target", params: hc("HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'HealthCheck.Target' is required."}},
		{name: "no interval", params: hc("HealthCheck.Target", "ICMP", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'HealthCheck.Interval' is required."}},
		{name: "no unhealthy threshold", params: hc("HealthCheck.Target", "ICMP", "HealthCheck.Interval", "30"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'HealthCheck.UnhealthyThreshold' is required."}},
		{name: "HTTP target", params: hc("HealthCheck.Target", "HTTP:80", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value 'HTTP:80' of parameter 'HealthCheck.Target' is invalid: must be TCP:<port 1-65535> or ICMP."}},
		{name: "target given twice", params: with(hc(full...), "HealthCheck.Target", "TCP:80"),
			fail: &failure{nifcloudtest.CodeDuplicateParameter, "The parameter 'HealthCheck.Target' is given more than once."}},
		{name: "TCP port 0", params: hc("HealthCheck.Target", "TCP:0", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "TCP port too large", params: hc("HealthCheck.Target", "TCP:65536", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "TCP without port", params: hc("HealthCheck.Target", "TCP:", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "lower-case icmp", params: hc("HealthCheck.Target", "icmp", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "interval 4", params: hc("HealthCheck.Target", "ICMP", "HealthCheck.Interval", "4", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value '4' of parameter 'HealthCheck.Interval' is invalid: must be between 5 and 300."}},
		{name: "interval 301", params: hc("HealthCheck.Target", "ICMP", "HealthCheck.Interval", "301", "HealthCheck.UnhealthyThreshold", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "unhealthy 11", params: hc("HealthCheck.Target", "ICMP", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "11"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "healthy 0", params: hc("HealthCheck.Target", "ICMP", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "1",
			"HealthCheck.HealthyThreshold", "0"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "timeout not a number", params: hc("HealthCheck.Target", "ICMP", "HealthCheck.Interval", "30", "HealthCheck.UnhealthyThreshold", "1",
			"HealthCheck.Timeout", "x"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "unknown port", params: with(target("weblb01", 80, 80), full...),
			fail: &failure{code: nifcloudtest.CodeLoadBalancerPortNotFound}},
		{name: "unknown load balancer", params: with(target("nolb", 80, 8080), full...),
			fail: &failure{code: nifcloudtest.CodeLoadBalancerNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, ok := runCase(t, referenceOptions(), "ConfigureHealthCheck", tt.params, tt.fail)
			if !ok {
				return
			}
			assert.Equal(t, tt.want, e.srv.State().LoadBalancers[0].Ports[0].HealthCheck)
			ds := e.describe(url.Values{"LoadBalancerNames.member.1": {"weblb01"},
				"LoadBalancerNames.LoadBalancerPort.1": {"80"}, "LoadBalancerNames.InstancePort.1": {"8080"}})
			require.Len(t, ds, 1)
			assert.Equal(t, tt.want.Timeout, ds[0].HealthCheck.Timeout)
			assert.Equal(t, tt.want.Target, ds[0].HealthCheck.Target)
		})
	}
}

func TestSetFilter(t *testing.T) {
	addr := func(n int, ip string, add ...string) []string {
		kv := []string{fmt.Sprintf("IPAddresses.member.%d.IPAddress", n), ip}
		if len(add) > 0 {
			kv = append(kv, fmt.Sprintf("IPAddresses.member.%d.AddOnFilter", n), add[0])
		}
		return kv
	}
	port443 := target("weblb01", 443, 8443)
	tests := []struct {
		name      string
		params    url.Values
		wantType  int
		wantAddrs []string
		fail      *failure
	}{
		{name: "add", params: with(port443, addr(1, "198.51.100.7")...),
			wantType: 1, wantAddrs: []string{"203.0.113.0/24", "192.0.2.10", "198.51.100.7"}},
		{name: "remove", params: with(port443, addr(1, "203.0.113.0/24", "false")...),
			wantType: 1, wantAddrs: []string{"192.0.2.10"}},
		{name: "remove all shows all", params: with(port443, append(addr(1, "203.0.113.0/24", "False"), addr(2, "192.0.2.10", "FALSE")...)...),
			wantType: 1, wantAddrs: []string{"*.*.*.*"}},
		{name: "mixed, in order", params: with(port443, append(addr(1, "192.0.2.10", "false"), addr(2, "192.0.2.10", "TRUE")...)...),
			wantType: 1, wantAddrs: []string{"203.0.113.0/24", "192.0.2.10"}},
		{name: "type only", params: with(port443, "FilterType", "2"),
			wantType: 2, wantAddrs: []string{"203.0.113.0/24", "192.0.2.10"}},
		{name: "IPv6 canonicalised", params: with(port443, addr(1, "2001:DB8::0:1")...),
			wantType: 1, wantAddrs: []string{"203.0.113.0/24", "192.0.2.10", "2001:db8::1"}},
		{name: "empty list key", params: with(port443, "IPAddresses.member", ""),
			wantType: 1, wantAddrs: []string{"203.0.113.0/24", "192.0.2.10"}},

		{name: "add present", params: with(port443, addr(1, "192.0.2.10", "true")...),
			fail: &failure{nifcloudtest.CodeIPAddressDuplicate,
				"The IP Address '192.0.2.10' already set to this filter(LoadBalancer 'weblb01', loadBalancerPort '443')."}},
		{name: "remove absent", params: with(port443, addr(1, "192.0.2.11", "false")...),
			fail: &failure{nifcloudtest.CodeIPAddressNotFound,
				"The IP Address '192.0.2.11' is not set to this filter(LoadBalancer 'weblb01', loadBalancerPort '443')."}},
		{name: "whole call fails", params: with(port443, append(addr(1, "192.0.2.11"), addr(2, "192.0.2.10")...)...),
			fail: &failure{code: nifcloudtest.CodeIPAddressDuplicate}},
		{name: "not an address", params: with(port443, addr(1, "example.com")...),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value 'example.com' of parameter 'IPAddresses.member.1.IPAddress' is invalid: must be an IP address or CIDR block."}},
		{name: "all-addresses marker", params: with(port443, addr(1, "*.*.*.*")...),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "bad CIDR", params: with(port443, addr(1, "192.0.2.0/33")...),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "bad flag", params: with(port443, addr(1, "192.0.2.11", "yes")...),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "flag without address", params: with(port443, "IPAddresses.member.1.AddOnFilter", "true"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'IPAddresses.member.1.IPAddress' is required."}},
		{name: "filter type 3", params: with(port443, "FilterType", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "unknown port", params: with(target("weblb01", 443, 443), addr(1, "192.0.2.11")...),
			fail: &failure{code: nifcloudtest.CodeLoadBalancerPortNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, got, ok := runCase(t, referenceOptions(), "SetFilterForLoadBalancer", tt.params, tt.fail)
			if !ok {
				return
			}
			var res struct {
				Type  int      `xml:"SetFilterForLoadBalancerResult>Filter>FilterType"`
				Addrs []string `xml:"SetFilterForLoadBalancerResult>Filter>IPAddresses>member>IPAddress"`
			}
			require.NoError(t, xml.Unmarshal(got.Body, &res))
			assert.Equal(t, tt.wantType, res.Type)
			assert.Equal(t, tt.wantAddrs, res.Addrs)
			ds := e.describe(url.Values{"LoadBalancerNames.member.1": {"weblb01"},
				"LoadBalancerNames.LoadBalancerPort.1": {"443"}, "LoadBalancerNames.InstancePort.1": {"8443"}})
			require.Len(t, ds, 1)
			assert.Equal(t, tt.wantAddrs, ds[0].Addresses)
		})
	}
}

func TestSetFilterLimit(t *testing.T) {
	e := newEnv(t, referenceOptions())
	params := target("weblb01", 80, 8080)
	for i := 1; i <= 30; i++ {
		params.Set(fmt.Sprintf("IPAddresses.member.%d.IPAddress", i), fmt.Sprintf("192.0.2.%d", i))
	}
	got := e.call("SetFilterForLoadBalancer", params)
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	got = e.call("SetFilterForLoadBalancer", with(target("weblb01", 80, 8080), "IPAddresses.member.1.IPAddress", "192.0.2.31"))
	assert.Equal(t, nifcloudtest.CodeFilterLimitExceeded, got.Code)
	assert.Len(t, e.srv.State().LoadBalancers[0].Ports[0].Filter.IPAddresses, 30)
}

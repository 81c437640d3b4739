package nifcloudtest_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// twoLBOptions is the reference state plus a second load balancer.
func twoLBOptions() nifcloudtest.Options {
	o := referenceOptions()
	o.LoadBalancers = append(o.LoadBalancers, nifcloudtest.LoadBalancer{
		Name: "applb", Ports: []nifcloudtest.Port{{LoadBalancerPort: 8080, InstancePort: 80}},
	})
	return o
}

func TestDescribeLoadBalancers(t *testing.T) {
	tests := []struct {
		name   string
		params url.Values
		want   []string
		fail   *failure
	}{
		{name: "all", want: []string{"weblb01 80->8080", "weblb01 443->8443", "applb 8080->80"}},
		{name: "empty list key", params: url.Values{"LoadBalancerNames.member": {""}},
			want: []string{"weblb01 80->8080", "weblb01 443->8443", "applb 8080->80"}},
		{name: "by name", params: url.Values{"LoadBalancerNames.member.1": {"applb"}}, want: []string{"applb 8080->80"}},
		{name: "several names in request order", params: url.Values{
			"LoadBalancerNames.member.1": {"applb"}, "LoadBalancerNames.member.2": {"weblb01"}},
			want: []string{"applb 8080->80", "weblb01 80->8080", "weblb01 443->8443"}},
		{name: "name and ports", params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.1": {"443"}, "LoadBalancerNames.InstancePort.1": {"8443"}},
			want: []string{"weblb01 443->8443"}},
		{name: "names with and without ports", params: url.Values{
			"LoadBalancerNames.member.1": {"weblb01"}, "LoadBalancerNames.LoadBalancerPort.1": {"443"}, "LoadBalancerNames.InstancePort.1": {"8443"},
			"LoadBalancerNames.member.2": {"applb"}},
			want: []string{"weblb01 443->8443", "applb 8080->80"}},
		{name: "repeated name listed once", params: url.Values{
			"LoadBalancerNames.member.1": {"weblb01"}, "LoadBalancerNames.member.2": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.2": {"80"}, "LoadBalancerNames.InstancePort.2": {"8080"}},
			want: []string{"weblb01 80->8080", "weblb01 443->8443"}},
		{name: "owner self", params: url.Values{"Owner": {"self"}}, want: []string{"weblb01 80->8080", "weblb01 443->8443", "applb 8080->80"}},
		{name: "owner all", params: url.Values{"Owner": {"all"}, "LoadBalancerNames.member.1": {"applb"}}, want: []string{"applb 8080->80"}},
		{name: "owner other", params: url.Values{"Owner": {"other"}}, want: []string{}},

		{name: "unknown name", params: url.Values{"LoadBalancerNames.member.1": {"applb"}, "LoadBalancerNames.member.2": {"lb001"}},
			fail: &failure{nifcloudtest.CodeLoadBalancerNotFound, "The LoadBalancerName 'lb001' does not exist."}},
		{name: "unknown name first fails the whole call", params: url.Values{"LoadBalancerNames.member.1": {"lb001"}, "LoadBalancerNames.member.2": {"weblb01"}},
			fail: &failure{nifcloudtest.CodeLoadBalancerNotFound, "The LoadBalancerName 'lb001' does not exist."}},
		{name: "unknown pair", params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.1": {"443"}, "LoadBalancerNames.InstancePort.1": {"443"}},
			fail: &failure{nifcloudtest.CodeLoadBalancerPortNotFound,
				"The requested LoadBalancer 'weblb01' does not have this port (loadBalancerPort:443,instancePort:443)."}},
		{name: "owner other with a name", params: url.Values{"Owner": {"other"}, "LoadBalancerNames.member.1": {"weblb01"}},
			fail: &failure{code: nifcloudtest.CodeLoadBalancerNotFound}},
		{name: "bad owner", params: url.Values{"Owner": {"me"}},
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value 'me' of parameter 'Owner' is invalid: must be self, other or all."}},
		{name: "only one port of the pair", params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.1": {"80"}},
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerNames.InstancePort.1' is required."}},
		{name: "only the instance port", params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.InstancePort.1": {"8080"}},
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerNames.LoadBalancerPort.1' is required."}},
		{name: "ports without a name", params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.2": {"80"}, "LoadBalancerNames.InstancePort.2": {"8080"}},
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerNames.member.2' is required."}},
		{name: "port not a number", params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.1": {"x"}, "LoadBalancerNames.InstancePort.1": {"8080"}},
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "instance port out of range", params: url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.1": {"80"}, "LoadBalancerNames.InstancePort.1": {"70000"}},
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "empty name", params: url.Values{"LoadBalancerNames.member.1": {""}},
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerNames.member.1' is required."}},
		{name: "AWS-style parameter", params: url.Values{"LoadBalancerNames.member.1.LoadBalancerName": {"weblb01"}},
			fail: &failure{code: nifcloudtest.CodeUnknownParameter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, twoLBOptions())
			if tt.fail == nil {
				assert.Equal(t, tt.want, keys(e.describe(tt.params)))
				return
			}
			got := e.call("DescribeLoadBalancers", tt.params)
			assert.Equal(t, http.StatusInternalServerError, got.Status)
			assert.Equal(t, tt.fail.code, got.Code)
			if tt.fail.message != "" {
				assert.Equal(t, tt.fail.message, got.Message)
			}
		})
	}
}

func TestDescribeLoadBalancersDetails(t *testing.T) {
	e := newEnv(t, twoLBOptions())
	ds := e.describe(url.Values{"LoadBalancerNames.member.1": {"applb"}})
	require.Len(t, ds, 1)
	d := ds[0]
	assert.Equal(t, "198.51.100.21", d.DNSName, "the next free VIP")
	assert.Equal(t, 10, d.NetworkVolume)
	assert.Equal(t, "", d.Listener.Protocol, "custom port")
	assert.Equal(t, 1, d.Listener.BalancingType)
	assert.Equal(t, []string{"east-11"}, d.Zones)
	assert.Equal(t, "TCP:80", d.HealthCheck.Target)
	assert.Equal(t, 11, d.HealthCheck.Timeout)
	assert.Equal(t, 1, d.FilterType)
	assert.Equal(t, []string{"*.*.*.*"}, d.Addresses)
	assert.Equal(t, "2024-06-13T15:00:00.000+09:00", d.CreatedTime, "created at the clock's time, shown in +09:00")

	got := e.callWith(http.MethodGet, testCred, "DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"applb"}})
	assert.Equal(t, http.StatusOK, got.Status, "GET works the same")
}

package nifcloudtest_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestCreateLoadBalancer(t *testing.T) {
	create := func(kv ...string) url.Values { return with(url.Values{"LoadBalancerName": {"newlb"}}, kv...) }
	tests := []struct {
		name     string
		params   url.Values
		want     string // key of the one description
		protocol string
		fail     *failure
	}{
		{name: "HTTP alone", params: create("Listeners.member.1.Protocol", "HTTP"), want: "newlb 80->80", protocol: "HTTP"},
		{name: "HTTPS alone", params: create("Listeners.member.1.Protocol", "HTTPS"), want: "newlb 443->443", protocol: "HTTPS"},
		{name: "FTP alone", params: create("Listeners.member.1.Protocol", "FTP"), want: "newlb 21->21", protocol: "FTP"},
		{name: "lower-case protocol", params: create("Listeners.member.1.Protocol", "https"), want: "newlb 443->443", protocol: "HTTPS"},
		{name: "HTTP on port 70 is custom", params: create("Listeners.member.1.Protocol", "HTTP", "Listeners.member.1.LoadBalancerPort", "70"),
			want: "newlb 70->70", protocol: ""},
		{name: "HTTPS on port 80 is HTTP", params: create("Listeners.member.1.Protocol", "HTTPS", "Listeners.member.1.LoadBalancerPort", "80"),
			want: "newlb 80->80", protocol: "HTTP"},
		{name: "custom on port 80 is HTTP", params: create("Listeners.member.1.Protocol", "", "Listeners.member.1.LoadBalancerPort", "80"),
			want: "newlb 80->80", protocol: "HTTP"},
		{name: "instance port", params: create("Listeners.member.1.LoadBalancerPort", "443", "Listeners.member.1.InstancePort", "8443",
			"Listeners.member.1.BalancingType", "2"), want: "newlb 443->8443", protocol: "HTTPS"},
		{name: "all settings", params: create("Listeners.member.1.LoadBalancerPort", "80", "NetworkVolume", "2000",
			"IpVersion", "v4", "AccountingType", "1", "PolicyType", "ats", "AvailabilityZones.member.1", "east-12"),
			want: "newlb 80->80", protocol: "HTTP"},

		{name: "duplicate name", params: with(url.Values{"LoadBalancerName": {"weblb01"}}, "Listeners.member.1.Protocol", "HTTP"),
			fail: &failure{nifcloudtest.CodeLoadBalancerDuplicate, "The LoadBalancer 'weblb01' already exists."}},
		{name: "no name", params: url.Values{"Listeners.member.1.Protocol": {"HTTP"}},
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerName' is required."}},
		{name: "name with a dash", params: with(url.Values{"LoadBalancerName": {"web-lb"}}, "Listeners.member.1.Protocol", "HTTP"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value 'web-lb' of parameter 'LoadBalancerName' is invalid: must be 1 to 15 ASCII letters and digits."}},
		{name: "name too long", params: with(url.Values{"LoadBalancerName": {strings.Repeat("a", 16)}}, "Listeners.member.1.Protocol", "HTTP"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "no listener", params: create(),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Listeners.member.1.LoadBalancerPort' is required."}},
		{name: "custom protocol without port", params: create("Listeners.member.1.Protocol", ""),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Listeners.member.1.LoadBalancerPort' is required."}},
		{name: "two listeners", params: create("Listeners.member.1.Protocol", "HTTP", "Listeners.member.2.Protocol", "HTTPS"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "unknown protocol", params: create("Listeners.member.1.Protocol", "TCP"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value 'TCP' of parameter 'Listeners.member.1.Protocol' is invalid: must be HTTP, HTTPS, FTP or empty."}},
		{name: "port out of range", params: create("Listeners.member.1.LoadBalancerPort", "0"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "instance port out of range", params: create("Listeners.member.1.LoadBalancerPort", "80", "Listeners.member.1.InstancePort", "65536"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value '65536' of parameter 'Listeners.member.1.InstancePort' is invalid: must be between 1 and 65535."}},
		{name: "balancing type 3", params: create("Listeners.member.1.LoadBalancerPort", "80", "Listeners.member.1.BalancingType", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "network volume 15", params: create("Listeners.member.1.Protocol", "HTTP", "NetworkVolume", "15"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "network volume 3000", params: create("Listeners.member.1.Protocol", "HTTP", "NetworkVolume", "3000"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "ip version", params: create("Listeners.member.1.Protocol", "HTTP", "IpVersion", "v5"),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value 'v5' of parameter 'IpVersion' is invalid: must be one of v4, v6."}},
		{name: "ats with v6", params: create("Listeners.member.1.Protocol", "HTTP", "IpVersion", "v6", "PolicyType", "ats"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "accounting type", params: create("Listeners.member.1.Protocol", "HTTP", "AccountingType", "3"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "policy type", params: create("Listeners.member.1.Protocol", "HTTP", "PolicyType", "fast"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "empty zone", params: create("Listeners.member.1.Protocol", "HTTP", "AvailabilityZones.member.1", ""),
			fail: &failure{code: nifcloudtest.CodeMissingParameter}},
		{name: "unknown listener field", params: create("Listeners.member.1.Protocol", "HTTP", "Listeners.member.1.SSLCertificateId", "1"),
			fail: &failure{code: nifcloudtest.CodeUnknownParameter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, got, ok := runCase(t, referenceOptions(), "CreateLoadBalancer", tt.params, tt.fail)
			if !ok {
				return
			}
			var res struct {
				DNSName string `xml:"CreateLoadBalancerResult>DNSName"`
			}
			require.NoError(t, xml.Unmarshal(got.Body, &res))
			assert.Equal(t, "198.51.100.21", res.DNSName)
			ds := e.describe(url.Values{"LoadBalancerNames.member.1": {"newlb"}})
			require.Len(t, ds, 1)
			assert.Equal(t, tt.want, ds[0].key())
			assert.Equal(t, tt.protocol, ds[0].Listener.Protocol)
			assert.Equal(t, "198.51.100.21", ds[0].DNSName)
			assert.Empty(t, ds[0].Instances)
			assert.Equal(t, []string{"*.*.*.*"}, ds[0].Addresses, "a new port allows all")
		})
	}
}

func TestIPv6LoadBalancersGetIPv6VIPs(t *testing.T) {
	opts := referenceOptions()
	opts.LoadBalancers = append(opts.LoadBalancers, nifcloudtest.LoadBalancer{Name: "seeded6", IPVersion: "v6",
		Ports: []nifcloudtest.Port{{LoadBalancerPort: 80}}})
	e := newEnv(t, opts)
	got := e.call("CreateLoadBalancer", url.Values{"LoadBalancerName": {"new6"}, "Listeners.member.1.LoadBalancerPort": {"80"}, "IpVersion": {"v6"}})
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	got = e.call("CreateLoadBalancer", url.Values{"LoadBalancerName": {"new4"}, "Listeners.member.1.LoadBalancerPort": {"80"}})
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	vips := map[string]string{}
	for _, lb := range e.srv.State().LoadBalancers {
		vips[lb.Name] = lb.DNSName
	}
	assert.Equal(t, map[string]string{"weblb01": "198.51.100.20", "seeded6": "2001:db8:100::20", "new6": "2001:db8:100::21", "new4": "198.51.100.21"}, vips,
		"the family of the VIP follows the IP version")
}

func TestCreateLoadBalancerSettings(t *testing.T) {
	e := newEnv(t, referenceOptions())
	got := e.call("CreateLoadBalancer", url.Values{"LoadBalancerName": {"newlb"}, "Listeners.member.1.Protocol": {"HTTP"},
		"NetworkVolume": {"200"}, "AccountingType": {"1"}, "PolicyType": {"ats"},
		"AvailabilityZones.member.1": {"east-12"}, "AvailabilityZones.member.2": {"east-13"}})
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	st := e.srv.State()
	require.Len(t, st.LoadBalancers, 2)
	lb := st.LoadBalancers[1]
	assert.Equal(t, 200, lb.NetworkVolume)
	assert.Equal(t, "1", lb.AccountingType)
	assert.Equal(t, "1", lb.NextMonthAccountingType)
	assert.Equal(t, "ats", lb.PolicyType)
	assert.Equal(t, "v4", lb.IPVersion)
	assert.Equal(t, []string{"east-12", "east-13"}, lb.AvailabilityZones)
	assert.Equal(t, t0, lb.CreatedTime)
	require.Len(t, lb.Ports, 1)
	assert.Equal(t, nifcloudtest.HealthCheck{Target: "TCP:80", Interval: 10, Timeout: 11, UnhealthyThreshold: 1, HealthyThreshold: 1},
		lb.Ports[0].HealthCheck)
}

func TestVIPAllocation(t *testing.T) {
	e := newEnv(t, referenceOptions())
	createHTTP := func(name string) reply {
		return e.call("CreateLoadBalancer", url.Values{"LoadBalancerName": {name}, "Listeners.member.1.Protocol": {"HTTP"}})
	}
	require.Equal(t, http.StatusOK, createHTTP("lb2").Status)
	require.Equal(t, http.StatusOK, createHTTP("lb3").Status)
	require.Equal(t, http.StatusOK, e.call("DeleteLoadBalancer", target("lb2", 80, 80)).Status)
	require.Equal(t, http.StatusOK, createHTTP("lb4").Status)
	vips := map[string]string{}
	for _, lb := range e.srv.State().LoadBalancers {
		vips[lb.Name] = lb.DNSName
	}
	assert.Equal(t, map[string]string{"weblb01": "198.51.100.20", "lb4": "198.51.100.21", "lb3": "198.51.100.22"}, vips,
		"the lowest free address is reused")

	// Exhaust the pool: 235 addresses from .20 to .254.
	o := nifcloudtest.Options{}
	for i := 0; i < 235; i++ {
		o.LoadBalancers = append(o.LoadBalancers, nifcloudtest.LoadBalancer{
			Name: fmt.Sprintf("lb%d", i), Ports: []nifcloudtest.Port{{LoadBalancerPort: 80}}})
	}
	full := newEnv(t, o)
	got := full.call("CreateLoadBalancer", url.Values{"LoadBalancerName": {"onemore"}, "Listeners.member.1.Protocol": {"HTTP"}})
	assert.Equal(t, http.StatusInternalServerError, got.Status)
	assert.Equal(t, nifcloudtest.CodeInternalError, got.Code)
	assert.Contains(t, got.Message, "no free VIP")

	o.LoadBalancers = append(o.LoadBalancers, nifcloudtest.LoadBalancer{Name: "onemore", Ports: []nifcloudtest.Port{{LoadBalancerPort: 80}}})
	o.Credentials = []nifcloudtest.Credential{testCred}
	_, err := nifcloudtest.New(o)
	assert.ErrorContains(t, err, "no free VIP")
}

func TestRegisterPort(t *testing.T) {
	listener := func(n, lbPort, instPort int) []string {
		return []string{fmt.Sprintf("Listeners.member.%d.LoadBalancerPort", n), fmt.Sprint(lbPort),
			fmt.Sprintf("Listeners.member.%d.InstancePort", n), fmt.Sprint(instPort)}
	}
	weblb01 := url.Values{"LoadBalancerName": {"weblb01"}}
	tests := []struct {
		name string
		seed func(*nifcloudtest.Options)
		kv   []string
		want []string
		fail *failure
	}{
		{name: "third port", kv: listener(1, 21, 2121),
			want: []string{"weblb01 80->8080", "weblb01 443->8443", "weblb01 21->2121"}},
		{name: "two ports at once", seed: withoutPort(443), kv: append(listener(1, 443, 8443), listener(2, 8000, 8000)...),
			want: []string{"weblb01 80->8080", "weblb01 443->8443", "weblb01 8000->8000"}},
		{name: "existing load balancer port", kv: listener(1, 443, 9443),
			fail: &failure{nifcloudtest.CodePortAlreadyExists, "The requested LoadBalancerPort '443' already exists."}},
		{name: "same port twice in the call", seed: withoutPort(443), kv: append(listener(1, 8000, 8000), listener(2, 8000, 8001)...),
			fail: &failure{nifcloudtest.CodePortAlreadyExists, "The requested LoadBalancerPort '8000' already exists."}},
		{name: "fourth port", kv: append(listener(1, 21, 21), listener(2, 8000, 8000)...),
			fail: &failure{nifcloudtest.CodePortLimitExceeded, "The LoadBalancer 'weblb01' cannot have more than 3 port definitions."}},
		{name: "no listener",
			fail: &failure{code: nifcloudtest.CodeMissingParameter}},
		{name: "unknown load balancer", seed: func(o *nifcloudtest.Options) { o.LoadBalancers[0].Name = "other" },
			kv:   listener(1, 21, 21),
			fail: &failure{nifcloudtest.CodeLoadBalancerNotFound, "The LoadBalancerName 'weblb01' does not exist."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := referenceOptions()
			if tt.seed != nil {
				tt.seed(&opts)
			}
			e, got, ok := runCase(t, opts, "RegisterPortWithLoadBalancer", with(weblb01, tt.kv...), tt.fail)
			if !ok {
				return
			}
			assert.Equal(t, tt.want, keys(e.describe(nil)))
			var res struct {
				Listeners []struct {
					Protocol         string `xml:"Protocol"`
					LoadBalancerPort int    `xml:"LoadBalancerPort"`
				} `xml:"RegisterPortWithLoadBalancerResult>Listeners>member"`
			}
			require.NoError(t, xml.Unmarshal(got.Body, &res))
			assert.Len(t, res.Listeners, len(tt.kv)/4)
			for _, l := range res.Listeners {
				assert.Equal(t, strings.ToLower(l.Protocol), l.Protocol, "echoed in lower case")
			}
		})
	}
}

func TestDeleteLoadBalancer(t *testing.T) {
	e := newEnv(t, referenceOptions())
	got := e.call("DeleteLoadBalancer", target("weblb01", 443, 8443))
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	assert.Equal(t, []string{"weblb01 80->8080"}, keys(e.describe(nil)))
	assert.Nil(t, e.srv.Members("weblb01", 443, 8443))

	got = e.call("DeleteLoadBalancer", target("weblb01", 443, 8443))
	assert.Equal(t, nifcloudtest.CodeLoadBalancerPortNotFound, got.Code)
	got = e.call("DeleteLoadBalancer", target("weblb01", 80, 80))
	assert.Equal(t, nifcloudtest.CodeLoadBalancerPortNotFound, got.Code)

	got = e.call("DeleteLoadBalancer", target("weblb01", 80, 8080))
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	assert.Empty(t, e.describe(nil), "the load balancer goes with its last port")
	got = e.call("DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"weblb01"}})
	assert.Equal(t, nifcloudtest.CodeLoadBalancerNotFound, got.Code)
	got = e.call("DeleteLoadBalancer", target("weblb01", 80, 8080))
	assert.Equal(t, nifcloudtest.CodeLoadBalancerNotFound, got.Code)
	got = e.call("DeleteLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}})
	assert.Equal(t, nifcloudtest.CodeMissingParameter, got.Code)

	// The name can be used again.
	got = e.call("CreateLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.Protocol": {"HTTP"}})
	assert.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
}

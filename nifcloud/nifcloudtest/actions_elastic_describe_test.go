package nifcloudtest_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// twoELBOptions is the reference state plus a second elastic load
// balancer, appelb, with a generated id and an allocated VIP.
func twoELBOptions() nifcloudtest.Options {
	o := referenceOptions()
	o.ElasticLoadBalancers = append(o.ElasticLoadBalancers, nifcloudtest.ElasticLoadBalancer{
		Name: "appelb", AvailabilityZone: "east-12", AccountingType: "1", Version: "v1.1", VersionOutdated: true,
		Listeners: []nifcloudtest.ElasticListener{
			{Protocol: "UDP", ElasticLoadBalancerPort: 53, Members: []nifcloudtest.Member{{InstanceID: "web003"}}},
			{Protocol: "TCP", ElasticLoadBalancerPort: 53},
		},
	})
	return o
}

// elasticDescription is the part of a description the tests look at.
type elasticDescription struct {
	ID        string `xml:"ElasticLoadBalancerId"`
	Name      string `xml:"ElasticLoadBalancerName"`
	DNSName   string `xml:"DNSName"`
	Listeners []struct {
		Protocol     string   `xml:"Protocol"`
		Port         int      `xml:"ElasticLoadBalancerPort"`
		InstancePort int      `xml:"InstancePort"`
		Members      []string `xml:"Instances>member>InstanceId"`
	} `xml:"ElasticLoadBalancerListenerDescriptions>member>Listener"`
	Zone       string `xml:"AvailabilityZones>member"`
	NIC        string `xml:"NetworkInterfaces>member>IpAddress"`
	IsLatest   bool   `xml:"VersionInformation>IsLatest"`
	Version    string `xml:"VersionInformation>Version"`
	Accounting string `xml:"AccountingType"`
}

// describeElastic calls NiftyDescribeElasticLoadBalancers and decodes it.
func (e *env) describeElastic(params url.Values) []elasticDescription {
	e.t.Helper()
	var out struct {
		Descriptions []elasticDescription `xml:"NiftyDescribeElasticLoadBalancersResult>ElasticLoadBalancerDescriptions>member"`
	}
	e.decodeCall("NiftyDescribeElasticLoadBalancers", params, &out)
	return out.Descriptions
}

// elasticKeys lists "name: PROTO port->port ..." per description.
func elasticKeys(ds []elasticDescription) []string {
	out := []string{}
	for _, d := range ds {
		k := d.Name + ":"
		for _, l := range d.Listeners {
			k += " " + l.Protocol + " " + fmt.Sprint(l.Port) + "->" + fmt.Sprint(l.InstancePort)
		}
		out = append(out, k)
	}
	return out
}

func TestDescribeElasticLoadBalancers(t *testing.T) {
	const (
		web = "webelb01: TCP 80->8080 HTTPS 443->8443"
		app = "appelb: UDP 53->53 TCP 53->53"
	)
	names := func(kv ...string) url.Values { return with(url.Values{}, kv...) }
	tests := []struct {
		name   string
		params url.Values
		want   []string
		fail   *failure
	}{
		{name: "all", want: []string{web, app}},
		{name: "by name", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "appelb"), want: []string{app}},
		{name: "by id", params: names("ElasticLoadBalancers.ElasticLoadBalancerId.1", "elb-0a1b2c3d"), want: []string{web}},
		{name: "request order", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "appelb",
			"ElasticLoadBalancers.ElasticLoadBalancerId.2", "elb-0a1b2c3d"), want: []string{app, web}},
		{name: "one listener", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.Protocol.1", "https", "ElasticLoadBalancers.ElasticLoadBalancerPort.1", "443",
			"ElasticLoadBalancers.InstancePort.1", "8443"), want: []string{"webelb01: HTTPS 443->8443"}},
		{name: "two listeners of one load balancer, in its order", params: names(
			"ElasticLoadBalancers.ElasticLoadBalancerName.1", "appelb", "ElasticLoadBalancers.Protocol.1", "TCP",
			"ElasticLoadBalancers.ElasticLoadBalancerPort.1", "53", "ElasticLoadBalancers.InstancePort.1", "53",
			"ElasticLoadBalancers.ElasticLoadBalancerName.2", "appelb", "ElasticLoadBalancers.Protocol.2", "UDP",
			"ElasticLoadBalancers.ElasticLoadBalancerPort.2", "53", "ElasticLoadBalancers.InstancePort.2", "53"),
			want: []string{app}},
		{name: "a listener and the whole load balancer", params: names(
			"ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01", "ElasticLoadBalancers.Protocol.1", "TCP",
			"ElasticLoadBalancers.ElasticLoadBalancerPort.1", "80", "ElasticLoadBalancers.InstancePort.1", "8080",
			"ElasticLoadBalancers.ElasticLoadBalancerId.2", "elb-0a1b2c3d"), want: []string{web}},
		{name: "empty list keys", params: names("ElasticLoadBalancers.ElasticLoadBalancerName", "", "Filter", ""), want: []string{web, app}},
		{name: "filter state", params: names("Filter.1.Name", "state", "Filter.1.Value.1", "available"), want: []string{web, app}},
		{name: "filter by several values", params: names("Filter.1.Name", "elastic-loadbalancer-name",
			"Filter.1.Value.1", "nope", "Filter.1.Value.2", "appelb"), want: []string{app}},
		{name: "filters combine", params: names("Filter.1.Name", "availability-zone", "Filter.1.Value.1", "east-11",
			"Filter.2.Name", "accounting-type", "Filter.2.Value.1", "1"), want: []string{}},
		{name: "filter id", params: names("Filter.1.Name", "elastic-loadbalancer-id", "Filter.1.Value.1", "elb-0a1b2c3d"), want: []string{web}},
		{name: "filter address and version", params: names("Filter.1.Name", "ip-address", "Filter.1.Value.1", "198.51.100.21",
			"Filter.2.Name", "version", "Filter.2.Value.1", "v1.1"), want: []string{app}},
		{name: "filter and names", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"Filter.1.Name", "state", "Filter.1.Value.1", "configuring"), want: []string{}},

		{name: "unknown name", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.ElasticLoadBalancerName.2", "elb001"),
			fail: &failure{nifcloudtest.CodeElasticLoadBalancerNotFound, "The ElasticLoadBalancers_ElasticLoadBalancerName 'elb001' does not exist."}},
		{name: "unknown id", params: names("ElasticLoadBalancers.ElasticLoadBalancerId.1", "elb-00000000"),
			fail: &failure{nifcloudtest.CodeElasticLoadBalancerNotFound, "The ElasticLoadBalancers_ElasticLoadBalancerId 'elb-00000000' does not exist."}},
		{name: "unknown listener", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.Protocol.1", "UDP", "ElasticLoadBalancers.ElasticLoadBalancerPort.1", "80",
			"ElasticLoadBalancers.InstancePort.1", "8080"),
			fail: &failure{nifcloudtest.CodeElasticListenerNotFound, "The requested ElasticLoadBalancers_ElasticLoadBalancerName ('webelb01') " +
				"does not have this protocol and port (Protocol: 'UDP',ElasticLoadBalancerPort: '80',InstancePort: '8080')."}},
		{name: "half a listener", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.Protocol.1", "TCP", "ElasticLoadBalancers.ElasticLoadBalancerPort.1", "80"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ElasticLoadBalancers.InstancePort.1' is required."}},
		{name: "a listener without a load balancer", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.Protocol.2", "TCP"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ElasticLoadBalancers.ElasticLoadBalancerName.2' is required."}},
		{name: "name and id in one entry", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.ElasticLoadBalancerId.1", "elb-0a1b2c3d"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"Give ElasticLoadBalancers.ElasticLoadBalancerName.1 or ElasticLoadBalancers.ElasticLoadBalancerId.1, not both."}},
		{name: "empty name", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", ""),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ElasticLoadBalancers.ElasticLoadBalancerName.1' is required."}},
		{name: "empty id", params: names("ElasticLoadBalancers.ElasticLoadBalancerId.1", ""),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ElasticLoadBalancers.ElasticLoadBalancerId.1' is required."}},
		{name: "bad protocol", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.Protocol.1", "FTP", "ElasticLoadBalancers.ElasticLoadBalancerPort.1", "21",
			"ElasticLoadBalancers.InstancePort.1", "21"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"The value 'FTP' of parameter 'ElasticLoadBalancers.Protocol.1' is invalid: must be TCP, UDP, HTTP or HTTPS."}},
		{name: "bad port", params: names("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01",
			"ElasticLoadBalancers.Protocol.1", "TCP", "ElasticLoadBalancers.ElasticLoadBalancerPort.1", "80",
			"ElasticLoadBalancers.InstancePort.1", "0"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "unknown filter", params: names("Filter.1.Name", "colour", "Filter.1.Value.1", "red"),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value 'colour' of parameter 'Filter.1.Name' is invalid: " +
				"the emulator implements the filters accounting-type, availability-zone, elastic-loadbalancer-id, " +
				"elastic-loadbalancer-name, ip-address, state, version."}},
		{name: "description filter is not implemented", params: names("Filter.1.Name", "description", "Filter.1.Value.1", "api"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "filter without a name", params: names("Filter.1.Value.1", "available"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Filter.1.Name' is required."}},
		{name: "filter without values", params: names("Filter.1.Name", "state"),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Filter.1.Value.1' is required."}},
		{name: "empty filter value", params: names("Filter.1.Name", "state", "Filter.1.Value.2", ""),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Filter.1.Value.2' is required."}},
		{name: "filter value index zero", params: names("Filter.1.Name", "state", "Filter.1.Value.0", "available"),
			fail: &failure{nifcloudtest.CodeUnknownParameter,
				"The parameter 'Filter.1.Value.0' is not accepted by NiftyDescribeElasticLoadBalancers."}},
		{name: "member-style name", params: names("ElasticLoadBalancers.member.1.ElasticLoadBalancerName", "webelb01"),
			fail: &failure{code: nifcloudtest.CodeUnknownParameter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, twoELBOptions())
			if tt.fail == nil {
				assert.Equal(t, tt.want, elasticKeys(e.describeElastic(tt.params)))
				return
			}
			tt.fail.check(t, e, e.srv.State(), e.call("NiftyDescribeElasticLoadBalancers", tt.params))
		})
	}
}

func TestDescribeElasticDefaults(t *testing.T) {
	e := newEnv(t, twoELBOptions())
	ds := e.describeElastic(url.Values{"ElasticLoadBalancers.ElasticLoadBalancerName.1": {"appelb"}})
	require.Len(t, ds, 1)
	d := ds[0]
	assert.Regexp(t, `^elb-[0-9a-z]{8}$`, d.ID, "generated")
	assert.Equal(t, "198.51.100.21", d.DNSName, "the next free VIP after the classic one")
	assert.Equal(t, "198.51.100.21", d.NIC, "on the default global interface")
	assert.Equal(t, []string{"web003"}, d.Listeners[0].Members)
	assert.Equal(t, [4]any{"east-12", false, "v1.1", "1"}, [4]any{d.Zone, d.IsLatest, d.Version, d.Accounting})

	again := newEnv(t, twoELBOptions())
	assert.Equal(t, d.ID, again.describeElastic(url.Values{"ElasticLoadBalancers.ElasticLoadBalancerName.1": {"appelb"}})[0].ID,
		"deterministic")
	assert.Equal(t, []string{"appelb: UDP 53->53 TCP 53->53"},
		elasticKeys(e.describeElastic(url.Values{"ElasticLoadBalancers.ElasticLoadBalancerId.1": {d.ID}})))
}

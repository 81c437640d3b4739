package nifcloudtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestLoadSeedFileExample(t *testing.T) {
	opts, err := nifcloudtest.LoadSeedFile(filepath.Join("testdata", "seed.json"))
	require.NoError(t, err)
	require.Len(t, opts.Credentials, 2)
	c := newClock()
	opts.Now = c.Now
	srv, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	st := srv.State()

	require.Len(t, st.Instances, 4)
	assert.Equal(t, "i-0a1b2c3d", st.Instances[0].UniqueID)
	assert.Regexp(t, `^i-[0-9a-z]{8}$`, st.Instances[2].UniqueID, "generated")
	assert.True(t, st.Instances[3].Unhealthy)

	require.Len(t, st.LoadBalancers, 2)
	web := st.LoadBalancers[0]
	assert.Equal(t, "web servers", web.Description)
	require.Len(t, web.Ports, 2)
	assert.Equal(t, "HTTPS", web.Ports[1].Protocol, "derived from port 443")
	assert.Equal(t, 91, web.Ports[1].HealthCheck.Timeout, "computed")
	assert.Equal(t, 1, web.Ports[1].HealthCheck.HealthyThreshold, "default")
	assert.Equal(t, []nifcloudtest.Member{
		{InstanceID: "web001", Health: nifcloudtest.HealthPending, State: nifcloudtest.HealthPending},
		{InstanceID: "web003", RegisteredAt: mustTime("2024-06-13T14:59:00+09:00"), State: nifcloudtest.HealthInService},
	}, web.Ports[1].Members)
	assert.True(t, web.Ports[0].CreatedTime.Equal(mustTime("2024-06-13T14:56:27+09:00")), "the load balancer's")

	ftp := st.LoadBalancers[1]
	assert.Equal(t, "198.51.100.21", ftp.DNSName, "allocated after the explicit VIPs")
	assert.Equal(t, "FTP", ftp.Ports[0].Protocol)
	assert.Equal(t, 21, ftp.Ports[0].InstancePort)
	assert.Equal(t, t0, ftp.CreatedTime, "the clock's time")
	assert.Equal(t, []string{"east-11"}, ftp.AvailabilityZones)

	require.Len(t, st.ElasticLoadBalancers, 2)
	elb := st.ElasticLoadBalancers[0]
	assert.Equal(t, [3]string{"elb-0a1b2c3d", "2", "1"}, [3]string{elb.ID, elb.AccountingType, elb.NextMonthAccountingType})
	require.Len(t, elb.NetworkInterfaces, 2)
	assert.Equal(t, 2, elb.NetworkInterfaces[1].DeviceIndex, "defaults to the position")
	assert.Equal(t, "198.51.100.30", elb.DNSName)
	require.Len(t, elb.Listeners, 2)
	assert.Equal(t, nifcloudtest.HealthPending, elb.Listeners[0].Members[1].State)
	assert.Equal(t, []string{"200"}, elb.Listeners[1].HealthCheck.Expectation)
	dns := st.ElasticLoadBalancers[1]
	assert.Equal(t, "198.51.100.22", dns.DNSName, "allocated after the classic ones")
	assert.Equal(t, "configuring", dns.State, "until 15:10 JST; the clock says 15:00")
	assert.Equal(t, "TCP:53", dns.Listeners[0].HealthCheck.Target)

	// The seeded credentials are the accepted ones.
	e := &env{t: t, srv: srv, clock: c, ts: newServer(t, srv)}
	got := e.callWith(http.MethodPost, opts.Credentials[1], "DescribeLoadBalancers", nil)
	assert.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
}

// TestStateSeedsAnotherServer checks that a State snapshot, through JSON,
// seeds an emulator with the same state.
func TestStateSeedsAnotherServer(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", registerWeb003).Status)
	st := e.srv.State()
	data, err := json.Marshal(struct {
		Credentials []nifcloudtest.Credential `json:"credentials"`
		nifcloudtest.State
	}{[]nifcloudtest.Credential{testCred}, st})
	require.NoError(t, err)
	opts, err := nifcloudtest.LoadSeed(bytes.NewReader(data))
	require.NoError(t, err)
	opts.Now = e.clock.Now
	again, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	assert.Equal(t, st, again.State())
}

func TestLoadSeedErrors(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string
	}{
		{"unknown key", `{"credentials": [], "loadbalancers": []}`, `unknown field "loadbalancers"`},
		{"unknown nested key", `{"load_balancers": [{"name": "a", "port": []}]}`, `unknown field "port"`},
		{"wrong type", `{"instances": {"instance_id": "x"}}`, "cannot unmarshal"},
		{"trailing data", `{} {}`, "trailing data"},
		{"not JSON", `credentials: []`, "invalid character"},
		{"empty", ``, "EOF"},
		{"runtime option", `{"error_status": 400}`, `unknown field "error_status"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := nifcloudtest.LoadSeed(strings.NewReader(tt.json))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "decode seed")
		})
	}
	_, err := nifcloudtest.LoadSeedFile(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "read seed")
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{"), 0o644))
	_, err = nifcloudtest.LoadSeedFile(bad)
	assert.ErrorContains(t, err, bad)
}

func TestNewRefusesBadOptions(t *testing.T) {
	port := func(p nifcloudtest.Port) func(*nifcloudtest.Options) {
		return func(o *nifcloudtest.Options) { o.LoadBalancers[0].Ports[0] = p }
	}
	lb := func(f func(*nifcloudtest.LoadBalancer)) func(*nifcloudtest.Options) {
		return func(o *nifcloudtest.Options) { f(&o.LoadBalancers[0]) }
	}
	tests := []struct {
		name   string
		change func(*nifcloudtest.Options)
		want   string
	}{
		{"no credentials", func(o *nifcloudtest.Options) { o.Credentials = nil }, "at least one credential"},
		{"empty secret", func(o *nifcloudtest.Options) { o.Credentials = []nifcloudtest.Credential{{AccessKeyID: "A"}} }, "must not be empty"},
		{"duplicate key", func(o *nifcloudtest.Options) { o.Credentials = append(o.Credentials, testCred) }, "given twice"},
		{"error status", func(o *nifcloudtest.Options) { o.ErrorStatus = 200 }, "error status 200"},
		{"negative health delay", func(o *nifcloudtest.Options) { o.Health.Appear = -time.Second }, "health delays"},
		{"negative latency", func(o *nifcloudtest.Options) { o.Latency = -time.Second }, "latency"},
		{"negative skew", func(o *nifcloudtest.Options) { o.MaxClockSkew = -time.Second }, "clock skew"},
		{"empty instance id", func(o *nifcloudtest.Options) { o.Instances = append(o.Instances, nifcloudtest.Instance{}) }, "empty instance id"},
		{"duplicate instance", func(o *nifcloudtest.Options) {
			o.Instances = append(o.Instances, nifcloudtest.Instance{InstanceID: "web001"})
		}, `"web001": already known`},
		{"duplicate unique id", func(o *nifcloudtest.Options) {
			o.Instances = append(o.Instances, nifcloudtest.Instance{InstanceID: "web009", UniqueID: "i-0a1b2c3d"})
		}, `unique id "i-0a1b2c3d" is used by "web001"`},
		{"bad name", lb(func(l *nifcloudtest.LoadBalancer) { l.Name = "web_lb" }), `name "web_lb"`},
		{"duplicate name", func(o *nifcloudtest.Options) { o.LoadBalancers = append(o.LoadBalancers, o.LoadBalancers[0]) }, "given twice"},
		{"bad VIP", lb(func(l *nifcloudtest.LoadBalancer) { l.DNSName = "lb.example.com" }), "want an IPv4 address"},
		{"IPv6 VIP of an IPv4 load balancer", lb(func(l *nifcloudtest.LoadBalancer) { l.DNSName = "2001:db8::1" }), "want an IPv4 address (ip version v4)"},
		{"IPv4 VIP of an IPv6 load balancer", lb(func(l *nifcloudtest.LoadBalancer) { l.DNSName = "198.51.100.99"; l.IPVersion = "v6" }),
			"want an IPv6 address (ip version v6)"},
		{"duplicate VIP", func(o *nifcloudtest.Options) {
			o.LoadBalancers = append(o.LoadBalancers, nifcloudtest.LoadBalancer{Name: "b", DNSName: "198.51.100.20",
				Ports: []nifcloudtest.Port{{LoadBalancerPort: 80}}})
		}, `used by load balancer "weblb01"`},
		{"network volume", lb(func(l *nifcloudtest.LoadBalancer) { l.NetworkVolume = 15 }), "network volume 15"},
		{"policy type", lb(func(l *nifcloudtest.LoadBalancer) { l.PolicyType = "x" }), "policy type"},
		{"ip version", lb(func(l *nifcloudtest.LoadBalancer) { l.IPVersion = "v5" }), "ip version"},
		{"ats with v6", lb(func(l *nifcloudtest.LoadBalancer) { l.PolicyType = "ats"; l.IPVersion = "v6" }), "ats needs"},
		{"accounting type", lb(func(l *nifcloudtest.LoadBalancer) { l.AccountingType = "3" }), "accounting type"},
		{"empty zone", lb(func(l *nifcloudtest.LoadBalancer) { l.AvailabilityZones = []string{""} }), "empty availability zone"},
		{"no ports", lb(func(l *nifcloudtest.LoadBalancer) { l.Ports = nil }), "0 ports"},
		{"four ports", lb(func(l *nifcloudtest.LoadBalancer) {
			l.Ports = append(l.Ports, nifcloudtest.Port{LoadBalancerPort: 21}, nifcloudtest.Port{LoadBalancerPort: 22})
		}), "4 ports"},
		{"same port twice", lb(func(l *nifcloudtest.LoadBalancer) { l.Ports[1].LoadBalancerPort = 80 }), "port 80: given twice"},
		{"port range", port(nifcloudtest.Port{LoadBalancerPort: 0}), "load balancer port 0"},
		{"instance port range", port(nifcloudtest.Port{LoadBalancerPort: 80, InstancePort: 70000}), "instance port 70000"},
		{"protocol", port(nifcloudtest.Port{LoadBalancerPort: 80, Protocol: "TCP"}), `protocol "TCP"`},
		{"balancing type", port(nifcloudtest.Port{LoadBalancerPort: 80, BalancingType: 3}), "balancing type 3"},
		{"health target", port(nifcloudtest.Port{LoadBalancerPort: 80, HealthCheck: nifcloudtest.HealthCheck{Target: "HTTP"}}), "target"},
		{"health interval", port(nifcloudtest.Port{LoadBalancerPort: 80, HealthCheck: nifcloudtest.HealthCheck{Interval: 1}}), "interval 1"},
		{"unhealthy threshold", port(nifcloudtest.Port{LoadBalancerPort: 80, HealthCheck: nifcloudtest.HealthCheck{UnhealthyThreshold: 11}}), "unhealthy threshold"},
		{"healthy threshold", port(nifcloudtest.Port{LoadBalancerPort: 80, HealthCheck: nifcloudtest.HealthCheck{HealthyThreshold: 11}}), "healthy threshold"},
		{"timeout", port(nifcloudtest.Port{LoadBalancerPort: 80, HealthCheck: nifcloudtest.HealthCheck{Timeout: -1}}), "timeout -1"},
		{"filter type", port(nifcloudtest.Port{LoadBalancerPort: 80, Filter: nifcloudtest.Filter{FilterType: 3}}), "filter type 3"},
		{"filter address", port(nifcloudtest.Port{LoadBalancerPort: 80, Filter: nifcloudtest.Filter{IPAddresses: []string{"x"}}}), `filter address "x"`},
		{"filter address twice", port(nifcloudtest.Port{LoadBalancerPort: 80,
			Filter: nifcloudtest.Filter{IPAddresses: []string{"192.0.2.1", "192.0.2.1"}}}), "given twice"},
		{"too many filter addresses", port(nifcloudtest.Port{LoadBalancerPort: 80,
			Filter: nifcloudtest.Filter{IPAddresses: make([]string, 31)}}), "31 addresses"},
		{"stickiness period", port(nifcloudtest.Port{LoadBalancerPort: 80,
			Option: &nifcloudtest.Option{SessionStickiness: nifcloudtest.SessionStickiness{ExpirationPeriod: 61}}}), "expiration period 61"},
		{"sorry page status", port(nifcloudtest.Port{LoadBalancerPort: 80,
			Option: &nifcloudtest.Option{SorryPage: nifcloudtest.SorryPage{StatusCode: 404}}}), "status code 404"},
		{"unknown member", port(nifcloudtest.Port{LoadBalancerPort: 80, Members: []nifcloudtest.Member{{InstanceID: "web009"}}}),
			`member "web009": not a known instance`},
		{"member twice", port(nifcloudtest.Port{LoadBalancerPort: 80,
			Members: []nifcloudtest.Member{{InstanceID: "web001"}, {InstanceID: "web001"}}}), "given twice"},
		{"member health", port(nifcloudtest.Port{LoadBalancerPort: 80,
			Members: []nifcloudtest.Member{{InstanceID: "web001", Health: "Unknown"}}}), `health "Unknown"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := referenceOptions()
			opts.Credentials = []nifcloudtest.Credential{testCred}
			tt.change(&opts)
			_, err := nifcloudtest.New(opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), testCred.SecretAccessKey)
		})
	}
}

func TestAddInstance(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.NoError(t, e.srv.AddInstance(nifcloudtest.Instance{InstanceID: "web010"}))
	assert.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web010")...)).Status)
	assert.ErrorContains(t, e.srv.AddInstance(nifcloudtest.Instance{InstanceID: "web010"}), "already known")
	assert.ErrorContains(t, e.srv.AddInstance(nifcloudtest.Instance{}), "empty instance id")
	st := e.srv.State()
	last := st.Instances[len(st.Instances)-1]
	assert.Equal(t, "web010", last.InstanceID)
	assert.Regexp(t, `^i-[0-9a-z]{8}$`, last.UniqueID)
}

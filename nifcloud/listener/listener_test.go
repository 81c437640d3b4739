package listener

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

var (
	testCred = nifcloudtest.Credential{AccessKeyID: "TESTACCESSKEY0000001", SecretAccessKey: "test-secret-do-not-print"}
	// otherCred signs the calls of a competing client.
	otherCred = nifcloudtest.Credential{AccessKeyID: "OTHERACCESSKEY000001", SecretAccessKey: "other-secret"}
)

// Action names, short.
const (
	describe    = nifcloud.ActionDescribeLoadBalancers
	create      = nifcloud.ActionCreateLoadBalancer
	registerPrt = nifcloud.ActionRegisterPortWithLoadBalancer
	deleteLB    = nifcloud.ActionDeleteLoadBalancer
	health      = nifcloud.ActionConfigureHealthCheck
	setFilter   = nifcloud.ActionSetFilterForLoadBalancer
	update      = nifcloud.ActionUpdateLoadBalancer
	option      = nifcloud.ActionUpdateLoadBalancerOption
)

// env is one test's emulator, client and reconciler.
type env struct {
	emu    *nifcloudtest.Server
	clk    *nifcloudtest.Clock
	rec    *Reconciler
	client *nifcloud.Client
	url    string
	hook   func(nifcloudtest.Request) // runs after each reply to the client under test
	sleeps []time.Duration
	// onSleep, when set, runs at each wait of the reconciler.
	onSleep func()
}

// recordingClock is the env's clock, recording the waits.
type recordingClock struct{ e *env }

func (c recordingClock) Now() time.Time { return c.e.clk.Now() }

func (c recordingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.e.sleeps = append(c.e.sleeps, d)
	if c.e.onSleep != nil {
		c.e.onSleep()
	}
	return c.e.clk.Sleep(ctx, d)
}

// seed is the usual test state: weblb01 (VIP 198.51.100.20) with 80->8080
// (web001, web002; a filter of two addresses) and 443->8443 (no server),
// weblb02 with 80->80 (web003), and servers web001-web005.
func seed() nifcloudtest.Options {
	return nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{testCred, otherCred},
		Instances: []nifcloudtest.Instance{
			{InstanceID: "web001"}, {InstanceID: "web002"}, {InstanceID: "web003"}, {InstanceID: "web004"}, {InstanceID: "web005"},
		},
		LoadBalancers: []nifcloudtest.LoadBalancer{
			{Name: "weblb01", Ports: []nifcloudtest.Port{
				{LoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web002"}, {InstanceID: "web001"}},
					Filter: nifcloudtest.Filter{FilterType: 1, IPAddresses: []string{"203.0.113.0/24", "192.0.2.10"}}},
				{LoadBalancerPort: 443, InstancePort: 8443},
			}},
			{Name: "weblb02", Ports: []nifcloudtest.Port{
				{LoadBalancerPort: 80, InstancePort: 80, Members: []nifcloudtest.Member{{InstanceID: "web003"}}},
			}},
		},
	}
}

func newEnv(t *testing.T, opts nifcloudtest.Options) *env {
	t.Helper()
	e := &env{clk: nifcloudtest.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))}
	opts.Now = e.clk.Now
	emu, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	e.emu = emu
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		emu.ServeHTTP(w, r)
		log := emu.Requests()
		if last := log[len(log)-1]; e.hook != nil && last.AccessKeyID == testCred.AccessKeyID {
			e.hook(last)
		}
	}))
	t.Cleanup(ts.Close)
	e.url = ts.URL + "/api/"
	u, err := url.Parse(e.url)
	require.NoError(t, err)
	c, err := nifcloud.New(u, aws.Credentials{AccessKeyID: testCred.AccessKeyID, SecretAccessKey: testCred.SecretAccessKey})
	require.NoError(t, err)
	c.Clock = e.clk
	c.Retryer = nifcloud.NewRetryer(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
	e.client = c
	e.rec = &Reconciler{Client: c, Clock: recordingClock{e}, Jitter: func() float64 { return 1 }}
	return e
}

// actions returns the actions the emulator received from the client under
// test, in order.
func (e *env) actions() []string {
	var out []string
	for _, r := range e.emu.Requests() {
		if r.AccessKeyID == testCred.AccessKeyID {
			out = append(out, r.Action)
		}
	}
	return out
}

// competitor makes another client's signed call straight into the emulator.
func (e *env) competitor(t *testing.T, action string, params url.Values) {
	t.Helper()
	params.Set("Action", action)
	req, err := nifcloudtest.NewSignedRequest(http.MethodPost, e.url, params, otherCred, e.clk.Now())
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	e.emu.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

// competeAfter makes the competing client call action once, right after
// the emulator first answers after to the client under test.
func (e *env) competeAfter(t *testing.T, after, action string, params url.Values) {
	t.Helper()
	done := false
	e.hook = func(r nifcloudtest.Request) {
		if !done && r.Action == after {
			done = true
			e.competitor(t, action, params)
		}
	}
}

// requireAfterIsTrue checks that the state a run computed without reading
// again is what a read shows now.
func (e *env) requireAfterIsTrue(t *testing.T, key Key, c Change) {
	t.Helper()
	require.NotNil(t, c.After)
	got, err := Read(t.Context(), e.client, key)
	require.NoError(t, err)
	if c.After.Listener != nil && c.After.Listener.HealthCheck == (HealthCheck{}) {
		require.NotNil(t, got.Listener)
		got.Listener.HealthCheck = HealthCheck{} // not known after a create that configured none
	}
	assert.Equal(t, got, *c.After, "the computed after-state is what the API shows")
}

// key80 is weblb01's 80->8080.
var key80 = Key{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}

func TestCreateFromNothingWithDefaults(t *testing.T) {
	e := newEnv(t, seed())
	key := Key{LoadBalancerName: "newlb", LoadBalancerPort: 80, InstancePort: 8080}
	c, err := e.rec.Present(t.Context(), Desired{Key: key})
	require.NoError(t, err)
	assert.Equal(t, []string{describe, create}, e.actions(), "no health check asked, none configured")
	assert.Equal(t, []string{create}, c.Actions)
	assert.Equal(t, &State{}, c.Before)
	e.requireAfterIsTrue(t, key, c)
	assert.Equal(t, LoadBalancer{Name: "newlb", DNSName: "198.51.100.22", NetworkVolume: 10, AccountingType: nifcloud.AccountingTypePayPerUse,
		IPVersion: "v4", PolicyType: "standard", Ports: []Key{key}}, *c.After.LoadBalancer)
	assert.Equal(t, HealthCheck{}, c.After.Listener.HealthCheck, "not known until read")
	assert.Equal(t, "HTTP", c.After.Listener.Protocol)
	in := e.emu.Requests()[1].Params
	assert.Equal(t, []string{"newlb", "80", "8080", "1", "10", "2", "v4", "standard"},
		[]string{in.Get("LoadBalancerName"), in.Get("Listeners.member.1.LoadBalancerPort"), in.Get("Listeners.member.1.InstancePort"),
			in.Get("Listeners.member.1.BalancingType"), in.Get("NetworkVolume"), in.Get("AccountingType"), in.Get("IpVersion"), in.Get("PolicyType")},
		"the defaults on the wire: round robin, 10 Mbps, pay-per-use, v4, standard")

	e.emu.ResetRequests()
	again, err := e.rec.Present(t.Context(), Desired{Key: key})
	require.NoError(t, err)
	assert.False(t, again.Changed())
	assert.Equal(t, []string{describe}, e.actions(), "a second run makes one read")
}

// full is a request with every setting.
func full(key Key) Desired {
	return Desired{Key: key, NetworkVolume: 100, AccountingType: nifcloud.AccountingTypeMonthly, IPVersion: "v4", PolicyType: "ats",
		BalancingType: nifcloud.BalancingTypeLeastConnection,
		HealthCheck:   HealthCheck{Target: "ICMP", Interval: 30, UnhealthyThreshold: 3, HealthyThreshold: 2},
		Filter:        &FilterChange{Type: nifcloud.FilterTypeDeny, Addresses: []string{"192.0.2.0/24", "2001:db8::1"}},
		Stickiness:    &nifcloud.SessionStickinessPolicy{Enabled: true, ExpirationPeriod: 10},
		SorryPage:     &nifcloud.SorryPage{Enabled: true, StatusCode: 503},
	}
}

func TestCreateWithEverySetting(t *testing.T) {
	e := newEnv(t, seed())
	key := Key{LoadBalancerName: "newlb", LoadBalancerPort: 80, InstancePort: 80}
	c, err := e.rec.Present(t.Context(), full(key))
	require.NoError(t, err)
	assert.Equal(t, []string{describe, create, health, setFilter, option}, e.actions())
	e.requireAfterIsTrue(t, key, c)
	lb := e.emu.State().LoadBalancers[2]
	assert.Equal(t, []any{100, "1", "ats", "v4"}, []any{lb.NetworkVolume, lb.AccountingType, lb.PolicyType, lb.IPVersion})
	assert.Equal(t, 2, lb.Ports[0].BalancingType)

	e.emu.ResetRequests()
	again, err := e.rec.Present(t.Context(), full(key))
	require.NoError(t, err)
	assert.False(t, again.Changed())
	assert.Equal(t, []string{describe}, e.actions())
}

func TestIPv6LoadBalancer(t *testing.T) {
	e := newEnv(t, seed())
	key := Key{LoadBalancerName: "v6lb", LoadBalancerPort: 443, InstancePort: 443}
	c, err := e.rec.Present(t.Context(), Desired{Key: key, IPVersion: "v6"})
	require.NoError(t, err)
	assert.Equal(t, "v6", c.After.LoadBalancer.IPVersion)
	e.requireAfterIsTrue(t, key, c)
	e.emu.ResetRequests()
	again, err := e.rec.Present(t.Context(), Desired{Key: key, IPVersion: "v6"})
	require.NoError(t, err)
	assert.False(t, again.Changed(), "the IP version read from the VIP matches")
	_, err = e.rec.Present(t.Context(), Desired{Key: key, IPVersion: "v4"})
	require.ErrorContains(t, err, "load balancer v6lb has IP version v6, not v4: the IP version is set when a load balancer is created and cannot be changed")
}

func TestExistingListener(t *testing.T) {
	tests := []struct {
		name    string
		d       Desired
		actions []string
	}{
		{name: "nothing asked", d: Desired{Key: key80}},
		{name: "the same values", d: Desired{Key: key80, NetworkVolume: 10, AccountingType: "2", IPVersion: "v4", PolicyType: "standard", BalancingType: 1,
			HealthCheck: HealthCheck{Target: "TCP:8080", Interval: 10}, Filter: &FilterChange{Type: "1", Addresses: []string{"192.0.2.10"}},
			Stickiness: &nifcloud.SessionStickinessPolicy{}, SorryPage: &nifcloud.SorryPage{}}},
		{name: "bandwidth, accounting and balancing in one call", d: Desired{Key: key80, NetworkVolume: 200, AccountingType: "1", BalancingType: 2},
			actions: []string{update}},
		{name: "one health check field", d: Desired{Key: key80, HealthCheck: HealthCheck{UnhealthyThreshold: 5}}, actions: []string{health}},
		{name: "filter addition", d: Desired{Key: key80, Filter: &FilterChange{Addresses: []string{"198.51.100.7", "192.0.2.10"}}}, actions: []string{setFilter}},
		{name: "filter purge", d: Desired{Key: key80, Filter: &FilterChange{Addresses: []string{"198.51.100.7"}, Purge: true}}, actions: []string{setFilter}},
		{name: "filter emptied", d: Desired{Key: key80, Filter: &FilterChange{Addresses: []string{"*.*.*.*"}, Purge: true}}, actions: []string{setFilter}},
		{name: "filter type alone", d: Desired{Key: key80, Filter: &FilterChange{Type: "2"}}, actions: []string{setFilter}},
		{name: "options", d: Desired{Key: key80, Stickiness: &nifcloud.SessionStickinessPolicy{Enabled: true, ExpirationPeriod: 30}},
			actions: []string{option}},
		{name: "everything", d: full(Key{LoadBalancerName: "weblb02", LoadBalancerPort: 80, InstancePort: 80}),
			actions: []string{update, health, setFilter, option}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, seed())
			if tt.d.PolicyType == "ats" {
				tt.d.PolicyType = "" // create-only
			}
			c, err := e.rec.Present(t.Context(), tt.d)
			require.NoError(t, err)
			assert.Equal(t, append([]string{describe}, tt.actions...), e.actions())
			assert.Equal(t, tt.actions, c.Actions)
			assert.Equal(t, len(tt.actions) > 0, c.Changed())
			e.requireAfterIsTrue(t, tt.d.Key, c)
			e.emu.ResetRequests()
			again, err := e.rec.Present(t.Context(), tt.d)
			require.NoError(t, err)
			assert.Empty(t, again.Actions, "a second run changes nothing")
			assert.Equal(t, []string{describe}, e.actions())
		})
	}
}

func TestFilterAddresses(t *testing.T) {
	e := newEnv(t, seed())
	c, err := e.rec.Present(t.Context(), Desired{Key: key80, Filter: &FilterChange{Addresses: []string{"192.0.2.10", "203.0.113.9/24", "2001:DB8::5"}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"203.0.113.0/24", "192.0.2.10", "2001:db8::5"}, c.After.Listener.Filter.IPAddresses,
		"another spelling of a listed block is not added again")
	reqs := e.emu.Requests()
	assert.Equal(t, url.Values{"IPAddresses.member.1.IPAddress": {"2001:db8::5"}, "IPAddresses.member.1.AddOnFilter": {"true"}},
		filterParams(reqs[len(reqs)-1].Params), "one addition, canonical, no type")
	e.emu.ResetRequests()
	c, err = e.rec.Present(t.Context(), Desired{Key: key80, Filter: &FilterChange{Type: "2", Addresses: []string{"2001:db8::5", "198.51.100.1/25"}, Purge: true}})
	require.NoError(t, err)
	assert.Equal(t, []string{describe, setFilter}, e.actions(), "removals, additions and the type in one call")
	assert.Equal(t, url.Values{
		"IPAddresses.member.1.IPAddress": {"203.0.113.0/24"}, "IPAddresses.member.1.AddOnFilter": {"false"},
		"IPAddresses.member.2.IPAddress": {"192.0.2.10"}, "IPAddresses.member.2.AddOnFilter": {"false"},
		"IPAddresses.member.3.IPAddress": {"198.51.100.0/25"}, "IPAddresses.member.3.AddOnFilter": {"true"},
		"FilterType": {"2"},
	}, filterParams(e.emu.Requests()[1].Params))
	assert.Equal(t, nifcloud.Filter{FilterType: "2", IPAddresses: []string{"2001:db8::5", "198.51.100.0/25"}}, c.After.Listener.Filter)
	e.requireAfterIsTrue(t, key80, c)
}

// filterParams keeps the filter parameters of a SetFilterForLoadBalancer
// call.
func filterParams(p url.Values) url.Values {
	out := url.Values{}
	for k, v := range p {
		if k == "FilterType" || len(k) > 11 && k[:11] == "IPAddresses" {
			out[k] = v
		}
	}
	return out
}

func TestNewPortDefinition(t *testing.T) {
	e := newEnv(t, seed())
	key := Key{LoadBalancerName: "weblb01", LoadBalancerPort: 21, InstancePort: 21}
	c, err := e.rec.Present(t.Context(), Desired{Key: key, NetworkVolume: 20, BalancingType: 2, HealthCheck: HealthCheck{Target: "ICMP"}})
	require.NoError(t, err)
	assert.Equal(t, []string{describe, update, registerPrt, health}, e.actions(), "the load balancer's own settings first")
	e.requireAfterIsTrue(t, key, c)
	assert.Equal(t, "FTP", c.After.Listener.Protocol)
	assert.Len(t, c.After.LoadBalancer.Ports, 3)
}

func TestRefusedBeforeAnyChange(t *testing.T) {
	tests := []struct {
		name string
		d    Desired
		msg  string
	}{
		{"policy type", Desired{Key: key80, PolicyType: "ats"},
			"weblb01 (80->8080): load balancer weblb01 has policy type standard, not ats: the policy type is set when a load balancer is created and cannot be changed"},
		{"same load balancer port", Desired{Key: Key{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 9090}},
			"load balancer weblb01 already listens on port 80, with the port definition 80->8080: a load balancer port has one port definition; delete that one first, or ask for 80->8080"},
		{"shared create", Desired{Key: Key{LoadBalancerName: "ABC12345.newlb", LoadBalancerPort: 80, InstancePort: 80}},
			"load balancer ABC12345.newlb does not exist, and a load balancer shared by another NIFCLOUD ID cannot be created"},
		{"filter too long", Desired{Key: key80, Filter: &FilterChange{Addresses: addresses(29)}},
			"the filter would hold 31 addresses, more than the 30 it can hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, seed())
			before := e.emu.State()
			c, err := e.rec.Present(t.Context(), tt.d)
			require.ErrorContains(t, err, tt.msg)
			assert.Equal(t, []string{describe}, e.actions())
			assert.Equal(t, before, e.emu.State())
			assert.NotNil(t, c.Last)
			assert.Nil(t, c.After)
		})
	}
	t.Run("a fourth port definition", func(t *testing.T) {
		e := newEnv(t, seed())
		_, err := e.rec.Present(t.Context(), Desired{Key: Key{LoadBalancerName: "weblb01", LoadBalancerPort: 21, InstancePort: 21}})
		require.NoError(t, err)
		_, err = e.rec.Present(t.Context(), Desired{Key: Key{LoadBalancerName: "weblb01", LoadBalancerPort: 22, InstancePort: 22}})
		require.EqualError(t, err, "weblb01 (22->22): load balancer weblb01 already has 3 port definitions, the most it can have: cannot add 22->22")
	})
}

// addresses returns n distinct IPv4 addresses.
func addresses(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("10.0.0.%d", i+1)
	}
	return out
}

func TestValidate(t *testing.T) {
	good := full(Key{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 80})
	good.IPVersion = ""
	require.NoError(t, good.Validate())
	tests := []struct {
		name   string
		change func(d *Desired)
		msg    string
	}{
		{"name", func(d *Desired) { d.LoadBalancerName = "web-lb" }, `load balancer name "web-lb"`},
		{"ports", func(d *Desired) { d.InstancePort = 0 }, "ports 80->0: want 1-65535"},
		{"network volume", func(d *Desired) { d.NetworkVolume = 50 }, "network volume 50: want 10, 20, 30, 40, or 100 to 2000 in steps of 100"},
		{"accounting type", func(d *Desired) { d.AccountingType = "3" }, `accounting type "3": want one of 1, 2`},
		{"IP version", func(d *Desired) { d.IPVersion = "v5" }, `IP version "v5"`},
		{"ats with v6", func(d *Desired) { d.IPVersion = "v6" }, "policy type ats needs IP version v4, not v6"},
		{"balancing type", func(d *Desired) { d.BalancingType = 3 }, "balancing type 3"},
		{"target", func(d *Desired) { d.HealthCheck.Target = "HTTP:80" }, `health check target "HTTP:80": want TCP:<port> or ICMP`},
		{"interval", func(d *Desired) { d.HealthCheck.Interval = 301 }, "health check interval 301: want 5-300"},
		{"threshold", func(d *Desired) { d.HealthCheck.HealthyThreshold = 11 }, "healthy threshold 11: want 1-10"},
		{"filter type", func(d *Desired) { d.Filter.Type = "allow" }, `filter type "allow"`},
		{"filter address", func(d *Desired) { d.Filter.Addresses = []string{"192.0.2.300"} }, `filter address "192.0.2.300": want an IPv4 or IPv6 address or CIDR block`},
		{"zone", func(d *Desired) { d.Filter.Addresses = []string{"fe80::1%eth0"} }, `filter address "fe80::1%eth0"`},
		{"all and more", func(d *Desired) { d.Filter.Addresses = []string{"*.*.*.*", "192.0.2.1"} }, "*.*.*.* means all addresses (none listed) and cannot be listed with others"},
		{"too many", func(d *Desired) { d.Filter.Addresses = addresses(31) }, "filter addresses: 31 given, a filter holds at most 30"},
		{"stickiness period", func(d *Desired) { d.Stickiness.ExpirationPeriod = 0 }, "enabling stickiness needs a period of 3-60 minutes"},
		{"status code", func(d *Desired) { d.SorryPage.StatusCode = 404 }, "sorry page status code 404"},
		{"sorry page port", func(d *Desired) { d.LoadBalancerPort = 8080 }, "the sorry page can be enabled only on load balancer port 80, not on 8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := full(good.Key)
			d.IPVersion = ""
			tt.change(&d)
			require.ErrorContains(t, d.Validate(), tt.msg)
			e := newEnv(t, seed())
			_, err := e.rec.Present(t.Context(), d)
			require.ErrorContains(t, err, tt.msg)
			assert.Empty(t, e.actions(), "refused before any call")
		})
	}
	t.Run("turning options off needs no value, on any port", func(t *testing.T) {
		d := Desired{Key: Key{LoadBalancerName: "a", LoadBalancerPort: 443, InstancePort: 443},
			Stickiness: &nifcloud.SessionStickinessPolicy{}, SorryPage: &nifcloud.SorryPage{}}
		assert.NoError(t, d.Validate())
	})
}

func TestCheckModeReadsOnce(t *testing.T) {
	e := newEnv(t, seed())
	e.rec.CheckMode = true
	before := e.emu.State()
	key := Key{LoadBalancerName: "newlb", LoadBalancerPort: 80, InstancePort: 80}
	c, err := e.rec.Present(t.Context(), full(key))
	require.NoError(t, err)
	assert.Equal(t, []string{create, health, setFilter, option}, c.Actions)
	assert.Equal(t, "", c.After.LoadBalancer.DNSName, "unknown before the create")
	c, err = e.rec.Absent(t.Context(), key80, true)
	require.NoError(t, err)
	assert.Equal(t, []string{deleteLB}, c.Actions)
	assert.Equal(t, []string{describe, describe}, e.actions())
	assert.Equal(t, before, e.emu.State())
}

func TestAccountingTypeComparesNextMonth(t *testing.T) {
	e := newEnv(t, seed())
	c, err := e.rec.Present(t.Context(), Desired{Key: key80, AccountingType: nifcloud.AccountingTypeMonthly})
	require.NoError(t, err)
	assert.Equal(t, []string{update}, c.Actions)
	lb := e.emu.State().LoadBalancers[0]
	assert.Equal(t, []string{"2", "1"}, []string{lb.AccountingType, lb.NextMonthAccountingType}, "the change takes effect next month")
	e.requireAfterIsTrue(t, key80, c)
	again, err := e.rec.Present(t.Context(), Desired{Key: key80, AccountingType: nifcloud.AccountingTypeMonthly})
	require.NoError(t, err)
	assert.False(t, again.Changed(), "converged: compared with next month's")
}

package nifcloudtest_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// delayedOptions is the reference state with a visibility delay of 30s.
func delayedOptions() nifcloudtest.Options {
	o := referenceOptions()
	o.CreateVisibilityDelay = 30 * time.Second
	return o
}

// code calls action and returns its error code ("" on success).
func (e *env) code(action string, params url.Values) string {
	e.t.Helper()
	r := e.call(action, params)
	if r.Status == http.StatusOK {
		return ""
	}
	return r.Code
}

func TestCreateVisibilityDelayHidesANewLoadBalancer(t *testing.T) {
	e := newEnv(t, delayedOptions())
	create := url.Values{"LoadBalancerName": {"weblb02"}, "Listeners.member.1.Protocol": {"HTTP"}}
	require.Empty(t, e.code("CreateLoadBalancer", create))

	assert.Equal(t, []string{"weblb01 80->8080", "weblb01 443->8443"}, keys(e.describe(nil)), "not listed yet")
	hidden := []struct {
		action string
		params url.Values
	}{
		{"DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"weblb02"}}},
		{"DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"weblb01"}, "LoadBalancerNames.member.2": {"weblb02"}}},
		{"RegisterInstancesWithLoadBalancer", with(target("weblb02", 80, 80), instances("web001")...)},
		{"DescribeInstanceHealth", target("weblb02", 80, 80)},
		{"ConfigureHealthCheck", with(target("weblb02", 80, 80), "HealthCheck.Target", "ICMP",
			"HealthCheck.Interval", "5", "HealthCheck.UnhealthyThreshold", "1")},
		{"SetFilterForLoadBalancer", with(target("weblb02", 80, 80), "FilterType", "2")},
		{"RegisterPortWithLoadBalancer", url.Values{"LoadBalancerName": {"weblb02"}, "Listeners.member.1.Protocol": {"HTTPS"}}},
		{"UpdateLoadBalancer", url.Values{"LoadBalancerName": {"weblb02"}, "NetworkVolumeUpdate": {"20"}}},
		{"UpdateLoadBalancerOption", with(target("weblb02", 80, 80), "SorryPageUpdate.Enable", "false")},
		{"DeleteLoadBalancer", target("weblb02", 80, 80)},
	}
	for _, h := range hidden {
		assert.Equal(t, nifcloudtest.CodeLoadBalancerNotFound, e.code(h.action, h.params), "%s %v", h.action, h.params)
	}
	assert.Equal(t, nifcloudtest.CodeLoadBalancerDuplicate, e.code("CreateLoadBalancer", create), "the name is taken")
	assert.Equal(t, nifcloudtest.CodeLoadBalancerDuplicate,
		e.code("UpdateLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerNameUpdate": {"weblb02"}}))
	st := e.srv.State()
	require.Len(t, st.LoadBalancers, 2, "State sees it")
	assert.Equal(t, t0.Add(30*time.Second), st.LoadBalancers[1].VisibleAt)
	assert.Equal(t, []string{}, e.srv.Members("weblb02", 80, 80), "so do the helpers")

	e.clock.Advance(30*time.Second - time.Nanosecond)
	assert.Equal(t, nifcloudtest.CodeLoadBalancerNotFound, e.code("DescribeInstanceHealth", target("weblb02", 80, 80)))
	e.clock.Advance(time.Nanosecond)
	assert.Equal(t, []string{"weblb02 80->80"}, keys(e.describe(url.Values{"LoadBalancerNames.member.1": {"weblb02"}})))
	assert.Empty(t, e.code("RegisterInstancesWithLoadBalancer", with(target("weblb02", 80, 80), instances("web001")...)))
}

func TestCreateVisibilityDelayHidesANewPort(t *testing.T) {
	e := newEnv(t, delayedOptions())
	require.Empty(t, e.code("RegisterPortWithLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"},
		"Listeners.member.1.LoadBalancerPort": {"21"}, "Listeners.member.1.InstancePort": {"2121"}}))

	assert.Equal(t, []string{"weblb01 80->8080", "weblb01 443->8443"}, keys(e.describe(nil)))
	assert.Equal(t, []string{"weblb01 80->8080", "weblb01 443->8443"},
		keys(e.describe(url.Values{"LoadBalancerNames.member.1": {"weblb01"}})))
	port21 := target("weblb01", 21, 2121)
	hidden := []struct {
		action string
		params url.Values
	}{
		{"DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"weblb01"},
			"LoadBalancerNames.LoadBalancerPort.1": {"21"}, "LoadBalancerNames.InstancePort.1": {"2121"}}},
		{"RegisterInstancesWithLoadBalancer", with(port21, instances("web001")...)},
		{"DeregisterInstancesFromLoadBalancer", with(port21, instances("web001")...)},
		{"DescribeInstanceHealth", port21},
		{"ConfigureHealthCheck", with(port21, "HealthCheck.Target", "ICMP", "HealthCheck.Interval", "5", "HealthCheck.UnhealthyThreshold", "1")},
		{"SetFilterForLoadBalancer", with(port21, "FilterType", "2")},
		{"UpdateLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "ListenerUpdate.LoadBalancerPort": {"21"},
			"ListenerUpdate.InstancePort": {"2121"}, "ListenerUpdate.Listener.BalancingType": {"2"}}},
		{"UpdateLoadBalancerOption", with(port21, "SessionStickinessPolicyUpdate.Enable", "false")},
		{"DeleteLoadBalancer", port21},
	}
	for _, h := range hidden {
		assert.Equal(t, nifcloudtest.CodeLoadBalancerPortNotFound, e.code(h.action, h.params), "%s", h.action)
	}
	assert.Equal(t, nifcloudtest.CodePortAlreadyExists, e.code("RegisterPortWithLoadBalancer",
		url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.LoadBalancerPort": {"21"}}), "the port is taken")
	assert.Equal(t, nifcloudtest.CodePortLimitExceeded, e.code("RegisterPortWithLoadBalancer",
		url.Values{"LoadBalancerName": {"weblb01"}, "Listeners.member.1.LoadBalancerPort": {"22"}}), "and counts")
	assert.Equal(t, t0.Add(30*time.Second), e.srv.State().LoadBalancers[0].Ports[2].VisibleAt)

	e.clock.Advance(30 * time.Second)
	assert.Equal(t, []string{"weblb01 80->8080", "weblb01 443->8443", "weblb01 21->2121"}, keys(e.describe(nil)))
	assert.Empty(t, e.code("RegisterInstancesWithLoadBalancer", with(port21, instances("web001")...)))
}

func TestSeededVisibility(t *testing.T) {
	o := referenceOptions()
	o.LoadBalancers[0].Ports[1].VisibleAt = t0.Add(time.Minute)
	o.LoadBalancers = append(o.LoadBalancers, nifcloudtest.LoadBalancer{Name: "later", VisibleAt: t0.Add(time.Hour),
		Ports: []nifcloudtest.Port{{LoadBalancerPort: 80}}})
	e := newEnv(t, o)
	assert.Equal(t, []string{"weblb01 80->8080"}, keys(e.describe(nil)))
	e.clock.Advance(time.Minute)
	assert.Equal(t, []string{"weblb01 80->8080", "weblb01 443->8443"}, keys(e.describe(nil)))
	e.clock.Advance(time.Hour)
	assert.Equal(t, []string{"weblb01 80->8080", "weblb01 443->8443", "later 80->80"}, keys(e.describe(nil)))
}

func TestDeleteLeavesAHiddenPort(t *testing.T) {
	e := newEnv(t, delayedOptions())
	require.Empty(t, e.code("RegisterPortWithLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"},
		"Listeners.member.1.LoadBalancerPort": {"21"}}))
	require.Empty(t, e.code("DeleteLoadBalancer", target("weblb01", 80, 8080)))
	require.Empty(t, e.code("DeleteLoadBalancer", target("weblb01", 443, 8443)))
	assert.Empty(t, e.describe(nil), "the load balancer keeps its hidden port")
	assert.Empty(t, e.describe(url.Values{"LoadBalancerNames.member.1": {"weblb01"}}))
	e.clock.Advance(30 * time.Second)
	assert.Equal(t, []string{"weblb01 21->21"}, keys(e.describe(nil)))
}

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

// elasticState returns the State of each described elastic load balancer,
// "name=State".
func (e *env) elasticState(params url.Values) []string {
	e.t.Helper()
	var out struct {
		Descriptions []struct {
			Name  string `xml:"ElasticLoadBalancerName"`
			State string `xml:"State"`
		} `xml:"NiftyDescribeElasticLoadBalancersResult>ElasticLoadBalancerDescriptions>member"`
	}
	e.decodeCall("NiftyDescribeElasticLoadBalancers", params, &out)
	res := []string{}
	for _, d := range out.Descriptions {
		res = append(res, d.Name+"="+d.State)
	}
	return res
}

func TestElasticBusyAfterEachChange(t *testing.T) {
	opts := referenceOptions()
	opts.ElasticBusy = 10 * time.Second
	e := newEnv(t, opts)
	port := elasticTarget("webelb01", "TCP", 80, 8080)
	register := with(port, instances("web003")...)
	const busyCode = nifcloudtest.CodeElasticLoadBalancerBusy

	assert.Equal(t, []string{"webelb01=available"}, e.elasticState(nil))
	require.Empty(t, e.code("NiftyRegisterInstancesWithElasticLoadBalancer", register))
	assert.Equal(t, []string{"webelb01=configuring"}, e.elasticState(nil))
	st := e.srv.State().ElasticLoadBalancers[0]
	assert.Equal(t, nifcloudtest.DefaultElasticBusyState, st.State)
	assert.Equal(t, t0.Add(10*time.Second), st.StateUntil)

	before := e.srv.State()
	got := e.call("NiftyDeregisterInstancesFromElasticLoadBalancer", register)
	(&failure{busyCode, "The ElasticLoadBalancer 'webelb01' is configuring; it can be changed when its State is available."}).
		check(t, e, before, got)
	assert.Equal(t, busyCode, e.code("NiftyRegisterInstancesWithElasticLoadBalancer",
		with(elasticTarget("webelb01", "HTTPS", 443, 8443), instances("web001")...)), "any listener")
	assert.Equal(t, nifcloudtest.CodeElasticInstanceAlreadyRegistered,
		e.code("NiftyRegisterInstancesWithElasticLoadBalancer", register), "a call that fails anyway reports its own error")
	assert.Len(t, e.elasticHealth(port), 3, "reads are never refused")

	e.clock.Advance(10*time.Second - time.Nanosecond)
	assert.Equal(t, busyCode, e.code("NiftyDeregisterInstancesFromElasticLoadBalancer", register))
	e.clock.Advance(time.Nanosecond)
	assert.Equal(t, []string{"webelb01=available"}, e.elasticState(nil))
	st = e.srv.State().ElasticLoadBalancers[0]
	assert.Equal(t, nifcloudtest.ElasticStateAvailable, st.State)
	assert.True(t, st.StateUntil.IsZero())

	require.Empty(t, e.code("NiftyDeregisterInstancesFromElasticLoadBalancer", register))
	assert.Equal(t, []string{"webelb01=configuring"}, e.elasticState(nil), "a deregistration is a change too")
	assert.Equal(t, []string{"web001", "web002"}, e.srv.ElasticMembers("webelb01", "TCP", 80, 8080))
}

func TestElasticBusyStateAndCode(t *testing.T) {
	opts := referenceOptions()
	opts.ElasticBusy = time.Minute
	opts.ElasticBusyState = "processing"
	opts.ElasticBusyCode = "Client.Inoperable.ElasticLoadBalancer.Processing"
	opts.ErrorStatus = http.StatusConflict
	e := newEnv(t, opts)
	register := with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web003")...)
	require.Empty(t, e.code("NiftyRegisterInstancesWithElasticLoadBalancer", register))
	assert.Equal(t, []string{"webelb01=processing"}, e.elasticState(nil))
	got := e.call("NiftyDeregisterInstancesFromElasticLoadBalancer", register)
	assert.Equal(t, http.StatusConflict, got.Status)
	assert.Equal(t, "Client.Inoperable.ElasticLoadBalancer.Processing", got.Code)
	assert.Equal(t, "The ElasticLoadBalancer 'webelb01' is processing; it can be changed when its State is available.", got.Message)
}

func TestElasticFailedChangeLeavesItAvailable(t *testing.T) {
	opts := referenceOptions()
	opts.ElasticBusy = time.Minute
	e := newEnv(t, opts)
	assert.NotEmpty(t, e.code("NiftyRegisterInstancesWithElasticLoadBalancer",
		with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web001")...)))
	assert.Equal(t, []string{"webelb01=available"}, e.elasticState(nil))
}

func TestSetElasticState(t *testing.T) {
	e := newEnv(t, referenceOptions())
	register := with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web003")...)

	require.NoError(t, e.srv.SetElasticState("webelb01", "pending", time.Time{}))
	e.clock.Advance(24 * time.Hour)
	assert.Equal(t, []string{"webelb01=pending"}, e.elasticState(nil), "zero until: for ever")
	assert.Equal(t, nifcloudtest.CodeElasticLoadBalancerBusy, e.code("NiftyRegisterInstancesWithElasticLoadBalancer", register))
	assert.True(t, e.srv.State().ElasticLoadBalancers[0].StateUntil.IsZero())

	require.NoError(t, e.srv.SetElasticState("elb-0a1b2c3d", nifcloudtest.ElasticStateAvailable, e.clock.Now().Add(time.Hour)))
	assert.Equal(t, []string{"webelb01=available"}, e.elasticState(nil))

	require.NoError(t, e.srv.SetElasticState("elb-0a1b2c3d", "configuring", e.clock.Now().Add(time.Minute)))
	assert.Equal(t, nifcloudtest.CodeElasticLoadBalancerBusy, e.code("NiftyRegisterInstancesWithElasticLoadBalancer", register))
	e.clock.Advance(time.Minute)
	assert.Empty(t, e.code("NiftyRegisterInstancesWithElasticLoadBalancer", register), "ElasticBusy is zero: available at once")
	assert.Equal(t, []string{"webelb01=available"}, e.elasticState(nil))

	require.NoError(t, e.srv.SetElasticState("webelb01", "", time.Time{}))
	assert.Equal(t, []string{"webelb01=available"}, e.elasticState(nil))
}

func TestSeededElasticState(t *testing.T) {
	opts := referenceOptions()
	opts.ElasticLoadBalancers[0].State = "configuring"
	opts.ElasticLoadBalancers[0].StateUntil = t0.Add(time.Minute)
	e := newEnv(t, opts)
	assert.Equal(t, []string{"webelb01=configuring"}, e.elasticState(nil))
	assert.Equal(t, []string{"webelb01=configuring"}, e.elasticState(url.Values{"Filter.1.Name": {"state"}, "Filter.1.Value.1": {"configuring"}}))
	e.clock.Advance(time.Minute)
	assert.Equal(t, []string{"webelb01=available"}, e.elasticState(nil))
}

package nifcloudtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// The faults, the request log, the inspection API and snapshots work for
// the elastic family as for the classic one.

func TestElasticFaultAfterApply(t *testing.T) {
	opts := referenceOptions()
	opts.ElasticBusy = time.Minute
	e := newEnv(t, opts)
	register := with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web003")...)
	require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Action: "NiftyRegisterInstancesWithElasticLoadBalancer", Drop: true, AfterApply: true}))
	req, err := nifcloudtest.NewSignedRequest(http.MethodPost, e.ts.URL+"/api/",
		with(register, "Action", "NiftyRegisterInstancesWithElasticLoadBalancer"), testCred, e.clock.Now())
	require.NoError(t, err)
	_, err = e.ts.Client().Do(req)
	require.Error(t, err, "the reply is lost")
	assert.Equal(t, []string{"web001", "web002", "web003"}, e.srv.ElasticMembers("webelb01", "TCP", 80, 8080), "the change was applied")
	assert.Equal(t, "configuring", e.srv.State().ElasticLoadBalancers[0].State)

	// A client's blind retry meets the member; any other change meets the
	// busy load balancer.
	assert.Equal(t, nifcloudtest.CodeElasticInstanceAlreadyRegistered, e.code("NiftyRegisterInstancesWithElasticLoadBalancer", register))
	assert.Equal(t, nifcloudtest.CodeElasticLoadBalancerBusy, e.code("NiftyDeregisterInstancesFromElasticLoadBalancer",
		with(elasticTarget("webelb01", "TCP", 80, 8080), instances("web001")...)))
	assert.Equal(t, "drop after apply", e.srv.Requests()[0].Fault)
}

func TestElasticFaultsAndRequestLog(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Action: "NiftyDescribeElasticLoadBalancers", Code: "Server.Unavailable", Status: 503}))
	got := e.call("NiftyDescribeElasticLoadBalancers", nil)
	assert.Equal(t, [2]any{503, "Server.Unavailable"}, [2]any{got.Status, got.Code})
	assert.Len(t, e.describeElastic(nil), 1, "the fault was used up")
	require.Empty(t, e.code("NiftyDescribeInstanceElasticLoadBalancerHealth", elasticTarget("webelb01", "TCP", 80, 8080)))
	assert.Equal(t, map[string]int{"NiftyDescribeElasticLoadBalancers": 2, "NiftyDescribeInstanceElasticLoadBalancerHealth": 1},
		e.srv.CountActions())
	logged := e.srv.Requests()
	require.Len(t, logged, 3)
	assert.Equal(t, "Server.Unavailable", logged[0].Code)
	assert.Equal(t, "webelb01", logged[2].Params.Get("ElasticLoadBalancerName"))
	assert.ErrorContains(t, e.srv.Inject(nifcloudtest.Fault{Action: "NiftyCreateElasticLoadBalancer", Code: "Server.X"}), "not implemented")
}

func TestElasticStateSeedsAnotherServer(t *testing.T) {
	opts := referenceOptions()
	opts.ElasticBusy = time.Minute
	opts.Health = nifcloudtest.Health{Appear: time.Second, InService: 2 * time.Second}
	e := newEnv(t, opts)
	require.Empty(t, e.code("NiftyRegisterInstancesWithElasticLoadBalancer",
		with(elasticTarget("webelb01", "HTTPS", 443, 8443), uniqueInstances("i-8c9d0e1f")...)))
	st := e.srv.State()
	require.Equal(t, "configuring", st.ElasticLoadBalancers[0].State)
	data, err := json.Marshal(struct {
		Credentials []nifcloudtest.Credential `json:"credentials"`
		nifcloudtest.State
	}{[]nifcloudtest.Credential{testCred}, st})
	require.NoError(t, err)
	again, err := nifcloudtest.LoadSeed(bytes.NewReader(data))
	require.NoError(t, err)
	again.Now = e.clock.Now
	again.Health = opts.Health
	srv, err := nifcloudtest.New(again)
	require.NoError(t, err)
	assert.Equal(t, st, srv.State())
	e.clock.Advance(time.Minute)
	assert.Equal(t, e.srv.State(), srv.State(), "the same later, too")
}

func TestElasticInInspectionAPI(t *testing.T) {
	opts := referenceOptions()
	opts.Inspection = true
	e := newEnv(t, opts)
	require.NoError(t, e.srv.SetElasticState("webelb01", "configuring", t0.Add(time.Minute)))
	status, body := e.inspect(http.MethodGet, "/_emulator/state", "")
	require.Equal(t, http.StatusOK, status)
	var raw struct {
		Elastic []struct {
			Name       string    `json:"name"`
			ID         string    `json:"id"`
			State      string    `json:"state"`
			StateUntil time.Time `json:"state_until"`
		} `json:"elastic_load_balancers"`
	}
	require.NoError(t, json.Unmarshal(body, &raw))
	require.Len(t, raw.Elastic, 1)
	assert.Equal(t, "webelb01 elb-0a1b2c3d configuring", raw.Elastic[0].Name+" "+raw.Elastic[0].ID+" "+raw.Elastic[0].State)
	assert.True(t, raw.Elastic[0].StateUntil.Equal(t0.Add(time.Minute)))
}

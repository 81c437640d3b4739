package nifcloudtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestRequestRefusals(t *testing.T) {
	signed := func(e *env, p url.Values) string { return signedBody(testCred, e.host(), p, e.clock.Now()).Encode() }
	tests := []struct {
		name   string
		send   func(e *env) reply
		status int
		fail   failure
	}{
		{name: "unknown action", status: 500,
			send: func(e *env) reply { return e.call("DescribeInstances", nil) },
			fail: failure{nifcloudtest.CodeUnknownAction, "The Action 'DescribeInstances' is not supported."}},
		{name: "no action", status: 500,
			send: func(e *env) reply { return e.rawPost(signed(e, url.Values{"Version": {"3.0"}}), "", "") },
			fail: failure{nifcloudtest.CodeMissingParameter, "The parameter 'Action' is required."}},
		{name: "unknown parameter", status: 500,
			send: func(e *env) reply {
				return e.call("DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"weblb01"}, "Filter.1.Name": {"x"}})
			},
			fail: failure{nifcloudtest.CodeUnknownParameter, "The parameter 'Filter.1.Name' is not accepted by DescribeLoadBalancers."}},
		{name: "parameter of another action", status: 500,
			send: func(e *env) reply {
				return e.call("DeleteLoadBalancer", with(target("weblb01", 80, 8080), instances("web001")...))
			},
			fail: failure{nifcloudtest.CodeUnknownParameter,
				"The parameter 'Instances.member.1.InstanceId' is not accepted by DeleteLoadBalancer."}},
		{name: "repeated parameter", status: 500,
			send: func(e *env) reply {
				return e.call("DeleteLoadBalancer", with(target("weblb01", 80, 8080), "LoadBalancerName", "other"))
			},
			fail: failure{nifcloudtest.CodeDuplicateParameter, "The parameter 'LoadBalancerName' is given more than once."}},
		{name: "query string on a POST", status: 500,
			send: func(e *env) reply {
				req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/api/?LoadBalancerName=weblb01",
					strings.NewReader(signed(e, url.Values{"Action": {"DescribeLoadBalancers"}})))
				require.NoError(e.t, err)
				return e.do(req)
			},
			fail: failure{nifcloudtest.CodeUnknownParameter,
				"The parameter 'LoadBalancerName' is in the query string of a POST; send parameters in the body."}},
		{name: "wrong path", status: 404,
			send: func(e *env) reply {
				req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/api", strings.NewReader(""))
				require.NoError(e.t, err)
				return e.do(req)
			},
			fail: failure{nifcloudtest.CodeNotFound, "The path '/api' is not served; use /api/."}},
		{name: "PUT", status: 405,
			send: func(e *env) reply {
				req, err := http.NewRequest(http.MethodPut, e.ts.URL+"/api/", strings.NewReader(""))
				require.NoError(e.t, err)
				return e.do(req)
			},
			fail: failure{nifcloudtest.CodeMethodNotAllowed, "The method 'PUT' is not allowed; use GET or POST."}},
		{name: "bad percent escape", status: 500,
			send: func(e *env) reply { return e.rawPost("Action=DescribeLoadBalancers&x=%zz", "", "") },
			fail: failure{code: nifcloudtest.CodeMalformedRequest}},
		{name: "body too large", status: 500,
			send: func(e *env) reply { return e.rawPost("a="+strings.Repeat("x", 2<<20), "", "") },
			fail: failure{code: nifcloudtest.CodeMalformedRequest}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, referenceOptions())
			before := e.srv.State()
			got := tt.send(e)
			assert.Equal(t, tt.status, got.Status)
			assert.Equal(t, tt.fail.code, got.Code)
			if tt.fail.message != "" {
				assert.Equal(t, tt.fail.message, got.Message)
			}
			assert.Equal(t, before, e.srv.State())
			logged := e.srv.Requests()
			require.Len(t, logged, 1)
			assert.Equal(t, tt.status, logged[0].Status)
			assert.Equal(t, tt.fail.code, logged[0].Code)
		})
	}
}

func TestVersionTolerated(t *testing.T) {
	e := newEnv(t, referenceOptions())
	for _, version := range []string{"", "1.7", "3.0", "1.11.beta7"} {
		p := url.Values{"Action": {"DescribeLoadBalancers"}}
		if version != "" {
			p.Set("Version", version)
		}
		got := e.rawPost(signedBody(testCred, e.host(), p, e.clock.Now()).Encode(), "", "")
		assert.Equal(t, http.StatusOK, got.Status, "Version %q: %s", version, got.Body)
	}
}

func TestErrorStatusOption(t *testing.T) {
	e := newEnv(t, func() nifcloudtest.Options { o := referenceOptions(); o.ErrorStatus = 400; return o }())
	got := e.call("DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"lb001"}})
	assert.Equal(t, http.StatusBadRequest, got.Status)
	assert.Equal(t, nifcloudtest.CodeLoadBalancerNotFound, got.Code)
	require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Code: "Server.Unavailable"}))
	got = e.call("DescribeLoadBalancers", nil)
	assert.Equal(t, http.StatusBadRequest, got.Status, "faults without a status use ErrorStatus")
	got = e.callAt("DescribeLoadBalancers", nil, t0.Add(time.Hour))
	assert.Equal(t, http.StatusUnauthorized, got.Status, "authentication failures stay 401")
}

func TestRequestLog(t *testing.T) {
	var mu sync.Mutex
	var seen []nifcloudtest.Request
	opts := referenceOptions()
	opts.OnRequest = func(r nifcloudtest.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
	}
	e := newEnv(t, opts)
	e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web003")...))
	e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web003")...))
	e.clock.Advance(time.Second)
	e.callWith(http.MethodGet, testCred, "DescribeLoadBalancers", nil)
	e.rawPost("Action=DescribeLoadBalancers", "", "")

	logged := e.srv.Requests()
	require.Len(t, logged, 4)
	first := logged[0]
	assert.Equal(t, t0, first.Time)
	assert.Equal(t, http.MethodPost, first.Method)
	assert.Equal(t, "/api/", first.Path)
	assert.Equal(t, "RegisterInstancesWithLoadBalancer", first.Action)
	assert.Equal(t, testCred.AccessKeyID, first.AccessKeyID)
	assert.Equal(t, "web003", first.Params.Get("Instances.member.1.InstanceId"))
	assert.NotContains(t, first.Params, "Signature")
	assert.Equal(t, "HmacSHA256", first.Params.Get("SignatureMethod"))
	assert.Equal(t, http.StatusOK, first.Status)
	assert.Empty(t, first.Code)
	assert.Equal(t, "00000000-0000-4000-8000-000000000001", first.RequestID)

	assert.Equal(t, nifcloudtest.CodeInstanceAlreadyRegistered, logged[1].Code)
	assert.Equal(t, http.StatusInternalServerError, logged[1].Status)
	assert.Equal(t, t0.Add(time.Second), logged[2].Time)
	assert.Equal(t, http.MethodGet, logged[2].Method)
	assert.Equal(t, nifcloudtest.CodeAuthFailure, logged[3].Code)

	assert.Equal(t, map[string]int{"RegisterInstancesWithLoadBalancer": 2, "DescribeLoadBalancers": 2}, e.srv.CountActions())
	mu.Lock()
	assert.Equal(t, logged, seen, "OnRequest sees each logged request")
	mu.Unlock()

	// Requests returns copies.
	logged[0].Params.Set("Action", "changed")
	assert.Equal(t, "RegisterInstancesWithLoadBalancer", e.srv.Requests()[0].Params.Get("Action"))

	e.srv.ResetRequests()
	assert.Empty(t, e.srv.Requests())
	assert.Empty(t, e.srv.CountActions())
}

func TestActions(t *testing.T) {
	assert.Equal(t, []string{
		"ConfigureHealthCheck", "CreateLoadBalancer", "DeleteLoadBalancer", "DeregisterInstancesFromLoadBalancer",
		"DescribeInstanceHealth", "DescribeLoadBalancers",
		"NiftyDeregisterInstancesFromElasticLoadBalancer", "NiftyDescribeElasticLoadBalancers",
		"NiftyDescribeInstanceElasticLoadBalancerHealth", "NiftyRegisterInstancesWithElasticLoadBalancer",
		"RegisterInstancesWithLoadBalancer",
		"RegisterPortWithLoadBalancer", "SetFilterForLoadBalancer", "UpdateLoadBalancer", "UpdateLoadBalancerOption",
	}, nifcloudtest.Actions())
}

func TestRandomRequestIDs(t *testing.T) {
	srv, err := nifcloudtest.New(nifcloudtest.Options{Credentials: []nifcloudtest.Credential{testCred}})
	require.NoError(t, err)
	e := &env{t: t, srv: srv, clock: newClock()}
	e.ts = newServer(t, srv)
	a := e.callAt("DescribeLoadBalancers", nil, time.Now())
	b := e.callAt("DescribeLoadBalancers", nil, time.Now())
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a.RequestID)
	assert.NotEqual(t, a.RequestID, b.RequestID)
}

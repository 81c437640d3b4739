package nifcloudtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// inspect sends a request to the inspection API.
func (e *env) inspect(method, path, body string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	require.NoError(e.t, err)
	resp, err := e.ts.Client().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, data
}

func TestInspectionAPI(t *testing.T) {
	opts := referenceOptions()
	opts.Inspection = true
	e := newEnv(t, opts)
	require.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", registerWeb003).Status)

	status, body := e.inspect(http.MethodGet, "/_emulator/state", "")
	require.Equal(t, http.StatusOK, status)
	var st nifcloudtest.State
	require.NoError(t, json.Unmarshal(body, &st))
	assert.Equal(t, e.srv.State(), st)

	status, body = e.inspect(http.MethodGet, "/_emulator/requests", "")
	require.Equal(t, http.StatusOK, status)
	var logged []nifcloudtest.Request
	require.NoError(t, json.Unmarshal(body, &logged))
	require.Len(t, logged, 1, "inspection calls are not logged")
	assert.Equal(t, "RegisterInstancesWithLoadBalancer", logged[0].Action)
	assert.Equal(t, "web003", logged[0].Params.Get("Instances.member.1.InstanceId"))
	assert.NotContains(t, string(body), `"Signature"`)

	status, body = e.inspect(http.MethodPost, "/_emulator/faults",
		`{"action": "DescribeLoadBalancers", "times": 2, "status": 503, "code": "Server.Unavailable", "delay": "1ms"}`)
	require.Equal(t, http.StatusCreated, status, "%s", body)
	status, body = e.inspect(http.MethodPost, "/_emulator/faults", `[{"drop": true, "action": "DeleteLoadBalancer"}, {"body": "<html>", "status": 502, "content_type": "text/html", "after_apply": true}]`)
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var pending []nifcloudtest.Fault
	require.NoError(t, json.Unmarshal(body, &pending))
	assert.Equal(t, []nifcloudtest.Fault{
		{Action: "DescribeLoadBalancers", Times: 2, Status: 503, Code: "Server.Unavailable", Delay: 1e6},
		{Action: "DeleteLoadBalancer", Times: 1, Drop: true},
		{Times: 1, Body: "<html>", Status: 502, ContentType: "text/html", AfterApply: true},
	}, pending)
	status, body = e.inspect(http.MethodGet, "/_emulator/faults", "")
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[
		{"action": "DescribeLoadBalancers", "times": 2, "status": 503, "code": "Server.Unavailable", "delay": "1ms"},
		{"action": "DeleteLoadBalancer", "times": 1, "drop": true},
		{"times": 1, "body": "<html>", "status": 502, "content_type": "text/html", "after_apply": true}]`, string(body))
	assert.Equal(t, 503, e.call("DescribeLoadBalancers", nil).Status, "injected through the API")

	status, _ = e.inspect(http.MethodDelete, "/_emulator/faults", "")
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, e.srv.Faults())

	status, _ = e.inspect(http.MethodPost, "/_emulator/reset-requests", "")
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, e.srv.Requests())

	errorsTests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{http.MethodPost, "/_emulator/state", "", http.StatusMethodNotAllowed, "method POST is not allowed"},
		{http.MethodGet, "/_emulator/reset-requests", "", http.StatusMethodNotAllowed, "not allowed"},
		{http.MethodGet, "/_emulator/nothing", "", http.StatusNotFound, "no inspection endpoint /_emulator/nothing"},
		{http.MethodPost, "/_emulator/faults", `{"stauts": 503}`, http.StatusBadRequest, `unknown field \"stauts\"`},
		{http.MethodPost, "/_emulator/faults", `{"delay": "soon"}`, http.StatusBadRequest, "delay"},
		{http.MethodPost, "/_emulator/faults", `{}`, http.StatusBadRequest, "needs a delay or an outcome"},
		{http.MethodPost, "/_emulator/faults", `[]`, http.StatusBadRequest, "empty array"},
		{http.MethodPost, "/_emulator/faults", `{"status": 503} x`, http.StatusBadRequest, "trailing data"},
		{http.MethodPost, "/_emulator/faults", `[{"status": 503}] x`, http.StatusBadRequest, "trailing data"},
		{http.MethodPost, "/_emulator/faults", `[{"status": 503}, {"drop": true, "status": 1}]`, http.StatusBadRequest, "fault 2"},
	}
	for _, tt := range errorsTests {
		status, body := e.inspect(tt.method, tt.path, tt.body)
		assert.Equal(t, tt.status, status, "%s %s %s", tt.method, tt.path, tt.body)
		assert.Contains(t, string(body), tt.want, "%s %s %s", tt.method, tt.path, tt.body)
	}
	assert.Empty(t, e.srv.Faults(), "nothing queued by refused injections")
}

func TestInspectionLoopbackOnly(t *testing.T) {
	opts := referenceOptions()
	opts.Credentials = []nifcloudtest.Credential{testCred}
	opts.Inspection = true
	srv, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	for _, remote := range []string{"192.0.2.1:1234", "[2001:db8::1]:1234", "garbage"} {
		req := httptest.NewRequest(http.MethodGet, "/_emulator/state", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusForbidden, rec.Code, remote)
		assert.Contains(t, rec.Body.String(), "loopback clients only")
	}
	for _, remote := range []string{"127.0.0.1:1234", "[::1]:1234", "[::ffff:127.0.0.1]:1234"} {
		req := httptest.NewRequest(http.MethodGet, "/_emulator/state", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusOK, rec.Code, remote)
	}
}

func TestInspectionDisabled(t *testing.T) {
	e := newEnv(t, referenceOptions())
	status, body := e.inspect(http.MethodGet, "/_emulator/state", "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, string(body), nifcloudtest.CodeNotFound)
}

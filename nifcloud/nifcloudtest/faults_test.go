package nifcloudtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

var registerWeb003 = with(target("weblb01", 80, 8080), instances("web003")...)

func TestFaultErrorTimes(t *testing.T) {
	tests := []struct {
		name      string
		fault     nifcloudtest.Fault
		failures  int
		status    int
		code      string
		message   string
		faultKind string
	}{
		{name: "twice", fault: nifcloudtest.Fault{Action: "DescribeLoadBalancers", Times: 2, Status: 503, Code: "Server.Unavailable", Message: "Busy."},
			failures: 2, status: 503, code: "Server.Unavailable", message: "Busy.", faultKind: "error"},
		{name: "zero means once", fault: nifcloudtest.Fault{Code: nifcloudtest.CodeInternalError},
			failures: 1, status: 500, code: nifcloudtest.CodeInternalError, message: "An error has occurred. Please try again later.", faultKind: "error"},
		{name: "status alone", fault: nifcloudtest.Fault{Status: 503, Times: 3},
			failures: 3, status: 503, code: nifcloudtest.CodeInternalError, faultKind: "error"},
		{name: "code alone", fault: nifcloudtest.Fault{Code: "Server.ResourceIncorrectState.LoadBalancer.Processing"},
			failures: 1, status: 500, code: "Server.ResourceIncorrectState.LoadBalancer.Processing", message: "Injected fault.", faultKind: "error"},
		{name: "delay then error", fault: nifcloudtest.Fault{Delay: time.Millisecond, Status: 502},
			failures: 1, status: 502, code: nifcloudtest.CodeInternalError, faultKind: "delay+error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, referenceOptions())
			require.NoError(t, e.srv.Inject(tt.fault))
			for i := 0; i < tt.failures; i++ {
				got := e.call("DescribeLoadBalancers", nil)
				assert.Equal(t, tt.status, got.Status, "call %d", i+1)
				assert.Equal(t, tt.code, got.Code, "call %d", i+1)
				if tt.message != "" {
					assert.Equal(t, tt.message, got.Message)
				}
			}
			assert.Empty(t, e.srv.Faults(), "used up")
			got := e.call("DescribeLoadBalancers", nil)
			assert.Equal(t, http.StatusOK, got.Status, "then success")
			logged := e.srv.Requests()
			require.Len(t, logged, tt.failures+1)
			assert.Equal(t, tt.faultKind, logged[0].Fault)
			assert.Equal(t, tt.code, logged[0].Code)
			assert.Empty(t, logged[tt.failures].Fault)
		})
	}
}

func TestFaultMatching(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.NoError(t, e.srv.Inject(
		nifcloudtest.Fault{Action: "RegisterInstancesWithLoadBalancer", Code: "Server.First"},
		nifcloudtest.Fault{Code: "Server.Any"},
		nifcloudtest.Fault{Action: "RegisterInstancesWithLoadBalancer", Code: "Server.Second"},
	))
	assert.Len(t, e.srv.Faults(), 3)

	// Unsigned requests and unknown actions never consume a fault.
	assert.Equal(t, nifcloudtest.CodeAuthFailure, e.rawPost("Action=DescribeLoadBalancers", "", "").Code)
	assert.Equal(t, nifcloudtest.CodeUnknownAction, e.call("DescribeInstances", nil).Code)
	assert.Len(t, e.srv.Faults(), 3)

	assert.Equal(t, "Server.Any", e.call("DescribeLoadBalancers", nil).Code, "the first fault for Describe is the any-action one")
	assert.Equal(t, "Server.First", e.call("RegisterInstancesWithLoadBalancer", registerWeb003).Code)
	assert.Equal(t, "Server.Second", e.call("RegisterInstancesWithLoadBalancer", registerWeb003).Code)
	assert.Equal(t, http.StatusOK, e.call("RegisterInstancesWithLoadBalancer", registerWeb003).Status)
	assert.Equal(t, http.StatusOK, e.call("DescribeLoadBalancers", nil).Status)
}

func TestFaultForever(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Action: "DescribeLoadBalancers", Times: nifcloudtest.Forever, Status: 503}))
	for i := 0; i < 5; i++ {
		assert.Equal(t, 503, e.call("DescribeLoadBalancers", nil).Status)
	}
	assert.Equal(t, []nifcloudtest.Fault{{Action: "DescribeLoadBalancers", Times: nifcloudtest.Forever, Status: 503}}, e.srv.Faults())
	e.srv.ClearFaults()
	assert.Equal(t, http.StatusOK, e.call("DescribeLoadBalancers", nil).Status)
}

func TestFaultRemainingCount(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Times: 3, Status: 503}))
	e.call("DescribeLoadBalancers", nil)
	assert.Equal(t, []nifcloudtest.Fault{{Times: 2, Status: 503}}, e.srv.Faults())
}

func TestFaultDelay(t *testing.T) {
	t.Run("client timeout ends it, nothing applied", func(t *testing.T) {
		e := newEnv(t, referenceOptions())
		require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Delay: time.Minute}))
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, err := nifcloudtest.NewSignedRequest(http.MethodPost, e.ts.URL+"/api/",
			with(registerWeb003, "Action", "RegisterInstancesWithLoadBalancer"), testCred, e.clock.Now())
		require.NoError(t, err)
		start := time.Now()
		_, err = e.ts.Client().Do(req.WithContext(ctx))
		require.Error(t, err)
		assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
		require.Eventually(t, func() bool { return len(e.srv.Requests()) == 1 }, 5*time.Second, 5*time.Millisecond,
			"the handler returns once the client is gone")
		assert.Less(t, time.Since(start), 30*time.Second)
		logged := e.srv.Requests()[0]
		assert.Equal(t, 0, logged.Status)
		assert.Equal(t, "delay", logged.Fault)
		assert.Equal(t, []string{"web001", "web002"}, e.srv.Members("weblb01", 80, 8080))
	})
	t.Run("short delay then normal reply", func(t *testing.T) {
		e := newEnv(t, referenceOptions())
		require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Delay: 20 * time.Millisecond}))
		start := time.Now()
		got := e.call("RegisterInstancesWithLoadBalancer", registerWeb003)
		assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
		assert.Equal(t, http.StatusOK, got.Status)
		assert.Equal(t, "delay", e.srv.Requests()[0].Fault)
	})
}

func TestLatency(t *testing.T) {
	opts := referenceOptions()
	opts.Latency = 30 * time.Millisecond
	e := newEnv(t, opts)
	start := time.Now()
	got := e.call("DescribeLoadBalancers", nil)
	assert.Equal(t, http.StatusOK, got.Status)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)

	opts.Latency = time.Minute
	slow := newEnv(t, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, err := nifcloudtest.NewSignedRequest(http.MethodPost, slow.ts.URL+"/api/",
		url.Values{"Action": {"DescribeLoadBalancers"}}, testCred, slow.clock.Now())
	require.NoError(t, err)
	_, err = slow.ts.Client().Do(req.WithContext(ctx))
	require.Error(t, err)
	require.Eventually(t, func() bool { return len(slow.srv.Requests()) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, 0, slow.srv.Requests()[0].Status)
}

func TestFaultDrop(t *testing.T) {
	for _, afterApply := range []bool{false, true} {
		name := "before apply"
		if afterApply {
			name = "after apply"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, referenceOptions())
			require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Action: "RegisterInstancesWithLoadBalancer", Drop: true, AfterApply: afterApply}))
			req, err := nifcloudtest.NewSignedRequest(http.MethodPost, e.ts.URL+"/api/",
				with(registerWeb003, "Action", "RegisterInstancesWithLoadBalancer"), testCred, e.clock.Now())
			require.NoError(t, err)
			resp, err := e.ts.Client().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			require.Error(t, err, "no reply")
			assert.True(t, errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF), "%v", err)
			if afterApply {
				assert.Equal(t, []string{"web001", "web002", "web003"}, e.srv.Members("weblb01", 80, 8080), "applied")
				assert.Equal(t, "drop after apply", e.srv.Requests()[0].Fault)
			} else {
				assert.Equal(t, []string{"web001", "web002"}, e.srv.Members("weblb01", 80, 8080), "not applied")
				assert.Equal(t, "drop", e.srv.Requests()[0].Fault)
			}
			assert.Equal(t, 0, e.srv.Requests()[0].Status)
			// The retry of a lost reply meets the applied change.
			got := e.call("RegisterInstancesWithLoadBalancer", registerWeb003)
			if afterApply {
				assert.Equal(t, nifcloudtest.CodeInstanceAlreadyRegistered, got.Code)
			} else {
				assert.Equal(t, http.StatusOK, got.Status)
			}
		})
	}
}

func TestFaultAfterApplyError(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Action: "RegisterInstancesWithLoadBalancer", Status: 503, AfterApply: true}))
	got := e.call("RegisterInstancesWithLoadBalancer", registerWeb003)
	assert.Equal(t, 503, got.Status)
	assert.Equal(t, nifcloudtest.CodeInternalError, got.Code)
	assert.Equal(t, []string{"web001", "web002", "web003"}, e.srv.Members("weblb01", 80, 8080), "the change was applied")
	assert.Equal(t, "error after apply", e.srv.Requests()[0].Fault)

	// A call that fails on its own still gets the fault's outcome.
	require.NoError(t, e.srv.Inject(nifcloudtest.Fault{Status: 503, AfterApply: true}))
	got = e.call("RegisterInstancesWithLoadBalancer", with(target("weblb01", 80, 8080), instances("web009")...))
	assert.Equal(t, 503, got.Status)
	assert.Equal(t, []string{"web001", "web002", "web003"}, e.srv.Members("weblb01", 80, 8080))
}

func TestFaultMalformedBody(t *testing.T) {
	const proxyPage = "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
	tests := []struct {
		name        string
		fault       nifcloudtest.Fault
		status      int
		contentType string
		applied     bool
	}{
		{name: "proxy page", fault: nifcloudtest.Fault{Status: 502, Body: proxyPage, ContentType: "text/html"},
			status: 502, contentType: "text/html"},
		{name: "truncated XML", fault: nifcloudtest.Fault{Body: `<?xml version="1.0"?><RegisterInstancesWithLoadBalancerResponse xmlns="https://comp`},
			status: 200, contentType: "text/xml; charset=UTF-8"},
		{name: "truncated XML after apply", fault: nifcloudtest.Fault{Body: "<RegisterInstancesWith", AfterApply: true},
			status: 200, contentType: "text/xml; charset=UTF-8", applied: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, referenceOptions())
			require.NoError(t, e.srv.Inject(tt.fault))
			req, err := nifcloudtest.NewSignedRequest(http.MethodPost, e.ts.URL+"/api/",
				with(registerWeb003, "Action", "RegisterInstancesWithLoadBalancer"), testCred, e.clock.Now())
			require.NoError(t, err)
			resp, err := e.ts.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			assert.Equal(t, tt.fault.Body, string(body))
			want := []string{"web001", "web002"}
			if tt.applied {
				want = append(want, "web003")
			}
			assert.Equal(t, want, e.srv.Members("weblb01", 80, 8080))
			logged := e.srv.Requests()[0]
			assert.Equal(t, tt.status, logged.Status)
			assert.Contains(t, logged.Fault, "body")
		})
	}
}

func TestInjectValidation(t *testing.T) {
	tests := []struct {
		name  string
		fault nifcloudtest.Fault
		want  string
	}{
		{"empty", nifcloudtest.Fault{}, "needs a delay or an outcome"},
		{"negative times", nifcloudtest.Fault{Times: -2, Status: 500}, "times -2"},
		{"negative delay", nifcloudtest.Fault{Delay: -time.Second}, "must not be negative"},
		{"bad status", nifcloudtest.Fault{Status: 42}, "status 42"},
		{"drop with body", nifcloudtest.Fault{Drop: true, Body: "x"}, "drop cannot be combined"},
		{"drop with code", nifcloudtest.Fault{Drop: true, Code: "X"}, "drop cannot be combined"},
		{"body with code", nifcloudtest.Fault{Body: "x", Code: "X"}, "body cannot be combined"},
		{"message without code", nifcloudtest.Fault{Status: 500, Message: "m"}, "message needs a code"},
		{"content type without body", nifcloudtest.Fault{Status: 500, ContentType: "text/html"}, "content type needs a body"},
		{"after apply without outcome", nifcloudtest.Fault{AfterApply: true, Delay: time.Second}, "after apply needs an outcome"},
		{"unknown action", nifcloudtest.Fault{Action: "DescribeInstances", Status: 500}, `action "DescribeInstances"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := nifcloudtest.New(nifcloudtest.Options{Credentials: []nifcloudtest.Credential{testCred}})
			require.NoError(t, err)
			err = srv.Inject(nifcloudtest.Fault{Status: 500}, tt.fault)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "fault 2")
			assert.Empty(t, srv.Faults(), "nothing queued")
		})
	}
}

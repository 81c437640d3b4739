package nifcloudtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// vectorOptions seeds what the vectors A-C act on.
func vectorOptions(secret string) nifcloudtest.Options {
	return nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{{AccessKeyID: "NIFCLOUDACCESSKEY001", SecretAccessKey: secret}},
		Instances:   []nifcloudtest.Instance{{InstanceID: "web001"}, {InstanceID: "web002"}},
		LoadBalancers: []nifcloudtest.LoadBalancer{{Name: "lb001", Ports: []nifcloudtest.Port{
			{LoadBalancerPort: 80, InstancePort: 80},
		}}},
	}
}

// TestVectorsThroughHandler sends the timestamped vectors A-C as real
// requests, with the vector's Host header and the emulator's clock at the
// vector's Timestamp, and expects them accepted.
func TestVectorsThroughHandler(t *testing.T) {
	for _, v := range loadVectors(t) {
		if v.Params["Timestamp"] == "" {
			continue // O1-O3 are checked in TestSignVectors
		}
		t.Run(v.Name, func(t *testing.T) {
			opts := vectorOptions(v.Secret)
			c := nifcloudtest.NewClock(mustTime(v.Params["Timestamp"]))
			opts.Now = c.Now
			e := newEnv(t, opts)
			build := func(signature string) *http.Request {
				params := v.values()
				params.Set("Signature", signature)
				var req *http.Request
				var err error
				if v.Method == http.MethodGet {
					req, err = http.NewRequest(v.Method, e.ts.URL+v.Path+"?"+params.Encode(), nil)
				} else {
					req, err = http.NewRequest(v.Method, e.ts.URL+v.Path, strings.NewReader(params.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				require.NoError(t, err)
				req.Host = v.Host
				return req
			}
			got := e.do(build(v.Signature))
			assert.Equal(t, http.StatusOK, got.Status, "%s", got.Body)

			// The same request with one character of the signature changed
			// is refused.
			altered := "A" + v.Signature[1:]
			if v.Signature[0] == 'A' {
				altered = "B" + v.Signature[1:]
			}
			got = e.do(build(altered))
			assert.Equal(t, http.StatusUnauthorized, got.Status)
			assert.Equal(t, nifcloudtest.CodeAuthFailure, got.Code)
		})
	}
}

func TestAuthentication(t *testing.T) {
	registerWeb003 := with(target("weblb01", 80, 8080), instances("web003")...)
	base := with(registerWeb003, "Action", "RegisterInstancesWithLoadBalancer", "Version", "3.0")
	tests := []struct {
		name    string
		body    func(e *env) string
		ctype   string
		host    string
		wantOK  bool
		wantMsg string
	}{
		{name: "valid", wantOK: true, body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now()).Encode()
		}},
		{name: "HmacSHA1", wantOK: true, body: func(e *env) string {
			return signedBody(testCred, e.host(), with(base, "SignatureMethod", "HmacSHA1"), e.clock.Now()).Encode()
		}},
		{name: "no Content-Type", wantOK: true, ctype: "-", body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now()).Encode()
		}},
		{name: "text/plain Content-Type", wantOK: true, ctype: "text/plain", body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now()).Encode()
		}},
		{name: "fractional seconds", wantOK: true, body: func(e *env) string {
			return signedBody(testCred, e.host(), with(base, "Timestamp", "2024-06-13T06:00:00.123Z"), e.clock.Now()).Encode()
		}},
		{name: "timestamp with offset", wantOK: true, body: func(e *env) string {
			return signedBody(testCred, e.host(), with(base, "Timestamp", "2024-06-13T15:00:00+09:00"), e.clock.Now()).Encode()
		}},
		{name: "skew 15 minutes ahead", wantOK: true, body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now().Add(15*time.Minute)).Encode()
		}},
		{name: "skew 15 minutes behind", wantOK: true, body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now().Add(-15*time.Minute)).Encode()
		}},
		{name: "skew 16 minutes ahead", wantMsg: "more than 15m0s away", body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now().Add(16*time.Minute)).Encode()
		}},
		{name: "skew 16 minutes behind", wantMsg: "more than 15m0s away", body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now().Add(-16*time.Minute)).Encode()
		}},
		{name: "skew just over 15 minutes", wantMsg: "more than 15m0s away", body: func(e *env) string {
			return signedBody(testCred, e.host(), with(base, "Timestamp", "2024-06-13T05:44:59.999Z"), e.clock.Now()).Encode()
		}},
		{name: "malformed timestamp", wantMsg: "not a valid ISO 8601 time", body: func(e *env) string {
			return signedBody(testCred, e.host(), with(base, "Timestamp", "2024-06-13 06:00:00"), e.clock.Now()).Encode()
		}},
		{name: "wrong secret", wantMsg: "signature does not match", body: func(e *env) string {
			wrong := nifcloudtest.Credential{AccessKeyID: testCred.AccessKeyID, SecretAccessKey: "wrong-secret"}
			return signedBody(wrong, e.host(), base, e.clock.Now()).Encode()
		}},
		{name: "unknown access key", wantMsg: "AccessKeyId 'UNKNOWNKEY' is not registered", body: func(e *env) string {
			unknown := nifcloudtest.Credential{AccessKeyID: "UNKNOWNKEY", SecretAccessKey: testCred.SecretAccessKey}
			return signedBody(unknown, e.host(), base, e.clock.Now()).Encode()
		}},
		{name: "signed without the port", wantMsg: "signature does not match", body: func(e *env) string {
			return signedBody(testCred, "127.0.0.1", base, e.clock.Now()).Encode()
		}},
		{name: "Host header as received", host: "jp-east-1.computing.api.nifcloud.com", wantOK: true, body: func(e *env) string {
			return signedBody(testCred, "jp-east-1.computing.api.nifcloud.com", base, e.clock.Now()).Encode()
		}},
		{name: "Host header with another port", host: "127.0.0.1:1", wantMsg: "signature does not match", body: func(e *env) string {
			return signedBody(testCred, e.host(), base, e.clock.Now()).Encode()
		}},
		{name: "signed with another path", wantMsg: "signature does not match", body: func(e *env) string {
			p := signedBody(testCred, e.host(), base, e.clock.Now())
			p.Set("Signature", nifcloudtest.Sign(p, http.MethodPost, e.host(), "/", testCred.SecretAccessKey))
			return p.Encode()
		}},
		{name: "signed as GET", wantMsg: "signature does not match", body: func(e *env) string {
			p := signedBody(testCred, e.host(), base, e.clock.Now())
			p.Set("Signature", nifcloudtest.Sign(p, http.MethodGet, e.host(), "/api/", testCred.SecretAccessKey))
			return p.Encode()
		}},
		{name: "parameter changed after signing", wantMsg: "signature does not match", body: func(e *env) string {
			p := signedBody(testCred, e.host(), base, e.clock.Now())
			p.Set("Instances.member.1.InstanceId", "web002")
			return p.Encode()
		}},
		{name: "SignatureVersion 1", wantMsg: "SignatureVersion '1' is not supported", body: func(e *env) string {
			return signedBody(testCred, e.host(), with(base, "SignatureVersion", "1"), e.clock.Now()).Encode()
		}},
		{name: "SignatureMethod HmacMD5", wantMsg: "SignatureMethod 'HmacMD5' is not supported", body: func(e *env) string {
			return signedBody(testCred, e.host(), with(base, "SignatureMethod", "HmacMD5"), e.clock.Now()).Encode()
		}},
		{name: "unsigned", wantMsg: "'AccessKeyId' is required", body: func(e *env) string { return base.Encode() }},
	}
	for _, name := range []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp"} {
		tests = append(tests, struct {
			name    string
			body    func(e *env) string
			ctype   string
			host    string
			wantOK  bool
			wantMsg string
		}{name: "missing " + name, wantMsg: "'" + name + "' is required", body: func(e *env) string {
			p := signedBody(testCred, e.host(), base, e.clock.Now())
			p.Del(name)
			return p.Encode()
		}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, referenceOptions())
			before := e.srv.State()
			ctype := "application/x-www-form-urlencoded"
			switch tt.ctype {
			case "-":
				ctype = ""
			case "":
			default:
				ctype = tt.ctype
			}
			body := tt.body(e)
			got := e.rawPost(body, ctype, tt.host)
			if tt.wantOK {
				assert.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
				assert.Equal(t, []string{"web001", "web002", "web003"}, e.srv.Members("weblb01", 80, 8080))
				return
			}
			assert.Equal(t, http.StatusUnauthorized, got.Status)
			assert.Equal(t, nifcloudtest.CodeAuthFailure, got.Code)
			assert.Contains(t, got.Message, tt.wantMsg)
			assert.Equal(t, before, e.srv.State(), "a refused request changes nothing")
			assert.NotContains(t, string(got.Body), testCred.SecretAccessKey)
			if sig := formValue(body, "Signature"); sig != "" {
				assert.NotContains(t, string(got.Body), sig)
			}
			logged := e.srv.Requests()
			require.Len(t, logged, 1, "refused requests are logged")
			assert.Equal(t, http.StatusUnauthorized, logged[0].Status)
			assert.Equal(t, nifcloudtest.CodeAuthFailure, logged[0].Code)
			assert.Empty(t, logged[0].Params.Get("Signature"))
		})
	}
}

func formValue(body, name string) string {
	v, err := url.ParseQuery(body)
	if err != nil {
		return ""
	}
	return v.Get(name)
}

func TestAuthenticationGETAndSpaces(t *testing.T) {
	e := newEnv(t, referenceOptions())

	got := e.callWith(http.MethodGet, testCred, "DescribeLoadBalancers", url.Values{"LoadBalancerNames.member.1": {"weblb01"}})
	assert.Equal(t, http.StatusOK, got.Status, "%s", got.Body)

	// A space sent as "+" in a form body is signed as %20: the signature
	// passes, and the name is then looked up (and not found).
	p := signedBody(testCred, e.host(), url.Values{"Action": {"DescribeLoadBalancers"}, "LoadBalancerNames.member.1": {"web lb"}}, e.clock.Now())
	body := p.Encode()
	require.Contains(t, body, "web+lb")
	got = e.rawPost(body, "application/x-www-form-urlencoded; charset=utf-8", "")
	assert.Equal(t, nifcloudtest.CodeLoadBalancerNotFound, got.Code)
	assert.Equal(t, "The LoadBalancerName 'web lb' does not exist.", got.Message)

	// A second access key works too; the log records which key was used.
	second := nifcloudtest.Credential{AccessKeyID: "SECONDKEY", SecretAccessKey: "second-secret"}
	e2 := newEnv(t, nifcloudtest.Options{Credentials: []nifcloudtest.Credential{testCred, second}})
	got = e2.callWith(http.MethodPost, second, "DescribeLoadBalancers", nil)
	assert.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	assert.Equal(t, "SECONDKEY", e2.srv.Requests()[0].AccessKeyID)
}

func TestMaxClockSkewOption(t *testing.T) {
	e := newEnv(t, nifcloudtest.Options{MaxClockSkew: time.Minute})
	got := e.callAt("DescribeLoadBalancers", nil, t0.Add(59*time.Second))
	assert.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	got = e.callAt("DescribeLoadBalancers", nil, t0.Add(61*time.Second))
	assert.Equal(t, http.StatusUnauthorized, got.Status)
	assert.Contains(t, got.Message, "more than 1m0s away")
}

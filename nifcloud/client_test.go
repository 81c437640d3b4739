package nifcloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOperations(t *testing.T) {
	t.Parallel()
	t.Run("DescribeLoadBalancers", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, serveFile(t, 200, "responses/DescribeLoadBalancers.xml"))
		c := newTestClient(t, srv.URL)
		out, err := c.DescribeLoadBalancers(t.Context(), &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "weblb01"}}})
		require.NoError(t, err)
		assert.Equal(t, "3f1c2a9e-6b7d-4c10-9a55-0d2e8b7f4a61", out.RequestID)
		checkDescriptions(t, goldenDescriptions, []string{"2024-06-13T14:56:27+09:00", "2024-06-13T15:02:11+09:00"}, out.LoadBalancerDescriptions)
		forms := srv.requests()
		require.Len(t, forms, 1)
		assert.Equal(t, "DescribeLoadBalancers", forms[0].Get("Action"))
		assert.Equal(t, "weblb01", forms[0].Get("LoadBalancerNames.member.1"))
	})
	t.Run("RegisterInstancesWithLoadBalancer", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, serveFile(t, 200, "responses/RegisterInstancesWithLoadBalancer.xml"))
		c := newTestClient(t, srv.URL)
		out, err := c.RegisterInstancesWithLoadBalancer(t.Context(), &RegisterInstancesWithLoadBalancerInput{
			LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001", "web002"},
		})
		require.NoError(t, err)
		assert.Equal(t, &RegisterInstancesWithLoadBalancerOutput{
			Instances: []Instance{web001, web002}, RequestID: "9d0e7c6b-2a41-4f3e-8b1d-5c6a7e8f9012",
		}, out)
		forms := srv.requests()
		require.Len(t, forms, 1)
		assert.Equal(t, url.Values{
			"Action": {"RegisterInstancesWithLoadBalancer"}, "Version": {"3.0"},
			"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"},
			"Instances.member.1.InstanceId": {"web001"}, "Instances.member.2.InstanceId": {"web002"},
		}, withoutAuth(forms[0]))
	})
	t.Run("DeregisterInstancesFromLoadBalancer", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, serveFile(t, 200, "responses/DeregisterInstancesFromLoadBalancer.xml"))
		c := newTestClient(t, srv.URL)
		out, err := c.DeregisterInstancesFromLoadBalancer(t.Context(), &DeregisterInstancesFromLoadBalancerInput{
			LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web002"},
		})
		require.NoError(t, err)
		assert.Equal(t, &DeregisterInstancesFromLoadBalancerOutput{
			Instances: []Instance{web002}, RequestID: "b7a1c2d3-4e5f-4a6b-9c8d-7e6f5a4b3c21",
		}, out)
		forms := srv.requests()
		require.Len(t, forms, 1)
		assert.Equal(t, url.Values{
			"Action": {"DeregisterInstancesFromLoadBalancer"}, "Version": {"3.0"},
			"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"},
			"Instances.member.1.InstanceId": {"web002"},
		}, withoutAuth(forms[0]))
	})
	t.Run("DescribeInstanceHealth", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, serveFile(t, 200, "responses/DescribeInstanceHealth.xml"))
		c := newTestClient(t, srv.URL)
		out, err := c.DescribeInstanceHealth(t.Context(), &DescribeInstanceHealthInput{
			LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
		})
		require.NoError(t, err)
		assert.Equal(t, &DescribeInstanceHealthOutput{
			InstanceStates: []InstanceState{
				{InstanceID: "web001", InstanceUniqueID: "i-0a1b2c3d", State: "InService"},
				{InstanceID: "web002", InstanceUniqueID: "i-4e5f6a7b", State: "OutOfService"},
			},
			RequestID: "0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d",
		}, out)
		forms := srv.requests()
		require.Len(t, forms, 1)
		assert.Equal(t, url.Values{
			"Action": {"DescribeInstanceHealth"}, "Version": {"3.0"},
			"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"},
		}, withoutAuth(forms[0]))
	})
}

// withoutAuth returns form without the parameters the signer adds.
func withoutAuth(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		switch k {
		case "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp":
		default:
			out[k] = v
		}
	}
	return out
}

func TestAPIErrorReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		file   string
		call   func(context.Context, *Client) error
	}{
		{"unknown load balancer with HTTP 500", 500, "Client.InvalidParameterNotFound.LoadBalancer.xml", func(ctx context.Context, c *Client) error {
			_, err := c.DescribeLoadBalancers(ctx, &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "lb001"}}})
			return err
		}},
		{"unknown port with HTTP 400", 400, "Client.InvalidParameterNotFound.LoadBalancerPort.xml", func(ctx context.Context, c *Client) error {
			_, err := c.DescribeInstanceHealth(ctx, &DescribeInstanceHealthInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 80})
			return err
		}},
		{"already registered with HTTP 200", 200, "Client.Inoperable.LoadBalancer.HavingRegisteredInstance.xml", func(ctx context.Context, c *Client) error {
			_, err := c.RegisterInstancesWithLoadBalancer(ctx, &RegisterInstancesWithLoadBalancerInput{
				LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001"},
			})
			return err
		}},
		{"not registered with HTTP 500", 500, "Client.InvalidParameterNotFound.Instance-deregister.xml", func(ctx context.Context, c *Client) error {
			_, err := c.DeregisterInstancesFromLoadBalancer(ctx, &DeregisterInstancesFromLoadBalancerInput{
				LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web003"},
			})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, serveFile(t, tt.status, "errors/"+tt.file))
			c := newTestClient(t, srv.URL)
			var attempts []Attempt
			c.OnAttempt = func(a Attempt) { attempts = append(attempts, a) }
			err := tt.call(t.Context(), c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.True(t, strings.HasPrefix(apiErr.Code, "Client."))
			assert.False(t, IsAmbiguous(err), "a Client.* answer is definite")
			assert.False(t, IsRetryable(err))
			assert.Len(t, srv.requests(), 1, "Client.* codes are never retried")
			require.Len(t, attempts, 1)
			assert.Equal(t, apiErr.Code, attempts[0].Code)
			assert.Equal(t, apiErr.RequestID, attempts[0].RequestID)
			assert.Equal(t, tt.status, attempts[0].StatusCode)
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	u := &url.URL{Scheme: "https", Host: "JP-EAST-1.computing.api.nifcloud.com"}
	c, err := New(u, testCreds)
	require.NoError(t, err)
	assert.Equal(t, "https://jp-east-1.computing.api.nifcloud.com/api/", c.Endpoint.String())
	assert.NotSame(t, u, c.Endpoint)
	assert.Equal(t, testCreds, c.Credentials)
	require.NotNil(t, c.HTTPClient)
	assert.Equal(t, DefaultTimeout, c.HTTPClient.Timeout)
	require.NotNil(t, c.Retryer)
	assert.Equal(t, DefaultMaxAttempts, c.Retryer.MaxAttempts())
	assert.Equal(t, DefaultUserAgent("dev"), c.UserAgent)
	assert.Empty(t, c.SignatureMethod, "empty means HmacSHA256")

	tests := []struct {
		name     string
		endpoint *url.URL
		creds    aws.Credentials
		wantErr  string
	}{
		{"nil endpoint", nil, testCreds, "new client: invalid endpoint: nil URL"},
		{"bad scheme", &url.URL{Scheme: "ftp", Host: "h"}, testCreds, `new client: invalid endpoint: scheme "ftp"`},
		{"no secret", u, aws.Credentials{AccessKeyID: "id"}, "new client: credentials need an access key id and a secret access key"},
		{"no key id", u, aws.Credentials{SecretAccessKey: "s"}, "new client: credentials need"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.endpoint, tt.creds)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestDefaultUserAgent(t *testing.T) {
	t.Parallel()
	want := fmt.Sprintf("nifcloud_lb/1.2.3 (%s; %s/%s)", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	assert.Equal(t, want, DefaultUserAgent("1.2.3"))
	assert.True(t, strings.HasPrefix(DefaultUserAgent(""), "nifcloud_lb/dev ("))
	assert.Regexp(t, regexp.MustCompile(`^nifcloud_lb/v0\.1\.0-3-gabcdef \(go[^;]+; [a-z0-9]+/[a-z0-9]+\)$`), DefaultUserAgent("v0.1.0-3-gabcdef"))
}

func TestUserAgentSent(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	body := readTestdata(t, "responses/DescribeLoadBalancers.xml")
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		got.Store(r.Header.Get("User-Agent"))
		serveXML(w, 200, body)
	})
	c := newTestClient(t, srv.URL)
	c.UserAgent = DefaultUserAgent("9.9.9")
	_, err := c.DescribeLoadBalancers(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultUserAgent("9.9.9"), got.Load())
}

func TestInputValidation(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL)
	ctx := t.Context()
	target := func(name string, lbPort, instPort int, instances ...string) *RegisterInstancesWithLoadBalancerInput {
		return &RegisterInstancesWithLoadBalancerInput{LoadBalancerName: name, LoadBalancerPort: lbPort, InstancePort: instPort, Instances: instances}
	}
	tests := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"register nil", func() error { _, err := c.RegisterInstancesWithLoadBalancer(ctx, nil); return err },
			"RegisterInstancesWithLoadBalancer: invalid input: nil input"},
		{"register empty name", func() error { _, err := c.RegisterInstancesWithLoadBalancer(ctx, target("", 80, 80, "a")); return err },
			"RegisterInstancesWithLoadBalancer: invalid input: empty LoadBalancerName"},
		{"register port 0", func() error { _, err := c.RegisterInstancesWithLoadBalancer(ctx, target("lb", 0, 80, "a")); return err },
			"invalid input: LoadBalancerPort 0 out of range 1-65535"},
		{"register instance port too big", func() error {
			_, err := c.RegisterInstancesWithLoadBalancer(ctx, target("lb", 80, 65536, "a"))
			return err
		}, "invalid input: InstancePort 65536 out of range 1-65535"},
		{"register no instances", func() error { _, err := c.RegisterInstancesWithLoadBalancer(ctx, target("lb", 80, 80)); return err },
			"invalid input: no instances given"},
		{"register duplicate instance", func() error {
			_, err := c.RegisterInstancesWithLoadBalancer(ctx, target("lb", 80, 80, "a", "a"))
			return err
		}, `instance "a" given twice`},
		{"deregister nil", func() error { _, err := c.DeregisterInstancesFromLoadBalancer(ctx, nil); return err },
			"DeregisterInstancesFromLoadBalancer: invalid input: nil input"},
		{"deregister no instances", func() error {
			_, err := c.DeregisterInstancesFromLoadBalancer(ctx, &DeregisterInstancesFromLoadBalancerInput{LoadBalancerName: "lb", LoadBalancerPort: 80, InstancePort: 80})
			return err
		}, "DeregisterInstancesFromLoadBalancer: invalid input: no instances given"},
		{"health nil", func() error { _, err := c.DescribeInstanceHealth(ctx, nil); return err },
			"DescribeInstanceHealth: invalid input: nil input"},
		{"health bad port", func() error {
			_, err := c.DescribeInstanceHealth(ctx, &DescribeInstanceHealthInput{LoadBalancerName: "lb", LoadBalancerPort: -1, InstancePort: 80})
			return err
		}, "DescribeInstanceHealth: invalid input: LoadBalancerPort -1 out of range"},
		{"health empty instance", func() error {
			_, err := c.DescribeInstanceHealth(ctx, &DescribeInstanceHealthInput{LoadBalancerName: "lb", LoadBalancerPort: 1, InstancePort: 1, Instances: []string{""}})
			return err
		}, "DescribeInstanceHealth: encode request: invalid input: Instances: empty instance name at position 1"},
		{"describe one port", func() error {
			_, err := c.DescribeLoadBalancers(ctx, &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "lb", InstancePort: 80}}})
			return err
		}, "DescribeLoadBalancers: encode request: LoadBalancerNames entry 1 (\"lb\"): invalid input: LoadBalancerPort 0 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.ErrorIs(t, err, ErrInvalidInput)
		})
	}
	assert.Zero(t, hits.Load(), "no request for an invalid input")
}

func TestClientMisconfigured(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	tests := []struct {
		name    string
		mutate  func(*Client)
		wantErr string
	}{
		{"nil endpoint", func(c *Client) { c.Endpoint = nil }, "DescribeLoadBalancers: invalid endpoint: nil URL"},
		{"endpoint with user", func(c *Client) { c.Endpoint.User = url.UserPassword("u", "p") }, "user information is not allowed"},
		{"endpoint with query", func(c *Client) { c.Endpoint.RawQuery = "a=b" }, "a query is not allowed"},
		{"no credentials", func(c *Client) { c.Credentials = aws.Credentials{} }, "DescribeLoadBalancers: credentials need"},
		{"bad signature method", func(c *Client) { c.SignatureMethod = "HmacSHA512" }, `sign request: unsupported signature method "HmacSHA512"`},
		{"unencodable input", nil, "DescribeLoadBalancers: encode request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, srv.URL)
			var err error
			if tt.mutate == nil {
				err = c.do(t.Context(), ActionDescribeLoadBalancers, false, 42, &xmlDescribeLoadBalancersResponse{})
			} else {
				tt.mutate(c)
				_, err = c.DescribeLoadBalancers(t.Context(), nil)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.False(t, IsRetryable(err))
		})
	}
	assert.Zero(t, hits.Load())
}

func TestClientDefaultsWhenFieldsAreNil(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, serveFile(t, 200, "responses/DescribeLoadBalancers.xml"))
	u, err := ParseEndpoint(srv.URL)
	require.NoError(t, err)
	// A Client built without New: nil HTTPClient, Retryer and clock.
	c := &Client{Endpoint: u, Credentials: testCreds, UserAgent: DefaultUserAgent("")}
	out, err := c.DescribeLoadBalancers(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, out.LoadBalancerDescriptions, 2)
	ts, err := time.Parse(timestampLayout, srv.requests()[0].Get("Timestamp"))
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), ts, time.Minute, "the real clock signs")
}

func TestEndpointPathPrefix(t *testing.T) {
	t.Parallel()
	var sawPath atomic.Value
	body := readTestdata(t, "responses/DescribeLoadBalancers.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawPath.Store(r.URL.Path)
		assert.NoError(t, r.ParseForm())
		assert.Equal(t, independentSignature(t, r.Method, r.Host, r.URL.EscapedPath(), r.PostForm, testCreds.SecretAccessKey), r.PostForm.Get("Signature"))
		serveXML(w, 200, body)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL+"/emulator/api/")
	_, err := c.DescribeLoadBalancers(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, "/emulator/api/", sawPath.Load())
}

func TestClientStringHidesSecret(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1")
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", c), fmt.Sprint(*c)} {
		assert.NotContains(t, s, testCreds.SecretAccessKey)
		assert.Contains(t, s, testCreds.AccessKeyID)
		assert.Contains(t, s, "http://127.0.0.1:1/api/")
	}
	assert.Equal(t, "nifcloud.Client{Endpoint: <nil>, AccessKeyID: \"\", SecretAccessKey: [REDACTED]}", Client{}.String())
}

// TestSecretsInErrorsAreWholeAndReported checks what a program that prints
// the client's errors needs to scrub them: every signature is reported
// through OnSecret before its request leaves, and an error quotes an echoed
// secret or signature whole or not at all, never a fragment that a scrubber
// could not recognise.
func TestSecretsInErrorsAreWholeAndReported(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 150) + " "
	tests := []struct {
		name  string
		reply func(w http.ResponseWriter, form url.Values, raw string)
	}{
		{"envelope echoing the signature", func(w http.ResponseWriter, form url.Values, raw string) {
			serveXML(w, 403, fmt.Appendf(nil, `<Response><Errors><Error><Code>Client.SignatureDoesNotMatch.%s</Code><Message>signature %s for secret %s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
				form.Get("Signature"), form.Get("Signature"), testCreds.SecretAccessKey, url.QueryEscape(form.Get("Signature"))))
		}},
		{"HTML page echoing the raw body across the excerpt limit", func(w http.ResponseWriter, form url.Values, raw string) {
			serveXML(w, 400, []byte("<html><pre>"+long+raw+"</pre><p>"+escape(form.Get("Signature"))+"</p></html>"))
		}},
		{"success reply with a bad value echoing the signature", func(w http.ResponseWriter, form url.Values, raw string) {
			serveXML(w, 200, []byte("<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancerDescriptions><member><NetworkVolume>"+
				form.Get("Signature")+"</NetworkVolume></member></LoadBalancerDescriptions></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>"))
		}},
		{"success reply, broken, echoing the secret at the limit", func(w http.ResponseWriter, form url.Values, raw string) {
			serveXML(w, 200, []byte("<DescribeLoadBalancersResponse>"+long[:140]+" "+testCreds.SecretAccessKey))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu              sync.Mutex
				sent, announced []string
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw := readAll(t, r)
				form, err := url.ParseQuery(raw)
				assert.NoError(t, err)
				mu.Lock()
				sent = append(sent, form.Get("Signature"))
				mu.Unlock()
				tt.reply(w, form, raw)
			}))
			t.Cleanup(srv.Close)
			c := newTestClient(t, srv.URL)
			c.OnSecret = func(s string) { mu.Lock(); announced = append(announced, s); mu.Unlock() }
			var texts []string
			c.OnAttempt = func(a Attempt) { texts = append(texts, fmt.Sprintf("%+v", a)) }
			_, err := c.DescribeLoadBalancers(t.Context(), nil)
			require.Error(t, err)
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			mu.Lock()
			defer mu.Unlock()
			require.NotEmpty(t, sent)
			assert.Equal(t, sent, announced, "every signature is announced, in order")
			for _, text := range texts {
				assertNoFragment(t, text, testCreds.SecretAccessKey)
				for _, sig := range sent {
					assertNoFragment(t, text, sig)
				}
			}
		})
	}
}

// assertNoFragment checks that text holds secret, in its plain,
// percent-encoded and query-escaped forms, only whole: once the whole
// occurrences are removed, no 12-byte piece of it is left.
func assertNoFragment(t *testing.T, text, secret string) {
	t.Helper()
	for _, form := range []string{secret, url.QueryEscape(secret), escape(secret)} {
		text = strings.ReplaceAll(text, form, "")
	}
	for i := 0; i+12 <= len(secret); i++ {
		assert.NotContains(t, text, secret[i:i+12], "a fragment of a secret")
	}
}

// readAll reads a request body; it runs in handlers, so it only asserts.
func readAll(t *testing.T, r *http.Request) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	assert.NoError(t, err)
	return string(b)
}

func TestResponseSizeLimit(t *testing.T) {
	t.Parallel()
	body := readTestdata(t, "responses/DescribeLoadBalancers.xml")
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { serveXML(w, 200, body) })
	c := newTestClient(t, srv.URL)
	c.MaxResponseBytes = int64(len(body)) - 1
	_, err := c.DescribeLoadBalancers(t.Context(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("DescribeLoadBalancers: read HTTP 200 response: response body larger than %d bytes", len(body)-1))
	assert.False(t, IsRetryable(err))
	assert.Len(t, srv.requests(), 1)

	c.MaxResponseBytes = int64(len(body))
	_, err = c.DescribeLoadBalancers(t.Context(), nil)
	require.NoError(t, err, "a body of exactly the limit is fine")
}

func TestOnAttemptSuccess(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, serveFile(t, 200, "responses/DescribeInstanceHealth.xml"))
	c := newTestClient(t, srv.URL)
	var attempts []Attempt
	c.OnAttempt = func(a Attempt) { attempts = append(attempts, a) }
	_, err := c.DescribeInstanceHealth(t.Context(), &DescribeInstanceHealthInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080})
	require.NoError(t, err)
	// The stepping clock reads: start, Timestamp, end.
	assert.Equal(t, []Attempt{{
		Action: "DescribeInstanceHealth", Number: 1, StatusCode: 200,
		RequestID: "0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d", Duration: 2 * time.Second,
	}}, attempts)
}

func TestAPIErrorWithStatus200(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, serveFile(t, 200, "errors/Server.InternalError.xml"))
	c := newTestClient(t, srv.URL)
	_, err := c.DescribeLoadBalancers(t.Context(), nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, "Server.InternalError", apiErr.Code)
	assert.Len(t, srv.requests(), DefaultMaxAttempts, "a Server.* code is retried even with HTTP 200")
	assert.True(t, errors.Is(err, apiErr))
}

package nifcloud

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"hash"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/requests")

// testCreds are the credentials of the worked signature vectors.
var testCreds = aws.Credentials{
	AccessKeyID:     "NIFCLOUDACCESSKEY001",
	SecretAccessKey: "nifcloudSecretKeyExample0123456789abcdef",
}

// testTime is the Timestamp of the worked signature vectors.
var testTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// readTestdata returns the content of a file under testdata.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	require.NoError(t, err)
	return b
}

// stepClock returns a clock that starts at testTime and moves one second
// forward at every reading, so each signature gets its own Timestamp.
func stepClock() func() time.Time {
	var mu sync.Mutex
	now := testTime
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := now
		now = now.Add(time.Second)
		return t
	}
}

// testServer is an httptest server whose handler checks the signature of
// every request independently, records the forms, and delegates the reply.
type testServer struct {
	*httptest.Server
	mu    sync.Mutex
	forms []url.Values
}

// requests returns the forms received so far.
func (s *testServer) requests() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.forms...)
}

// newTestServer starts a server that verifies each request and then calls
// reply with the number of the request (from 1).
func newTestServer(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, n int)) *testServer {
	t.Helper()
	s := &testServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := checkSignedRequest(t, r)
		s.mu.Lock()
		s.forms = append(s.forms, form)
		n := len(s.forms)
		s.mu.Unlock()
		reply(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

// newTestClient returns a client for the server with the test credentials,
// a stepping clock, no backoff and no sleeping.
func newTestClient(t *testing.T, serverURL string, retryOpts ...func(*retry.StandardOptions)) *Client {
	t.Helper()
	u, err := ParseEndpoint(serverURL)
	require.NoError(t, err)
	c, err := New(u, testCreds)
	require.NoError(t, err)
	opts := append([]func(*retry.StandardOptions){noBackoff}, retryOpts...)
	c.Retryer = NewRetryer(opts...)
	c.Clock = &testClock{now: stepClock(), sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
	return c
}

// testClock is a Clock of two functions.
type testClock struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func (c *testClock) Now() time.Time { return c.now() }

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error { return c.sleep(ctx, d) }

// setSleep replaces the sleep of a client made by newTestClient.
func setSleep(c *Client, sleep func(ctx context.Context, d time.Duration) error) {
	c.Clock.(*testClock).sleep = sleep
}

// noBackoff makes the retryer wait zero between attempts.
func noBackoff(o *retry.StandardOptions) {
	o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
}

// serveXML writes body with the status.
func serveXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// serveFile returns a reply function that serves a testdata file (read now,
// outside the handler) with the status.
func serveFile(t *testing.T, status int, name string) func(http.ResponseWriter, *http.Request, int) {
	t.Helper()
	body := readTestdata(t, name)
	return func(w http.ResponseWriter, _ *http.Request, _ int) { serveXML(w, status, body) }
}

// checkSignedRequest asserts that r is a well-formed, correctly signed
// request and returns its form.
func checkSignedRequest(t *testing.T, r *http.Request) url.Values {
	t.Helper()
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/api/", r.URL.Path)
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(r.Header.Get("User-Agent"), "nifcloud_lb/"), "User-Agent %q", r.Header.Get("User-Agent"))
	assert.Empty(t, r.URL.RawQuery, "nothing may travel in the URL")
	if !assert.NoError(t, r.ParseForm()) {
		return nil
	}
	form := r.PostForm
	for k, v := range form {
		assert.Len(t, v, 1, "parameter %s sent more than once", k)
	}
	assert.Equal(t, "2", form.Get("SignatureVersion"))
	assert.Equal(t, "3.0", form.Get("Version"))
	assert.Equal(t, testCreds.AccessKeyID, form.Get("AccessKeyId"))
	_, err := time.Parse("2006-01-02T15:04:05Z", form.Get("Timestamp"))
	assert.NoError(t, err, "Timestamp %q", form.Get("Timestamp"))
	want := independentSignature(t, r.Method, r.Host, r.URL.EscapedPath(), form, testCreds.SecretAccessKey)
	assert.Equal(t, want, form.Get("Signature"), "signature of %v", form)
	return form
}

// independentSignature computes a Signature Version 2 signature without the
// package's code: url.QueryEscape with the fix-ups the old official SDKs
// used, keys sorted with sort.Strings.
func independentSignature(t *testing.T, method, host, path string, form url.Values, secret string) string {
	t.Helper()
	enc := func(s string) string {
		e := url.QueryEscape(s)
		e = strings.ReplaceAll(e, "+", "%20")
		e = strings.ReplaceAll(e, "*", "%2A")
		return strings.ReplaceAll(e, "%7E", "~")
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = enc(k) + "=" + enc(form.Get(k))
	}
	var h func() hash.Hash
	switch form.Get("SignatureMethod") {
	case "HmacSHA256":
		h = sha256.New
	case "HmacSHA1":
		h = sha1.New
	default:
		t.Errorf("unexpected SignatureMethod %q", form.Get("SignatureMethod"))
		return ""
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write([]byte(method + "\n" + host + "\n" + path + "\n" + strings.Join(pairs, "&")))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

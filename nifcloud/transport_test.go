package nifcloud

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewHTTPClient(t *testing.T) {
	t.Parallel()
	hc, err := NewHTTPClient(TransportOptions{})
	require.NoError(t, err)
	assert.Equal(t, DefaultTimeout, hc.Timeout)
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.NotNil(t, tr.Proxy, "the proxy comes from the environment")
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.Nil(t, tr.TLSClientConfig.RootCAs, "system pool")

	hc, err = NewHTTPClient(TransportOptions{Timeout: 5 * time.Second, InsecureSkipVerify: true})
	require.NoError(t, err)
	assert.Equal(t, 5*time.Second, hc.Timeout)
	assert.True(t, hc.Transport.(*http.Transport).TLSClientConfig.InsecureSkipVerify)

	_, err = NewHTTPClient(TransportOptions{Timeout: -time.Second})
	assert.EqualError(t, err, "transport: negative timeout -1s")
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, other.URL+"/api/", http.StatusTemporaryRedirect)
	})
	c := newTestClient(t, srv.URL)
	err := describe(t.Context(), c)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.Zero(t, elsewhere.Load(), "the signed request must not be re-sent elsewhere")
	assert.Len(t, srv.requests(), 1)

	c.HTTPClient = nil // the fallback client does not follow redirects either
	require.Error(t, describe(t.Context(), c))
	assert.Zero(t, elsewhere.Load())
}

// writeCertPEM writes the server's certificate as PEM and returns the path.
func writeCertPEM(t *testing.T, cert *x509.Certificate) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	return path
}

// newTLSTestServer starts an HTTPS server that checks signatures and serves
// the golden DescribeLoadBalancers reply.
// With certs, it serves them instead of httptest's own certificate.
func newTLSTestServer(t *testing.T, certs ...tls.Certificate) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	body := readTestdata(t, "responses/DescribeLoadBalancers.xml")
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		checkSignedRequest(t, r)
		serveXML(w, 200, body)
	}))
	// Refused handshakes are expected; keep them out of the test log.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if len(certs) > 0 {
		srv.TLS = &tls.Config{Certificates: certs}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestTLSVerification(t *testing.T) {
	t.Parallel()
	srv, hits := newTLSTestServer(t)
	bundle := writeCertPEM(t, srv.Certificate())

	tests := []struct {
		name    string
		opts    TransportOptions
		wantErr string
	}{
		{"system pool refuses the test certificate", TransportOptions{}, "x509: certificate signed by unknown authority"},
		{"extra CA bundle", TransportOptions{CABundle: bundle}, ""},
		{"verification off", TransportOptions{InsecureSkipVerify: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, srv.URL)
			hc, err := NewHTTPClient(tt.opts)
			require.NoError(t, err)
			c.HTTPClient = hc
			var attempts int
			c.OnAttempt = func(Attempt) { attempts++ }
			before := hits.Load()
			if tt.wantErr == "" {
				require.NoError(t, describe(t.Context(), c))
				assert.Equal(t, before+1, hits.Load())
				return
			}
			for _, call := range []func(context.Context, *Client) error{describe, register} {
				err := call(t.Context(), c)
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.False(t, IsRetryable(err), "a certificate failure is not retried")
				assert.False(t, IsAmbiguous(err), "nothing was sent")
			}
			assert.Equal(t, 2, attempts, "one attempt per call")
			assert.Equal(t, before, hits.Load())
		})
	}
}

func TestCABundleErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("-----BEGIN NOTHING-----\nxx\n"), 0o600))
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name, path, wantErr string
	}{
		{"missing file", missing, "transport: read CA bundle " + missing + ": no such file or directory"},
		{"a directory", dir, "transport: read CA bundle " + dir + ": is a directory"},
		{"no certificate", notPEM, "transport: CA bundle " + notPEM + ": no PEM certificate found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hc, err := NewHTTPClient(TransportOptions{CABundle: tt.path})
			assert.Nil(t, hc)
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

// The proxy settings are read once per process by net/http, so the proxy
// test runs the test binary again as a child with its own environment.
const proxyChildEnv = "NIFCLOUD_PROXY_TEST_CHILD"

func TestProxyFromEnvironment(t *testing.T) {
	if os.Getenv(proxyChildEnv) != "" {
		proxyChild(t)
		return
	}
	t.Parallel()

	tlsSrv, tlsHits := newTLSTestServer(t)
	_, tlsPort, err := net.SplitHostPort(tlsSrv.Listener.Addr().String())
	require.NoError(t, err)
	body := readTestdata(t, "responses/DescribeLoadBalancers.xml")

	var (
		mu   sync.Mutex
		seen []string
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.Host)
		mu.Unlock()
		if r.Method == http.MethodConnect {
			tunnel(t, w, tlsSrv.Listener.Addr().String())
			return
		}
		assert.Equal(t, "http://nifcloud.example.test/api/", r.URL.String(), "a proxy gets the absolute URL")
		checkSignedRequest(t, r)
		serveXML(w, 200, body)
	}))
	t.Cleanup(proxy.Close)

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestProxyFromEnvironment$", "-test.count=1", "-test.v")
	cmd.Env = append(environWithoutProxy(),
		proxyChildEnv+"=1",
		"HTTP_PROXY="+proxy.URL,
		"HTTPS_PROXY="+proxy.URL,
		"NO_PROXY=direct.example.test",
		"NIFCLOUD_TEST_TLS_PORT="+tlsPort,
		"NIFCLOUD_TEST_CA="+writeCertPEM(t, tlsSrv.Certificate()),
	)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child output:\n%s", out)
	assert.Contains(t, string(out), "--- PASS: TestProxyFromEnvironment")

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"POST nifcloud.example.test", "CONNECT example.com:" + tlsPort}, seen,
		"HTTP_PROXY for http://, HTTPS_PROXY for https://, NO_PROXY honoured")
	assert.Equal(t, int32(1), tlsHits.Load())
}

// proxyChild runs in the child process: each call goes through the proxy of
// the environment, except the NO_PROXY one.
func proxyChild(t *testing.T) {
	call := func(endpoint string, opts TransportOptions) error {
		c := newTestClient(t, endpoint, func(o *retry.StandardOptions) { o.MaxAttempts = 1 })
		hc, err := NewHTTPClient(opts)
		require.NoError(t, err)
		c.HTTPClient = hc
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		return describe(ctx, c)
	}
	// http:// through HTTP_PROXY; the host does not resolve, only the
	// proxy can answer.
	require.NoError(t, call("http://nifcloud.example.test/api/", TransportOptions{}))
	// https:// through HTTPS_PROXY with CONNECT; the test certificate
	// names example.com, trusted through the CA bundle.
	require.NoError(t, call("https://example.com:"+os.Getenv("NIFCLOUD_TEST_TLS_PORT")+"/api/",
		TransportOptions{CABundle: os.Getenv("NIFCLOUD_TEST_CA")}))
	// NO_PROXY: a direct attempt, which cannot resolve the name.
	err := call("http://direct.example.test/api/", TransportOptions{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "proxyconnect")
}

// environWithoutProxy returns the environment without proxy settings.
func environWithoutProxy() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD", proxyChildEnv:
		default:
			env = append(env, kv)
		}
	}
	return env
}

// tunnel answers a CONNECT by joining the client to target.
func tunnel(t *testing.T, w http.ResponseWriter, target string) {
	t.Helper()
	upstream, err := net.Dial("tcp", target)
	if !assert.NoError(t, err) {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !assert.True(t, ok) {
		upstream.Close()
		return
	}
	conn, rw, err := hj.Hijack()
	if !assert.NoError(t, err) {
		upstream.Close()
		return
	}
	_, err = rw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n")
	assert.NoError(t, err)
	assert.NoError(t, rw.Flush())
	go pipe(upstream, rw.Reader, conn)
	go pipe(conn, upstream, upstream)
}

// pipe copies src to dst, then closes both ends.
func pipe(dst io.WriteCloser, src io.Reader, srcCloser io.Closer) {
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = srcCloser.Close()
}

// testCA is a certificate authority made up for a test.
type testCA struct {
	cert  *x509.Certificate
	key   *ecdsa.PrivateKey
	chain [][]byte // the certificates between a leaf it signs and the root, leaf side first
}

var testSerial atomic.Int64

// newTestCA makes a root CA, or with a parent an intermediate CA.
func newTestCA(t *testing.T, name string, parent *testCA) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(testSerial.Add(1)),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	ca := &testCA{cert: cert, key: key}
	if parent != nil {
		ca.chain = append([][]byte{der}, parent.chain...)
	}
	return ca
}

// serverCert issues a server certificate for 127.0.0.1, with the chain up
// to (not including) the root.
func (ca *testCA) serverCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(testSerial.Add(1)),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: append([][]byte{der}, ca.chain...), PrivateKey: key}
}

// TestCABundleReplacesSystemRoots checks the standard verification against
// the bundle's certificates alone: chains through intermediates work, the
// host name is checked, and nothing outside the bundle is trusted.
func TestCABundleReplacesSystemRoots(t *testing.T) {
	t.Parallel()
	root := newTestCA(t, "test root", nil)
	intermediate := newTestCA(t, "test intermediate", root)
	otherRoot := newTestCA(t, "unrelated root", nil)
	tests := []struct {
		name    string
		server  *testCA
		bundle  *testCA
		host    string // of the endpoint, default 127.0.0.1
		wantErr string
	}{
		{name: "the bundle trusts the server", server: root, bundle: root},
		{name: "a chain through an intermediate", server: intermediate, bundle: root},
		{name: "a root outside the bundle is not trusted", server: otherRoot, bundle: root,
			wantErr: "tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{name: "the host name is checked", server: root, bundle: root, host: "localhost",
			wantErr: "x509: certificate is not valid for any names, but wanted to match localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, hits := newTLSTestServer(t, tt.server.serverCert(t))
			endpoint, err := url.Parse(srv.URL + "/api/")
			require.NoError(t, err)
			if tt.host != "" {
				endpoint.Host = tt.host + ":" + endpoint.Port()
			}
			hc, err := NewHTTPClient(TransportOptions{CABundle: writeCertPEM(t, tt.bundle.cert)})
			require.NoError(t, err)
			cfg := hc.Transport.(*http.Transport).TLSClientConfig
			assert.False(t, cfg.InsecureSkipVerify, "the handshake verifies")
			assert.Nil(t, cfg.VerifyConnection, "no verification code of our own")
			c := newTestClient(t, endpoint.String())
			c.HTTPClient = hc
			err = describe(t.Context(), c)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.EqualValues(t, 1, hits.Load())
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.False(t, IsRetryable(err), "a certificate failure is not retried")
			assert.Zero(t, hits.Load(), "no request reaches an untrusted server")
		})
	}
}

// TestCABundleBounds checks that a CA bundle path that is not a regular file
// of sane size fails at once, without reading it.
func TestCABundleBounds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	huge := filepath.Join(dir, "huge.pem")
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxCABundleBytes+1)) // sparse: nothing is written
	require.NoError(t, f.Close())
	link := filepath.Join(dir, "link.pem")
	srv, _ := newTLSTestServer(t)
	require.NoError(t, os.Symlink(writeCertPEM(t, srv.Certificate()), link))

	tests := []struct {
		name, path, wantErr string
	}{
		{"an endless device", "/dev/zero", "transport: read CA bundle /dev/zero: not a regular file (Dc---------)"},
		{"a FIFO nobody writes to", fifo, "transport: read CA bundle " + fifo + ": not a regular file (p---------)"},
		{"a file too large", huge, fmt.Sprintf("transport: read CA bundle %s: %d bytes, more than the %d a CA bundle may have", huge, MaxCABundleBytes+1, MaxCABundleBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			done := make(chan error, 1)
			go func() {
				_, err := NewHTTPClient(TransportOptions{CABundle: tt.path})
				done <- err
			}()
			select {
			case err := <-done:
				assert.EqualError(t, err, tt.wantErr)
			case <-time.After(5 * time.Second):
				t.Fatal("reading the CA bundle hangs")
			}
		})
	}
	t.Run("a symlink to a bundle is fine", func(t *testing.T) {
		t.Parallel()
		_, err := NewHTTPClient(TransportOptions{CABundle: link})
		require.NoError(t, err)
	})
}

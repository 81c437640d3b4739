package nifcloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"
)

// DefaultTimeout is the per-request timeout of NewHTTPClient when
// TransportOptions.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// TransportOptions configures NewHTTPClient.
type TransportOptions struct {
	// Timeout bounds one HTTP request, from dialling to reading the whole
	// reply. Zero means DefaultTimeout; negative is an error.
	Timeout time.Duration
	// CABundle is the path of a PEM file whose certificates are trusted in
	// addition to the system pool. Empty means the system pool only.
	CABundle string
	// InsecureSkipVerify turns TLS certificate verification off. Use it
	// only against a test endpoint.
	InsecureSkipVerify bool
	// Endpoint is the endpoint the client calls, if known. With a CABundle
	// and no proxy for it, the server's certificate is checked against the
	// bundle alone first, and the system pool (whose loading costs several
	// milliseconds per process) is loaded only when that fails: the same
	// trust, at a lower cost per run.
	Endpoint *url.URL
}

// NewHTTPClient returns an HTTP client for the API: the given per-request
// timeout, the proxy from HTTPS_PROXY, HTTP_PROXY and NO_PROXY
// (http.ProxyFromEnvironment), TLS 1.2 or later with verification on unless
// InsecureSkipVerify, the extra CA bundle if any, and redirects returned to
// the caller instead of followed (a signed request is never re-sent to
// another place). A CA bundle that is missing, unreadable or holds no
// certificate is an error naming the path.
func NewHTTPClient(o TransportOptions) (*http.Client, error) {
	timeout := o.Timeout
	switch {
	case timeout < 0:
		return nil, fmt.Errorf("transport: negative timeout %s", timeout)
	case timeout == 0:
		timeout = DefaultTimeout
	}

	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.InsecureSkipVerify}
	if o.CABundle != "" {
		bundle, bundlePool, err := readCABundle(o.CABundle)
		if err != nil {
			return nil, fmt.Errorf("transport: %w", err)
		}
		switch {
		case o.InsecureSkipVerify:
		case o.Endpoint != nil && o.Endpoint.Scheme == "https" && !usesProxy(o.Endpoint, http.ProxyFromEnvironment):
			// The handshake skips its own verification only because
			// VerifyConnection does the same checks.
			tlsConfig.InsecureSkipVerify = true
			tlsConfig.VerifyConnection = bundleFirst(o.Endpoint.Hostname(), bundle, bundlePool)
		default:
			tlsConfig.RootCAs = withSystemPool(bundle)
		}
	}

	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:           http.ProxyFromEnvironment,
		DialContext:     dialer.DialContext,
		TLSClientConfig: tlsConfig,
		// HTTP/1.1 with keep-alive: a run makes one to a few calls in a
		// row, and setting up HTTP/2 costs more than it saves.
		ForceAttemptHTTP2:     false,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// readCABundle returns the PEM file at path and a pool of its
// certificates. A missing or unreadable file, or one without any
// certificate, is an error naming the path.
func readCABundle(path string) ([]byte, *x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, nil, fmt.Errorf("read CA bundle %s: %w", path, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, nil, fmt.Errorf("CA bundle %s: no PEM certificate found", path)
	}
	return data, pool, nil
}

// systemCertPool loads the system's CA pool; tests replace it.
var systemCertPool = x509.SystemCertPool

// withSystemPool returns the system pool (or an empty pool where there is
// none) with the certificates of bundle, a PEM file, added.
func withSystemPool(bundle []byte) *x509.CertPool {
	pool, err := systemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	pool.AppendCertsFromPEM(bundle)
	return pool
}

// bundleFirst returns a tls.Config.VerifyConnection that makes the checks
// the TLS handshake makes by default (a chain to a trusted root, valid now,
// for server authentication, naming host), trusting the bundle and the
// system pool: against the bundle alone first, and against both, loaded
// once, only when that fails.
func bundleFirst(host string, bundle []byte, bundlePool *x509.CertPool) func(tls.ConnectionState) error {
	var (
		once sync.Once
		all  *x509.CertPool
	)
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return &tls.CertificateVerificationError{Err: errors.New("the server sent no certificate")}
		}
		opts := x509.VerifyOptions{DNSName: host, Roots: bundlePool, Intermediates: x509.NewCertPool()}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		leaf := cs.PeerCertificates[0]
		if _, err := leaf.Verify(opts); err == nil {
			return nil
		}
		once.Do(func() { all = withSystemPool(bundle) })
		opts.Roots = all
		if _, err := leaf.Verify(opts); err != nil {
			return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
		}
		return nil
	}
}

// usesProxy reports whether proxy sends requests to endpoint through a
// proxy (whose own TLS connection the endpoint's host name must not be
// checked against).
func usesProxy(endpoint *url.URL, proxy func(*http.Request) (*url.URL, error)) bool {
	u, err := proxy(&http.Request{URL: endpoint})
	return err != nil || u != nil
}

package nifcloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
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
		pool, err := loadCABundle(o.CABundle)
		if err != nil {
			return nil, fmt.Errorf("transport: %w", err)
		}
		tlsConfig.RootCAs = pool
	}

	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConfig,
		ForceAttemptHTTP2:     true,
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

// loadCABundle returns the system pool (or an empty pool where there is
// none) with the certificates of the PEM file at path added.
func loadCABundle(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, fmt.Errorf("read CA bundle %s: %w", path, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA bundle %s: no PEM certificate found", path)
	}
	return pool, nil
}

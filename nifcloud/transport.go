package nifcloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// DefaultTimeout is the per-request timeout of NewHTTPClient when
// TransportOptions.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// MaxCABundleBytes is the largest CA bundle NewHTTPClient reads. System
// bundles are a few hundred kilobytes; anything larger is not a CA bundle.
const MaxCABundleBytes = 4 << 20

// TransportOptions configures NewHTTPClient.
type TransportOptions struct {
	// Timeout bounds one HTTP request, from dialling to reading the whole
	// reply. Zero means DefaultTimeout; negative is an error.
	Timeout time.Duration
	// CABundle is the path of a PEM file whose certificates are the only
	// roots trusted for the API's certificate: it replaces the system
	// pool, as a CA bundle path does for Python's requests and botocore.
	// Empty means the system pool.
	CABundle string
	// InsecureSkipVerify turns TLS certificate verification off. Use it
	// only against a test endpoint.
	InsecureSkipVerify bool
}

// NewHTTPClient returns an HTTP client for the API: the given per-request
// timeout, the proxy from HTTPS_PROXY, HTTP_PROXY and NO_PROXY
// (http.ProxyFromEnvironment), TLS 1.2 or later with the standard
// verification (against the CA bundle's certificates alone when one is
// given) unless InsecureSkipVerify, and redirects returned to the caller
// instead of followed (a signed request is never re-sent to another place).
// A CA bundle that is not a readable regular file of at most
// MaxCABundleBytes, or that holds no certificate, is an error naming the
// path; reading it never blocks (a FIFO or a device is refused unread).
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
		pool, err := readCABundle(o.CABundle)
		if err != nil {
			return nil, fmt.Errorf("transport: %w", err)
		}
		tlsConfig.RootCAs = pool
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

// readCABundle returns a pool of the certificates of the PEM file at path.
// The file is opened without blocking and must be a regular file of at most
// MaxCABundleBytes; anything else (missing, unreadable, a directory, a FIFO,
// a device, too large, no certificate) is an error naming the path.
func readCABundle(path string) (*x509.CertPool, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read CA bundle %s: %w", path, pathReason(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read CA bundle %s: %w", path, pathReason(err))
	}
	switch {
	case info.IsDir():
		return nil, fmt.Errorf("read CA bundle %s: is a directory", path)
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("read CA bundle %s: not a regular file (%s)", path, info.Mode().Type())
	case info.Size() > MaxCABundleBytes:
		return nil, fmt.Errorf("read CA bundle %s: %d bytes, more than the %d a CA bundle may have", path, info.Size(), MaxCABundleBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxCABundleBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read CA bundle %s: %w", path, pathReason(err))
	}
	if len(data) > MaxCABundleBytes {
		return nil, fmt.Errorf("read CA bundle %s: more than the %d bytes a CA bundle may have", path, MaxCABundleBytes)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("CA bundle %s: no PEM certificate found", path)
	}
	return pool, nil
}

// pathReason strips the path from an *os.PathError, whose text repeats it.
func pathReason(err error) error {
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}

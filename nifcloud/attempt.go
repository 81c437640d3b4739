package nifcloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// attemptResult is the outcome of one HTTP attempt.
type attemptResult struct {
	err error
	// sent is false only when the request provably never left the
	// client: no connection was obtained because connection setup (DNS,
	// dial, TLS handshake) failed.
	sent      bool
	status    int
	requestID string
	duration  time.Duration
}

// attempt signs params with a fresh Timestamp, POSTs them to endpoint,
// checks the reply and decodes a success into out.
func (c *Client) attempt(ctx context.Context, endpoint *url.URL, action string, params url.Values, out response) attemptResult {
	start := c.now()
	res := c.roundTrip(ctx, endpoint, action, params, out)
	res.duration = c.now().Sub(start)
	return res
}

// roundTrip does the work of attempt.
func (c *Client) roundTrip(ctx context.Context, endpoint *url.URL, action string, params url.Values, out response) attemptResult {
	v := maps.Clone(params)
	sig, err := sign(v, c.Credentials, c.SignatureMethod, http.MethodPost, endpoint.Host, endpoint.EscapedPath(), c.now())
	if err != nil {
		return attemptResult{err: fmt.Errorf("%s: %w", action, err)}
	}
	if c.OnSecret != nil {
		// Before the request leaves: whatever the server or the network
		// echoes back may carry the signature into an error text.
		c.OnSecret(sig)
	}

	var conn connTracker
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, conn.trace()),
		http.MethodPost, endpoint.String(), strings.NewReader(v.Encode()))
	if err != nil {
		return attemptResult{err: fmt.Errorf("%s: build request: %w", action, err)}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", c.UserAgent)

	resp, err := c.httpClient().Do(req)
	if err != nil {
		return attemptResult{err: fmt.Errorf("%s: %w", action, err), sent: !conn.notSent()}
	}
	defer resp.Body.Close()
	res := attemptResult{sent: true, status: resp.StatusCode}

	body, err := readBody(resp, c.maxResponseBytes())
	if err != nil {
		res.err = fmt.Errorf("%s: read HTTP %d response: %w", action, resp.StatusCode, err)
		return res
	}
	if err := interpret(action, resp.StatusCode, body, out); err != nil {
		res.err, res.requestID = err, apiRequestID(err)
		return res
	}
	res.requestID = out.requestID()
	return res
}

// interpret checks a reply and decodes a success into out: the error
// envelope (any status) or a non-2xx status gives an *APIError, a 2xx body
// that does not decode an error quoting the start of the body. Error texts
// quote the body only in excerpts that never end inside a word, so that a
// secret the server echoes back is either whole (and scrubbed where the text
// leaves the process, see Client.OnSecret) or absent.
func interpret(action string, status int, body []byte, out response) error {
	if apiErr := checkResponse(action, status, body); apiErr != nil {
		return apiErr
	}
	if err := decodeReply(body, out); err != nil {
		return &decodeError{err: fmt.Errorf("%s: decode HTTP %d response: %w; body: %s",
			action, status, err, excerpt(body))}
	}
	return nil
}

// decodeError is a 2xx reply whose body is not the expected XML. It is not
// retryable: another attempt would most likely get the same body.
type decodeError struct {
	err error
}

func (e *decodeError) Error() string { return e.err.Error() }
func (e *decodeError) Unwrap() error { return e.err }

// apiRequestID returns the request id of the *APIError in err, if any.
func apiRequestID(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.RequestID
	}
	return ""
}

// readBody reads the whole reply body, failing beyond limit bytes. A body
// of known length is read into one buffer of that size. One of unknown
// length (a chunked reply) is read in chunks of growing size and joined
// once at the end: a buffer that doubles as it fills would allocate and
// clear about twice as much memory, which shows on replies of megabytes.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	r := io.LimitReader(resp.Body, limit+1)
	if resp.ContentLength > 0 && resp.ContentLength <= limit {
		var buf bytes.Buffer
		buf.Grow(int(resp.ContentLength))
		if _, err := buf.ReadFrom(r); err != nil {
			return nil, err
		}
		return checkBodySize(buf.Bytes(), limit)
	}
	var chunks [][]byte
	size, chunkSize := 0, firstChunk
	for {
		chunk := make([]byte, chunkSize)
		n, err := io.ReadFull(r, chunk)
		chunks = append(chunks, chunk[:n])
		size += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		chunkSize = min(2*chunkSize, maxChunk)
	}
	switch {
	case size == 0:
		return nil, nil
	case len(chunks) == 1:
		return checkBodySize(chunks[0], limit)
	}
	body := make([]byte, 0, size)
	for _, c := range chunks {
		body = append(body, c...)
	}
	return checkBodySize(body, limit)
}

// Chunk sizes of readBody: the first holds a typical reply whole.
const (
	firstChunk = 16 << 10
	maxChunk   = 1 << 20
)

// checkBodySize fails a body read past limit.
func checkBodySize(body []byte, limit int64) ([]byte, error) {
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("response body larger than %d bytes", limit)
	}
	return body, nil
}

// connTracker follows connection setup through httptrace, to tell a request
// that never left the client from one that may have reached the server.
type connTracker struct {
	gotConn     atomic.Bool
	setupFailed atomic.Bool
}

// trace returns the hooks that feed the tracker.
func (t *connTracker) trace() *httptrace.ClientTrace {
	fail := func(err error) {
		if err != nil {
			t.setupFailed.Store(true)
		}
	}
	return &httptrace.ClientTrace{
		GotConn:          func(httptrace.GotConnInfo) { t.gotConn.Store(true) },
		DNSDone:          func(info httptrace.DNSDoneInfo) { fail(info.Err) },
		ConnectDone:      func(_, _ string, err error) { fail(err) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) { fail(err) },
	}
}

// notSent reports that connection setup failed and no connection carried
// the request. A transport that does not report to httptrace never
// qualifies, so its failures count as possibly sent.
func (t *connTracker) notSent() bool {
	return !t.gotConn.Load() && t.setupFailed.Load()
}

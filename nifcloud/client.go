package nifcloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// DefaultMaxResponseBytes is the largest reply body the client reads when
// Client.MaxResponseBytes is zero.
const DefaultMaxResponseBytes = 64 << 20

// Client calls the NIFCLOUD Computing API. Create it with New, then adjust
// the exported fields before the first call; do not change them while calls
// are running. A Client is safe for concurrent use.
type Client struct {
	// Endpoint is the API endpoint, e.g. from ResolveEndpoint.
	Endpoint *url.URL
	// Credentials hold the access key id and the secret access key.
	Credentials aws.Credentials
	// HTTPClient sends the requests; New sets NewHTTPClient's default.
	HTTPClient *http.Client
	// Retryer decides retries; New sets NewRetryer(). Whatever it says, a
	// mutating call is retried only when its request was provably not sent.
	Retryer aws.RetryerV2
	// SignatureMethod is SignatureMethodHmacSHA256 (the default when
	// empty) or SignatureMethodHmacSHA1.
	SignatureMethod string
	// UserAgent is sent with every request; New sets DefaultUserAgent("dev").
	UserAgent string
	// Clock gives the request Timestamp and Attempt.Duration, and waits
	// between attempts; nil means SystemClock.
	Clock Clock
	// OnAttempt, if set, is called after every HTTP attempt, on the
	// calling goroutine.
	OnAttempt func(Attempt)
	// OnSecret, if set, is called with every secret value the client puts
	// on the wire, before the request is sent: the signature of each
	// attempt. Error texts quote what the server sends, and a server or a
	// proxy may echo the request, so a program that prints errors must
	// scrub these values (and the secret access key) from its output, in
	// every encoding. It may be called from several goroutines at once
	// when the client is.
	OnSecret func(secret string)
	// MaxResponseBytes limits the size of a reply body; zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// Attempt describes one HTTP attempt of an API call, for counting and
// logging. It holds nothing secret.
type Attempt struct {
	// Action is the API action, e.g. "DescribeLoadBalancers".
	Action string
	// Number counts the attempts of one call from 1.
	Number int
	// StatusCode is the HTTP status, 0 when no reply was received.
	StatusCode int
	// Code is the NIFCLOUD error code of a failed reply, if any.
	Code string
	// RequestID is the request id of the reply, if any.
	RequestID string
	// Duration is the time the attempt took.
	Duration time.Duration
	// Err is the failure of the attempt, nil on success.
	Err error
}

// New returns a client for endpoint (normalised as ParseEndpoint does) with
// the default HTTP client, retryer and user agent. The credentials need an
// access key id and a secret access key.
func New(endpoint *url.URL, creds aws.Credentials) (*Client, error) {
	u, err := normalizeEndpoint(endpoint)
	if err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	if !creds.HasKeys() {
		return nil, fmt.Errorf("new client: %w", errMissingCredentials)
	}
	hc, err := NewHTTPClient(TransportOptions{})
	if err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	return &Client{
		Endpoint:    u,
		Credentials: creds,
		HTTPClient:  hc,
		Retryer:     NewRetryer(),
		UserAgent:   DefaultUserAgent("dev"),
	}, nil
}

// DefaultUserAgent returns the User-Agent of this project for a version,
// e.g. "nifcloud_lb/1.2.0 (go1.26.8; linux/amd64)". An empty version reads
// "dev".
func DefaultUserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return fmt.Sprintf("nifcloud_lb/%s (%s; %s/%s)", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// String describes the client without its secret access key.
func (c Client) String() string {
	endpoint := "<nil>"
	if c.Endpoint != nil {
		endpoint = c.Endpoint.Redacted()
	}
	return fmt.Sprintf("nifcloud.Client{Endpoint: %s, AccessKeyID: %q, SecretAccessKey: [REDACTED]}", endpoint, c.Credentials.AccessKeyID)
}

// GoString is String, so that %#v does not print the secret access key.
func (c Client) GoString() string { return c.String() }

// response is a decoded reply that carries a request id.
type response interface {
	requestID() string
}

// do runs one API call: encode in, then sign, POST, check and decode the
// reply into out, with retries. A mutating call is retried only when the
// request was provably not sent; any other failure of a mutating call that
// may have been applied comes back marked ambiguous. A call that made more
// than one attempt fails with a *CallError.
func (c *Client) do(ctx context.Context, action string, mutating bool, in any, out response) error {
	endpoint, params, err := c.prepare(action, in)
	if err != nil {
		return err
	}
	retryer := c.Retryer
	if retryer == nil {
		retryer = NewRetryer()
	}
	release, err := retryer.GetAttemptToken(ctx)
	if err != nil {
		return c.stopped(ctx, action, 0, fmt.Errorf("%s: get attempt token: %w", action, err))
	}
	start := c.now()
	for n := 1; ; n++ {
		if ctx.Err() != nil { // cancelled before this attempt: nothing is sent
			return c.callError(action, n-1, start, c.stopped(ctx, action, n-1, nil))
		}
		res := c.attempt(ctx, endpoint, action, params, out)
		c.report(action, n, res)
		// The release functions of aws/retry only refill the token
		// bucket; they cannot fail in a way that matters to the call.
		_ = release(res.err)
		if res.err == nil {
			return nil
		}
		if err := c.final(ctx, retryer, action, n, mutating, res); err != nil {
			return c.callError(action, n, start, err)
		}
		if release, err = c.backoff(ctx, retryer, action, n, res.err); err != nil {
			return c.callError(action, n, start, err)
		}
	}
}

// prepare checks the client and encodes the parameters of a call.
func (c *Client) prepare(action string, in any) (*url.URL, url.Values, error) {
	endpoint, err := normalizeEndpoint(c.Endpoint)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", action, err)
	}
	if !c.Credentials.HasKeys() {
		return nil, nil, fmt.Errorf("%s: %w", action, errMissingCredentials)
	}
	params, err := encodeParams(in)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", action, err)
	}
	params.Set("Action", action)
	params.Set("Version", APIVersion)
	return endpoint, params, nil
}

// final returns the error that ends a call after its attempt n failed as
// res says, or nil when another attempt may follow.
func (c *Client) final(ctx context.Context, retryer aws.RetryerV2, action string, n int, mutating bool, res attemptResult) error {
	ambiguous := mutating && res.sent && !isDefiniteAnswer(res.err)
	err := res.err
	if ctx.Err() != nil {
		err = c.stopped(ctx, action, n, res.err)
	}
	switch {
	case ambiguous:
		return &ambiguousError{err: err}
	case ctx.Err() != nil, !retryer.IsErrorRetryable(res.err):
		return err
	case retryer.MaxAttempts() > 0 && n >= retryer.MaxAttempts():
		return err
	}
	return nil
}

// backoff takes a retry token and waits before attempt n+1; it returns the
// token's release function, or the error that ends the call.
func (c *Client) backoff(ctx context.Context, retryer aws.RetryerV2, action string, n int, lastErr error) (func(error) error, error) {
	release, err := retryer.GetRetryToken(ctx, lastErr)
	if err != nil {
		return nil, errors.Join(lastErr, fmt.Errorf("%s: no retry: %w", action, err))
	}
	delay, err := retryer.RetryDelay(n, lastErr)
	if err != nil {
		return nil, errors.Join(lastErr, fmt.Errorf("%s: no retry delay: %w", action, err))
	}
	if err := ClockOr(c.Clock).Sleep(ctx, delay); err != nil {
		return nil, c.stopped(ctx, action, n, lastErr)
	}
	return release, nil
}

// callError wraps the error that ended a call after n attempts in a
// *CallError when there was more than one attempt.
func (c *Client) callError(action string, n int, start time.Time, err error) error {
	if n < 2 {
		return err
	}
	return &CallError{Action: action, Attempts: n, Elapsed: c.now().Sub(start), Err: err}
}

// isDefiniteAnswer reports an API error that the API would give again: the
// request was processed and refused, so it was not applied.
func isDefiniteAnswer(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && !apiErr.retryable()
}

// stopped returns the error for a call ended by its context after n
// attempts, keeping the last attempt's error in the chain.
func (c *Client) stopped(ctx context.Context, action string, n int, lastErr error) error {
	cause := ctx.Err()
	if cause == nil {
		return lastErr
	}
	if lastErr == nil {
		return fmt.Errorf("%s: %w", action, cause)
	}
	return fmt.Errorf("%s: %w after %d attempt(s); last error: %w", action, cause, n, lastErr)
}

// report calls OnAttempt, if set.
func (c *Client) report(action string, n int, res attemptResult) {
	if c.OnAttempt == nil {
		return
	}
	c.OnAttempt(Attempt{
		Action:     action,
		Number:     n,
		StatusCode: res.status,
		Code:       ErrorCode(res.err),
		RequestID:  res.requestID,
		Duration:   res.duration,
		Err:        res.err,
	})
}

// now returns the time of the client's clock.
func (c *Client) now() time.Time {
	return ClockOr(c.Clock).Now()
}

// httpClient returns the HTTP client to use.
func (c *Client) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return defaultHTTPClient
}

// defaultHTTPClient serves a Client whose HTTPClient is nil.
var defaultHTTPClient = &http.Client{
	Timeout: DefaultTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// maxResponseBytes returns the reply size limit.
func (c *Client) maxResponseBytes() int64 {
	if c.MaxResponseBytes > 0 {
		return c.MaxResponseBytes
	}
	return DefaultMaxResponseBytes
}

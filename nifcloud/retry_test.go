package nifcloud

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorBody is an error envelope with a request id that names the attempt.
func errorBody(code string, n int) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>attempt %d failed</Message></Error></Errors><RequestID>req-%d</RequestID></Response>`, code, n, n)
}

// dropConnection closes the connection without a reply, after the request
// was read in full.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !assert.True(t, ok) {
		return
	}
	conn, _, err := hj.Hijack()
	if assert.NoError(t, err) {
		assert.NoError(t, conn.Close())
	}
}

// describe calls DescribeLoadBalancers with no input.
func describe(ctx context.Context, c *Client) error {
	_, err := c.DescribeLoadBalancers(ctx, nil)
	return err
}

// register calls RegisterInstancesWithLoadBalancer for web001.
func register(ctx context.Context, c *Client) error {
	_, err := c.RegisterInstancesWithLoadBalancer(ctx, &RegisterInstancesWithLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001"},
	})
	return err
}

// deregister calls DeregisterInstancesFromLoadBalancer for web001.
func deregister(ctx context.Context, c *Client) error {
	_, err := c.DeregisterInstancesFromLoadBalancer(ctx, &DeregisterInstancesFromLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001"},
	})
	return err
}

func TestRetryTransientThenSuccess(t *testing.T) {
	t.Parallel()
	ok := readTestdata(t, "responses/DescribeLoadBalancers.xml")
	tests := []struct {
		name  string
		fail  func(w http.ResponseWriter, n int)
		calls int
	}{
		{"503 with Server.Unavailable", func(w http.ResponseWriter, n int) { serveXML(w, 503, errorBody("Server.Unavailable", n)) }, 3},
		{"500 Server.InternalError", func(w http.ResponseWriter, n int) { serveXML(w, 500, errorBody("Server.InternalError", n)) }, 3},
		{"Server.ResourceIncorrectState Processing", func(w http.ResponseWriter, n int) {
			serveXML(w, 500, errorBody("Server.ResourceIncorrectState.LoadBalancer.Processing", n))
		}, 3},
		{"500 without envelope", func(w http.ResponseWriter, n int) { serveXML(w, 500, []byte("Internal Server Error")) }, 3},
		{"HTML 502", func(w http.ResponseWriter, n int) { serveXML(w, 502, []byte("<html>Bad Gateway</html>")) }, 3},
		{"504", func(w http.ResponseWriter, n int) { serveXML(w, 504, nil) }, 3},
		{"429", func(w http.ResponseWriter, n int) { serveXML(w, 429, []byte("slow down")) }, 3},
		{"509", func(w http.ResponseWriter, n int) { serveXML(w, 509, []byte("Bandwidth Limit Exceeded")) }, 3},
		{"unknown code with 503", func(w http.ResponseWriter, n int) { serveXML(w, 503, errorBody("Unavailable", n)) }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n <= 2 {
					tt.fail(w, n)
					return
				}
				serveXML(w, 200, ok)
			})
			c := newTestClient(t, srv.URL)
			var attempts []Attempt
			c.OnAttempt = func(a Attempt) { attempts = append(attempts, a) }
			out, err := c.DescribeLoadBalancers(t.Context(), nil)
			require.NoError(t, err)
			assert.Len(t, out.LoadBalancerDescriptions, 2)

			forms := srv.requests()
			require.Len(t, forms, tt.calls)
			seen := map[string]bool{}
			for _, f := range forms {
				assert.False(t, seen[f.Get("Timestamp")], "each attempt is signed with a fresh Timestamp")
				seen[f.Get("Timestamp")] = true
			}
			require.Len(t, attempts, 3)
			for i, a := range attempts {
				assert.Equal(t, i+1, a.Number)
				assert.Equal(t, "DescribeLoadBalancers", a.Action)
				assert.Equal(t, i < 2, a.Err != nil)
			}
			assert.Equal(t, 200, attempts[2].StatusCode)
		})
	}
}

func TestRetryClientErrorIsFinal(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 400, 503, 429} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				serveXML(w, status, errorBody("Client.InvalidParameterNotFound.LoadBalancer", n))
			})
			c := newTestClient(t, srv.URL)
			err := describe(t.Context(), c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "Client.InvalidParameterNotFound.LoadBalancer", apiErr.Code)
			assert.Len(t, srv.requests(), 1, "a Client.* code is never retried, whatever the status")
		})
	}
}

func TestRetryNonRetryableStatus(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 403, 404, 301} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if status == 301 {
					w.Header().Set("Location", "https://elsewhere.example/api/")
				}
				serveXML(w, status, []byte("<html>no</html>"))
			})
			c := newTestClient(t, srv.URL)
			err := describe(t.Context(), c)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Empty(t, apiErr.Code)
			assert.Len(t, srv.requests(), 1)
		})
	}
}

func TestRetryPersistentFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []func(*retry.StandardOptions)
		attempts int
	}{
		{"default attempt limit", nil, DefaultMaxAttempts},
		{"custom attempt limit", []func(*retry.StandardOptions){func(o *retry.StandardOptions) { o.MaxAttempts = 2 }}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				serveXML(w, 503, errorBody("Server.Unavailable", n))
			})
			c := newTestClient(t, srv.URL, tt.opts...)
			err := describe(t.Context(), c)
			require.Error(t, err)
			assert.Len(t, srv.requests(), tt.attempts)

			var callErr *CallError
			require.ErrorAs(t, err, &callErr)
			assert.Equal(t, tt.attempts, callErr.Attempts)
			assert.Equal(t, "DescribeLoadBalancers", callErr.Action)
			assert.Positive(t, callErr.Elapsed)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, fmt.Sprintf("req-%d", tt.attempts), apiErr.RequestID, "the last API error is kept")
			assert.Equal(t, "Server.Unavailable", ErrorCode(err))
			assert.Contains(t, err.Error(), fmt.Sprintf("DescribeLoadBalancers failed after %d attempts over ", tt.attempts))
		})
	}
}

func TestRetryBackoffDelays(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		serveXML(w, 503, errorBody("Server.Unavailable", n))
	})
	c := newTestClient(t, srv.URL, func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, err error) (time.Duration, error) {
			assert.Equal(t, "Server.Unavailable", ErrorCode(err))
			return time.Duration(attempt) * time.Hour, nil
		})
	})
	var slept []time.Duration
	setSleep(c, func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	})
	require.Error(t, describe(t.Context(), c))
	assert.Equal(t, []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour}, slept)
}

func TestDefaultRetryerBackoff(t *testing.T) {
	t.Parallel()
	r := NewRetryer()
	assert.Equal(t, DefaultMaxAttempts, r.MaxAttempts())
	apiErr := &APIError{StatusCode: 503}
	for attempt := 1; attempt <= 8; attempt++ {
		d, err := r.RetryDelay(attempt, apiErr)
		require.NoError(t, err)
		limit := min(DefaultBaseDelay<<(attempt-1), DefaultMaxBackoff)
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, limit, "attempt %d", attempt)
	}
	assert.True(t, r.IsErrorRetryable(apiErr))
	assert.False(t, r.IsErrorRetryable(&APIError{StatusCode: 500, Code: "Client.X"}))
}

func TestRetryCancelledContext(t *testing.T) {
	t.Parallel()
	t.Run("before the call", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, serveFile(t, 200, "responses/DescribeLoadBalancers.xml"))
		c := newTestClient(t, srv.URL)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		var attempts int
		c.OnAttempt = func(Attempt) { attempts++ }
		err := describe(ctx, c)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, "DescribeLoadBalancers: context canceled", err.Error())
		assert.Empty(t, srv.requests())
		assert.Zero(t, attempts)
	})
	t.Run("during a request", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			cancel()
			<-r.Context().Done()
		})
		c := newTestClient(t, srv.URL)
		slept := false
		setSleep(c, func(context.Context, time.Duration) error { slept = true; return nil })
		err := describe(ctx, c)
		require.ErrorIs(t, err, context.Canceled)
		assert.Len(t, srv.requests(), 1, "no further attempt")
		assert.False(t, slept, "no sleep")
		assert.False(t, IsAmbiguous(err), "a read is never ambiguous")
	})
	t.Run("during the backoff", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			serveXML(w, 503, errorBody("Server.Unavailable", n))
		})
		c := newTestClient(t, srv.URL, func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Hour, nil })
		})
		ctx, cancel := context.WithCancel(t.Context())
		setSleep(c, func(ctx context.Context, d time.Duration) error {
			cancel()
			return SystemClock.Sleep(ctx, d) // must return at once, not after an hour
		})
		err := describe(ctx, c)
		require.ErrorIs(t, err, context.Canceled)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, "the last API error stays in the chain")
		assert.Equal(t, "req-1", apiErr.RequestID)
		assert.Len(t, srv.requests(), 1)
		assert.Contains(t, err.Error(), "DescribeLoadBalancers: context canceled after 1 attempt(s); last error: DescribeLoadBalancers: Server.Unavailable")
	})
	t.Run("deadline during a mutation is ambiguous", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			<-r.Context().Done()
		})
		c := newTestClient(t, srv.URL)
		err := register(ctx, c)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.True(t, IsAmbiguous(err), "the request was sent, its outcome is unknown")
		assert.Len(t, srv.requests(), 1)
	})
}

func TestSleepContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	assert.ErrorIs(t, SystemClock.Sleep(ctx, time.Hour), context.Canceled)
	assert.ErrorIs(t, SystemClock.Sleep(ctx, 0), context.Canceled)
	assert.Less(t, time.Since(start), time.Second)
	assert.NoError(t, SystemClock.Sleep(t.Context(), 0))
	assert.NoError(t, SystemClock.Sleep(t.Context(), time.Millisecond))
}

func TestRetryQuotaExhausted(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		serveXML(w, 503, errorBody("Server.Unavailable", n))
	})
	c := newTestClient(t, srv.URL, func(o *retry.StandardOptions) { o.RateLimiter = ratelimit.NewTokenRateLimit(1) })
	err := describe(t.Context(), c)
	require.Error(t, err)
	assert.Len(t, srv.requests(), 1, "no token, no retry")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "the API error is joined with the quota error")
	assert.Equal(t, "req-1", apiErr.RequestID)
	var quotaErr ratelimit.QuotaExceededError
	assert.ErrorAs(t, err, &quotaErr)
	assert.Contains(t, err.Error(), "DescribeLoadBalancers: no retry: failed to get rate limit token")
}

func TestRetryDroppedConnection(t *testing.T) {
	t.Parallel()
	ok := readTestdata(t, "responses/DescribeLoadBalancers.xml")
	t.Run("read is retried", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				dropConnection(t, w)
				return
			}
			serveXML(w, 200, ok)
		})
		c := newTestClient(t, srv.URL)
		require.NoError(t, describe(t.Context(), c))
		assert.Len(t, srv.requests(), 2)
	})
	for name, call := range map[string]func(context.Context, *Client) error{"register": register, "deregister": deregister} {
		t.Run(name+" is not retried and is ambiguous", func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { dropConnection(t, w) })
			c := newTestClient(t, srv.URL)
			err := call(t.Context(), c)
			require.Error(t, err)
			assert.Len(t, srv.requests(), 1)
			assert.True(t, IsAmbiguous(err))
			assert.True(t, IsRetryable(err), "the failure itself is of the retryable kind")
			assert.Contains(t, err.Error(), "outcome unknown, the request may have been applied: ")
			assert.Empty(t, ErrorCode(err))
		})
	}
}

func TestMutationFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		reply     func(w http.ResponseWriter, n int)
		ambiguous bool
		code      string
	}{
		{"503", func(w http.ResponseWriter, n int) { serveXML(w, 503, errorBody("Server.Unavailable", n)) }, true, "Server.Unavailable"},
		{"Server.InternalError with 500", func(w http.ResponseWriter, n int) { serveXML(w, 500, errorBody("Server.InternalError", n)) }, true, "Server.InternalError"},
		{"500 without envelope", func(w http.ResponseWriter, n int) { serveXML(w, 500, nil) }, true, ""},
		{"HTML 502", func(w http.ResponseWriter, n int) { serveXML(w, 502, []byte("<html/>")) }, true, ""},
		{"unreadable 200", func(w http.ResponseWriter, n int) { serveXML(w, 200, []byte("<html/>")) }, true, ""},
		{"Client.* with 500", func(w http.ResponseWriter, n int) {
			serveXML(w, 500, errorBody("Client.Inoperable.LoadBalancer.HavingRegisteredInstance", n))
		}, false, "Client.Inoperable.LoadBalancer.HavingRegisteredInstance"},
		{"400 page", func(w http.ResponseWriter, n int) { serveXML(w, 400, []byte("bad request")) }, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) { tt.reply(w, n) })
			c := newTestClient(t, srv.URL)
			var attempts []Attempt
			c.OnAttempt = func(a Attempt) { attempts = append(attempts, a) }
			err := register(t.Context(), c)
			require.Error(t, err)
			assert.Len(t, srv.requests(), 1, "a mutation that reached the server is never retried")
			assert.Equal(t, tt.ambiguous, IsAmbiguous(err))
			assert.Equal(t, tt.code, ErrorCode(err))
			require.Len(t, attempts, 1)
		})
	}
}

// refusingDialer dials a closed port (a real "connection refused") for the
// first refusals dials, then the server.
type refusingDialer struct {
	closedAddr, serverAddr string
	refusals               int32
	dials                  atomic.Int32
}

func (d *refusingDialer) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	addr := d.serverAddr
	if d.dials.Add(1) <= d.refusals {
		addr = d.closedAddr
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestRetryConnectionRefused(t *testing.T) {
	t.Parallel()
	for name, call := range map[string]func(context.Context, *Client) error{"describe": describe, "register": register, "deregister": deregister} {
		t.Run(name+" is retried", func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				switch r.PostForm.Get("Action") {
				case ActionRegisterInstancesWithLoadBalancer:
					serveXML(w, 200, []byte("<RegisterInstancesWithLoadBalancerResponse/>"))
				case ActionDeregisterInstancesFromLoadBalancer:
					serveXML(w, 200, []byte("<DeregisterInstancesFromLoadBalancerResponse/>"))
				default:
					serveXML(w, 200, []byte("<DescribeLoadBalancersResponse/>"))
				}
			})
			dialer := &refusingDialer{closedAddr: closedAddr(t), serverAddr: srv.Listener.Addr().String(), refusals: 2}
			c := newTestClient(t, srv.URL)
			c.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
			var errs []error
			c.OnAttempt = func(a Attempt) { errs = append(errs, a.Err) }
			require.NoError(t, call(t.Context(), c))
			assert.Len(t, srv.requests(), 1)
			assert.Equal(t, int32(3), dialer.dials.Load())
			require.Len(t, errs, 3)
			for _, err := range errs[:2] {
				assert.ErrorIs(t, err, syscall.ECONNREFUSED)
				assert.True(t, IsRetryable(err))
			}
		})
	}
	t.Run("persistent refusal ends at the attempt limit", func(t *testing.T) {
		t.Parallel()
		c := newTestClient(t, "http://"+closedAddr(t))
		var n int
		c.OnAttempt = func(a Attempt) { n++ }
		err := register(t.Context(), c)
		require.ErrorIs(t, err, syscall.ECONNREFUSED)
		assert.False(t, IsAmbiguous(err), "nothing was sent")
		assert.Equal(t, DefaultMaxAttempts, n)
		var callErr *CallError
		require.ErrorAs(t, err, &callErr)
		assert.Equal(t, DefaultMaxAttempts, callErr.Attempts)
	})
	t.Run("a transport without httptrace is treated as possibly sent", func(t *testing.T) {
		t.Parallel()
		c := newTestClient(t, "http://127.0.0.1:1")
		var n int
		c.HTTPClient = &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			n++
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		})}
		err := register(t.Context(), c)
		require.ErrorIs(t, err, syscall.ECONNREFUSED)
		assert.True(t, IsAmbiguous(err))
		assert.Equal(t, 1, n)
	})
}

func TestRetryTLSHandshakeFailure(t *testing.T) {
	t.Parallel()
	// A listener that hangs up during the TLS handshake: the request was
	// never sent, so even a mutation is retried, up to the attempt limit.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			_ = conn.Close()
		}
	}()
	c := newTestClient(t, "https://"+l.Addr().String())
	var errs []error
	c.OnAttempt = func(a Attempt) { errs = append(errs, a.Err) }
	err = register(t.Context(), c)
	require.Error(t, err)
	assert.False(t, IsAmbiguous(err))
	var callErr *CallError
	require.ErrorAs(t, err, &callErr)
	require.Len(t, errs, DefaultMaxAttempts)
	for _, e := range errs {
		assert.True(t, IsRetryable(e), "%v", e)
	}
	assert.Equal(t, int32(DefaultMaxAttempts), accepted.Load())
}

func TestRetryPerRequestTimeout(t *testing.T) {
	t.Parallel()
	ok := []byte("<DescribeLoadBalancersResponse/>")
	newServer := func(t *testing.T) *testServer {
		return newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				<-r.Context().Done() // hang until the client gives up
				return
			}
			serveXML(w, 200, ok)
		})
	}
	t.Run("read", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		c := newTestClient(t, srv.URL)
		hc, err := NewHTTPClient(TransportOptions{Timeout: 100 * time.Millisecond})
		require.NoError(t, err)
		c.HTTPClient = hc
		var errs []error
		c.OnAttempt = func(a Attempt) { errs = append(errs, a.Err) }
		require.NoError(t, describe(t.Context(), c))
		require.Len(t, errs, 2)
		assert.ErrorIs(t, errs[0], context.DeadlineExceeded)
		assert.Contains(t, errs[0].Error(), "Client.Timeout exceeded")
		assert.True(t, IsRetryable(errs[0]))
	})
	t.Run("mutation", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		c := newTestClient(t, srv.URL)
		hc, err := NewHTTPClient(TransportOptions{Timeout: 100 * time.Millisecond})
		require.NoError(t, err)
		c.HTTPClient = hc
		err = register(t.Context(), c)
		require.Error(t, err)
		assert.True(t, IsAmbiguous(err))
		assert.Len(t, srv.requests(), 1)
	})
}

// fakeRetryer wraps the standard retryer to exercise the retry loop's
// handling of unusual retryers.
type fakeRetryer struct {
	*retry.Standard
	maxAttempts  int
	attemptErr   error
	retryDelayFn func(int, error) (time.Duration, error)
}

func (f *fakeRetryer) MaxAttempts() int { return f.maxAttempts }

func (f *fakeRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if f.attemptErr != nil {
		return nil, f.attemptErr
	}
	return f.Standard.GetAttemptToken(ctx)
}

func (f *fakeRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if f.retryDelayFn != nil {
		return f.retryDelayFn(attempt, err)
	}
	return 0, nil
}

var _ aws.RetryerV2 = (*fakeRetryer)(nil)

func TestRetryUnusualRetryers(t *testing.T) {
	t.Parallel()
	t.Run("zero max attempts retries until success", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n <= 7 {
				serveXML(w, 503, errorBody("Server.Unavailable", n))
				return
			}
			serveXML(w, 200, []byte("<DescribeLoadBalancersResponse/>"))
		})
		c := newTestClient(t, srv.URL)
		c.Retryer = &fakeRetryer{Standard: NewRetryer(noBackoff, func(o *retry.StandardOptions) { o.RateLimiter = ratelimit.None }), maxAttempts: 0}
		require.NoError(t, describe(t.Context(), c))
		assert.Len(t, srv.requests(), 8)
	})
	t.Run("attempt token refused", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, serveFile(t, 200, "responses/DescribeLoadBalancers.xml"))
		c := newTestClient(t, srv.URL)
		c.Retryer = &fakeRetryer{Standard: NewRetryer(), maxAttempts: 5, attemptErr: errors.New("no send token")}
		err := describe(t.Context(), c)
		require.EqualError(t, err, "DescribeLoadBalancers: get attempt token: no send token")
		assert.Empty(t, srv.requests())
	})
	t.Run("retry delay fails", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			serveXML(w, 503, errorBody("Server.Unavailable", n))
		})
		c := newTestClient(t, srv.URL)
		c.Retryer = &fakeRetryer{Standard: NewRetryer(), maxAttempts: 5, retryDelayFn: func(int, error) (time.Duration, error) {
			return 0, errors.New("no randomness")
		}}
		err := describe(t.Context(), c)
		require.Error(t, err)
		assert.Equal(t, "Server.Unavailable", ErrorCode(err))
		assert.Contains(t, err.Error(), "DescribeLoadBalancers: no retry delay: no randomness")
		assert.Len(t, srv.requests(), 1)
	})
	t.Run("nil retryer uses the default", func(t *testing.T) {
		t.Parallel()
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			serveXML(w, 400, errorBody("Client.Bad", n))
		})
		c := newTestClient(t, srv.URL)
		c.Retryer = nil
		err := describe(t.Context(), c)
		assert.Equal(t, "Client.Bad", ErrorCode(err))
		assert.Len(t, srv.requests(), 1)
	})
}

func TestRetryTokensAreReturned(t *testing.T) {
	t.Parallel()
	// 20 tokens cover one retry (14); a retry that succeeds gives its
	// token back, so every call below can retry once.
	limiter := ratelimit.NewTokenRateLimit(20)
	var mu sync.Mutex
	fails := map[string]bool{}
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		defer mu.Unlock()
		key := r.PostForm.Get("LoadBalancerNames.member.1")
		if !fails[key] {
			fails[key] = true
			serveXML(w, 503, errorBody("Server.Unavailable", n))
			return
		}
		serveXML(w, 200, []byte("<DescribeLoadBalancersResponse/>"))
	})
	c := newTestClient(t, srv.URL, func(o *retry.StandardOptions) { o.RateLimiter = limiter })
	for i := range 5 {
		_, err := c.DescribeLoadBalancers(t.Context(), &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: fmt.Sprint("lb", i)}}})
		require.NoError(t, err, "call %d", i)
	}
	assert.Len(t, srv.requests(), 10)
	assert.Equal(t, uint(20), limiter.Remaining())
}

func TestRetryHonoursURLFreeRequests(t *testing.T) {
	t.Parallel()
	// Transport errors carry the URL; it must be the bare endpoint.
	c := newTestClient(t, "http://"+closedAddr(t)+"/api/")
	err := describe(t.Context(), c)
	var urlErr *url.Error
	require.ErrorAs(t, err, &urlErr)
	assert.Equal(t, c.Endpoint.String(), urlErr.URL)
	assert.Equal(t, "Post", urlErr.Op)
}

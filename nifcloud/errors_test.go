package nifcloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *APIError
		want string
	}{
		{&APIError{Action: "DescribeLoadBalancers", StatusCode: 500, Code: "Client.InvalidParameterNotFound.LoadBalancer",
			Message: "The LoadBalancerName 'lb001' does not exist.", RequestID: "5ec8"},
			"DescribeLoadBalancers: Client.InvalidParameterNotFound.LoadBalancer: The LoadBalancerName 'lb001' does not exist. (HTTP 500, request ID 5ec8)"},
		{&APIError{Action: "RegisterInstancesWithLoadBalancer", StatusCode: 502, Message: "empty response body"},
			"RegisterInstancesWithLoadBalancer: empty response body (HTTP 502)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
		assert.Equal(t, tt.err.Code, tt.err.ErrorCode())
		assert.Equal(t, tt.err.StatusCode, tt.err.HTTPStatusCode())
	}
}

// tempDNSError is a DNS failure that is not "not found".
var tempDNSError = &net.DNSError{Err: "server misbehaving", Name: "example.com", IsTemporary: true}

func TestIsRetryable(t *testing.T) {
	t.Parallel()
	apiErr := func(status int, code string) error {
		return &APIError{Action: "DescribeLoadBalancers", StatusCode: status, Code: code}
	}
	urlErr := func(err error) error { return &url.Error{Op: "Post", URL: "https://h/api/", Err: err} }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"Client.* with 500", apiErr(500, "Client.InvalidParameterNotFound.LoadBalancer"), false},
		{"Client.* with 503", apiErr(503, "Client.InvalidParameterNotFound.LoadBalancer"), false},
		{"Client.* with 429", apiErr(429, "Client.Throttled"), false},
		{"Server.* with 500", apiErr(500, "Server.InternalError"), true},
		{"Server.* with 400", apiErr(400, "Server.Whatever"), true},
		{"Server.* with 200", apiErr(200, "Server.InternalError"), true},
		{"Server processing", apiErr(500, "Server.ResourceIncorrectState.LoadBalancer.Processing"), true},
		{"500 without envelope", apiErr(500, ""), true},
		{"502 without envelope", apiErr(502, ""), true},
		{"503 without envelope", apiErr(503, ""), true},
		{"504 without envelope", apiErr(504, ""), true},
		{"429 without envelope", apiErr(429, ""), true},
		{"509 without envelope", apiErr(509, ""), true},
		{"400 without envelope", apiErr(400, ""), false},
		{"404 without envelope", apiErr(404, ""), false},
		{"501 without envelope", apiErr(501, ""), false},
		{"unknown code with 500", apiErr(500, "AuthFailure"), false},
		{"unknown code with 503", apiErr(503, "Unavailable"), true},
		{"wrapped API error", fmt.Errorf("describe: %w", apiErr(503, "")), true},
		{"API error inside MaxAttemptsError", &retry.MaxAttemptsError{Attempt: 5, Err: apiErr(503, "")}, true},
		{"ambiguous wrapper keeps the class", &ambiguousError{err: apiErr(503, "")}, true},
		{"context canceled", context.Canceled, false},
		{"context canceled in url.Error", urlErr(context.Canceled), false},
		{"deadline (a per-request timeout)", urlErr(context.DeadlineExceeded), true},
		{"EOF", urlErr(io.EOF), true},
		{"unexpected EOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"connection refused", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}), true},
		{"connection reset", urlErr(&net.OpError{Op: "read", Net: "tcp", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}), true},
		{"broken pipe", urlErr(&net.OpError{Op: "write", Net: "tcp", Err: syscall.EPIPE}), true},
		{"connection aborted", syscall.ECONNABORTED, true},
		{"connection reset as text", errors.New("read tcp: connection reset by peer"), true},
		{"unknown host", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true}}), false},
		{"temporary DNS failure", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: tempDNSError}), true},
		{"dial timeout", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}), true},
		{"unknown authority", urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
		{"bare unknown authority", x509.UnknownAuthorityError{}, false},
		{"hostname mismatch", x509.HostnameError{Host: "h"}, false},
		{"expired certificate", x509.CertificateInvalidError{Reason: x509.Expired}, false},
		{"TLS alert", tls.AlertError(40), false},
		{"plain HTTP server", urlErr(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), false},
		{"undecodable success body", &decodeError{err: io.EOF}, false},
		{"invalid input", fmt.Errorf("x: %w", ErrInvalidInput), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, IsRetryable(tt.err))
			assert.Equal(t, tt.want, NewRetryer().IsErrorRetryable(tt.err), "the default retryer agrees")
		})
	}
}

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestThrottleClassification(t *testing.T) {
	t.Parallel()
	assert.Equal(t, aws.TrueTernary, isThrottle(&APIError{StatusCode: 509}))
	assert.Equal(t, aws.UnknownTernary, isThrottle(&APIError{StatusCode: 503}))
	assert.Equal(t, aws.UnknownTernary, isThrottle(errors.New("x")))
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	assert.Empty(t, ErrorCode(nil))
	assert.Empty(t, ErrorCode(errors.New("x")))
	assert.Equal(t, "Server.InternalError", ErrorCode(fmt.Errorf("a: %w", &retry.MaxAttemptsError{Err: &APIError{Code: "Server.InternalError"}})))
	assert.Equal(t, "Client.X", ErrorCode(errors.Join(errors.New("quota"), &APIError{Code: "Client.X"})))
}

func TestIsAmbiguous(t *testing.T) {
	t.Parallel()
	inner := &APIError{Action: "RegisterInstancesWithLoadBalancer", StatusCode: 503, Message: "empty response body"}
	amb := &ambiguousError{err: inner}
	assert.True(t, IsAmbiguous(amb))
	assert.True(t, IsAmbiguous(fmt.Errorf("register web001: %w", amb)))
	assert.False(t, IsAmbiguous(inner))
	assert.False(t, IsAmbiguous(nil))
	assert.ErrorIs(t, amb, inner)
	assert.Equal(t, "outcome unknown, the request may have been applied: RegisterInstancesWithLoadBalancer: empty response body (HTTP 503)", amb.Error())
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "abc", truncate("abc", 3, unicode.IsSpace))
	assert.Equal(t, "...", truncate("abc", 2, unicode.IsSpace), "a word the limit splits is dropped whole")
	assert.Equal(t, "ab...", truncate("ab cd", 3, unicode.IsSpace), "cut between words")
	assert.Equal(t, "ab cd...", truncate("ab cd ef", 5, unicode.IsSpace))
	assert.Equal(t, "a...", truncate("a 日本", 4, unicode.IsSpace), "never inside a character")
	assert.Equal(t, "...", truncate("日本", 2, unicode.IsSpace))
	assert.Equal(t, "Server...", truncate("Server.Internal", 10, isDot))
}

func TestCheckResponseCapsEnvelopeFields(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("m", 5000)
	words := strings.Repeat("mmmm ", 1000)
	body := "<Response><Errors><Error><Code>Server." + long + "</Code><Message>" + words + "</Message></Error></Errors><RequestID>" + long + "</RequestID></Response>"
	apiErr := checkResponse("A", 500, []byte(body))
	require.NotNil(t, apiErr)
	assert.Equal(t, "Server...", apiErr.Code, "an oversized part of a code is dropped whole")
	assert.Len(t, apiErr.Message, 1027)
	assert.Equal(t, "...", apiErr.RequestID)
	assert.True(t, IsRetryable(apiErr), "the code keeps its Server. prefix")
}

func TestCheckResponse(t *testing.T) {
	t.Parallel()
	assert.Nil(t, checkResponse("A", 200, []byte("<AResponse/>")))
	assert.Nil(t, checkResponse("A", 204, nil))
	assert.Nil(t, checkResponse("A", 200, []byte("<Response><Other/></Response>")), "a Response root without Errors is not an error")
	assert.Equal(t, &APIError{Action: "A", StatusCode: 500, Message: `unexpected response body: "<Response><Errors><Error><Code>Server.X"`},
		checkResponse("A", 500, []byte("<Response><Errors><Error><Code>Server.X")), "a truncated envelope is not an envelope")
	assert.Equal(t, "", rootName([]byte("not xml at all")))
	assert.Equal(t, "Response", rootName([]byte("<?xml version=\"1.0\"?><!-- c --><Response/>")))
}

package nifcloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Retry defaults of NewRetryer.
const (
	// DefaultMaxAttempts is the number of attempts, the first included.
	DefaultMaxAttempts = 5
	// DefaultBaseDelay is the base of the exponential backoff: the delay
	// before retry i (from 0) is random in [0, DefaultBaseDelay*2^i),
	// capped at DefaultMaxBackoff.
	DefaultBaseDelay = time.Second
	// DefaultMaxBackoff caps a single backoff delay.
	DefaultMaxBackoff = 20 * time.Second
)

// retryables is the NIFCLOUD retry classification, as aws/retry checks: the
// decision of classify first, then aws/retry's own checks for errors that
// declare themselves retryable and for connection errors.
var retryables = retry.IsErrorRetryables{
	retry.IsErrorRetryableFunc(classify),
	retry.RetryableError{},
	retry.RetryableConnectionError{},
}

// NewRetryer returns aws-sdk-go-v2's standard retryer set up for NIFCLOUD:
// DefaultMaxAttempts attempts, exponential backoff with full jitter from
// DefaultBaseDelay capped at DefaultMaxBackoff, the retry token bucket of
// aws/retry, and the classification of IsRetryable (HTTP 429 and 509 count
// as throttling). optFns run after these defaults; set Backoff there to make
// tests not sleep, or MaxAttempts to change the attempt limit.
//
// The client retries a mutating call only when its request was provably not
// sent, whatever the retryer says (see IsAmbiguous).
func NewRetryer(optFns ...func(*retry.StandardOptions)) *retry.Standard {
	defaults := func(o *retry.StandardOptions) {
		o.MaxAttempts = DefaultMaxAttempts
		o.BaseDelay = DefaultBaseDelay
		o.MaxBackoff = DefaultMaxBackoff
		o.Retryables = []retry.IsErrorRetryable{retryables}
		o.Throttles = append(o.Throttles, retry.IsErrorThrottleFunc(isThrottle))
	}
	return retry.NewStandard(append([]func(*retry.StandardOptions){defaults}, optFns...)...)
}

// IsRetryable reports whether err, the failure of one attempt, is worth
// another attempt under the NIFCLOUD classification: connection errors
// (refused, reset, EOF, timeout, temporary DNS failures), HTTP 429, 502, 503,
// 504 and 509, Server.* error codes, and a 500 without an error envelope.
// Client.* codes are never retryable, whatever the HTTP status; neither are
// certificate and other TLS failures, unknown hosts or a cancelled context.
// The caller's context ending always stops the client's own retries.
func IsRetryable(err error) bool {
	return retryables.IsErrorRetryable(err).Bool()
}

// classify decides the cases that differ from aws/retry's defaults and
// leaves the rest unknown.
func classify(err error) aws.Ternary {
	if err == nil {
		return aws.UnknownTernary
	}
	if errors.Is(err, context.Canceled) {
		return aws.FalseTernary
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return aws.BoolTernary(apiErr.retryable())
	}
	var decodeErr *decodeError
	if errors.As(err, &decodeErr) {
		return aws.FalseTernary
	}
	if IsTLSFailure(err) {
		return aws.FalseTernary
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return aws.BoolTernary(!dnsErr.IsNotFound)
	}
	for _, target := range []error{io.EOF, io.ErrUnexpectedEOF, syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE} {
		if errors.Is(err, target) {
			return aws.TrueTernary
		}
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// IsTLSFailure reports a failed certificate verification or TLS
// negotiation, which another attempt would not fix.
func IsTLSFailure(err error) bool {
	var (
		verifyErr    *tls.CertificateVerificationError
		unknownAuth  x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidErr   x509.CertificateInvalidError
		alertErr     tls.AlertError
		recordHdrErr tls.RecordHeaderError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) ||
		errors.As(err, &hostnameErr) || errors.As(err, &invalidErr) ||
		errors.As(err, &alertErr) || errors.As(err, &recordHdrErr)
}

// isThrottle marks HTTP 509 replies as throttling (aws/retry already treats
// a 429 that way).
func isThrottle(err error) aws.Ternary {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == 509 {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

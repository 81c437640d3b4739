package modules

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"nifcloud_lb/nifcloud"
)

// timeoutErr is a network error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

// TestExplain gives each kind of failure users can act on its hint, with
// the attempts when a call made several, and the raw cause at the end.
func TestExplain(t *testing.T) {
	post := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://jp-east-1.computing.api.nifcloud.com/api/", Err: err}
	}
	tries := func(err error) error {
		return &nifcloud.CallError{Action: "DescribeLoadBalancers", Attempts: 5, Elapsed: 12340 * time.Millisecond, Err: err}
	}
	tests := []struct {
		name string
		err  error
		ids  []string
		want string
	}{
		{"out of time", fmt.Errorf("describe: %w", context.DeadlineExceeded), nil, "The run ran out of time. Cause: describe: context deadline exceeded"},
		{"no answer in time", tries(post(timeoutErr{})), nil, "The NIFCLOUD API did not answer in time (DescribeLoadBalancers: 5 attempts over 12.3s). It may be overloaded"},
		{"cannot reach", post(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), nil, "Cannot reach the NIFCLOUD API. Check that region or endpoint"},
		{"name does not resolve", post(&net.DNSError{Err: "no such host", Name: "x"}), nil, "Cannot reach the NIFCLOUD API. "},
		{"connection broke", tries(post(errors.New("connection reset by peer"))), nil, "The connection to the NIFCLOUD API broke before it answered (DescribeLoadBalancers: 5 attempts over 12.3s)."},
		{"TLS", post(x509.UnknownAuthorityError{}), nil, "The API endpoint's TLS certificate could not be verified. Check ca_bundle"},
		{"authentication", &nifcloud.APIError{Code: "Client.SignatureDoesNotMatch", StatusCode: 403}, nil, "The API refused the request's authentication. Check that access_key"},
		{"unique ids", &nifcloud.APIError{Code: nifcloud.CodeInstanceNotFound, StatusCode: 500}, []string{"web001", "i-0a1b2c3d"},
			"NIFCLOUD names servers by their server name (such as web001), not by their unique id (such as i-0a1b2c3d): give server names in instance_ids instead of i-0a1b2c3d."},
		{"server names need no hint", &nifcloud.APIError{Code: nifcloud.CodeInstanceNotFound, StatusCode: 500, Message: "no web009"}, []string{"web009"}, "Client.InvalidParameterNotFound.Instance"},
		{"a gateway answered", &nifcloud.APIError{StatusCode: 502}, nil, "The API endpoint answered HTTP 502 without a NIFCLOUD error reply: a proxy or gateway"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explain(tt.err, tt.ids)
			assert.Contains(t, got, tt.want)
			if hint(tt.err, tt.ids) != "" {
				assert.Contains(t, got, " Cause: "+tt.err.Error(), "the raw cause at the end")
			} else {
				assert.Equal(t, tt.err.Error(), got)
			}
		})
	}
}

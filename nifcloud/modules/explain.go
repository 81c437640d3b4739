package modules

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
)

// explain turns the error that ended a run into the message users read:
// what failed and what to check, then the raw cause at the end. instances
// are the servers the task named.
func explain(err error, instances []string) string {
	h := hint(err, instances)
	if h == "" {
		return err.Error()
	}
	return h + " Cause: " + err.Error()
}

// hint says, for the failures users can act on, what failed and what to
// check; "" for the others, whose error text says enough.
func hint(err error, instances []string) string {
	tries := attempts(err)
	var apiErr *nifcloud.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded) && !nifcloud.IsNoReply(err):
		return "The run ran out of time" + tries + "."
	case nifcloud.IsTLSFailure(err):
		return "The API endpoint's TLS certificate could not be verified" + tries + ". Check ca_bundle (when given, its certificates replace the system's CA certificates) or the system's CA certificates; set validate_certs=false only for a test endpoint."
	case nifcloud.IsNoReply(err) && isTimeout(err):
		return "The NIFCLOUD API did not answer in time" + tries + ". It may be overloaded, or the network path to it may be dropping packets: if this persists, check the proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and the firewall."
	case nifcloud.IsNoReply(err) && isDialFailure(err):
		return "Cannot reach the NIFCLOUD API" + tries + ". Check that region or endpoint names the right API endpoint, that the proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) suit this network, and that no firewall blocks HTTPS to the endpoint."
	case nifcloud.IsNoReply(err):
		return "The connection to the NIFCLOUD API broke before it answered" + tries + ". If this persists, check the proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and any firewall on the path."
	case nifcloud.IsAuthFailure(err):
		return "The API refused the request's authentication" + tries + ". Check that access_key and secret_access_key are the two halves of one NIFCLOUD key pair, and that this machine's clock is right: every request carries a signed timestamp, and one that is minutes off is refused."
	case nifcloud.ErrorCode(err) == nifcloud.CodeInstanceNotFound && len(uniqueIDs(instances)) > 0:
		return fmt.Sprintf("NIFCLOUD names servers by their server name (such as web001), not by their unique id (such as i-0a1b2c3d): give server names in instance_ids instead of %s.", strings.Join(uniqueIDs(instances), ", "))
	case errors.As(err, &apiErr) && apiErr.Code == "":
		return fmt.Sprintf("The API endpoint answered HTTP %d without a NIFCLOUD error reply%s: a proxy or gateway in front of the API may have answered instead.", apiErr.StatusCode, tries)
	}
	return ""
}

// attempts says how many attempts a call made over how long, when it made
// several: " (DescribeLoadBalancers: 5 attempts over 12.3s)".
func attempts(err error) string {
	var callErr *nifcloud.CallError
	if !errors.As(err, &callErr) {
		return ""
	}
	return fmt.Sprintf(" (%s: %d attempts over %s)", callErr.Action, callErr.Attempts, callErr.Elapsed.Round(100*time.Millisecond))
}

// isTimeout reports a network timeout in err's chain.
func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// isDialFailure reports a connection that could not be made: the name did
// not resolve, or the dial (to the endpoint or its proxy) failed.
func isDialFailure(err error) bool {
	var (
		dnsErr *net.DNSError
		opErr  *net.OpError
	)
	return errors.As(err, &dnsErr) || errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect")
}

// uniqueID is the form of a server's unique id.
var uniqueID = regexp.MustCompile(`^i-[0-9a-z]{6,}$`)

// uniqueIDs returns the names that look like unique ids.
func uniqueIDs(instances []string) []string {
	var out []string
	for _, n := range instances {
		if uniqueID.MatchString(n) {
			out = append(out, n)
		}
	}
	return out
}

// interruptedMsg says that a signal interrupted the run and what the run
// had changed by then, from its result data: the servers it registered and
// deregistered, or the API actions it made.
func interruptedMsg(ie *ansible.InterruptError, res ansible.Result) string {
	var done []string
	for _, key := range []string{"registered", "deregistered"} {
		if names, _ := res.Data[key].([]string); len(names) > 0 {
			done = append(done, key+" "+strings.Join(names, ", "))
		}
	}
	if actions, _ := res.Data["actions"].([]string); len(actions) > 0 {
		done = append(done, "made "+strings.Join(actions, ", "))
	}
	changed := "it had changed nothing"
	if len(done) > 0 {
		changed = "by then it had " + strings.Join(done, " and ")
	}
	return fmt.Sprintf("Interrupted by %s before the run finished; %s. Read the state again before running it again.", ie.Name(), changed)
}

package listener

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"nifcloud_lb/nifcloud"
)

// Limits of a port definition's settings that the client package leaves
// to the API (reference §4.0, §4.5, next §3).
const (
	// MaxFilterAddresses is the most addresses a filter holds.
	MaxFilterAddresses = 30
	// MinStickinessPeriod and MaxStickinessPeriod bound the session
	// stickiness period in minutes (the Terraform provider's range; the
	// 2016 Ruby SDK allowed only 3, 5, 10, 15 and 30).
	MinStickinessPeriod = 3
	MaxStickinessPeriod = 60
	// SorryPagePort is the only LoadBalancerPort whose sorry page can be
	// enabled.
	SorryPagePort = 80
)

// ValidNetworkVolume reports whether n Mbps is a bandwidth the API offers:
// 10, 20, 30, 40, or 100 to 2000 in steps of 100 (reference §4.5).
func ValidNetworkVolume(n int) bool {
	return slices.Contains([]int{10, 20, 30, 40}, n) || n >= 100 && n <= 2000 && n%100 == 0
}

// CanonicalAddress returns the canonical text of a filter address, an IPv4
// or IPv6 address or CIDR block, the form in which two spellings of one
// address (or block) compare equal: "2001:DB8::1" is "2001:db8::1" and
// "10.0.0.1/24" is "10.0.0.0/24". It reports false for anything else,
// including an address with a zone.
func CanonicalAddress(s string) (string, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return "", false
		}
		return p.Masked().String(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", false
	}
	return a.String(), true
}

// Validate reports, before any call, what the API would refuse in a
// request, and combinations that make no sense: all of it, joined.
func (d Desired) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !nifcloud.ValidLoadBalancerName(d.LoadBalancerName) {
		bad("load balancer name %q: want 1-%d letters and digits, optionally prefixed by a sharing NIFCLOUD ID", d.LoadBalancerName, nifcloud.MaxLoadBalancerNameLength)
	}
	if !nifcloud.ValidPort(d.LoadBalancerPort) || !nifcloud.ValidPort(d.InstancePort) {
		bad("ports %d->%d: want %d-%d", d.LoadBalancerPort, d.InstancePort, nifcloud.MinPort, nifcloud.MaxPort)
	}
	if d.NetworkVolume != 0 && !ValidNetworkVolume(d.NetworkVolume) {
		bad("network volume %d: want 10, 20, 30, 40, or 100 to 2000 in steps of 100", d.NetworkVolume)
	}
	checkOneOf(bad, "accounting type", d.AccountingType, nifcloud.AccountingTypeMonthly, nifcloud.AccountingTypePayPerUse)
	checkOneOf(bad, "IP version", d.IPVersion, nifcloud.IPVersion4, nifcloud.IPVersion6)
	checkOneOf(bad, "policy type", d.PolicyType, nifcloud.PolicyTypeStandard, nifcloud.PolicyTypeATS)
	if d.PolicyType == nifcloud.PolicyTypeATS && d.IPVersion == nifcloud.IPVersion6 {
		bad("policy type %s needs IP version %s, not %s", nifcloud.PolicyTypeATS, nifcloud.IPVersion4, nifcloud.IPVersion6)
	}
	if d.BalancingType != 0 && d.BalancingType != nifcloud.BalancingTypeRoundRobin && d.BalancingType != nifcloud.BalancingTypeLeastConnection {
		bad("balancing type %d: want %d or %d", d.BalancingType, nifcloud.BalancingTypeRoundRobin, nifcloud.BalancingTypeLeastConnection)
	}
	errs = append(errs, d.HealthCheck.validate()...)
	if d.Filter != nil {
		errs = append(errs, d.Filter.validate()...)
	}
	errs = append(errs, d.validateOptions()...)
	return errors.Join(errs...)
}

// checkOneOf reports a set value that is not one of allowed.
func checkOneOf(bad func(string, ...any), what, value string, allowed ...string) {
	if value != "" && !slices.Contains(allowed, value) {
		bad("%s %q: want one of %s", what, value, strings.Join(allowed, ", "))
	}
}

// validate checks the set fields of a health check.
func (h HealthCheck) validate() []error {
	var errs []error
	if h.Target != "" && !nifcloud.ValidHealthCheckTarget(h.Target) {
		errs = append(errs, fmt.Errorf("health check target %q: want TCP:<port> or ICMP", h.Target))
	}
	for _, f := range []struct {
		what    string
		n, l, h int
	}{
		{"health check interval", h.Interval, nifcloud.MinHealthCheckInterval, nifcloud.MaxHealthCheckInterval},
		{"unhealthy threshold", h.UnhealthyThreshold, nifcloud.MinHealthCheckThreshold, nifcloud.MaxHealthCheckThreshold},
		{"healthy threshold", h.HealthyThreshold, nifcloud.MinHealthCheckThreshold, nifcloud.MaxHealthCheckThreshold},
	} {
		if f.n != 0 && (f.n < f.l || f.n > f.h) {
			errs = append(errs, fmt.Errorf("%s %d: want %d-%d", f.what, f.n, f.l, f.h))
		}
	}
	return errs
}

// validate checks the filter type, that every address parses, that "all
// addresses" stands alone and that the list fits in a filter.
func (f *FilterChange) validate() []error {
	var errs []error
	if f.Type != "" && f.Type != nifcloud.FilterTypeAllow && f.Type != nifcloud.FilterTypeDeny {
		errs = append(errs, fmt.Errorf("filter type %q: want %s (allow) or %s (deny)", f.Type, nifcloud.FilterTypeAllow, nifcloud.FilterTypeDeny))
	}
	for _, a := range f.Addresses {
		if _, ok := CanonicalAddress(a); !ok && a != nifcloud.FilterAllAddresses {
			errs = append(errs, fmt.Errorf("filter address %q: want an IPv4 or IPv6 address or CIDR block", a))
		}
	}
	if slices.Contains(f.Addresses, nifcloud.FilterAllAddresses) && len(f.Addresses) > 1 {
		errs = append(errs, fmt.Errorf("filter address %s means all addresses (none listed) and cannot be listed with others", nifcloud.FilterAllAddresses))
	}
	if n := len(canonicalAddresses(f.Addresses)); n > MaxFilterAddresses {
		errs = append(errs, fmt.Errorf("filter addresses: %d given, a filter holds at most %d", n, MaxFilterAddresses))
	}
	return errs
}

// validateOptions checks session stickiness and the sorry page.
func (d Desired) validateOptions() []error {
	var errs []error
	if s := d.Stickiness; s != nil && s.Enabled && (s.ExpirationPeriod < MinStickinessPeriod || s.ExpirationPeriod > MaxStickinessPeriod) {
		errs = append(errs, fmt.Errorf("session stickiness expiration period %d: enabling stickiness needs a period of %d-%d minutes",
			s.ExpirationPeriod, MinStickinessPeriod, MaxStickinessPeriod))
	}
	if p := d.SorryPage; p != nil && p.Enabled {
		if p.StatusCode != nifcloud.SorryPageStatusOK && p.StatusCode != nifcloud.SorryPageStatusServiceUnavailable {
			errs = append(errs, fmt.Errorf("sorry page status code %d: enabling the sorry page needs %d or %d",
				p.StatusCode, nifcloud.SorryPageStatusOK, nifcloud.SorryPageStatusServiceUnavailable))
		}
		if d.LoadBalancerPort != SorryPagePort {
			errs = append(errs, fmt.Errorf("the sorry page can be enabled only on load balancer port %d, not on %d", SorryPagePort, d.LoadBalancerPort))
		}
	}
	return errs
}

// canonicalAddresses returns the canonical forms of addrs, each once, in
// order, leaving out "all addresses" and what does not parse.
func canonicalAddresses(addrs []string) []string {
	var out []string
	for _, a := range addrs {
		if c, ok := CanonicalAddress(a); ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

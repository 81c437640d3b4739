package nifcloud

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Facts of the API that the client checks before sending a request, said
// once for the client and the modules. Values the reference leaves open
// (allowed network volumes, stickiness periods, the number of filter
// addresses...) are not checked: the API answers for them.

// MinPort and MaxPort bound LoadBalancerPort, InstancePort and
// ElasticLoadBalancerPort.
const (
	MinPort = 1
	MaxPort = 65535
)

// MaxLoadBalancerNameLength is the longest name of a classic or an elastic
// load balancer, without the sharing prefix.
const MaxLoadBalancerNameLength = 15

// Protocols of listeners: HTTP, HTTPS and FTP for classic port definitions
// (an empty protocol is a custom one), TCP, UDP, HTTP and HTTPS for elastic
// listeners.
const (
	ProtocolHTTP  = "HTTP"
	ProtocolHTTPS = "HTTPS"
	ProtocolFTP   = "FTP"
	ProtocolTCP   = "TCP"
	ProtocolUDP   = "UDP"
	// ProtocolCustom names a custom protocol in UpdateLoadBalancer's
	// ListenerUpdate (CreateLoadBalancer and RegisterPortWithLoadBalancer
	// take an empty protocol instead).
	ProtocolCustom = "custom"
)

// Balancing types of a listener.
const (
	BalancingTypeRoundRobin      = 1
	BalancingTypeLeastConnection = 2
)

// Accounting types of a load balancer.
const (
	AccountingTypeMonthly   = "1"
	AccountingTypePayPerUse = "2"
)

// Policy types of a classic load balancer; PolicyTypeATS needs IPVersion4.
const (
	PolicyTypeStandard = "standard"
	PolicyTypeATS      = "ats"
)

// IP versions of a classic load balancer.
const (
	IPVersion4 = "v4"
	IPVersion6 = "v6"
)

// Filter types of a classic port definition's source address filter.
const (
	// FilterTypeAllow lets only the listed addresses through.
	FilterTypeAllow = "1"
	// FilterTypeDeny refuses the listed addresses.
	FilterTypeDeny = "2"
)

// FilterAllAddresses is the address a filter lists when it names none.
const FilterAllAddresses = "*.*.*.*"

// Health check limits of a classic port definition.
const (
	MinHealthCheckInterval  = 5
	MaxHealthCheckInterval  = 300
	MinHealthCheckThreshold = 1
	MaxHealthCheckThreshold = 10
)

// HealthCheckTargetICMP is the ICMP health check target; the other is
// "TCP:<port>" (see ValidHealthCheckTarget).
const HealthCheckTargetICMP = "ICMP"

// Sorry page status codes of a classic port definition.
const (
	SorryPageStatusOK                 = 200
	SorryPageStatusServiceUnavailable = 503
)

// Health states of a server; an elastic listener's server without a
// result yet has an empty state.
const (
	InstanceStateInService    = "InService"
	InstanceStateOutOfService = "OutOfService"
)

// ElasticLoadBalancerStateAvailable is the State of an elastic load
// balancer that accepts changes; the other states are not documented.
const ElasticLoadBalancerStateAvailable = "available"

// ValidPort reports whether port is in MinPort-MaxPort.
func ValidPort(port int) bool {
	return port >= MinPort && port <= MaxPort
}

// BareLoadBalancerName is a classic load balancer's name without the prefix
// of the NIFCLOUD ID that shares it ("ABC12345.weblb01" -> "weblb01"): the
// name the API describes it under.
func BareLoadBalancerName(name string) string {
	return name[strings.LastIndexByte(name, '.')+1:]
}

// ValidLoadBalancerName reports whether name is a classic load balancer
// name: 1 to MaxLoadBalancerNameLength ASCII letters and digits, optionally
// prefixed by the NIFCLOUD ID that shares it (three ASCII letters and five
// digits) and a dot, as in "ABC12345.weblb01".
func ValidLoadBalancerName(name string) bool {
	if prefix, rest, shared := strings.Cut(name, "."); shared {
		return validSharingID(prefix) && ValidElasticLoadBalancerName(rest)
	}
	return ValidElasticLoadBalancerName(name)
}

// ValidElasticLoadBalancerName reports whether name is an elastic load
// balancer name (or a classic one without a sharing prefix): 1 to
// MaxLoadBalancerNameLength ASCII letters and digits.
func ValidElasticLoadBalancerName(name string) bool {
	if len(name) < 1 || len(name) > MaxLoadBalancerNameLength {
		return false
	}
	for i := range len(name) {
		if !isASCIILetter(name[i]) && !isASCIIDigit(name[i]) {
			return false
		}
	}
	return true
}

// validSharingID reports whether s is a NIFCLOUD ID: three ASCII letters
// and five digits.
func validSharingID(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := range len(s) {
		if i < 3 && !isASCIILetter(s[i]) || i >= 3 && !isASCIIDigit(s[i]) {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }

// ValidHealthCheckTarget reports whether target is a classic health check
// target: HealthCheckTargetICMP or "TCP:" and a port in MinPort-MaxPort
// written in at most five digits.
func ValidHealthCheckTarget(target string) bool {
	if target == HealthCheckTargetICMP {
		return true
	}
	port, ok := strings.CutPrefix(target, "TCP:")
	if !ok || len(port) == 0 || len(port) > 5 {
		return false
	}
	for i := range len(port) {
		if !isASCIIDigit(port[i]) {
			return false
		}
	}
	n, err := strconv.Atoi(port)
	return err == nil && ValidPort(n)
}

// checkPort reports a port outside MinPort-MaxPort as an ErrInvalidInput
// error.
func checkPort(field string, port int) error {
	return checkRange(field, port, MinPort, MaxPort)
}

// checkName reports a classic load balancer name that breaks the rule of
// ValidLoadBalancerName (or, when shared is false, of
// ValidElasticLoadBalancerName) as an ErrInvalidInput error.
func checkName(field, name string, shared bool) error {
	if name == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidInput, field)
	}
	if shared && ValidLoadBalancerName(name) || !shared && ValidElasticLoadBalancerName(name) {
		return nil
	}
	rule := fmt.Sprintf("1-%d ASCII letters and digits", MaxLoadBalancerNameLength)
	if shared {
		rule += `, optionally prefixed by a sharing NIFCLOUD ID such as "ABC12345."`
	}
	return fmt.Errorf("%w: %s %s: want %s", ErrInvalidInput, field, quoteShort(name), rule)
}

// checkOneOf reports a value that is not one of allowed as an
// ErrInvalidInput error.
func checkOneOf[T comparable](field string, value T, allowed ...T) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	want := make([]string, len(allowed))
	for i, a := range allowed {
		want[i] = fmt.Sprintf("%#v", a)
	}
	return fmt.Errorf("%w: %s %#v: want one of %s", ErrInvalidInput, field, value, strings.Join(want, ", "))
}

// checkRange reports a value outside lo-hi as an ErrInvalidInput error.
func checkRange(field string, value, lo, hi int) error {
	if value < lo || value > hi {
		return fmt.Errorf("%w: %s %d out of range %d-%d", ErrInvalidInput, field, value, lo, hi)
	}
	return nil
}

package nifcloudtest

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Limits of the classic load balancer (reference §4.0).
const (
	maxPorts          = 3
	maxFilterAddrs    = 30
	defaultZone       = "east-11"
	defaultVolume     = 10
	defaultPolicy     = "standard"
	defaultAccounting = "2"
	allAddresses      = "*.*.*.*"
)

// The VIP pools: a new load balancer gets the lowest free address from
// firstVIP to lastVIP, or, for an IPv6 classic load balancer (IpVersion
// v6), from firstVIP6 to lastVIP6, so that the family of its DNSName tells
// its IP version as on the live API.
var (
	firstVIP  = netip.MustParseAddr("198.51.100.20")
	lastVIP   = netip.MustParseAddr("198.51.100.254")
	firstVIP6 = netip.MustParseAddr("2001:db8:100::20")
	lastVIP6  = netip.MustParseAddr("2001:db8:100::fe")
)

// validName reports whether name is 1-15 ASCII letters and digits.
func validName(name string) bool {
	if len(name) < 1 || len(name) > 15 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// validNetworkVolume reports whether n Mbps is an offered bandwidth.
func validNetworkVolume(n int) bool {
	switch {
	case n == 10 || n == 20 || n == 30 || n == 40:
		return true
	case n >= 100 && n <= 2000 && n%100 == 0:
		return true
	}
	return false
}

// protocolFor is the protocol the live API derives from a LoadBalancerPort.
func protocolFor(lbPort int) string {
	switch lbPort {
	case 80:
		return "HTTP"
	case 443:
		return "HTTPS"
	case 21:
		return "FTP"
	}
	return ""
}

// defaultPortFor is the LoadBalancerPort implied by a protocol alone.
func defaultPortFor(protocol string) int {
	switch protocol {
	case "HTTP":
		return 80
	case "HTTPS":
		return 443
	case "FTP":
		return 21
	}
	return 0
}

// normalizeProtocol upper-cases a Protocol parameter and checks it.
func normalizeProtocol(p string) (string, bool) {
	up := strings.ToUpper(p)
	switch up {
	case "HTTP", "HTTPS", "FTP", "":
		return up, true
	}
	return "", false
}

// validTarget reports whether t is "ICMP" or "TCP:<port>" with a port in
// 1-65535.
func validTarget(t string) bool {
	return validPortTarget(t, "TCP")
}

// validPortTarget reports whether t is "ICMP" or "<scheme>:<port>" for one
// of schemes, with a port in 1-65535 written without sign or leading zero.
func validPortTarget(t string, schemes ...string) bool {
	if t == "ICMP" {
		return true
	}
	scheme, port, ok := strings.Cut(t, ":")
	if !ok || !slices.Contains(schemes, scheme) || port == "" || len(port) > 5 || port[0] == '0' {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535 && !strings.HasPrefix(port, "+")
}

// computedTimeout is the Timeout shown for a health check. The live rule is
// unknown; Interval*UnhealthyThreshold+1 matches the reference captures
// (10,1)→11 and (30,3)→91.
func computedTimeout(interval, unhealthy int) int {
	return interval*unhealthy + 1
}

// defaultHealthCheck is the health check of a new port definition.
func defaultHealthCheck(instPort int) HealthCheck {
	return HealthCheck{
		Target:             "TCP:" + strconv.Itoa(instPort),
		Interval:           10,
		Timeout:            computedTimeout(10, 1),
		UnhealthyThreshold: 1,
		HealthyThreshold:   1,
	}
}

// normalizeAddress checks a filter address (an IPv4/IPv6 address or CIDR
// block) and returns its canonical text.
func normalizeAddress(s string) (string, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return "", false
		}
		return p.String(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", false
	}
	return a.String(), true
}

// generatedUniqueID derives a stable unique id ("i-" and 8 base-36 digits)
// from a server name.
func generatedUniqueID(name string) string {
	return hashedID("i-", name)
}

// hashedID is prefix and 8 lower-case base-36 digits derived from name.
func hashedID(prefix, name string) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	digits := strconv.FormatUint(h.Sum64(), 36)
	for len(digits) < 8 {
		digits = "0" + digits
	}
	return prefix + digits[len(digits)-8:]
}

// allocateVIP returns the lowest free address of the VIP pool of
// ipVersion ("v6" or else IPv4): one that is neither a VIP nor an address
// of an elastic load balancer's network interfaces.
func (s *Server) allocateVIP(ipVersion string) (string, error) {
	first, last := firstVIP, lastVIP
	if ipVersion == "v6" {
		first, last = firstVIP6, lastVIP6
	}
	used := map[string]bool{}
	for _, lb := range s.lbs {
		used[lb.dnsName] = true
	}
	for _, elb := range s.elbs {
		used[elb.dnsName] = true
		for _, n := range elb.nics {
			used[n.IPAddress] = true
			for _, a := range n.SystemIPAddresses {
				used[a] = true
			}
		}
	}
	for a := first; a.Compare(last) <= 0; a = a.Next() {
		if !used[a.String()] {
			return a.String(), nil
		}
	}
	return "", fmt.Errorf("no free VIP left between %s and %s", first, last)
}

// vipOwner names the load balancer whose VIP is addr, or returns "".
func (s *Server) vipOwner(addr string) string {
	for _, lb := range s.lbs {
		if lb.dnsName == addr {
			return fmt.Sprintf("load balancer %q", lb.name)
		}
	}
	for _, elb := range s.elbs {
		if elb.dnsName == addr {
			return fmt.Sprintf("elastic load balancer %q", elb.name)
		}
	}
	return ""
}

// validElasticID reports whether id is "elb-" and 8 lower-case ASCII
// letters or digits.
func validElasticID(id string) bool {
	rest, ok := strings.CutPrefix(id, "elb-")
	if !ok || len(rest) != 8 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// validElasticVolume reports whether n Mbps is a bandwidth offered for
// elastic load balancers.
func validElasticVolume(n int) bool {
	switch n {
	case 10, 20, 30, 40, 100, 200, 300, 400, 500:
		return true
	}
	return false
}

// elasticProtocol upper-cases an elastic listener protocol and checks it.
func elasticProtocol(p string) (string, bool) {
	up := strings.ToUpper(p)
	switch up {
	case "TCP", "UDP", "HTTP", "HTTPS":
		return up, true
	}
	return "", false
}

// validRedirectURL reports whether u is an absolute http or https URL with
// a host.
func validRedirectURL(u string) bool {
	parsed, err := url.Parse(u)
	return err == nil && (parsed.Scheme == "http" || parsed.Scheme == "https") && parsed.Host != ""
}

// validHTTPCode reports whether c is an HTTP status code (100-599) or a
// class of them ("1xx" to "5xx").
func validHTTPCode(c string) bool {
	if len(c) != 3 || c[0] < '1' || c[0] > '5' {
		return false
	}
	if c[1:] == "xx" {
		return true
	}
	return '0' <= c[1] && c[1] <= '9' && '0' <= c[2] && c[2] <= '9'
}

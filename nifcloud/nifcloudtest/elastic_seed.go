package nifcloudtest

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"time"
)

// Defaults and limits of the elastic load balancer (reference next §1.0).
const (
	defaultElasticVersion = "v2.0"
	globalNetwork         = "net-COMMON_GLOBAL"
	maxDescription        = 500
	maxHealthPath         = 255
	maxExpectations       = 10
)

// seedELB checks a seeded elastic load balancer and fills its defaults.
// Its VIP, if it has none yet, is allocated by the caller (setVIP).
func (s *Server) seedELB(e ElasticLoadBalancer, now time.Time) (*elbState, error) {
	if !validName(e.Name) {
		return nil, fmt.Errorf("name %q: want 1-15 ASCII letters and digits", e.Name)
	}
	if s.findELB(elbRef{value: e.Name}) != nil {
		return nil, fmt.Errorf("name %q: given twice", e.Name)
	}
	st := &elbState{
		name:                    e.Name,
		id:                      cmp.Or(e.ID, hashedID("elb-", e.Name)),
		networkVolume:           cmp.Or(e.NetworkVolume, defaultVolume),
		accountingType:          cmp.Or(e.AccountingType, defaultAccounting),
		nextMonthAccountingType: e.NextMonthAccountingType,
		zone:                    cmp.Or(e.AvailabilityZone, defaultZone),
		version:                 cmp.Or(e.Version, defaultElasticVersion),
		versionOutdated:         e.VersionOutdated,
		createdTime:             e.CreatedTime,
	}
	st.nextMonthAccountingType = cmp.Or(st.nextMonthAccountingType, st.accountingType)
	if st.createdTime.IsZero() {
		st.createdTime = now
	}
	if err := s.checkELBSettings(st); err != nil {
		return nil, err
	}
	switch e.State {
	case "", ElasticStateAvailable:
		if !e.StateUntil.IsZero() {
			return nil, errors.New("state_until needs a state other than available")
		}
	default:
		st.busyState, st.busyUntil = e.State, e.StateUntil
	}
	if err := s.seedNICs(st, e); err != nil {
		return nil, err
	}
	if len(e.Listeners) == 0 || len(e.Listeners) > maxPorts {
		return nil, fmt.Errorf("%d listeners: want 1 to %d", len(e.Listeners), maxPorts)
	}
	for _, l := range e.Listeners {
		ls, err := s.seedListener(l)
		if err != nil {
			return nil, fmt.Errorf("listener %s %d: %w", l.Protocol, l.ElasticLoadBalancerPort, err)
		}
		for _, other := range st.listeners {
			if other.key.protocol == ls.key.protocol && other.key.elbPort == ls.key.elbPort {
				return nil, fmt.Errorf("listener %s %d: given twice", ls.key.protocol, ls.key.elbPort)
			}
		}
		st.listeners = append(st.listeners, ls)
	}
	return st, nil
}

// checkELBSettings checks the id and the enumerated settings of st.
func (s *Server) checkELBSettings(st *elbState) error {
	if !validElasticID(st.id) {
		return fmt.Errorf("id %q: want elb- and 8 lower-case letters or digits", st.id)
	}
	if other := s.findELB(elbRef{value: st.id, byID: true}); other != nil {
		return fmt.Errorf("id %q: used by %q", st.id, other.name)
	}
	if !validElasticVolume(st.networkVolume) {
		return fmt.Errorf("network volume %d: want 10, 20, 30, 40, 100, 200, 300, 400 or 500", st.networkVolume)
	}
	for _, a := range []string{st.accountingType, st.nextMonthAccountingType} {
		if a != "1" && a != "2" {
			return fmt.Errorf("accounting type %q: want 1 or 2", a)
		}
	}
	return nil
}

// seedNICs checks the network interfaces of e (default: one on the global
// network carrying the VIP) and derives the VIP: DNSName, or the address
// of the VIP interface; both must agree when both are given.
func (s *Server) seedNICs(st *elbState, e ElasticLoadBalancer) error {
	nics := cloneNICs(e.NetworkInterfaces)
	if len(nics) == 0 {
		nics = []NetworkInterface{{NetworkID: globalNetwork, DeviceIndex: 1, IsVIPNetwork: true}}
	}
	vip, err := checkNICs(nics)
	if err != nil {
		return err
	}
	dns := e.DNSName
	if dns != "" {
		if dns, err = ipv4(dns); err != nil {
			return fmt.Errorf("dns name: %w", err)
		}
	}
	switch {
	case dns == "":
		dns = nics[vip].IPAddress
	case nics[vip].IPAddress == "":
		nics[vip].IPAddress = dns
	case nics[vip].IPAddress != dns:
		return fmt.Errorf("dns name %q differs from the VIP network interface's address %q", dns, nics[vip].IPAddress)
	}
	if owner := s.vipOwner(dns); dns != "" && owner != "" {
		return fmt.Errorf("dns name %q: used by %s", dns, owner)
	}
	st.dnsName, st.nics = dns, nics
	return nil
}

// checkNICs checks and completes network interfaces in place and returns
// the index of the VIP network interface.
func checkNICs(nics []NetworkInterface) (int, error) {
	vip := -1
	indexes := map[int]bool{}
	for i := range nics {
		n := &nics[i]
		if n.NetworkID == "" {
			return 0, fmt.Errorf("network interface %d: empty network id", i+1)
		}
		n.DeviceIndex = cmp.Or(n.DeviceIndex, i+1)
		if n.DeviceIndex < 1 || indexes[n.DeviceIndex] {
			return 0, fmt.Errorf("network interface %d: device index %d: want a positive index used once", i+1, n.DeviceIndex)
		}
		indexes[n.DeviceIndex] = true
		var err error
		if n.IPAddress != "" {
			if n.IPAddress, err = ipv4(n.IPAddress); err != nil {
				return 0, fmt.Errorf("network interface %d: %w", i+1, err)
			}
		}
		for j, a := range n.SystemIPAddresses {
			if n.SystemIPAddresses[j], err = ipv4(a); err != nil {
				return 0, fmt.Errorf("network interface %d: system address: %w", i+1, err)
			}
		}
		if n.IsVIPNetwork {
			if vip >= 0 {
				return 0, fmt.Errorf("network interface %d: a second VIP network", i+1)
			}
			vip = i
		}
	}
	if vip < 0 {
		return 0, errors.New("no network interface is the VIP network")
	}
	return vip, nil
}

// ipv4 checks an IPv4 address and returns its canonical text.
func ipv4(s string) (string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return "", fmt.Errorf("address %q: want an IPv4 address", s)
	}
	return a.String(), nil
}

// setVIP gives elb the allocated VIP, also as the address of its VIP
// network interface.
func (elb *elbState) setVIP(vip string) {
	elb.dnsName = vip
	for i := range elb.nics {
		if elb.nics[i].IsVIPNetwork {
			elb.nics[i].IPAddress = vip
		}
	}
}

// seedListener checks a seeded elastic listener and fills its defaults.
func (s *Server) seedListener(l ElasticListener) (*elbListenerState, error) {
	proto, ok := elasticProtocol(l.Protocol)
	if !ok {
		return nil, fmt.Errorf("protocol %q: want TCP, UDP, HTTP or HTTPS", l.Protocol)
	}
	key := elbKey{protocol: proto, elbPort: l.ElasticLoadBalancerPort, instPort: cmp.Or(l.InstancePort, l.ElasticLoadBalancerPort)}
	ls := &elbListenerState{key: key, balancingType: cmp.Or(l.BalancingType, 1), description: l.Description,
		sslCertID: l.SSLCertificateID, sorryPage: l.SorryPage}
	var err error
	switch {
	case key.elbPort < 1 || key.elbPort > 65535 || key.instPort < 1 || key.instPort > 65535:
		return nil, fmt.Errorf("ports %d->%d: want 1-65535", key.elbPort, key.instPort)
	case ls.balancingType != 1 && ls.balancingType != 2:
		return nil, fmt.Errorf("balancing type %d: want 1 or 2", ls.balancingType)
	case len(l.Description) > maxDescription:
		return nil, fmt.Errorf("description: %d characters, at most %d", len(l.Description), maxDescription)
	case (proto == "HTTPS") != (l.SSLCertificateID != ""):
		return nil, errors.New("an SSL certificate id is required for HTTPS and refused otherwise")
	case l.SorryPage.Enabled && proto != "HTTP" && proto != "HTTPS":
		return nil, errors.New("a sorry page needs an HTTP or HTTPS listener")
	case l.SorryPage.Enabled && !validRedirectURL(l.SorryPage.RedirectURL):
		return nil, fmt.Errorf("sorry page redirect url %q: want an http or https URL", l.SorryPage.RedirectURL)
	}
	if ls.stickiness, err = seedStickiness(l.SessionStickiness); err != nil {
		return nil, err
	}
	if ls.health, err = seedElasticHealthCheck(l.HealthCheck, key.instPort); err != nil {
		return nil, err
	}
	if ls.members, err = s.seedMembers(l.Members); err != nil {
		return nil, err
	}
	return ls, nil
}

// seedStickiness checks a stickiness policy and fills its defaults.
func seedStickiness(st ElasticStickiness) (ElasticStickiness, error) {
	if st.Enabled {
		st.Method = cmp.Or(st.Method, 1)
		st.ExpirationPeriod = cmp.Or(st.ExpirationPeriod, 3)
	}
	if st.Method < 0 || st.Method > 2 {
		return st, fmt.Errorf("stickiness method %d: want 1 (source IP) or 2 (cookie)", st.Method)
	}
	if p := st.ExpirationPeriod; p != 0 && (p < 3 || p > 1440) {
		return st, fmt.Errorf("stickiness expiration period %d: want 3-1440", p)
	}
	return st, nil
}

// seedElasticHealthCheck checks an elastic health check and fills its
// defaults.
func seedElasticHealthCheck(h ElasticHealthCheck, instPort int) (ElasticHealthCheck, error) {
	h.Target = cmp.Or(h.Target, "TCP:"+strconv.Itoa(instPort))
	h.Interval = cmp.Or(h.Interval, 10)
	h.UnhealthyThreshold = cmp.Or(h.UnhealthyThreshold, 1)
	h.Expectation = slices.Clone(h.Expectation)
	web := validPortTarget(h.Target, "HTTP", "HTTPS")
	switch {
	case !validPortTarget(h.Target, "TCP", "HTTP", "HTTPS"):
		return h, fmt.Errorf("health check target %q: want TCP:<port>, HTTP:<port>, HTTPS:<port> or ICMP", h.Target)
	case h.Interval < 5 || h.Interval > 300:
		return h, fmt.Errorf("health check interval %d: want 5-300", h.Interval)
	case h.UnhealthyThreshold < 1 || h.UnhealthyThreshold > 10:
		return h, fmt.Errorf("unhealthy threshold %d: want 1-10", h.UnhealthyThreshold)
	case h.Path != "" && (!web || h.Path[0] != '/' || len(h.Path) > maxHealthPath):
		return h, fmt.Errorf("health check path %q: want /..., at most %d characters, with an HTTP or HTTPS target", h.Path, maxHealthPath)
	case len(h.Expectation) > 0 && !web:
		return h, errors.New("expected HTTP codes need an HTTP or HTTPS target")
	case len(h.Expectation) > maxExpectations:
		return h, fmt.Errorf("%d expected HTTP codes: at most %d", len(h.Expectation), maxExpectations)
	}
	for i, c := range h.Expectation {
		if !validHTTPCode(c) || slices.Contains(h.Expectation[:i], c) {
			return h, fmt.Errorf("expected HTTP code %q: want three digits or a class such as 2xx, each once", c)
		}
	}
	return h, nil
}

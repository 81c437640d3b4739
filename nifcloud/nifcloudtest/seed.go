package nifcloudtest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"time"
)

// LoadSeed reads a JSON seed document: an object with the keys
// "credentials", "instances", "load_balancers" and
// "elastic_load_balancers", holding Credential, Instance, LoadBalancer and
// ElasticLoadBalancer values with the JSON names of their fields
// (testdata/seed.json is a complete example). Unknown keys are refused. The
// returned Options carry only those seed fields; New checks their contents.
func LoadSeed(r io.Reader) (Options, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var o Options
	if err := dec.Decode(&o); err != nil {
		return Options{}, fmt.Errorf("decode seed: %w", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return Options{}, errors.New("decode seed: trailing data after the JSON object")
	}
	return o, nil
}

// LoadSeedFile reads a seed file with LoadSeed.
func LoadSeedFile(path string) (Options, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Options{}, fmt.Errorf("read seed: %w", err)
	}
	o, err := LoadSeed(bytes.NewReader(data))
	if err != nil {
		return Options{}, fmt.Errorf("seed %s: %w", path, err)
	}
	return o, nil
}

// seed fills an empty server from the seed fields of o.
func (s *Server) seed(o Options, now time.Time) error {
	if len(o.Credentials) == 0 {
		return errors.New("at least one credential is required")
	}
	for i, c := range o.Credentials {
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return fmt.Errorf("credential %d: access key id and secret must not be empty", i+1)
		}
		if _, dup := s.secrets[c.AccessKeyID]; dup {
			return fmt.Errorf("credential %d: access key id %q given twice", i+1, c.AccessKeyID)
		}
		s.secrets[c.AccessKeyID] = c.SecretAccessKey
	}
	for _, in := range o.Instances {
		if err := s.addInstance(in); err != nil {
			return err
		}
	}
	// Explicit VIPs first, so that allocation skips them.
	for i, lb := range o.LoadBalancers {
		st, err := s.seedLB(lb, now)
		if err != nil {
			return fmt.Errorf("load balancer %d (%q): %w", i+1, lb.Name, err)
		}
		s.lbs = append(s.lbs, st)
	}
	for i, elb := range o.ElasticLoadBalancers {
		st, err := s.seedELB(elb, now)
		if err != nil {
			return fmt.Errorf("elastic load balancer %d (%q): %w", i+1, elb.Name, err)
		}
		s.elbs = append(s.elbs, st)
	}
	return s.allocateSeedVIPs()
}

// allocateSeedVIPs gives the seeded load balancers without a VIP one, the
// classic ones first.
func (s *Server) allocateSeedVIPs() error {
	for _, st := range s.lbs {
		if st.dnsName != "" {
			continue
		}
		vip, err := s.allocateVIP(st.ipVersion)
		if err != nil {
			return fmt.Errorf("load balancer %q: %w", st.name, err)
		}
		st.dnsName = vip
	}
	for _, st := range s.elbs {
		if st.dnsName != "" {
			continue
		}
		vip, err := s.allocateVIP("v4")
		if err != nil {
			return fmt.Errorf("elastic load balancer %q: %w", st.name, err)
		}
		st.setVIP(vip)
	}
	return nil
}

// addInstance records a known server.
func (s *Server) addInstance(in Instance) error {
	if in.InstanceID == "" {
		return errors.New("instance: empty instance id")
	}
	if s.instances[in.InstanceID] != nil {
		return fmt.Errorf("instance %q: already known", in.InstanceID)
	}
	if in.UniqueID == "" {
		in.UniqueID = generatedUniqueID(in.InstanceID)
	}
	for _, other := range s.instances {
		if other.uniqueID == in.UniqueID {
			return fmt.Errorf("instance %q: unique id %q is used by %q", in.InstanceID, in.UniqueID, other.id)
		}
	}
	s.instances[in.InstanceID] = &instanceState{id: in.InstanceID, uniqueID: in.UniqueID, unhealthy: in.Unhealthy}
	s.instanceOrder = append(s.instanceOrder, in.InstanceID)
	return nil
}

// seedLB checks a seeded load balancer and fills its defaults. Its VIP, if
// empty, is allocated by the caller.
func (s *Server) seedLB(lb LoadBalancer, now time.Time) (*lbState, error) {
	if !validName(lb.Name) {
		return nil, fmt.Errorf("name %q: want 1-15 ASCII letters and digits", lb.Name)
	}
	if s.findLB(lb.Name) != nil {
		return nil, fmt.Errorf("name %q: given twice", lb.Name)
	}
	st := &lbState{
		name:                    lb.Name,
		networkVolume:           cmp.Or(lb.NetworkVolume, defaultVolume),
		policyType:              cmp.Or(lb.PolicyType, defaultPolicy),
		ipVersion:               cmp.Or(lb.IPVersion, "v4"),
		zones:                   slices.Clone(lb.AvailabilityZones),
		accountingType:          cmp.Or(lb.AccountingType, defaultAccounting),
		nextMonthAccountingType: lb.NextMonthAccountingType,
		description:             lb.Description,
		createdTime:             lb.CreatedTime,
		visibleAt:               lb.VisibleAt,
	}
	if len(st.zones) == 0 {
		st.zones = []string{defaultZone}
	}
	if st.nextMonthAccountingType == "" {
		st.nextMonthAccountingType = st.accountingType
	}
	if st.createdTime.IsZero() {
		st.createdTime = now
	}
	if err := checkLBSettings(st); err != nil {
		return nil, err
	}
	if err := s.seedVIP(st, lb.DNSName); err != nil {
		return nil, err
	}
	if len(lb.Ports) == 0 || len(lb.Ports) > maxPorts {
		return nil, fmt.Errorf("%d ports: want 1 to %d", len(lb.Ports), maxPorts)
	}
	for _, p := range lb.Ports {
		ps, err := s.seedPort(p, st.createdTime)
		if err != nil {
			return nil, fmt.Errorf("port %d: %w", p.LoadBalancerPort, err)
		}
		for _, other := range st.ports {
			if other.lbPort == ps.lbPort {
				return nil, fmt.Errorf("port %d: given twice", ps.lbPort)
			}
		}
		st.ports = append(st.ports, ps)
	}
	return st, nil
}

// seedVIP checks a seeded VIP, if any, and gives it to st: an address of
// the family of st's IP version that no other load balancer has.
func (s *Server) seedVIP(st *lbState, vip string) error {
	if vip == "" {
		return nil
	}
	a, err := netip.ParseAddr(vip)
	family := "IPv4"
	if st.ipVersion == "v6" {
		family = "IPv6"
	}
	if err != nil || a.Zone() != "" || a.Is4() == (family == "IPv6") {
		return fmt.Errorf("dns name %q: want an %s address (ip version %s)", vip, family, st.ipVersion)
	}
	if owner := s.vipOwner(a.String()); owner != "" {
		return fmt.Errorf("dns name %q: used by %s", vip, owner)
	}
	st.dnsName = a.String()
	return nil
}

// checkLBSettings checks the enumerated settings of a load balancer.
func checkLBSettings(st *lbState) error {
	if !validNetworkVolume(st.networkVolume) {
		return fmt.Errorf("network volume %d: want 10, 20, 30, 40 or a multiple of 100 up to 2000", st.networkVolume)
	}
	if st.policyType != "standard" && st.policyType != "ats" {
		return fmt.Errorf("policy type %q: want standard or ats", st.policyType)
	}
	if st.ipVersion != "v4" && st.ipVersion != "v6" {
		return fmt.Errorf("ip version %q: want v4 or v6", st.ipVersion)
	}
	if st.policyType == "ats" && st.ipVersion != "v4" {
		return errors.New("policy type ats needs ip version v4")
	}
	for _, a := range []string{st.accountingType, st.nextMonthAccountingType} {
		if a != "1" && a != "2" {
			return fmt.Errorf("accounting type %q: want 1 or 2", a)
		}
	}
	for _, z := range st.zones {
		if z == "" {
			return errors.New("empty availability zone")
		}
	}
	return nil
}

// seedPort checks a seeded port definition and fills its defaults.
func (s *Server) seedPort(p Port, lbCreated time.Time) (*portState, error) {
	if p.LoadBalancerPort < 1 || p.LoadBalancerPort > 65535 {
		return nil, fmt.Errorf("load balancer port %d: want 1-65535", p.LoadBalancerPort)
	}
	ps := &portState{
		lbPort:        p.LoadBalancerPort,
		instPort:      cmp.Or(p.InstancePort, p.LoadBalancerPort),
		balancingType: cmp.Or(p.BalancingType, 1),
		sslCertID:     p.SSLCertificateID,
		createdTime:   p.CreatedTime,
		visibleAt:     p.VisibleAt,
		filterType:    cmp.Or(p.Filter.FilterType, 1),
	}
	if ps.instPort < 1 || ps.instPort > 65535 {
		return nil, fmt.Errorf("instance port %d: want 1-65535", ps.instPort)
	}
	proto, ok := normalizeProtocol(p.Protocol)
	if !ok {
		return nil, fmt.Errorf("protocol %q: want HTTP, HTTPS, FTP or empty", p.Protocol)
	}
	if proto == "" {
		proto = protocolFor(ps.lbPort)
	}
	ps.protocol = proto
	if ps.balancingType != 1 && ps.balancingType != 2 {
		return nil, fmt.Errorf("balancing type %d: want 1 or 2", ps.balancingType)
	}
	if ps.createdTime.IsZero() {
		ps.createdTime = lbCreated
	}
	hc, err := seedHealthCheck(p.HealthCheck, ps.instPort)
	if err != nil {
		return nil, err
	}
	ps.health = hc
	if err := s.seedFilter(ps, p.Filter); err != nil {
		return nil, err
	}
	if p.Option != nil {
		opt, err := seedOption(*p.Option)
		if err != nil {
			return nil, err
		}
		ps.option = &opt
	}
	members, err := s.seedMembers(p.Members)
	if err != nil {
		return nil, err
	}
	ps.members = members
	return ps, nil
}

// seedMembers checks seeded members: known servers, each once, with a
// valid forced health.
func (s *Server) seedMembers(ms []Member) ([]*memberState, error) {
	var out []*memberState
	for _, m := range ms {
		if s.instances[m.InstanceID] == nil {
			return nil, fmt.Errorf("member %q: not a known instance", m.InstanceID)
		}
		if memberIndex(out, m.InstanceID) >= 0 {
			return nil, fmt.Errorf("member %q: given twice", m.InstanceID)
		}
		if !validForcedHealth(m.Health) {
			return nil, fmt.Errorf("member %q: health %q: want empty, %s, %s or %s",
				m.InstanceID, m.Health, HealthInService, HealthOutOfService, HealthPending)
		}
		out = append(out, &memberState{id: m.InstanceID, registeredAt: m.RegisteredAt, forced: m.Health})
	}
	return out, nil
}

// seedHealthCheck checks a seeded health check and fills its defaults.
func seedHealthCheck(h HealthCheck, instPort int) (HealthCheck, error) {
	def := defaultHealthCheck(instPort)
	h.Target = cmp.Or(h.Target, def.Target)
	h.Interval = cmp.Or(h.Interval, def.Interval)
	h.UnhealthyThreshold = cmp.Or(h.UnhealthyThreshold, def.UnhealthyThreshold)
	h.HealthyThreshold = cmp.Or(h.HealthyThreshold, def.HealthyThreshold)
	h.Timeout = cmp.Or(h.Timeout, computedTimeout(h.Interval, h.UnhealthyThreshold))
	switch {
	case !validTarget(h.Target):
		return HealthCheck{}, fmt.Errorf("health check target %q: want TCP:<port> or ICMP", h.Target)
	case h.Interval < 5 || h.Interval > 300:
		return HealthCheck{}, fmt.Errorf("health check interval %d: want 5-300", h.Interval)
	case h.UnhealthyThreshold < 1 || h.UnhealthyThreshold > 10:
		return HealthCheck{}, fmt.Errorf("unhealthy threshold %d: want 1-10", h.UnhealthyThreshold)
	case h.HealthyThreshold < 1 || h.HealthyThreshold > 10:
		return HealthCheck{}, fmt.Errorf("healthy threshold %d: want 1-10", h.HealthyThreshold)
	case h.Timeout < 1:
		return HealthCheck{}, fmt.Errorf("health check timeout %d: want a positive number", h.Timeout)
	}
	return h, nil
}

// seedFilter checks a seeded filter and stores it in ps.
func (s *Server) seedFilter(ps *portState, f Filter) error {
	if ps.filterType != 1 && ps.filterType != 2 {
		return fmt.Errorf("filter type %d: want 1 or 2", ps.filterType)
	}
	if len(f.IPAddresses) > maxFilterAddrs {
		return fmt.Errorf("filter: %d addresses, at most %d allowed", len(f.IPAddresses), maxFilterAddrs)
	}
	for _, a := range f.IPAddresses {
		norm, ok := normalizeAddress(a)
		if !ok {
			return fmt.Errorf("filter address %q: want an IP address or CIDR block", a)
		}
		if slices.Contains(ps.filterAddrs, norm) {
			return fmt.Errorf("filter address %q: given twice", a)
		}
		ps.filterAddrs = append(ps.filterAddrs, norm)
	}
	return nil
}

// seedOption checks seeded options and fills their defaults.
func seedOption(o Option) (Option, error) {
	o.SessionStickiness.ExpirationPeriod = cmp.Or(o.SessionStickiness.ExpirationPeriod, 3)
	o.SorryPage.StatusCode = cmp.Or(o.SorryPage.StatusCode, 200)
	if p := o.SessionStickiness.ExpirationPeriod; p < 3 || p > 60 {
		return Option{}, fmt.Errorf("session stickiness expiration period %d: want 3-60", p)
	}
	if c := o.SorryPage.StatusCode; c != 200 && c != 503 {
		return Option{}, fmt.Errorf("sorry page status code %d: want 200 or 503", c)
	}
	return o, nil
}

// validForcedHealth reports whether h may be forced on a member.
func validForcedHealth(h string) bool {
	switch h {
	case "", HealthInService, HealthOutOfService, HealthPending:
		return true
	}
	return false
}

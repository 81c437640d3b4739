package nifcloudtest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// listener is a parsed Listeners.member.N entry.
type listener struct {
	protocol      string
	lbPort        int
	instPort      int
	balancingType int
}

// listeners reads Listeners.member.N.*. The LoadBalancerPort, when given,
// wins over Protocol and decides it (80 HTTP, 443 HTTPS, 21 FTP, otherwise
// custom); a Protocol alone implies its standard port; InstancePort
// defaults to the LoadBalancerPort and BalancingType to 1.
func listeners(v url.Values) ([]listener, *apiError) {
	entries := list(v, listenersList.Prefix)
	if len(entries) == 0 {
		return nil, errMissing(listName(listenersList.Prefix, 1, "LoadBalancerPort"))
	}
	out := make([]listener, 0, len(entries))
	for _, e := range entries {
		name := func(field string) string { return listName(listenersList.Prefix, e.Index, field) }
		proto, ok := normalizeProtocol(e.Fields["Protocol"])
		if !ok {
			return nil, errIllegal(name("Protocol"), e.Fields["Protocol"], "must be HTTP, HTTPS, FTP or empty")
		}
		var l listener
		if s := e.Fields["LoadBalancerPort"]; s != "" {
			port, apiErr := parseInt(name("LoadBalancerPort"), s, 1, 65535)
			if apiErr != nil {
				return nil, apiErr
			}
			l.lbPort = port
		} else if l.lbPort = defaultPortFor(proto); l.lbPort == 0 {
			return nil, errMissing(name("LoadBalancerPort"))
		}
		l.protocol = protocolFor(l.lbPort)
		var apiErr *apiError
		if l.instPort, apiErr = optionalIntValue(name("InstancePort"), e.Fields["InstancePort"], l.lbPort, 1, 65535); apiErr != nil {
			return nil, apiErr
		}
		if l.balancingType, apiErr = optionalIntValue(name("BalancingType"), e.Fields["BalancingType"], 1, 1, 2); apiErr != nil {
			return nil, apiErr
		}
		out = append(out, l)
	}
	return out, nil
}

// newPort is a new port definition for l: default health check, allow-all
// filter, no members.
func newPort(l listener, now time.Time) *portState {
	return &portState{
		protocol:      l.protocol,
		lbPort:        l.lbPort,
		instPort:      l.instPort,
		balancingType: l.balancingType,
		createdTime:   now,
		health:        defaultHealthCheck(l.instPort),
		filterType:    1,
	}
}

// createLoadBalancer implements CreateLoadBalancer with exactly one
// listener (add more with RegisterPortWithLoadBalancer). The VIP is the
// lowest free address from 198.51.100.20, or from 2001:db8:100::20 with
// IpVersion v6. With
// Options.CreateVisibilityDelay the new load balancer is hidden from other
// calls for that long; its name is taken all the same (a second create is
// Client.InvalidParameterDuplicate.LoadBalancer).
func (s *Server) createLoadBalancer(v url.Values, now time.Time) (any, *apiError) {
	name, apiErr := requiredString(v, "LoadBalancerName")
	if apiErr != nil {
		return nil, apiErr
	}
	if !validName(name) {
		return nil, errIllegal("LoadBalancerName", name, "must be 1 to 15 ASCII letters and digits")
	}
	ls, apiErr := listeners(v)
	if apiErr != nil {
		return nil, apiErr
	}
	if len(ls) != 1 {
		return nil, errorf(CodeIllegalInput,
			"CreateLoadBalancer takes exactly one listener (Listeners.member.1); add more with RegisterPortWithLoadBalancer.")
	}
	lb, apiErr := newLB(v, name, now)
	if apiErr != nil {
		return nil, apiErr
	}
	if s.findLB(name) != nil {
		return nil, errLoadBalancerDuplicate(name)
	}
	vip, err := s.allocateVIP(lb.ipVersion)
	if err != nil {
		return nil, &apiError{status: http.StatusInternalServerError, code: CodeInternalError,
			message: "The emulator has no free VIP left: " + err.Error() + "."}
	}
	lb.dnsName = vip
	lb.ports = []*portState{newPort(ls[0], now)}
	if d := s.opts.CreateVisibilityDelay; d > 0 {
		lb.visibleAt = now.Add(d)
	}
	s.lbs = append(s.lbs, lb)
	return &createResult{DNSName: vip}, nil
}

// newLB reads the load-balancer-wide settings of CreateLoadBalancer
// (NetworkVolume, IpVersion, AccountingType, PolicyType,
// AvailabilityZones.member.N) into a new load balancer without VIP or
// ports.
func newLB(v url.Values, name string, now time.Time) (*lbState, *apiError) {
	lb := &lbState{name: name, createdTime: now}
	var apiErr *apiError
	if lb.networkVolume, apiErr = networkVolume(v, "NetworkVolume", defaultVolume); apiErr != nil {
		return nil, apiErr
	}
	enums := []struct {
		param, def string
		allowed    []string
		dst        *string
	}{
		{"IpVersion", "v4", []string{"v4", "v6"}, &lb.ipVersion},
		{"AccountingType", defaultAccounting, []string{"1", "2"}, &lb.accountingType},
		{"PolicyType", defaultPolicy, []string{"standard", "ats"}, &lb.policyType},
	}
	for _, e := range enums {
		if *e.dst, apiErr = enumValue(v, e.param, e.def, e.allowed); apiErr != nil {
			return nil, apiErr
		}
	}
	if lb.policyType == "ats" && lb.ipVersion != "v4" {
		return nil, errIllegal("PolicyType", lb.policyType, "ats needs IpVersion v4")
	}
	lb.nextMonthAccountingType = lb.accountingType
	for _, e := range list(v, "AvailabilityZones.member") {
		zone := e.Fields[""]
		if zone == "" {
			return nil, errMissing(listName("AvailabilityZones.member", e.Index, ""))
		}
		lb.zones = append(lb.zones, zone)
	}
	if len(lb.zones) == 0 {
		lb.zones = []string{defaultZone}
	}
	return lb, nil
}

// networkVolume reads the bandwidth parameter name (def when absent) and
// checks that it is an offered value.
func networkVolume(v url.Values, name string, def int) (int, *apiError) {
	n, apiErr := optionalInt(v, name, def, 1, 2000)
	if apiErr != nil {
		return 0, apiErr
	}
	if !validNetworkVolume(n) {
		return 0, errIllegal(name, v.Get(name), "must be 10, 20, 30, 40 or a multiple of 100 up to 2000")
	}
	return n, nil
}

// enumValue reads parameter name, def when absent, and checks that it is
// one of allowed.
func enumValue(v url.Values, name, def string, allowed []string) (string, *apiError) {
	val := v.Get(name)
	if val == "" {
		val = def
	}
	if !slices.Contains(allowed, val) {
		return "", errIllegal(name, val, "must be one of "+strings.Join(allowed, ", "))
	}
	return val, nil
}

// registerPort implements RegisterPortWithLoadBalancer: adds the listed
// port definitions, all or none. A LoadBalancerPort already in use (or
// given twice) is Client.Inoperable.LoadBalancerPort.AlreadyExists; more
// than three port definitions in all is CodePortLimitExceeded. The reply
// echoes the listeners with a lower-case protocol, as the live API does.
// With Options.CreateVisibilityDelay the new port definitions are hidden
// from other calls for that long, though their LoadBalancerPort is taken
// and they count towards the limit.
func (s *Server) registerPort(v url.Values, now time.Time) (any, *apiError) {
	name, apiErr := requiredString(v, "LoadBalancerName")
	if apiErr != nil {
		return nil, apiErr
	}
	ls, apiErr := listeners(v)
	if apiErr != nil {
		return nil, apiErr
	}
	lb := s.visibleLB(name, now)
	if lb == nil {
		return nil, errLoadBalancerNotFound(name)
	}
	used := map[int]bool{}
	for _, p := range lb.ports {
		used[p.lbPort] = true
	}
	for _, l := range ls {
		if used[l.lbPort] {
			return nil, errPortExists(l.lbPort)
		}
		used[l.lbPort] = true
	}
	if len(lb.ports)+len(ls) > maxPorts {
		return nil, errorf(CodePortLimitExceeded, "The LoadBalancer '%s' cannot have more than %d port definitions.", clip(name), maxPorts)
	}
	res := &registerPortResult{}
	for _, l := range ls {
		p := newPort(l, now)
		if d := s.opts.CreateVisibilityDelay; d > 0 {
			p.visibleAt = now.Add(d)
		}
		lb.ports = append(lb.ports, p)
		echo := listenerOf(p)
		echo.Protocol = strings.ToLower(echo.Protocol)
		res.Listeners.Items = append(res.Listeners.Items, echo)
	}
	return res, nil
}

// deleteLoadBalancer implements DeleteLoadBalancer: it deletes one port
// definition with its servers, health check and filter; the load balancer
// (and its VIP) goes with its last port definition.
func (s *Server) deleteLoadBalancer(v url.Values, now time.Time) (any, *apiError) {
	name, key, apiErr := target(v)
	if apiErr != nil {
		return nil, apiErr
	}
	lb, p, apiErr := s.lookupPort(name, key, now)
	if apiErr != nil {
		return nil, apiErr
	}
	lb.ports = slices.DeleteFunc(lb.ports, func(x *portState) bool { return x == p })
	if len(lb.ports) == 0 {
		s.removeLB(lb)
	}
	return &deleteResult{}, nil
}

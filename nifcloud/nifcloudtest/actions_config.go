package nifcloudtest

import (
	"net/url"
	"slices"
	"time"
)

// configureHealthCheck implements ConfigureHealthCheck. Target, Interval
// and UnhealthyThreshold are required; HealthyThreshold keeps its value
// when omitted; HealthCheck.Timeout is accepted and ignored (the platform
// computes the timeout, see HealthCheck.Timeout).
func (s *Server) configureHealthCheck(v url.Values, now time.Time) (any, *apiError) {
	name, key, apiErr := target(v)
	if apiErr != nil {
		return nil, apiErr
	}
	t, apiErr := requiredString(v, "HealthCheck.Target")
	if apiErr != nil {
		return nil, apiErr
	}
	if !validTarget(t) {
		return nil, errIllegal("HealthCheck.Target", t, "must be TCP:<port 1-65535> or ICMP")
	}
	interval, apiErr := requiredInt(v, "HealthCheck.Interval", 5, 300)
	if apiErr != nil {
		return nil, apiErr
	}
	unhealthy, apiErr := requiredInt(v, "HealthCheck.UnhealthyThreshold", 1, 10)
	if apiErr != nil {
		return nil, apiErr
	}
	healthy, apiErr := optionalInt(v, "HealthCheck.HealthyThreshold", 0, 1, 10)
	if apiErr != nil {
		return nil, apiErr
	}
	if _, apiErr := optionalInt(v, "HealthCheck.Timeout", 0, 1, 3600); apiErr != nil {
		return nil, apiErr
	}
	_, p, apiErr := s.lookupPort(name, key, now)
	if apiErr != nil {
		return nil, apiErr
	}
	if healthy == 0 {
		healthy = p.health.HealthyThreshold
	}
	p.health = HealthCheck{
		Target:             t,
		Interval:           interval,
		Timeout:            computedTimeout(interval, unhealthy),
		UnhealthyThreshold: unhealthy,
		HealthyThreshold:   healthy,
	}
	res := &configureHealthCheckResult{}
	res.HealthCheck.Target = t
	res.HealthCheck.Interval = interval
	res.HealthCheck.UnhealthyThreshold = unhealthy
	res.HealthCheck.HealthyThreshold = healthy
	return res, nil
}

// filterChange is one IPAddresses.member.N entry.
type filterChange struct {
	given string // as sent, for messages
	addr  string // canonical
	add   bool
}

// setFilter implements SetFilterForLoadBalancer. FilterType keeps its value
// when omitted. The address changes apply in request order, all or none:
// adding a present address is Client.InvalidParameterDuplicate.IpAddress,
// removing an absent one CodeIPAddressNotFound, more than 30 addresses
// CodeFilterLimitExceeded.
func (s *Server) setFilter(v url.Values, now time.Time) (any, *apiError) {
	name, key, apiErr := target(v)
	if apiErr != nil {
		return nil, apiErr
	}
	filterType, apiErr := optionalInt(v, "FilterType", 0, 1, 2)
	if apiErr != nil {
		return nil, apiErr
	}
	var changes []filterChange
	for _, e := range list(v, "IPAddresses.member") {
		addrName := listName("IPAddresses.member", e.Index, "IPAddress")
		given := e.Fields["IPAddress"]
		if given == "" {
			return nil, errMissing(addrName)
		}
		addr, ok := normalizeAddress(given)
		if !ok {
			return nil, errIllegal(addrName, given, "must be an IP address or CIDR block")
		}
		add := true
		if flag, ok := e.Fields["AddOnFilter"]; ok && flag != "" {
			if add, apiErr = parseBool(listName("IPAddresses.member", e.Index, "AddOnFilter"), flag); apiErr != nil {
				return nil, apiErr
			}
		}
		changes = append(changes, filterChange{given: given, addr: addr, add: add})
	}
	_, p, apiErr := s.lookupPort(name, key, now)
	if apiErr != nil {
		return nil, apiErr
	}
	addrs := slices.Clone(p.filterAddrs)
	for _, c := range changes {
		i := slices.Index(addrs, c.addr)
		switch {
		case c.add && i >= 0:
			return nil, errAddressDuplicate(c.given, name, key.LoadBalancerPort)
		case c.add:
			addrs = append(addrs, c.addr)
		case i < 0:
			return nil, errAddressNotFound(c.given, name, key.LoadBalancerPort)
		default:
			addrs = slices.Delete(addrs, i, i+1)
		}
	}
	if len(addrs) > maxFilterAddrs {
		return nil, errorf(CodeFilterLimitExceeded,
			"The filter of LoadBalancer '%s', loadBalancerPort '%d' cannot hold more than %d addresses.",
			clip(name), key.LoadBalancerPort, maxFilterAddrs)
	}
	if filterType != 0 {
		p.filterType = filterType
	}
	p.filterAddrs = addrs
	return &setFilterResult{Filter: filterOf(p)}, nil
}

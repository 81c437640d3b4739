package nifcloudtest

import (
	"maps"
	"net/url"
	"slices"
	"time"
)

// describeLoadBalancers implements DescribeLoadBalancers: one description
// per port definition, for all load balancers (no names), for the named
// ones (LoadBalancerNames.member.N), or for one port definition of a named
// one (LoadBalancerNames.LoadBalancerPort.N and
// LoadBalancerNames.InstancePort.N, both required when either is given).
// One unknown name fails the whole call, as the live API does. Owner is
// accepted: "self" and "all" (and empty) show the emulator's load
// balancers, "other" (load balancers shared by other accounts) shows none.
// Load balancers and port definitions still hidden by
// Options.CreateVisibilityDelay are left out, or not found when named.
func (s *Server) describeLoadBalancers(v url.Values, now time.Time) (any, *apiError) {
	other := false
	switch owner := v.Get("Owner"); owner {
	case "", "self", "all":
	case "other":
		other = true
	default:
		return nil, errIllegal("Owner", owner, "must be self, other or all")
	}
	picks, apiErr := s.describePicks(v, other, now)
	if apiErr != nil {
		return nil, apiErr
	}
	res := &describeLoadBalancersResult{}
	seen := map[*portState]bool{}
	for _, pk := range picks {
		if seen[pk.port] {
			continue
		}
		seen[pk.port] = true
		res.Descriptions.Items = append(res.Descriptions.Items, s.describe(pk.lb, pk.port, now))
	}
	return res, nil
}

// portPick is a port definition chosen by DescribeLoadBalancers.
type portPick struct {
	lb   *lbState
	port *portState
}

// describePicks returns the port definitions a DescribeLoadBalancers call
// asks for, in request order, possibly with repetitions.
func (s *Server) describePicks(v url.Values, other bool, now time.Time) ([]portPick, *apiError) {
	names := list(v, "LoadBalancerNames.member")
	lbPorts := scalarList(v, "LoadBalancerNames.LoadBalancerPort")
	instPorts := scalarList(v, "LoadBalancerNames.InstancePort")
	if apiErr := requireEntries(names, "LoadBalancerNames.member", map[string]map[int]string{
		"LoadBalancerNames.LoadBalancerPort": lbPorts, "LoadBalancerNames.InstancePort": instPorts,
	}); apiErr != nil {
		return nil, apiErr
	}
	var picks []portPick
	if len(names) == 0 && !other {
		for _, lb := range s.lbs {
			if visibleAt(lb.visibleAt, now) {
				for _, p := range lb.visiblePorts(now) {
					picks = append(picks, portPick{lb, p})
				}
			}
		}
	}
	for _, e := range names {
		name := e.Fields[""]
		if name == "" {
			return nil, errMissing(listName("LoadBalancerNames.member", e.Index, ""))
		}
		key, filtered, apiErr := portFilter(e.Index, lbPorts, instPorts)
		if apiErr != nil {
			return nil, apiErr
		}
		lb := s.visibleLB(name, now)
		if lb == nil || other {
			return nil, errLoadBalancerNotFound(name)
		}
		if !filtered {
			for _, p := range lb.visiblePorts(now) {
				picks = append(picks, portPick{lb, p})
			}
			continue
		}
		p := lb.findPort(key, now)
		if p == nil {
			return nil, errPortNotFound(name, key.LoadBalancerPort, key.InstancePort)
		}
		picks = append(picks, portPick{lb, p})
	}
	return picks, nil
}

// requireEntries checks that every N of the narrowing lists (parameter
// prefix -> N -> value) has an entry N in entries (of list prefix).
func requireEntries(entries []listEntry, prefix string, narrowing map[string]map[int]string) *apiError {
	for _, param := range slices.Sorted(maps.Keys(narrowing)) {
		for _, n := range slices.Sorted(maps.Keys(narrowing[param])) {
			if !slices.ContainsFunc(entries, func(e listEntry) bool { return e.Index == n }) {
				return errMissing(listName(prefix, n, ""))
			}
		}
	}
	return nil
}

// scalarList maps N to the value of "<prefix>.N".
func scalarList(v url.Values, prefix string) map[int]string {
	out := map[int]string{}
	for _, e := range list(v, prefix) {
		out[e.Index] = e.Fields[""]
	}
	return out
}

// portFilter reads the port pair of entry n of DescribeLoadBalancers.
func portFilter(n int, lbPorts, instPorts map[int]string) (portKey, bool, *apiError) {
	lbName := listName("LoadBalancerNames.LoadBalancerPort", n, "")
	instName := listName("LoadBalancerNames.InstancePort", n, "")
	lbS, hasLB := lbPorts[n]
	instS, hasInst := instPorts[n]
	switch {
	case !hasLB && !hasInst:
		return portKey{}, false, nil
	case lbS == "":
		return portKey{}, false, errMissing(lbName)
	case instS == "":
		return portKey{}, false, errMissing(instName)
	}
	lbPort, apiErr := parseInt(lbName, lbS, 1, 65535)
	if apiErr != nil {
		return portKey{}, false, apiErr
	}
	instPort, apiErr := parseInt(instName, instS, 1, 65535)
	if apiErr != nil {
		return portKey{}, false, apiErr
	}
	return portKey{lbPort, instPort}, true, nil
}

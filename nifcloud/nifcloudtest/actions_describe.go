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
// Owner is accepted: "self" and "all" (and empty) show the emulator's load
// balancers, "other" (load balancers shared by other accounts) shows none.
func (s *Server) describeLoadBalancers(v url.Values, now time.Time) (any, *apiError) {
	other := false
	switch owner := v.Get("Owner"); owner {
	case "", "self", "all":
	case "other":
		other = true
	default:
		return nil, errIllegal("Owner", owner, "must be self, other or all")
	}
	names := list(v, "LoadBalancerNames.member")
	lbPorts := scalarList(v, "LoadBalancerNames.LoadBalancerPort")
	instPorts := scalarList(v, "LoadBalancerNames.InstancePort")
	for _, ports := range []struct {
		prefix string
		values map[int]string
	}{{"LoadBalancerNames.LoadBalancerPort", lbPorts}, {"LoadBalancerNames.InstancePort", instPorts}} {
		for _, n := range slices.Sorted(maps.Keys(ports.values)) {
			if !slices.ContainsFunc(names, func(e listEntry) bool { return e.Index == n }) {
				return nil, errMissing(listName("LoadBalancerNames.member", n, ""))
			}
		}
	}

	type pick struct {
		lb   *lbState
		port *portState
	}
	var picks []pick
	if len(names) == 0 && !other {
		for _, lb := range s.lbs {
			for _, p := range lb.ports {
				picks = append(picks, pick{lb, p})
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
		lb := s.findLB(name)
		if lb == nil || other {
			return nil, errLoadBalancerNotFound(name)
		}
		if !filtered {
			for _, p := range lb.ports {
				picks = append(picks, pick{lb, p})
			}
			continue
		}
		p := lb.findPort(key)
		if p == nil {
			return nil, errPortNotFound(name, key.LoadBalancerPort, key.InstancePort)
		}
		picks = append(picks, pick{lb, p})
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

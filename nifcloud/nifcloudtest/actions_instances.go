package nifcloudtest

import (
	"net/url"
	"slices"
	"time"
)

// instanceIDs reads Instances.member.N.InstanceId in N order. With
// required, at least one server must be named.
func instanceIDs(v url.Values, required bool) ([]string, *apiError) {
	entries := list(v, instancesList.Prefix)
	if len(entries) == 0 && required {
		return nil, errMissing(listName(instancesList.Prefix, 1, "InstanceId"))
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		id := e.Fields["InstanceId"]
		if id == "" {
			return nil, errMissing(listName(instancesList.Prefix, e.Index, "InstanceId"))
		}
		if slices.Contains(ids, id) {
			return nil, errorf(CodeInstanceDuplicate, "The instance ID '%s' is specified more than once.", clip(id))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// instancesOnPort reads the port definition (LoadBalancerName,
// LoadBalancerPort, InstancePort) and the Instances list of a call, and
// looks the port definition up. It returns the load balancer name as given.
func (s *Server) instancesOnPort(v url.Values, required bool, now time.Time) (string, *portState, []string, *apiError) {
	name, key, apiErr := target(v)
	if apiErr != nil {
		return "", nil, nil, apiErr
	}
	ids, apiErr := instanceIDs(v, required)
	if apiErr != nil {
		return "", nil, nil, apiErr
	}
	_, p, apiErr := s.lookupPort(name, key, now)
	if apiErr != nil {
		return "", nil, nil, apiErr
	}
	return name, p, ids, nil
}

// registerInstances implements RegisterInstancesWithLoadBalancer. The call
// is checked as a whole first; the first offending server in request order
// is named and nothing is registered. The reply lists the servers this call
// registered.
func (s *Server) registerInstances(v url.Values, now time.Time) (any, *apiError) {
	_, p, ids, apiErr := s.instancesOnPort(v, true, now)
	if apiErr != nil {
		return nil, apiErr
	}
	for _, id := range ids {
		if s.instances[id] == nil {
			return nil, errInstanceNotExist(id)
		}
		if p.memberIndex(id) >= 0 {
			return nil, errInstanceRegistered(id)
		}
	}
	res := &registerResult{}
	for _, id := range ids {
		p.members = append(p.members, &memberState{id: id, registeredAt: now})
		res.Instances.Items = append(res.Instances.Items, instanceRef{InstanceID: id, InstanceUniqueID: s.uniqueID(id)})
	}
	return res, nil
}

// deregisterInstances implements DeregisterInstancesFromLoadBalancer, all
// or nothing like registerInstances. The reply lists the removed servers.
func (s *Server) deregisterInstances(v url.Values, now time.Time) (any, *apiError) {
	name, p, ids, apiErr := s.instancesOnPort(v, true, now)
	if apiErr != nil {
		return nil, apiErr
	}
	for _, id := range ids {
		if p.memberIndex(id) < 0 {
			return nil, errInstanceNotRegistered(id, name)
		}
	}
	res := &deregisterResult{}
	for _, id := range ids {
		p.members = slices.Delete(p.members, p.memberIndex(id), p.memberIndex(id)+1)
		res.Instances.Items = append(res.Instances.Items, instanceRef{InstanceID: id, InstanceUniqueID: s.uniqueID(id)})
	}
	return res, nil
}

// describeInstanceHealth implements DescribeInstanceHealth: the health
// results of the named servers (request order) or of all registered ones
// (registration order). Servers without a result yet are left out. Naming a
// server that is not registered on the port definition is an error
// (Client.InvalidParameterNotFound.Instance, "does not register"); the live
// behaviour is unknown (reference §9).
func (s *Server) describeInstanceHealth(v url.Values, now time.Time) (any, *apiError) {
	name, p, ids, apiErr := s.instancesOnPort(v, false, now)
	if apiErr != nil {
		return nil, apiErr
	}
	chosen := p.members
	if len(ids) > 0 {
		chosen = make([]*memberState, 0, len(ids))
		for _, id := range ids {
			i := p.memberIndex(id)
			if i < 0 {
				return nil, errInstanceNotRegistered(id, name)
			}
			chosen = append(chosen, p.members[i])
		}
	}
	res := &describeInstanceHealthResult{}
	res.InstanceStates.Items = s.instanceStatesOf(chosen, now)
	return res, nil
}

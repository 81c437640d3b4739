package nifcloudtest

import (
	"net/url"
	"slices"
	"time"
)

// elasticTargetNames are the parameters naming one elastic listener.
var elasticTargetNames = []string{"ElasticLoadBalancerName", "ElasticLoadBalancerId", "Protocol", "ElasticLoadBalancerPort", "InstancePort"}

// elasticInstancesList is Instances.member.N.InstanceId or
// Instances.member.N.InstanceUniqueId.
var elasticInstancesList = listSpec{Prefix: "Instances.member", Fields: []string{"InstanceId", "InstanceUniqueId"}}

// readElasticTarget reads the elastic load balancer (ElasticLoadBalancerName
// or ElasticLoadBalancerId, exactly one) and the listener (Protocol,
// ElasticLoadBalancerPort, InstancePort, all required) of a call.
func readElasticTarget(v url.Values) (elbRef, elbKey, *apiError) {
	var ref elbRef
	name, id := v.Get("ElasticLoadBalancerName"), v.Get("ElasticLoadBalancerId")
	switch {
	case name != "" && id != "":
		return ref, elbKey{}, errorf(CodeIllegalInput, "Give ElasticLoadBalancerName or ElasticLoadBalancerId, not both.")
	case name != "":
		ref = elbRef{label: "ElasticLoadBalancerName", value: name}
	case id != "":
		ref = elbRef{label: "ElasticLoadBalancerId", value: id, byID: true}
	default:
		return ref, elbKey{}, errorf(CodeMissingParameter, "The parameter 'ElasticLoadBalancerName' or 'ElasticLoadBalancerId' is required.")
	}
	key, apiErr := readElasticKey("Protocol", v.Get("Protocol"), "ElasticLoadBalancerPort", v.Get("ElasticLoadBalancerPort"),
		"InstancePort", v.Get("InstancePort"))
	return ref, key, apiErr
}

// readElasticKey parses a listener from the three named values, all
// required.
func readElasticKey(protoName, proto, portName, port, instName, inst string) (elbKey, *apiError) {
	switch {
	case proto == "":
		return elbKey{}, errMissing(protoName)
	case port == "":
		return elbKey{}, errMissing(portName)
	case inst == "":
		return elbKey{}, errMissing(instName)
	}
	var key elbKey
	var ok bool
	if key.protocol, ok = elasticProtocol(proto); !ok {
		return elbKey{}, errIllegal(protoName, proto, "must be TCP, UDP, HTTP or HTTPS")
	}
	var apiErr *apiError
	if key.elbPort, apiErr = parseInt(portName, port, 1, 65535); apiErr != nil {
		return elbKey{}, apiErr
	}
	if key.instPort, apiErr = parseInt(instName, inst, 1, 65535); apiErr != nil {
		return elbKey{}, apiErr
	}
	return key, nil
}

// elbInstance is a server named in an elastic call.
type elbInstance struct {
	field string // the parameter field: "InstanceId" or "InstanceUniqueId"
	given string // its value
	id    string // the server name; "" for an unknown unique id
}

// readElasticInstances reads Instances.member.N.InstanceId or
// .InstanceUniqueId (one per N) in N order, resolving unique ids to server
// names. With required, at least one server must be named.
func (s *Server) readElasticInstances(v url.Values, required bool) ([]elbInstance, *apiError) {
	prefix := elasticInstancesList.Prefix
	entries := list(v, prefix)
	if len(entries) == 0 && required {
		return nil, errMissing(listName(prefix, 1, "InstanceId"))
	}
	out := make([]elbInstance, 0, len(entries))
	seen := map[string]bool{}
	for _, e := range entries {
		id, uid := e.Fields["InstanceId"], e.Fields["InstanceUniqueId"]
		in := elbInstance{field: "InstanceId", given: id, id: id}
		switch {
		case id != "" && uid != "":
			return nil, errorf(CodeIllegalInput, "Give %s or %s, not both.",
				listName(prefix, e.Index, "InstanceId"), listName(prefix, e.Index, "InstanceUniqueId"))
		case id == "" && uid == "":
			return nil, errMissing(listName(prefix, e.Index, "InstanceId"))
		case uid != "":
			in = elbInstance{field: "InstanceUniqueId", given: uid, id: s.instanceByUniqueID(uid)}
		}
		key := in.id
		if key == "" {
			key = "unique id " + in.given
		}
		if seen[key] {
			return nil, errorf(CodeInstanceDuplicate, "The instance ID '%s' is specified more than once.", clip(in.given))
		}
		seen[key] = true
		out = append(out, in)
	}
	return out, nil
}

// instanceByUniqueID returns the name of the known server with unique id
// uid, or "".
func (s *Server) instanceByUniqueID(uid string) string {
	for _, id := range s.instanceOrder {
		if s.instances[id].uniqueID == uid {
			return id
		}
	}
	return ""
}

// elasticCall is the parsed and looked-up prelude of the three elastic
// instance actions.
type elasticCall struct {
	ref       elbRef
	elb       *elbState
	listener  *elbListenerState
	instances []elbInstance
}

// readElasticCall reads the listener and the Instances list of a call and
// looks the listener up.
func (s *Server) readElasticCall(v url.Values, required bool) (elasticCall, *apiError) {
	var c elasticCall
	ref, key, apiErr := readElasticTarget(v)
	if apiErr != nil {
		return c, apiErr
	}
	if c.instances, apiErr = s.readElasticInstances(v, required); apiErr != nil {
		return c, apiErr
	}
	c.ref = ref
	c.elb, c.listener, apiErr = s.lookupListener(ref, key)
	return c, apiErr
}

// checkAvailable refuses a change of elb while it is not available, with
// Options.ElasticBusyCode.
func (s *Server) checkAvailable(elb *elbState, now time.Time) *apiError {
	if st := elb.state(now); st != ElasticStateAvailable {
		return errorf(s.opts.elasticBusyCode(),
			"The ElasticLoadBalancer '%s' is %s; it can be changed when its State is available.", elb.name, clip(st))
	}
	return nil
}

// changed makes elb busy for Options.ElasticBusy after a change at now.
func (s *Server) changed(elb *elbState, now time.Time) {
	if s.opts.ElasticBusy > 0 {
		elb.busyState = s.opts.elasticBusyState()
		elb.busyUntil = now.Add(s.opts.ElasticBusy)
	}
}

// registerElastic implements NiftyRegisterInstancesWithElasticLoadBalancer.
// The call is checked as a whole first (the first offending server in
// request order is named, nothing is registered); a call that would succeed
// is then refused while the load balancer is not available. On success the
// load balancer is busy for Options.ElasticBusy and the result is empty.
func (s *Server) registerElastic(v url.Values, now time.Time) (any, *apiError) {
	c, apiErr := s.readElasticCall(v, true)
	if apiErr != nil {
		return nil, apiErr
	}
	for _, in := range c.instances {
		if in.id == "" || s.instances[in.id] == nil {
			return nil, errElasticInstanceNotExist(in)
		}
		if memberIndex(c.listener.members, in.id) >= 0 {
			return nil, errElasticInstanceRegistered(in)
		}
	}
	if apiErr := s.checkAvailable(c.elb, now); apiErr != nil {
		return nil, apiErr
	}
	for _, in := range c.instances {
		c.listener.members = append(c.listener.members, &memberState{id: in.id, registeredAt: now})
	}
	s.changed(c.elb, now)
	return &elasticRegisterResult{}, nil
}

// deregisterElastic implements
// NiftyDeregisterInstancesFromElasticLoadBalancer, checked and applied
// like registerElastic. A server that is not registered (or unknown) is
// Client.InvalidParameterNotFound.Instance, "does not register".
func (s *Server) deregisterElastic(v url.Values, now time.Time) (any, *apiError) {
	c, apiErr := s.readElasticCall(v, true)
	if apiErr != nil {
		return nil, apiErr
	}
	for _, in := range c.instances {
		if in.id == "" || memberIndex(c.listener.members, in.id) < 0 {
			return nil, errElasticInstanceNotRegistered(in, c.ref)
		}
	}
	if apiErr := s.checkAvailable(c.elb, now); apiErr != nil {
		return nil, apiErr
	}
	for _, in := range c.instances {
		c.listener.members = slices.DeleteFunc(c.listener.members, func(m *memberState) bool { return m.id == in.id })
	}
	s.changed(c.elb, now)
	return &elasticDeregisterResult{}, nil
}

// describeElasticHealth implements
// NiftyDescribeInstanceElasticLoadBalancerHealth: the health of the named
// servers (request order) or of all registered ones (registration order).
// Unlike the classic action, a server without a result yet is listed, with
// an empty State, as in the only real captures. Naming a server that is
// not registered is an error, as for classic. Reads are never refused.
func (s *Server) describeElasticHealth(v url.Values, now time.Time) (any, *apiError) {
	c, apiErr := s.readElasticCall(v, false)
	if apiErr != nil {
		return nil, apiErr
	}
	chosen := c.listener.members
	if len(c.instances) > 0 {
		chosen = make([]*memberState, 0, len(c.instances))
		for _, in := range c.instances {
			i := memberIndex(c.listener.members, in.id)
			if in.id == "" || i < 0 {
				return nil, errElasticInstanceNotRegistered(in, c.ref)
			}
			chosen = append(chosen, c.listener.members[i])
		}
	}
	res := &elasticHealthResult{}
	for _, m := range chosen {
		res.InstanceStates.Items = append(res.InstanceStates.Items,
			instanceStateXML{InstanceID: m.id, InstanceUniqueID: s.uniqueID(m.id), State: s.elasticHealthOf(m, now)})
	}
	return res, nil
}

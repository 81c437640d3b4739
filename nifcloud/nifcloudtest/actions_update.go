package nifcloudtest

import (
	"net/url"
	"strings"
	"time"
)

// lbUpdate is a parsed UpdateLoadBalancer call; zero values mean "keep".
type lbUpdate struct {
	name          string
	newName       string
	volume        int
	accounting    string
	listener      bool // ListenerUpdate.LoadBalancerPort/InstancePort given
	key           portKey
	protocol      string // upper case; "CUSTOM" for custom
	lbPort        int
	instPort      int
	balancingType int
}

// listenerUpdateNames are the ListenerUpdate.Listener.* parameters.
var listenerUpdateNames = []string{
	"ListenerUpdate.Listener.Protocol", "ListenerUpdate.Listener.LoadBalancerPort",
	"ListenerUpdate.Listener.InstancePort", "ListenerUpdate.Listener.BalancingType",
}

// readLBUpdate parses and checks the parameters of UpdateLoadBalancer.
func readLBUpdate(v url.Values) (lbUpdate, *apiError) {
	var u lbUpdate
	var apiErr *apiError
	if u.name, apiErr = requiredString(v, "LoadBalancerName"); apiErr != nil {
		return u, apiErr
	}
	if u.newName = v.Get("LoadBalancerNameUpdate"); u.newName != "" && !validName(u.newName) {
		return u, errIllegal("LoadBalancerNameUpdate", u.newName, "must be 1 to 15 ASCII letters and digits")
	}
	if v.Get("NetworkVolumeUpdate") != "" {
		if u.volume, apiErr = networkVolume(v, "NetworkVolumeUpdate", 0); apiErr != nil {
			return u, apiErr
		}
	}
	if v.Get("AccountingTypeUpdate") != "" {
		if u.accounting, apiErr = enumValue(v, "AccountingTypeUpdate", "", []string{"1", "2"}); apiErr != nil {
			return u, apiErr
		}
	}
	return readListenerUpdate(v, u)
}

// readListenerUpdate parses the ListenerUpdate.* parameters into u: the
// port definition to change (both ports, required when any
// ListenerUpdate.Listener.* is given) and its new values.
func readListenerUpdate(v url.Values, u lbUpdate) (lbUpdate, *apiError) {
	changes := false
	for _, n := range listenerUpdateNames {
		changes = changes || v.Get(n) != ""
	}
	lbS, instS := v.Get("ListenerUpdate.LoadBalancerPort"), v.Get("ListenerUpdate.InstancePort")
	if !changes && lbS == "" && instS == "" {
		return u, nil
	}
	u.listener = true
	var apiErr *apiError
	if u.key.LoadBalancerPort, apiErr = requiredInt(v, "ListenerUpdate.LoadBalancerPort", 1, 65535); apiErr != nil {
		return u, apiErr
	}
	if u.key.InstancePort, apiErr = requiredInt(v, "ListenerUpdate.InstancePort", 1, 65535); apiErr != nil {
		return u, apiErr
	}
	if p := v.Get("ListenerUpdate.Listener.Protocol"); p != "" {
		u.protocol = strings.ToUpper(p)
		if _, ok := normalizeProtocol(p); !ok && u.protocol != "CUSTOM" {
			return u, errIllegal("ListenerUpdate.Listener.Protocol", p, "must be HTTP, HTTPS, FTP or custom")
		}
	}
	if u.lbPort, apiErr = optionalInt(v, "ListenerUpdate.Listener.LoadBalancerPort", 0, 1, 65535); apiErr != nil {
		return u, apiErr
	}
	if u.instPort, apiErr = optionalInt(v, "ListenerUpdate.Listener.InstancePort", 0, 1, 65535); apiErr != nil {
		return u, apiErr
	}
	u.balancingType, apiErr = optionalInt(v, "ListenerUpdate.Listener.BalancingType", 0, 1, 2)
	return u, apiErr
}

// updateLoadBalancer implements UpdateLoadBalancer: a new name
// (LoadBalancerNameUpdate; a name in use is
// Client.InvalidParameterDuplicate.LoadBalancer), bandwidth
// (NetworkVolumeUpdate), accounting type and one port definition
// (ListenerUpdate.LoadBalancerPort and .InstancePort name it;
// ListenerUpdate.Listener.* are its new values), all or nothing.
//
// AccountingTypeUpdate sets NextMonthAccountingType only: a monthly
// contract runs to the end of the month, so the current AccountingType
// stays. The live semantics are unknown; this is the emulator's choice.
//
// As in CreateLoadBalancer, a new LoadBalancerPort decides the protocol,
// and a Protocol alone (HTTP, HTTPS, FTP) implies its standard port;
// "custom" keeps the port. A LoadBalancerPort used by another port
// definition is Client.Inoperable.LoadBalancerPort.AlreadyExists, and a
// port definition with an enabled sorry page must stay on port 80. A call
// that changes nothing succeeds. The reply holds only ResponseMetadata.
func (s *Server) updateLoadBalancer(v url.Values, now time.Time) (any, *apiError) {
	u, apiErr := readLBUpdate(v)
	if apiErr != nil {
		return nil, apiErr
	}
	lb := s.visibleLB(u.name, now)
	if lb == nil {
		return nil, errLoadBalancerNotFound(u.name)
	}
	if u.newName != "" && u.newName != lb.name && s.findLB(u.newName) != nil {
		return nil, errLoadBalancerDuplicate(u.newName)
	}
	var p *portState
	var l listener
	if u.listener {
		if p = lb.findPort(u.key, now); p == nil {
			return nil, errPortNotFound(u.name, u.key.LoadBalancerPort, u.key.InstancePort)
		}
		if l, apiErr = updatedListener(lb, p, u); apiErr != nil {
			return nil, apiErr
		}
	}
	if u.newName != "" {
		lb.name = u.newName
	}
	if u.volume != 0 {
		lb.networkVolume = u.volume
	}
	if u.accounting != "" {
		lb.nextMonthAccountingType = u.accounting
	}
	if p != nil {
		p.protocol, p.lbPort, p.instPort, p.balancingType = l.protocol, l.lbPort, l.instPort, l.balancingType
	}
	return nil, nil
}

// updatedListener is the listener of p after the ListenerUpdate of u, or
// the reason it cannot be applied.
func updatedListener(lb *lbState, p *portState, u lbUpdate) (listener, *apiError) {
	l := listener{lbPort: p.lbPort, instPort: p.instPort, balancingType: p.balancingType}
	switch {
	case u.lbPort != 0:
		l.lbPort = u.lbPort
	case defaultPortFor(u.protocol) != 0:
		l.lbPort = defaultPortFor(u.protocol)
	}
	l.protocol = protocolFor(l.lbPort)
	if u.instPort != 0 {
		l.instPort = u.instPort
	}
	if u.balancingType != 0 {
		l.balancingType = u.balancingType
	}
	if l.lbPort != p.lbPort {
		for _, other := range lb.ports {
			if other != p && other.lbPort == l.lbPort {
				return listener{}, errPortExists(l.lbPort)
			}
		}
		if p.option != nil && p.option.SorryPage.Enabled && l.lbPort != 80 {
			return listener{}, errorf(CodeIllegalInput,
				"The sorry page of LoadBalancer '%s', loadBalancerPort '%d' is enabled; it needs LoadBalancerPort 80.",
				clip(u.name), p.lbPort)
		}
	}
	return l, nil
}

// toggleUpdate is a parsed "<Prefix>.Enable" with its value parameter.
type toggleUpdate struct {
	given  bool // Enable was sent
	enable bool
	value  int // 0: not sent
}

// readToggle parses "<prefix>.Enable" and "<prefix>.<field>": the value is
// required when enabling, checked by valid (want describes it) whenever
// sent, and needs Enable.
func readToggle(v url.Values, prefix, field string, valid func(int) bool, want string) (toggleUpdate, *apiError) {
	enableName, valueName := prefix+".Enable", prefix+"."+field
	var t toggleUpdate
	enableS, valueS := v.Get(enableName), v.Get(valueName)
	if enableS == "" {
		if valueS != "" {
			return t, errMissing(enableName)
		}
		return t, nil
	}
	var apiErr *apiError
	if t.enable, apiErr = parseBool(enableName, enableS); apiErr != nil {
		return t, apiErr
	}
	t.given = true
	if valueS == "" {
		if t.enable {
			return t, errMissing(valueName)
		}
		return t, nil
	}
	if t.value, apiErr = parseInt(valueName, valueS, 0, 65535); apiErr != nil || !valid(t.value) {
		return t, errIllegal(valueName, valueS, want)
	}
	return t, nil
}

// updateLoadBalancerOption implements UpdateLoadBalancerOption for one
// port definition: SessionStickinessPolicyUpdate.Enable with
// .ExpirationPeriod (minutes, 3-60, required when enabling) and
// SorryPageUpdate.Enable with .StatusCode (200 or 503, required when
// enabling; the sorry page can be enabled on LoadBalancerPort 80 only).
// Disabling keeps the stored period and status code unless new ones are
// sent; a value without its Enable is refused. The first change of a port
// definition without options gives it the default options (stickiness
// off, 3 minutes; sorry page off, 200), which DescribeLoadBalancers then
// shows. The reply holds only ResponseMetadata.
func (s *Server) updateLoadBalancerOption(v url.Values, now time.Time) (any, *apiError) {
	name, key, apiErr := target(v)
	if apiErr != nil {
		return nil, apiErr
	}
	stick, apiErr := readToggle(v, "SessionStickinessPolicyUpdate", "ExpirationPeriod",
		func(n int) bool { return n >= 3 && n <= 60 }, "must be between 3 and 60")
	if apiErr != nil {
		return nil, apiErr
	}
	sorry, apiErr := readToggle(v, "SorryPageUpdate", "StatusCode",
		func(n int) bool { return n == 200 || n == 503 }, "must be 200 or 503")
	if apiErr != nil {
		return nil, apiErr
	}
	_, p, apiErr := s.lookupPort(name, key, now)
	if apiErr != nil {
		return nil, apiErr
	}
	if sorry.enable && p.lbPort != 80 {
		return nil, errorf(CodeIllegalInput,
			"The sorry page can be enabled only on LoadBalancerPort 80, not on LoadBalancer '%s', loadBalancerPort '%d'.",
			clip(name), p.lbPort)
	}
	if !stick.given && !sorry.given {
		return nil, nil
	}
	if p.option == nil {
		p.option = &Option{SessionStickiness: SessionStickiness{ExpirationPeriod: 3}, SorryPage: SorryPage{StatusCode: 200}}
	}
	if stick.given {
		p.option.SessionStickiness.Enabled = stick.enable
		if stick.value != 0 {
			p.option.SessionStickiness.ExpirationPeriod = stick.value
		}
	}
	if sorry.given {
		p.option.SorryPage.Enabled = sorry.enable
		if sorry.value != 0 {
			p.option.SorryPage.StatusCode = sorry.value
		}
	}
	return nil, nil
}

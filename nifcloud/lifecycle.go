package nifcloud

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// Action names of the classic lifecycle operations.
const (
	ActionCreateLoadBalancer           = "CreateLoadBalancer"
	ActionRegisterPortWithLoadBalancer = "RegisterPortWithLoadBalancer"
	ActionDeleteLoadBalancer           = "DeleteLoadBalancer"
	ActionConfigureHealthCheck         = "ConfigureHealthCheck"
	ActionSetFilterForLoadBalancer     = "SetFilterForLoadBalancer"
	ActionUpdateLoadBalancer           = "UpdateLoadBalancer"
	ActionUpdateLoadBalancerOption     = "UpdateLoadBalancerOption"
)

// All the operations below change the load balancer: the client retries
// them only when the request was provably not sent; see IsAmbiguous. An
// optional field left at its zero value (or nil) is not sent.

// CreateLoadBalancerInput describes a new load balancer and its first port
// definition.
type CreateLoadBalancerInput struct {
	// LoadBalancerName is the name of the new load balancer (required;
	// ValidElasticLoadBalancerName, as a sharing prefix makes no sense
	// here).
	LoadBalancerName string `url:"LoadBalancerName"`
	// Listener is the first port definition, sent as
	// Listeners.member.1.*. Protocol or LoadBalancerPort is required;
	// when only one is given the API derives the other, InstancePort
	// defaults to LoadBalancerPort and BalancingType to round robin.
	Listener Listener `url:"Listeners.member.1"`
	// AvailabilityZones are zone names such as "east-11"; empty lets
	// NIFCLOUD choose.
	AvailabilityZones Members[string] `url:"AvailabilityZones,omitempty"`
	// NetworkVolume is the bandwidth in Mbps (10, 20, 30, 40, 100, 200,
	// ...; the API checks the value).
	NetworkVolume int `url:"NetworkVolume,omitempty"`
	// IPVersion is IPVersion4 or IPVersion6.
	IPVersion string `url:"IpVersion,omitempty"`
	// AccountingType is AccountingTypeMonthly or AccountingTypePayPerUse.
	AccountingType string `url:"AccountingType,omitempty"`
	// PolicyType is PolicyTypeStandard or PolicyTypeATS (IPv4 only).
	PolicyType string `url:"PolicyType,omitempty"`
}

// CreateLoadBalancerOutput is the reply of CreateLoadBalancer.
type CreateLoadBalancerOutput struct {
	// DNSName is the global IP address (VIP) of the new load balancer.
	DNSName string
	// RequestID is the request id of the reply.
	RequestID string
}

// CreateLoadBalancer creates a load balancer with one port definition; its
// filter allows every address. A name in use fails with
// CodeLoadBalancerDuplicate.
//
// API reference: https://docs.nifcloud.com/cp/api/CreateLoadBalancer.htm
func (c *Client) CreateLoadBalancer(ctx context.Context, in *CreateLoadBalancerInput) (*CreateLoadBalancerOutput, error) {
	var resp xmlCreateLoadBalancerResponse
	if err := run(ctx, c, ActionCreateLoadBalancer, true, in, &resp); err != nil {
		return nil, err
	}
	return &CreateLoadBalancerOutput{DNSName: resp.DNSName, RequestID: resp.requestID()}, nil
}

func (in *CreateLoadBalancerInput) check() error {
	if err := checkName("LoadBalancerName", in.LoadBalancerName, false); err != nil {
		return err
	}
	if err := checkNewListener(in.Listener); err != nil {
		return err
	}
	for i, zone := range in.AvailabilityZones {
		if zone == "" {
			return fmt.Errorf("%w: empty availability zone at position %d", ErrInvalidInput, i+1)
		}
	}
	if in.NetworkVolume < 0 {
		return fmt.Errorf("%w: NetworkVolume %d is negative", ErrInvalidInput, in.NetworkVolume)
	}
	if err := checkOneOf("IpVersion", in.IPVersion, "", IPVersion4, IPVersion6); err != nil {
		return err
	}
	if err := checkOneOf("AccountingType", in.AccountingType, "", AccountingTypeMonthly, AccountingTypePayPerUse); err != nil {
		return err
	}
	if err := checkOneOf("PolicyType", in.PolicyType, "", PolicyTypeStandard, PolicyTypeATS); err != nil {
		return err
	}
	if in.PolicyType == PolicyTypeATS && in.IPVersion == IPVersion6 {
		return fmt.Errorf("%w: PolicyType %q needs IpVersion %q", ErrInvalidInput, PolicyTypeATS, IPVersion4)
	}
	return nil
}

// checkNewListener validates the listener of CreateLoadBalancer and
// RegisterPortWithLoadBalancer.
func checkNewListener(l Listener) error {
	if err := checkOneOf("Listener Protocol", l.Protocol, "", ProtocolHTTP, ProtocolHTTPS, ProtocolFTP); err != nil {
		return err
	}
	if l.Protocol == "" && l.LoadBalancerPort == 0 {
		return fmt.Errorf("%w: the listener needs a Protocol or a LoadBalancerPort", ErrInvalidInput)
	}
	return checkListenerValues(l)
}

// checkListenerValues validates the ports and balancing type of a listener
// that are set.
func checkListenerValues(l Listener) error {
	if l.LoadBalancerPort != 0 {
		if err := checkPort("Listener LoadBalancerPort", l.LoadBalancerPort); err != nil {
			return err
		}
	}
	if l.InstancePort != 0 {
		if err := checkPort("Listener InstancePort", l.InstancePort); err != nil {
			return err
		}
	}
	return checkOneOf("Listener BalancingType", l.BalancingType, 0, BalancingTypeRoundRobin, BalancingTypeLeastConnection)
}

// RegisterPortWithLoadBalancerInput adds a port definition to a load
// balancer.
type RegisterPortWithLoadBalancerInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// Listener is the new port definition, sent as Listeners.member.1.*,
	// with the rules of CreateLoadBalancerInput.Listener.
	Listener Listener `url:"Listeners.member.1"`
}

// RegisterPortWithLoadBalancerOutput is the reply of
// RegisterPortWithLoadBalancer.
type RegisterPortWithLoadBalancerOutput struct {
	// Listeners are the port definitions added, with the protocol in
	// upper case (the API echoes it in lower case).
	Listeners []Listener
	// RequestID is the request id of the reply.
	RequestID string
}

// RegisterPortWithLoadBalancer adds a port definition to a load balancer;
// its filter allows every address. An existing port fails with
// CodeLoadBalancerPortAlreadyExists.
//
// API reference: https://docs.nifcloud.com/cp/api/RegisterPortWithLoadBalancer.htm
func (c *Client) RegisterPortWithLoadBalancer(ctx context.Context, in *RegisterPortWithLoadBalancerInput) (*RegisterPortWithLoadBalancerOutput, error) {
	var resp xmlRegisterPortResponse
	if err := run(ctx, c, ActionRegisterPortWithLoadBalancer, true, in, &resp); err != nil {
		return nil, err
	}
	return &RegisterPortWithLoadBalancerOutput{Listeners: resp.listeners(), RequestID: resp.requestID()}, nil
}

func (in *RegisterPortWithLoadBalancerInput) check() error {
	if err := checkName("LoadBalancerName", in.LoadBalancerName, true); err != nil {
		return err
	}
	return checkNewListener(in.Listener)
}

// DeleteLoadBalancerInput names the port definition to delete.
type DeleteLoadBalancerInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// LoadBalancerPort and InstancePort identify the port definition
	// (required).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
}

// DeleteLoadBalancerOutput is the reply of DeleteLoadBalancer.
type DeleteLoadBalancerOutput struct {
	// RequestID is the request id of the reply.
	RequestID string
}

// DeleteLoadBalancer deletes one port definition with its servers, health
// check and filter; deleting the last one deletes the load balancer. A
// missing load balancer or port definition fails with
// CodeLoadBalancerNotFound or CodeLoadBalancerPortNotFound.
//
// API reference: https://docs.nifcloud.com/cp/api/DeleteLoadBalancer.htm
func (c *Client) DeleteLoadBalancer(ctx context.Context, in *DeleteLoadBalancerInput) (*DeleteLoadBalancerOutput, error) {
	resp := metadataResponse(ActionDeleteLoadBalancer)
	if err := run(ctx, c, ActionDeleteLoadBalancer, true, in, resp); err != nil {
		return nil, err
	}
	return &DeleteLoadBalancerOutput{RequestID: resp.requestID()}, nil
}

func (in *DeleteLoadBalancerInput) check() error {
	return checkPortDefinition(in.LoadBalancerName, in.LoadBalancerPort, in.InstancePort)
}

// ConfigureHealthCheckInput sets the health check of a port definition.
type ConfigureHealthCheckInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// LoadBalancerPort and InstancePort identify the port definition
	// (required).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
	// Target is HealthCheckTargetICMP or "TCP:<port>" (required).
	Target string `url:"HealthCheck.Target"`
	// Interval is the seconds between checks (required,
	// MinHealthCheckInterval-MaxHealthCheckInterval).
	Interval int `url:"HealthCheck.Interval"`
	// UnhealthyThreshold is the failures before a server is taken out
	// (required, MinHealthCheckThreshold-MaxHealthCheckThreshold).
	UnhealthyThreshold int `url:"HealthCheck.UnhealthyThreshold"`
	// HealthyThreshold is the successes before a server is put back
	// (optional, same range; the API may accept only 1).
	HealthyThreshold int `url:"HealthCheck.HealthyThreshold,omitempty"`
}

// ConfigureHealthCheckOutput is the reply of ConfigureHealthCheck.
type ConfigureHealthCheckOutput struct {
	// HealthCheck is the health check now set: Target, Interval,
	// UnhealthyThreshold and HealthyThreshold.
	HealthCheck HealthCheck
	// RequestID is the request id of the reply.
	RequestID string
}

// ConfigureHealthCheck sets the health check of a port definition.
//
// API reference: https://docs.nifcloud.com/cp/api/ConfigureHealthCheck.htm
func (c *Client) ConfigureHealthCheck(ctx context.Context, in *ConfigureHealthCheckInput) (*ConfigureHealthCheckOutput, error) {
	var resp xmlConfigureHealthCheckResponse
	if err := run(ctx, c, ActionConfigureHealthCheck, true, in, &resp); err != nil {
		return nil, err
	}
	return &ConfigureHealthCheckOutput{HealthCheck: resp.HealthCheck.healthCheck(), RequestID: resp.requestID()}, nil
}

func (in *ConfigureHealthCheckInput) check() error {
	if err := checkPortDefinition(in.LoadBalancerName, in.LoadBalancerPort, in.InstancePort); err != nil {
		return err
	}
	if !ValidHealthCheckTarget(in.Target) {
		return fmt.Errorf("%w: HealthCheck.Target %s: want %q or \"TCP:<port>\"", ErrInvalidInput, quoteShort(in.Target), HealthCheckTargetICMP)
	}
	if err := checkRange("HealthCheck.Interval", in.Interval, MinHealthCheckInterval, MaxHealthCheckInterval); err != nil {
		return err
	}
	if err := checkRange("HealthCheck.UnhealthyThreshold", in.UnhealthyThreshold, MinHealthCheckThreshold, MaxHealthCheckThreshold); err != nil {
		return err
	}
	if in.HealthyThreshold == 0 {
		return nil
	}
	return checkRange("HealthCheck.HealthyThreshold", in.HealthyThreshold, MinHealthCheckThreshold, MaxHealthCheckThreshold)
}

// SetFilterForLoadBalancerInput changes the source address filter of a port
// definition.
type SetFilterForLoadBalancerInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// LoadBalancerPort and InstancePort identify the port definition
	// (required).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
	// FilterType, when set, changes the filter type: FilterTypeAllow or
	// FilterTypeDeny.
	FilterType string `url:"FilterType,omitempty"`
	// IPAddresses are the addresses (or CIDR blocks) to add and remove.
	IPAddresses FilterChanges `url:"IPAddresses"`
}

// FilterChanges are the addresses a SetFilterForLoadBalancer call adds to
// and removes from a filter. No address may be given twice.
type FilterChanges struct {
	// Add are the addresses to add.
	Add []string
	// Remove are the addresses to remove.
	Remove []string
}

// EncodeValues implements query.Encoder: the removals, then the additions,
// as key.member.N.IPAddress with key.member.N.AddOnFilter false or true
// (always sent: the API's default is true). Removing first keeps the list
// short when a change replaces addresses of a full filter.
func (f FilterChanges) EncodeValues(key string, v *url.Values) error {
	n := 0
	for _, list := range []struct {
		addrs []string
		add   bool
	}{{f.Remove, false}, {f.Add, true}} {
		for _, addr := range list.addrs {
			n++
			prefix := key + ".member." + strconv.Itoa(n)
			v.Add(prefix+".IPAddress", addr)
			v.Add(prefix+".AddOnFilter", strconv.FormatBool(list.add))
		}
	}
	return nil
}

// check validates the addresses: none empty, none twice.
func (f FilterChanges) check() error {
	seen := map[string]bool{}
	for _, addr := range append(append([]string(nil), f.Remove...), f.Add...) {
		if addr == "" {
			return fmt.Errorf("%w: empty IP address in the filter changes", ErrInvalidInput)
		}
		if seen[addr] {
			return fmt.Errorf("%w: IP address %s given twice in the filter changes", ErrInvalidInput, quoteShort(addr))
		}
		seen[addr] = true
	}
	return nil
}

// SetFilterForLoadBalancerOutput is the reply of SetFilterForLoadBalancer.
type SetFilterForLoadBalancerOutput struct {
	// Filter is the filter after the change.
	Filter Filter
	// RequestID is the request id of the reply.
	RequestID string
}

// SetFilterForLoadBalancer changes the filter type and adds and removes
// addresses of the filter of a port definition in one call. Adding an
// address already listed fails with CodeIPAddressDuplicate.
//
// API reference: https://docs.nifcloud.com/cp/api/SetFilterForLoadBalancer.htm
func (c *Client) SetFilterForLoadBalancer(ctx context.Context, in *SetFilterForLoadBalancerInput) (*SetFilterForLoadBalancerOutput, error) {
	var resp xmlSetFilterResponse
	if err := run(ctx, c, ActionSetFilterForLoadBalancer, true, in, &resp); err != nil {
		return nil, err
	}
	return &SetFilterForLoadBalancerOutput{Filter: resp.Filter, RequestID: resp.requestID()}, nil
}

func (in *SetFilterForLoadBalancerInput) check() error {
	if err := checkPortDefinition(in.LoadBalancerName, in.LoadBalancerPort, in.InstancePort); err != nil {
		return err
	}
	if err := checkOneOf("FilterType", in.FilterType, "", FilterTypeAllow, FilterTypeDeny); err != nil {
		return err
	}
	if in.FilterType == "" && len(in.IPAddresses.Add) == 0 && len(in.IPAddresses.Remove) == 0 {
		return fmt.Errorf("%w: nothing to change: no FilterType and no addresses", ErrInvalidInput)
	}
	return in.IPAddresses.check()
}

// UpdateLoadBalancerInput changes settings of a load balancer and of one of
// its port definitions.
type UpdateLoadBalancerInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// NetworkVolumeUpdate, when set, is the new bandwidth in Mbps.
	NetworkVolumeUpdate int `url:"NetworkVolumeUpdate,omitempty"`
	// AccountingTypeUpdate, when set, is the new accounting type:
	// AccountingTypeMonthly or AccountingTypePayPerUse.
	AccountingTypeUpdate string `url:"AccountingTypeUpdate,omitempty"`
	// ListenerUpdate, when set, changes one port definition.
	ListenerUpdate *ListenerUpdate `url:"ListenerUpdate,omitempty"`
}

// ListenerUpdate changes the listener of one port definition.
type ListenerUpdate struct {
	// LoadBalancerPort and InstancePort identify the port definition
	// (required).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
	// Listener holds the new values; zero fields are not changed (at
	// least one must be set). Its Protocol may also be ProtocolCustom.
	Listener Listener `url:"Listener"`
}

// EncodeValues implements query.Encoder: key.LoadBalancerPort,
// key.InstancePort and the set fields of the listener as key.Listener.*.
func (u ListenerUpdate) EncodeValues(key string, v *url.Values) error {
	return encodeStruct(key, u, v)
}

// UpdateLoadBalancerOutput is the reply of UpdateLoadBalancer.
type UpdateLoadBalancerOutput struct {
	// RequestID is the request id of the reply.
	RequestID string
}

// UpdateLoadBalancer changes the bandwidth, the accounting type and the
// listener of one port definition of a load balancer.
//
// API reference: https://docs.nifcloud.com/cp/api/UpdateLoadBalancer.htm
func (c *Client) UpdateLoadBalancer(ctx context.Context, in *UpdateLoadBalancerInput) (*UpdateLoadBalancerOutput, error) {
	resp := metadataResponse(ActionUpdateLoadBalancer)
	if err := run(ctx, c, ActionUpdateLoadBalancer, true, in, resp); err != nil {
		return nil, err
	}
	return &UpdateLoadBalancerOutput{RequestID: resp.requestID()}, nil
}

func (in *UpdateLoadBalancerInput) check() error {
	if err := checkName("LoadBalancerName", in.LoadBalancerName, true); err != nil {
		return err
	}
	if in.NetworkVolumeUpdate == 0 && in.AccountingTypeUpdate == "" && in.ListenerUpdate == nil {
		return fmt.Errorf("%w: nothing to update", ErrInvalidInput)
	}
	if in.NetworkVolumeUpdate < 0 {
		return fmt.Errorf("%w: NetworkVolumeUpdate %d is negative", ErrInvalidInput, in.NetworkVolumeUpdate)
	}
	if err := checkOneOf("AccountingTypeUpdate", in.AccountingTypeUpdate, "", AccountingTypeMonthly, AccountingTypePayPerUse); err != nil {
		return err
	}
	if in.ListenerUpdate == nil {
		return nil
	}
	return in.ListenerUpdate.check()
}

// check validates the port definition and the new values.
func (u *ListenerUpdate) check() error {
	if err := checkPort("ListenerUpdate.LoadBalancerPort", u.LoadBalancerPort); err != nil {
		return err
	}
	if err := checkPort("ListenerUpdate.InstancePort", u.InstancePort); err != nil {
		return err
	}
	if u.Listener == (Listener{}) {
		return fmt.Errorf("%w: ListenerUpdate changes nothing", ErrInvalidInput)
	}
	if err := checkOneOf("Listener Protocol", u.Listener.Protocol, "", ProtocolHTTP, ProtocolHTTPS, ProtocolFTP, ProtocolCustom); err != nil {
		return err
	}
	return checkListenerValues(u.Listener)
}

// UpdateLoadBalancerOptionInput changes the session stickiness and the
// sorry page of a port definition.
type UpdateLoadBalancerOptionInput struct {
	// LoadBalancerName is the load balancer (required).
	LoadBalancerName string `url:"LoadBalancerName"`
	// LoadBalancerPort and InstancePort identify the port definition
	// (required).
	LoadBalancerPort int `url:"LoadBalancerPort"`
	InstancePort     int `url:"InstancePort"`
	// SessionStickinessPolicyUpdate, when set, turns stickiness on (with
	// an ExpirationPeriod, required then) or off.
	SessionStickinessPolicyUpdate *SessionStickinessPolicy `url:"SessionStickinessPolicyUpdate,omitempty"`
	// SorryPageUpdate, when set, turns the sorry page on (with a
	// StatusCode, required then) or off. The API is documented to allow
	// it only on LoadBalancerPort 80; the client leaves that to the API.
	SorryPageUpdate *SorryPage `url:"SorryPageUpdate,omitempty"`
}

// UpdateLoadBalancerOptionOutput is the reply of UpdateLoadBalancerOption.
type UpdateLoadBalancerOptionOutput struct {
	// RequestID is the request id of the reply.
	RequestID string
}

// UpdateLoadBalancerOption changes the session stickiness and the sorry
// page of a port definition.
//
// API reference: https://docs.nifcloud.com/cp/api/UpdateLoadBalancerOption.htm
func (c *Client) UpdateLoadBalancerOption(ctx context.Context, in *UpdateLoadBalancerOptionInput) (*UpdateLoadBalancerOptionOutput, error) {
	resp := metadataResponse(ActionUpdateLoadBalancerOption)
	if err := run(ctx, c, ActionUpdateLoadBalancerOption, true, in, resp); err != nil {
		return nil, err
	}
	return &UpdateLoadBalancerOptionOutput{RequestID: resp.requestID()}, nil
}

func (in *UpdateLoadBalancerOptionInput) check() error {
	if err := checkPortDefinition(in.LoadBalancerName, in.LoadBalancerPort, in.InstancePort); err != nil {
		return err
	}
	stickiness, sorry := in.SessionStickinessPolicyUpdate, in.SorryPageUpdate
	if stickiness == nil && sorry == nil {
		return fmt.Errorf("%w: nothing to update", ErrInvalidInput)
	}
	if stickiness != nil && (stickiness.ExpirationPeriod < 0 || stickiness.Enabled && stickiness.ExpirationPeriod == 0) {
		return fmt.Errorf("%w: SessionStickinessPolicyUpdate.ExpirationPeriod %d: want a positive period (required when enabling)",
			ErrInvalidInput, stickiness.ExpirationPeriod)
	}
	if sorry == nil || !sorry.Enabled && sorry.StatusCode == 0 {
		return nil
	}
	return checkOneOf("SorryPageUpdate.StatusCode", sorry.StatusCode, SorryPageStatusOK, SorryPageStatusServiceUnavailable)
}

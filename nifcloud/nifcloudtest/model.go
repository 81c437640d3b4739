package nifcloudtest

import "time"

// Health states of a registered server. InService and OutOfService are the
// values the live API reports; Pending is the emulator's name for "no health
// result yet": such a server is registered but absent from InstanceStates.
const (
	HealthInService    = "InService"
	HealthOutOfService = "OutOfService"
	HealthPending      = "Pending"
)

// Instance is a server the emulator knows, identified by its server name
// (the API's InstanceId, e.g. "web001"). Only known servers can be
// registered on a load balancer.
type Instance struct {
	// InstanceID is the server name.
	InstanceID string `json:"instance_id"`
	// UniqueID is the server's unique id (e.g. "i-0a1b2c3d"); generated
	// from the name when empty.
	UniqueID string `json:"unique_id,omitempty"`
	// Unhealthy pins the server unhealthy: wherever it is registered it is
	// reported OutOfService once its health result has appeared, until it
	// is unpinned.
	Unhealthy bool `json:"unhealthy,omitempty"`
}

// LoadBalancer is a classic (L4) load balancer: a name, one VIP and one to
// three port definitions. It is used both to seed the emulator and in State
// snapshots. Zero fields take the defaults documented on each field.
type LoadBalancer struct {
	// Name is the LoadBalancerName: 1-15 ASCII letters and digits.
	Name string `json:"name"`
	// DNSName is the VIP, an IPv4 address (an IPv6 address when IPVersion
	// is "v6"); allocated when empty (the lowest free address from
	// 198.51.100.20, or 2001:db8:100::20, upwards).
	DNSName string `json:"dns_name,omitempty"`
	// NetworkVolume is the bandwidth in Mbps: 10, 20, 30, 40 or a multiple
	// of 100 up to 2000. Default 10.
	NetworkVolume int `json:"network_volume,omitempty"`
	// PolicyType is "standard" (default) or "ats".
	PolicyType string `json:"policy_type,omitempty"`
	// IPVersion is "v4" (default) or "v6"; no reply names it, but the
	// family of DNSName shows it.
	IPVersion string `json:"ip_version,omitempty"`
	// AvailabilityZones defaults to ["east-11"].
	AvailabilityZones []string `json:"availability_zones,omitempty"`
	// AccountingType is "1" (monthly) or "2" (pay per use, default).
	AccountingType string `json:"accounting_type,omitempty"`
	// NextMonthAccountingType defaults to AccountingType.
	NextMonthAccountingType string `json:"next_month_accounting_type,omitempty"`
	// Description is the memo shown in DescribeLoadBalancers.
	Description string `json:"description,omitempty"`
	// CreatedTime is the default CreatedTime of the ports; default: the
	// emulator's clock when the server is created.
	CreatedTime time.Time `json:"created_time,omitzero"`
	// VisibleAt is when API calls start to see the load balancer (see
	// Options.CreateVisibilityDelay); zero means at once. Test helpers and
	// State see it all along.
	VisibleAt time.Time `json:"visible_at,omitzero"`
	// Ports are the port definitions, at least one and at most three, with
	// distinct LoadBalancerPort values.
	Ports []Port `json:"ports"`
}

// Port is one port definition of a load balancer: its listener, registered
// servers, health check, filter and options.
type Port struct {
	// Protocol is "HTTP", "HTTPS", "FTP" or "" (custom). When seeding, an
	// empty Protocol is derived from LoadBalancerPort (80 HTTP, 443 HTTPS,
	// 21 FTP, otherwise custom), as the live API derives it.
	Protocol string `json:"protocol,omitempty"`
	// LoadBalancerPort is the port the VIP listens on (1-65535).
	LoadBalancerPort int `json:"load_balancer_port"`
	// InstancePort is the servers' port (1-65535); default LoadBalancerPort.
	InstancePort int `json:"instance_port,omitempty"`
	// BalancingType is 1 (round robin, default) or 2 (least connection).
	BalancingType int `json:"balancing_type,omitempty"`
	// SSLCertificateID is shown in the listener when not empty.
	SSLCertificateID string `json:"ssl_certificate_id,omitempty"`
	// CreatedTime defaults to the load balancer's CreatedTime.
	CreatedTime time.Time `json:"created_time,omitzero"`
	// VisibleAt is when API calls start to see the port definition (see
	// Options.CreateVisibilityDelay); zero means at once.
	VisibleAt time.Time `json:"visible_at,omitzero"`
	// Members are the registered servers, in registration order.
	Members []Member `json:"members,omitempty"`
	// HealthCheck defaults to TCP on InstancePort every 10 s, thresholds 1.
	HealthCheck HealthCheck `json:"health_check,omitzero"`
	// Filter defaults to "allow all".
	Filter Filter `json:"filter,omitzero"`
	// Option is shown in DescribeLoadBalancers when not nil.
	Option *Option `json:"option,omitempty"`
}

// Member is a server registered on a port definition or on an elastic
// listener.
type Member struct {
	// InstanceID is the server name; it must be a known Instance.
	InstanceID string `json:"instance_id"`
	// Health forces the reported health: HealthInService, HealthOutOfService
	// or HealthPending. Empty means the state follows the health
	// progression from RegisteredAt (see Options.Health).
	Health string `json:"health,omitempty"`
	// RegisteredAt is when the server was registered. When seeding, zero
	// means "long ago", so every health delay has passed.
	RegisteredAt time.Time `json:"registered_at,omitzero"`
	// State is output only: the health state reported at the time of the
	// snapshot (HealthInService, HealthOutOfService or HealthPending).
	// It is ignored when seeding.
	State string `json:"state,omitempty"`
}

// HealthCheck is the health check of a port definition.
type HealthCheck struct {
	// Target is "TCP:<port>" or "ICMP"; default "TCP:<InstancePort>".
	Target string `json:"target,omitempty"`
	// Interval is in seconds, 5-300; default 10.
	Interval int `json:"interval,omitempty"`
	// Timeout is the value the platform computes and DescribeLoadBalancers
	// shows; when zero it is computed as Interval*UnhealthyThreshold+1 (a
	// guess that matches the reference captures; the real rule is unknown).
	Timeout int `json:"timeout,omitempty"`
	// UnhealthyThreshold is 1-10; default 1.
	UnhealthyThreshold int `json:"unhealthy_threshold,omitempty"`
	// HealthyThreshold is 1-10; default 1.
	HealthyThreshold int `json:"healthy_threshold,omitempty"`
}

// Filter is the access filter of a port definition.
type Filter struct {
	// FilterType is 1 (allow the listed addresses, default) or 2 (deny them).
	FilterType int `json:"filter_type,omitempty"`
	// IPAddresses are IPv4/IPv6 addresses or CIDR blocks, at most 30, in
	// the order they were added. Empty means all addresses; replies show
	// that as "*.*.*.*".
	IPAddresses []string `json:"ip_addresses,omitempty"`
}

// Option holds the optional settings of a port definition.
type Option struct {
	// SessionStickiness is the session stickiness policy.
	SessionStickiness SessionStickiness `json:"session_stickiness"`
	// SorryPage is the sorry page setting.
	SorryPage SorryPage `json:"sorry_page"`
}

// SessionStickiness is the session stickiness policy of a port definition.
type SessionStickiness struct {
	// Enabled turns stickiness on.
	Enabled bool `json:"enabled"`
	// ExpirationPeriod is in minutes, 3-60; default 3.
	ExpirationPeriod int `json:"expiration_period,omitempty"`
}

// SorryPage is the sorry page setting of a port definition.
type SorryPage struct {
	// Enabled turns the sorry page on.
	Enabled bool `json:"enabled"`
	// StatusCode is 200 (default) or 503.
	StatusCode int `json:"status_code,omitempty"`
}

// State is a deep copy of the emulator's state: the classic and the
// elastic load balancers in creation order and the known servers in the order they became known. It
// has the same shape as the seed (Options and the seed file), so a snapshot
// can seed another emulator.
type State struct {
	// LoadBalancers are the load balancers, in creation order.
	LoadBalancers []LoadBalancer `json:"load_balancers"`
	// ElasticLoadBalancers are the elastic load balancers, in creation
	// order.
	ElasticLoadBalancers []ElasticLoadBalancer `json:"elastic_load_balancers"`
	// Instances are the known servers.
	Instances []Instance `json:"instances"`
}

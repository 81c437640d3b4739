package nifcloudtest

import "time"

// States of an elastic load balancer. ElasticStateAvailable is the only
// value the live API is known to report; the transitional value after a
// change is unknown, so the emulator shows Options.ElasticBusyState,
// DefaultElasticBusyState unless set.
const (
	ElasticStateAvailable   = "available"
	DefaultElasticBusyState = "configuring"
)

// ElasticLoadBalancer is a Multi Load Balancer (the API's
// Nifty*ElasticLoadBalancer* family): a name and an id, one VIP, network
// interfaces and one to three listeners. It is used both to seed the
// emulator and in State snapshots. Zero fields take the defaults documented
// on each field.
type ElasticLoadBalancer struct {
	// Name is the ElasticLoadBalancerName: 1-15 ASCII letters and digits.
	Name string `json:"name"`
	// ID is the ElasticLoadBalancerId: "elb-" and 8 lower-case letters or
	// digits; generated from the name when empty.
	ID string `json:"id,omitempty"`
	// DNSName is the VIP, an IPv4 address; default the IP address of the VIP
	// network interface, or else the lowest free address of the pool the
	// classic load balancers use (from 198.51.100.20).
	DNSName string `json:"dns_name,omitempty"`
	// NetworkVolume is the bandwidth in Mbps: 10, 20, 30, 40, 100, 200,
	// 300, 400 or 500 (reference next §1.0). Default 10.
	NetworkVolume int `json:"network_volume,omitempty"`
	// AccountingType is "1" (monthly) or "2" (pay per use, default).
	AccountingType string `json:"accounting_type,omitempty"`
	// NextMonthAccountingType defaults to AccountingType.
	NextMonthAccountingType string `json:"next_month_accounting_type,omitempty"`
	// AvailabilityZone is the zone the load balancer was created in;
	// default "east-11".
	AvailabilityZone string `json:"availability_zone,omitempty"`
	// NetworkInterfaces default to one interface on the common global
	// network ("net-COMMON_GLOBAL", device index 1) carrying the VIP.
	// Exactly one of them is the VIP network.
	NetworkInterfaces []NetworkInterface `json:"network_interfaces,omitempty"`
	// Version is the load balancer's version; default "v2.0".
	Version string `json:"version,omitempty"`
	// VersionOutdated reports IsLatest false for Version.
	VersionOutdated bool `json:"version_outdated,omitempty"`
	// CreatedTime defaults to the emulator's clock when the server is
	// created.
	CreatedTime time.Time `json:"created_time,omitzero"`
	// State is the load balancer's state: empty or ElasticStateAvailable
	// when seeding means available; any other value holds until StateUntil
	// (for ever when StateUntil is zero), and changes are refused meanwhile.
	// In snapshots it is the state at the time of the snapshot.
	State string `json:"state,omitempty"`
	// StateUntil ends a State other than available; see State.
	StateUntil time.Time `json:"state_until,omitzero"`
	// Listeners are the listeners ("ports"), at least one and at most
	// three, with distinct (Protocol, ElasticLoadBalancerPort) pairs.
	Listeners []ElasticListener `json:"listeners"`
}

// NetworkInterface is a network interface of an elastic load balancer.
type NetworkInterface struct {
	// NetworkID is the network, e.g. "net-COMMON_GLOBAL" or a private LAN.
	NetworkID string `json:"network_id"`
	// NetworkName is the network's name, if any.
	NetworkName string `json:"network_name,omitempty"`
	// DeviceIndex numbers the interfaces from 1; default the position in
	// the list plus one.
	DeviceIndex int `json:"device_index,omitempty"`
	// IPAddress is the interface's IPv4 address; on the VIP network it
	// defaults to the load balancer's DNSName.
	IPAddress string `json:"ip_address,omitempty"`
	// IsVIPNetwork marks the interface that carries the VIP.
	IsVIPNetwork bool `json:"is_vip_network,omitempty"`
	// Description is the interface's memo.
	Description string `json:"description,omitempty"`
	// SystemIPAddresses are the platform's own IPv4 addresses on the
	// network.
	SystemIPAddresses []string `json:"system_ip_addresses,omitempty"`
}

// ElasticListener is one listener of an elastic load balancer, identified
// by (Protocol, ElasticLoadBalancerPort, InstancePort), with its own
// registered servers, health check and settings.
type ElasticListener struct {
	// Protocol is "TCP", "UDP", "HTTP" or "HTTPS" (required).
	Protocol string `json:"protocol"`
	// ElasticLoadBalancerPort is the port the VIP listens on (1-65535).
	ElasticLoadBalancerPort int `json:"elastic_load_balancer_port"`
	// InstancePort is the servers' port (1-65535); default
	// ElasticLoadBalancerPort.
	InstancePort int `json:"instance_port,omitempty"`
	// BalancingType is 1 (round robin, default) or 2 (least connection).
	BalancingType int `json:"balancing_type,omitempty"`
	// Description is the listener's memo, at most 500 characters.
	Description string `json:"description,omitempty"`
	// SSLCertificateID is required for HTTPS and refused otherwise.
	SSLCertificateID string `json:"ssl_certificate_id,omitempty"`
	// SessionStickiness is the stickiness policy; default off.
	SessionStickiness ElasticStickiness `json:"session_stickiness,omitzero"`
	// SorryPage is the sorry page; default off. HTTP and HTTPS only.
	SorryPage ElasticSorryPage `json:"sorry_page,omitzero"`
	// Members are the registered servers, in registration order; their
	// health follows Options.Health as for classic port definitions.
	Members []Member `json:"members,omitempty"`
	// HealthCheck defaults to TCP on InstancePort every 10 s, threshold 1.
	HealthCheck ElasticHealthCheck `json:"health_check,omitzero"`
}

// ElasticStickiness is the session stickiness policy of an elastic
// listener. Method and ExpirationPeriod are shown only when enabled.
type ElasticStickiness struct {
	// Enabled turns stickiness on.
	Enabled bool `json:"enabled,omitempty"`
	// Method is 1 (source IP, the default when enabled) or 2 (cookie).
	Method int `json:"method,omitempty"`
	// ExpirationPeriod is in minutes, 3-1440; default 3 when enabled.
	ExpirationPeriod int `json:"expiration_period,omitempty"`
}

// ElasticSorryPage is the sorry page of an elastic listener.
type ElasticSorryPage struct {
	// Enabled turns the sorry page on; it needs RedirectURL.
	Enabled bool `json:"enabled,omitempty"`
	// RedirectURL is the http or https URL clients are sent to; shown only
	// when enabled.
	RedirectURL string `json:"redirect_url,omitempty"`
}

// ElasticHealthCheck is the health check of an elastic listener.
type ElasticHealthCheck struct {
	// Target is "TCP:<port>", "HTTP:<port>", "HTTPS:<port>" or "ICMP";
	// default "TCP:<InstancePort>".
	Target string `json:"target,omitempty"`
	// Interval is in seconds, 5-300; default 10.
	Interval int `json:"interval,omitempty"`
	// UnhealthyThreshold is 1-10; default 1.
	UnhealthyThreshold int `json:"unhealthy_threshold,omitempty"`
	// Path is the request path of HTTP and HTTPS targets (starts with "/",
	// at most 255 characters).
	Path string `json:"path,omitempty"`
	// Expectation are the expected HTTP status codes of HTTP and HTTPS
	// targets, 1 to 10 of them: three digits (e.g. "200") or a class
	// ("2xx").
	Expectation []string `json:"expectation,omitempty"`
}

package nifcloudtest

import (
	"net/http"
	"time"
)

// DefaultMaxClockSkew is how far a request's Timestamp may be from the
// emulator's clock, in either direction, when Options.MaxClockSkew is zero.
const DefaultMaxClockSkew = 15 * time.Minute

// Credential is an access key and its secret.
type Credential struct {
	// AccessKeyID is the public key id sent as AccessKeyId.
	AccessKeyID string `json:"access_key_id"`
	// SecretAccessKey signs requests; the emulator never prints it.
	SecretAccessKey string `json:"secret_access_key"`
}

// Health sets how a newly registered server's health result develops.
// Both delays count from the registration: the server is absent from
// InstanceStates (HealthPending) until Appear has passed, then OutOfService
// until InService has passed, then InService. Zero delays mean InService at
// once; an InService delay shorter than Appear acts as equal to it. A server
// pinned unhealthy (Instance.Unhealthy) stays OutOfService after Appear.
type Health struct {
	// Appear is the delay before the first health result.
	Appear time.Duration
	// InService is the delay before the server is InService.
	InService time.Duration
}

// Options configure a Server. The seed fields (Credentials, Instances,
// LoadBalancers, ElasticLoadBalancers) can also be read from a JSON file with LoadSeed.
type Options struct {
	// Credentials are the accepted access keys; at least one is required.
	Credentials []Credential `json:"credentials"`
	// Instances are the known servers.
	Instances []Instance `json:"instances,omitempty"`
	// LoadBalancers is the initial set of load balancers.
	LoadBalancers []LoadBalancer `json:"load_balancers,omitempty"`
	// ElasticLoadBalancers is the initial set of elastic load balancers.
	ElasticLoadBalancers []ElasticLoadBalancer `json:"elastic_load_balancers,omitempty"`

	// Now is the emulator's clock, used for Timestamp checks, health
	// progression, created times and the request log; default time.Now.
	// It must be safe for concurrent use.
	Now func() time.Time `json:"-"`
	// Health sets the health progression of newly registered servers.
	Health Health `json:"-"`
	// CreateVisibilityDelay hides what CreateLoadBalancer and
	// RegisterPortWithLoadBalancer create from every other call for that
	// long (on Now), as an eventually consistent API would: until then
	// DescribeLoadBalancers leaves it out and calls addressed to it answer
	// Client.InvalidParameterNotFound.LoadBalancer or
	// ...LoadBalancerPort. The name and port stay taken meanwhile. Zero
	// (default) shows them at once. Reference §6.4 reports such misses
	// right after a create; the real delay is unknown.
	CreateVisibilityDelay time.Duration `json:"-"`
	// ElasticBusy is how long an elastic load balancer stays out of
	// ElasticStateAvailable after each successful change (register or
	// deregister), measured on Now; zero (default) keeps it available.
	// Meanwhile its State is ElasticBusyState and changes are refused with
	// ElasticBusyCode; reads are never refused. The live API has such a
	// State (reference next §1.3) but its values and refusals are unknown.
	ElasticBusy time.Duration `json:"-"`
	// ElasticBusyState is the State shown while busy; default
	// DefaultElasticBusyState ("configuring"). It must not be
	// ElasticStateAvailable.
	ElasticBusyState string `json:"-"`
	// ElasticBusyCode is the error code of a change refused because the
	// elastic load balancer is not available, sent with ErrorStatus;
	// default CodeElasticLoadBalancerBusy.
	ElasticBusyCode string `json:"-"`
	// ErrorStatus is the HTTP status of Client.* error replies and of
	// injected faults that do not set one; default 500, as the official
	// tooling expects (reference §5.2). Authentication failures always use
	// 401.
	ErrorStatus int `json:"-"`
	// MaxClockSkew bounds |Timestamp - Now()|; default DefaultMaxClockSkew.
	MaxClockSkew time.Duration `json:"-"`
	// Latency is added to every API call before it is handled (real time,
	// not Now), to simulate a remote API. It ends early if the client goes
	// away.
	Latency time.Duration `json:"-"`
	// RequestID generates the request id of each reply; default random
	// UUIDs. Set it for deterministic golden files. It is called with the
	// emulator's lock held, so it need not be safe for concurrent use, and
	// it must not call the Server's methods.
	RequestID func() string `json:"-"`
	// Inspection enables the unauthenticated /_emulator/ endpoints (see
	// Server.ServeHTTP). They answer loopback clients only.
	Inspection bool `json:"-"`
	// OnRequest, when set, is called with each logged API request after its
	// reply was written (outside the emulator's lock, possibly from several
	// goroutines at once), e.g. to print a log.
	OnRequest func(Request) `json:"-"`
}

func (o *Options) errorStatus() int {
	if o.ErrorStatus == 0 {
		return http.StatusInternalServerError
	}
	return o.ErrorStatus
}

func (o *Options) maxSkew() time.Duration {
	if o.MaxClockSkew == 0 {
		return DefaultMaxClockSkew
	}
	return o.MaxClockSkew
}

func (o *Options) elasticBusyState() string {
	if o.ElasticBusyState == "" {
		return DefaultElasticBusyState
	}
	return o.ElasticBusyState
}

func (o *Options) elasticBusyCode() string {
	if o.ElasticBusyCode == "" {
		return CodeElasticLoadBalancerBusy
	}
	return o.ElasticBusyCode
}

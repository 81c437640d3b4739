// Package nifcloudtest is a local emulator of the NIFCLOUD Computing API's
// load-balancer actions, classic and Multi Load Balancer, for tests, demos
// and trying the module without an account. It is an http.Handler, the way
// net/http/httptest is a package: wrap a Server in httptest.NewServer, or
// serve it with the nifcloud-emulator command beside this package. It does
// not import the client package nifcloud, so that one canonicalisation bug
// cannot hide in both.
//
// # What it emulates
//
// Requests go to /api/ as GET (query) or POST (form body, whatever the
// Content-Type) and must be signed with Signature Version 2 (HmacSHA256 or
// HmacSHA1) by one of the configured credentials, over the Host header as
// received and the path as sent, with a Timestamp within 15 minutes of the
// emulator's clock. The emulator verifies signatures with its own
// canonicaliser (it does not share code with the client package) and
// compares them in constant time. Refusals use the code Client.AuthFailure
// with HTTP 401: the live API's code for authentication failures is
// unknown, so this is the emulator's choice.
//
// Implemented actions (see Actions):
//   - classic load balancers: DescribeLoadBalancers,
//     RegisterInstancesWithLoadBalancer, DeregisterInstancesFromLoadBalancer,
//     DescribeInstanceHealth, CreateLoadBalancer,
//     RegisterPortWithLoadBalancer, DeleteLoadBalancer,
//     ConfigureHealthCheck, SetFilterForLoadBalancer, UpdateLoadBalancer and
//     UpdateLoadBalancerOption;
//   - Multi Load Balancers: NiftyDescribeElasticLoadBalancers,
//     NiftyRegisterInstancesWithElasticLoadBalancer,
//     NiftyDeregisterInstancesFromElasticLoadBalancer and
//     NiftyDescribeInstanceElasticLoadBalancerHealth.
//
// Any other Action is refused with CodeUnknownAction, and any parameter an
// action does not take with CodeUnknownParameter naming it, so a misspelt
// parameter shows up in tests. Action, Version (any value, or none) and the
// authentication parameters are accepted everywhere, and so is the empty
// "<List>.member=" key the official Go SDK sends for an empty list.
//
// The state follows the reference model: load balancers with a VIP and one
// to three port definitions, each with its own registered servers (in
// registration order), health check, filter and options, plus a set of known
// servers. Replies use the element names, order and namespace of the golden
// files in nifcloud/testdata/responses; errors use the <Response><Errors>
// envelope with the codes and messages of nifcloud/testdata/errors and HTTP
// 500 by default (Options.ErrorStatus). Each action validates its whole call
// before changing anything, so a failed call changes nothing. The error
// codes the emulator chose where the live API's are unknown are listed with
// the Code constants.
//
// Choices where the live semantics are unknown: UpdateLoadBalancer's
// AccountingTypeUpdate sets NextMonthAccountingType only (the current
// month's AccountingType stays, as a monthly contract runs to the end of
// the month); a new LoadBalancerPort decides the protocol there as in
// CreateLoadBalancer. UpdateLoadBalancerOption enables the sorry page on
// LoadBalancerPort 80 only and needs ExpirationPeriod (3-60) or StatusCode
// (200, 503) when enabling. A multi-server call fails as a whole.
//
// Multi Load Balancers (ElasticLoadBalancer) have a name and an id
// ("elb-" and 8 characters), a VIP, network interfaces, a version, a
// State and one to three listeners keyed by (Protocol,
// ElasticLoadBalancerPort, InstancePort), each with its own servers,
// health check, stickiness and sorry page. NiftyDescribeElasticLoadBalancers
// gives one description per load balancer with its listeners, narrowed by
// name or id, by listener, and by the filters availability-zone, state,
// elastic-loadbalancer-id, elastic-loadbalancer-name, accounting-type,
// ip-address and version (exact values; "description" and unknown names are
// refused). The instance actions take ElasticLoadBalancerName or
// ElasticLoadBalancerId (exactly one) and servers by InstanceId or
// InstanceUniqueId, and reply with the codes and "Instances_member_..."
// messages of the live API.
//
// State of a Multi Load Balancer: only "available" is known from the live
// API, and neither the transitional value nor how changes are refused
// meanwhile. The emulator's choice: after each successful register or
// deregister the load balancer shows Options.ElasticBusyState
// (DefaultElasticBusyState, "configuring") for Options.ElasticBusy (zero,
// the default, keeps it available), and a register or deregister that would
// otherwise succeed is refused meanwhile with Options.ElasticBusyCode
// (CodeElasticLoadBalancerBusy,
// Server.ResourceIncorrectState.ElasticLoadBalancer.Processing, by analogy
// with the .Processing codes of other computing resources) and
// Options.ErrorStatus. Reads are never refused. SetElasticState forces a
// State for a while, e.g. to start a test with a busy load balancer.
//
// Health: a newly registered server has no health result at first
// (HealthPending: absent from the classic InstanceStates; listed with an
// empty State by the elastic actions, as in the only real captures), then
// is OutOfService, then InService, after the delays of Options.Health,
// measured on the injectable clock Options.Now. Servers can be pinned
// unhealthy (PinUnhealthy) and member states forced (SetHealth,
// SetElasticHealth, or Member.Health when seeding).
//
// Eventual consistency: with Options.CreateVisibilityDelay a load balancer
// made by CreateLoadBalancer, or a port definition added by
// RegisterPortWithLoadBalancer, is hidden from every other call for that
// long: DescribeLoadBalancers leaves it out and calls addressed to it
// answer Client.InvalidParameterNotFound.LoadBalancer or
// ...LoadBalancerPort, as the live API sometimes does right after a create
// (reference §6.4). Its name and port stay taken meanwhile; State and the
// test helpers see it at once.
//
// Faults (Inject) make chosen calls fail with an error, a delay, a dropped
// connection, a malformed body, or fail after applying their change.
// Options.Latency slows every call.
//
// Inspection: Requests, CountActions, Members, ElasticMembers and State
// expose what happened; with Options.Inspection the same is served as JSON under
// /_emulator/ for scripts (see Server.ServeHTTP).
//
// Sign, StringToSign and NewSignedRequest sign requests for tests, examples
// and scripts that do not use the client package.
package nifcloudtest

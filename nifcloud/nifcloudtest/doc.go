// Package nifcloudtest is a local emulator of the NIFCLOUD Computing API's
// classic load-balancer actions, for tests, demos and trying the module
// without an account. It is an http.Handler, the way net/http/httptest is a
// package: wrap a Server in httptest.NewServer, or serve it with the
// nifcloud-emulator command beside this package.
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
// Implemented actions (see Actions): DescribeLoadBalancers,
// RegisterInstancesWithLoadBalancer, DeregisterInstancesFromLoadBalancer,
// DescribeInstanceHealth, CreateLoadBalancer, RegisterPortWithLoadBalancer,
// DeleteLoadBalancer, ConfigureHealthCheck and SetFilterForLoadBalancer.
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
// Health: a newly registered server has no health result at first
// (HealthPending: absent from InstanceStates), then is OutOfService, then
// InService, after the delays of Options.Health, measured on the injectable
// clock Options.Now. Servers can be pinned unhealthy (PinUnhealthy) and
// member states forced (SetHealth, or Member.Health when seeding).
//
// Faults (Inject) make chosen calls fail with an error, a delay, a dropped
// connection, a malformed body, or fail after applying their change.
// Options.Latency slows every call.
//
// Inspection: Requests, CountActions, Members and State expose what
// happened; with Options.Inspection the same is served as JSON under
// /_emulator/ for scripts (see Server.ServeHTTP).
//
// Sign, StringToSign and NewSignedRequest sign requests for tests, examples
// and scripts that do not use the client package.
package nifcloudtest

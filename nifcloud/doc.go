// Package nifcloud is a small client for the load-balancer actions of the
// NIFCLOUD Computing API:
//
//   - classic load balancers ("ロードバランサー(L4)"), whose port
//     definitions are named by LoadBalancerName, LoadBalancerPort and
//     InstancePort: DescribeLoadBalancers, RegisterInstancesWithLoadBalancer,
//     DeregisterInstancesFromLoadBalancer and DescribeInstanceHealth, and the
//     lifecycle actions CreateLoadBalancer, RegisterPortWithLoadBalancer,
//     DeleteLoadBalancer (one port definition), ConfigureHealthCheck,
//     SetFilterForLoadBalancer, UpdateLoadBalancer and
//     UpdateLoadBalancerOption;
//   - Multi Load Balancers (the Nifty*ElasticLoadBalancer* family), named by
//     ElasticLoadBalancerName or ElasticLoadBalancerId, whose listeners are
//     named by Protocol, ElasticLoadBalancerPort and InstancePort:
//     NiftyDescribeElasticLoadBalancers,
//     NiftyRegisterInstancesWithElasticLoadBalancer,
//     NiftyDeregisterInstancesFromElasticLoadBalancer and
//     NiftyDescribeInstanceElasticLoadBalancerHealth.
//
// Each action is a Client method with an input and an output struct. An
// input the client can tell is wrong (a missing or malformed name, a port
// outside MinPort-MaxPort, a value outside a documented set, nothing to
// change) fails with an error wrapping ErrInvalidInput before any request.
// The facts behind these checks are exported for callers that check their
// own options: ValidPort, ValidLoadBalancerName, ValidElasticLoadBalancerName,
// ValidHealthCheckTarget and the constants of the documented values. The
// error codes callers act on are exported as Code* constants.
//
// Requests are form-encoded POSTs to the /api/ path of an endpoint, signed
// with Signature Version 2 (HmacSHA256 by default, HmacSHA1 on request) and a
// fresh Timestamp on every attempt. Replies are XML, decoded with
// encoding/xml by element local names (any namespace), an empty number,
// boolean or time element reading as absent; the output structs hold what
// the modules use, not every element of a reply. Failures come back as
// *APIError, whose Code is the NIFCLOUD error code.
//
// Read calls are retried on transient failures (connection errors, HTTP 429,
// 502, 503, 504 and 509, a 500 without an error envelope, Server.* codes) with
// aws/retry's standard retryer: NewRetryer, DefaultMaxAttempts attempts,
// exponential backoff with jitter. Client.* codes are never retried. Mutating
// calls (every action but the Describe* ones) are retried only when the
// request provably never left the client; any other transient failure of a
// mutating call is returned at once and IsAmbiguous reports it, so the caller
// can read the state again before deciding.
//
// The secret access key and the request signature never appear in an error,
// in Attempt or in the client's String form.
//
// Typical use:
//
//	endpoint, err := nifcloud.ResolveEndpoint("jp-east-1", "")
//	if err != nil { ... }
//	c, err := nifcloud.New(endpoint, aws.Credentials{AccessKeyID: id, SecretAccessKey: secret})
//	if err != nil { ... }
//	out, err := c.DescribeLoadBalancers(ctx, &nifcloud.DescribeLoadBalancersInput{
//		LoadBalancers: []nifcloud.LoadBalancerSelector{{Name: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}},
//	})
//
// API reference: https://docs.nifcloud.com/cp/api/ (parameters and common
// authentication: https://docs.nifcloud.com/cp/api/authenticate.htm).
package nifcloud

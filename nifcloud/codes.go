package nifcloud

// Error codes (APIError.Code, ErrorCode) that callers act on. The API
// reports them with HTTP 500 as often as with 400: compare codes, not
// statuses.

// Codes of the classic load balancer actions.
const (
	// CodeLoadBalancerNotFound: no load balancer has the name (or it is
	// not visible yet just after its creation).
	CodeLoadBalancerNotFound = "Client.InvalidParameterNotFound.LoadBalancer"
	// CodeLoadBalancerPortNotFound: the load balancer has no port
	// definition with the two ports.
	CodeLoadBalancerPortNotFound = "Client.InvalidParameterNotFound.LoadBalancerPort"
	// CodeInstanceNotFound: on register, the server does not exist; on
	// deregister, it is not registered on the port definition (or the
	// elastic listener). Elastic actions use it too.
	CodeInstanceNotFound = "Client.InvalidParameterNotFound.Instance"
	// CodeInstanceAlreadyRegistered: the server is already registered on
	// the port definition.
	CodeInstanceAlreadyRegistered = "Client.Inoperable.LoadBalancer.HavingRegisteredInstance"
	// CodeLoadBalancerDuplicate: CreateLoadBalancer with a name in use.
	CodeLoadBalancerDuplicate = "Client.InvalidParameterDuplicate.LoadBalancer"
	// CodeLoadBalancerPortAlreadyExists: RegisterPortWithLoadBalancer
	// with a port the load balancer already has.
	CodeLoadBalancerPortAlreadyExists = "Client.Inoperable.LoadBalancerPort.AlreadyExists"
	// CodeIPAddressDuplicate: SetFilterForLoadBalancer adds an address
	// the filter already lists.
	CodeIPAddressDuplicate = "Client.InvalidParameterDuplicate.IpAddress"
)

// Codes of the Multi Load Balancer (elastic) actions.
const (
	// CodeElasticLoadBalancerNotFound: no elastic load balancer has the
	// name.
	CodeElasticLoadBalancerNotFound = "Client.InvalidParameterNotFound.ElasticLoadBalancer"
	// CodeElasticLoadBalancerIDNotFound: no elastic load balancer has the
	// id (seen only in the official Terraform provider; it may also be
	// reported as CodeElasticLoadBalancerNotFound).
	CodeElasticLoadBalancerIDNotFound = "Client.InvalidParameterNotFound.ElasticLoadBalancerId"
	// CodeElasticListenerNotFound: the load balancer has no listener
	// with the protocol and ports.
	CodeElasticListenerNotFound = "Client.InvalidParameterNotFound.Protocol.or.ElasticLoadBalancerPort"
	// CodeElasticLoadBalancerPortNotFound: the other code the official
	// SDKs accept for a missing listener.
	CodeElasticLoadBalancerPortNotFound = "Client.InvalidParameterNotFound.ElasticLoadBalancerPort"
	// CodeElasticInstanceAlreadyRegistered: the server is already
	// registered on the listener.
	CodeElasticInstanceAlreadyRegistered = "Client.Inoperable.ElasticLoadBalancer.HavingRegisteredInstance"
)

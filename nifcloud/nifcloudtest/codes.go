package nifcloudtest

import (
	"fmt"
	"net/http"
	"strings"
)

// Error codes the emulator replies with. The first group is taken from
// observed NIFCLOUD replies (reference §5.3) together with their messages;
// the second group is the emulator's own choice where the live API's code is
// unknown (authentication, input validation, unknown actions and parameters).
const (
	// CodeLoadBalancerNotFound: no load balancer has the given name.
	CodeLoadBalancerNotFound = "Client.InvalidParameterNotFound.LoadBalancer"
	// CodeLoadBalancerPortNotFound: the load balancer exists but has no port
	// definition with the given (LoadBalancerPort, InstancePort) pair.
	CodeLoadBalancerPortNotFound = "Client.InvalidParameterNotFound.LoadBalancerPort"
	// CodeInstanceNotFound: Register names an unknown server, or Deregister
	// and DescribeInstanceHealth name a server that is not registered on the
	// port definition (the message tells which).
	CodeInstanceNotFound = "Client.InvalidParameterNotFound.Instance"
	// CodeInstanceAlreadyRegistered: Register names a server that is already
	// registered on the port definition.
	CodeInstanceAlreadyRegistered = "Client.Inoperable.LoadBalancer.HavingRegisteredInstance"
	// CodeLoadBalancerDuplicate: CreateLoadBalancer with a name in use.
	CodeLoadBalancerDuplicate = "Client.InvalidParameterDuplicate.LoadBalancer"
	// CodePortAlreadyExists: RegisterPortWithLoadBalancer with a
	// LoadBalancerPort the load balancer already listens on.
	CodePortAlreadyExists = "Client.Inoperable.LoadBalancerPort.AlreadyExists"
	// CodeIPAddressDuplicate: SetFilterForLoadBalancer adds an address that
	// is already in the filter.
	CodeIPAddressDuplicate = "Client.InvalidParameterDuplicate.IpAddress"
	// CodeElasticLoadBalancerNotFound: no elastic load balancer has the
	// given name or id.
	CodeElasticLoadBalancerNotFound = "Client.InvalidParameterNotFound.ElasticLoadBalancer"
	// CodeElasticListenerNotFound: the elastic load balancer exists but has
	// no listener with the given (Protocol, ElasticLoadBalancerPort,
	// InstancePort).
	CodeElasticListenerNotFound = "Client.InvalidParameterNotFound.Protocol.or.ElasticLoadBalancerPort"
	// CodeElasticInstanceAlreadyRegistered: an elastic Register names a
	// server that is already registered on the listener. (Unknown servers
	// and non-members are CodeInstanceNotFound, as for classic.)
	CodeElasticInstanceAlreadyRegistered = "Client.Inoperable.ElasticLoadBalancer.HavingRegisteredInstance"
	// CodeInternalError is the live API's generic server-side failure; the
	// emulator sends it for injected faults that set no code, and when
	// CreateLoadBalancer finds no free VIP.
	CodeInternalError = "Server.InternalError"

	// CodeElasticLoadBalancerBusy (emulator's choice; the default of
	// Options.ElasticBusyCode): an elastic Register or Deregister while
	// the load balancer is not available. No source shows the live code;
	// this follows the Server.ResourceIncorrectState.<Resource>.Processing
	// codes of other computing resources (reference §5.3, §7).
	CodeElasticLoadBalancerBusy = "Server.ResourceIncorrectState.ElasticLoadBalancer.Processing"
	// CodeAuthFailure (emulator's choice, HTTP 401): missing authentication
	// parameter, unsupported SignatureVersion or SignatureMethod, unknown
	// access key, Timestamp outside the allowed skew, or wrong Signature.
	CodeAuthFailure = "Client.AuthFailure"
	// CodeUnknownAction (emulator's choice): the Action is not one the
	// emulator implements.
	CodeUnknownAction = "Client.InvalidParameterUnknown.Action"
	// CodeUnknownParameter (emulator's choice): the request carries a
	// parameter the action does not accept; the message names it.
	CodeUnknownParameter = "Client.InvalidParameterUnknown"
	// CodeDuplicateParameter (emulator's choice): a parameter name occurs
	// more than once in the request.
	CodeDuplicateParameter = "Client.InvalidParameterDuplicate.Parameter"
	// CodeMissingParameter (emulator's choice): a required parameter is
	// missing or empty; the message names it.
	CodeMissingParameter = "Client.InvalidParameterRequired"
	// CodeIllegalInput (emulator's choice): a parameter value is malformed
	// or out of range (not an integer, port outside 1-65535, bad name, bad
	// address, unknown enumeration value, ...); the message names it.
	CodeIllegalInput = "Client.InvalidParameterIllegalInput"
	// CodeInstanceDuplicate (emulator's choice): the same server is named
	// twice in one Register or Deregister call.
	CodeInstanceDuplicate = "Client.InvalidParameterDuplicate.Instance"
	// CodePortLimitExceeded (emulator's choice): the load balancer would
	// have more than 3 port definitions.
	CodePortLimitExceeded = "Client.InvalidParameterLimitExceeded.LoadBalancerPort"
	// CodeFilterLimitExceeded (emulator's choice): the filter would hold
	// more than 30 addresses.
	CodeFilterLimitExceeded = "Client.InvalidParameterLimitExceeded.IpAddress"
	// CodeIPAddressNotFound (emulator's choice): SetFilterForLoadBalancer
	// removes an address that is not in the filter.
	CodeIPAddressNotFound = "Client.InvalidParameterNotFound.IpAddress"
	// CodeMalformedRequest (emulator's choice): the request body cannot be
	// read or is not valid form encoding.
	CodeMalformedRequest = "Client.MalformedRequest"
	// CodeNotFound (emulator's choice, HTTP 404): the path is not /api/.
	CodeNotFound = "Client.InvalidPath"
	// CodeMethodNotAllowed (emulator's choice, HTTP 405): the method is
	// neither GET nor POST.
	CodeMethodNotAllowed = "Client.InvalidMethod"
)

// internalErrorMessage is the live API's message for Server.InternalError.
const internalErrorMessage = "An error has occurred. Please try again later."

// apiError is an error reply: a code, a message and, when it is not the
// server's configured error status, an HTTP status.
type apiError struct {
	status  int // 0 means the server's ErrorStatus
	code    string
	message string
}

// Error implements error.
func (e *apiError) Error() string {
	return e.code + ": " + e.message
}

func errorf(code, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

func authError(format string, args ...any) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: CodeAuthFailure, message: fmt.Sprintf(format, args...)}
}

func errLoadBalancerNotFound(name string) *apiError {
	return errorf(CodeLoadBalancerNotFound, "The LoadBalancerName '%s' does not exist.", clip(name))
}

func errPortNotFound(name string, lbPort, instPort int) *apiError {
	return errorf(CodeLoadBalancerPortNotFound,
		"The requested LoadBalancer '%s' does not have this port (loadBalancerPort:%d,instancePort:%d).", clip(name), lbPort, instPort)
}

func errInstanceNotExist(id string) *apiError {
	return errorf(CodeInstanceNotFound, "The instance ID '%s' does not exist.", clip(id))
}

func errInstanceNotRegistered(id, lb string) *apiError {
	return errorf(CodeInstanceNotFound, "The instance ID '%s' does not register at the LoadBalancer '%s'.", clip(id), clip(lb))
}

func errInstanceRegistered(id string) *apiError {
	return errorf(CodeInstanceAlreadyRegistered, "The instance ID '%s' already exists with this LoadBalancer.", clip(id))
}

func errLoadBalancerDuplicate(name string) *apiError {
	return errorf(CodeLoadBalancerDuplicate, "The LoadBalancer '%s' already exists.", clip(name))
}

func errPortExists(lbPort int) *apiError {
	return errorf(CodePortAlreadyExists, "The requested LoadBalancerPort '%d' already exists.", lbPort)
}

func errAddressDuplicate(addr, lb string, lbPort int) *apiError {
	return errorf(CodeIPAddressDuplicate,
		"The IP Address '%s' already set to this filter(LoadBalancer '%s', loadBalancerPort '%d').", clip(addr), clip(lb), lbPort)
}

func errAddressNotFound(addr, lb string, lbPort int) *apiError {
	return errorf(CodeIPAddressNotFound,
		"The IP Address '%s' is not set to this filter(LoadBalancer '%s', loadBalancerPort '%d').", clip(addr), clip(lb), lbPort)
}

func errMissing(name string) *apiError {
	return errorf(CodeMissingParameter, "The parameter '%s' is required.", clip(name))
}

func errIllegal(name, value, want string) *apiError {
	return errorf(CodeIllegalInput, "The value '%s' of parameter '%s' is invalid: %s.", clip(value), clip(name), want)
}

// validErrorCode reports whether code looks like a NIFCLOUD error code:
// "Client." or "Server." and a subject.
func validErrorCode(code string) bool {
	rest, ok := strings.CutPrefix(code, "Client.")
	if !ok {
		rest, ok = strings.CutPrefix(code, "Server.")
	}
	return ok && rest != "" && !strings.ContainsAny(code, " <>&")
}

// clip shortens a caller-supplied value before it is echoed in a message.
func clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}

func errElasticNotFound(ref elbRef) *apiError {
	return errorf(CodeElasticLoadBalancerNotFound, "The %s '%s' does not exist.", ref.label, clip(ref.value))
}

func errElasticListenerNotFound(ref elbRef, key elbKey) *apiError {
	return errorf(CodeElasticListenerNotFound,
		"The requested %s ('%s') does not have this protocol and port (Protocol: '%s',ElasticLoadBalancerPort: '%d',InstancePort: '%d').",
		ref.label, clip(ref.value), clip(key.protocol), key.elbPort, key.instPort)
}

// The elastic family names servers by the parameter that carried them,
// "Instances_member_InstanceId" or "Instances_member_InstanceUniqueId".

func errElasticInstanceNotExist(in elbInstance) *apiError {
	return errorf(CodeInstanceNotFound, "The Instances_member_%s '%s' does not exist.", in.field, clip(in.given))
}

func errElasticInstanceRegistered(in elbInstance) *apiError {
	return errorf(CodeElasticInstanceAlreadyRegistered,
		"The Instances_member_%s '%s' already exists with this ElasticLoadBalancer.", in.field, clip(in.given))
}

func errElasticInstanceNotRegistered(in elbInstance, ref elbRef) *apiError {
	return errorf(CodeInstanceNotFound, "The Instances_member_%s '%s' does not register at the ElasticLoadBalancer '%s'.",
		in.field, clip(in.given), clip(ref.value))
}

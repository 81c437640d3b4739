package nifcloudtest_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// failure is an expected error reply.
type failure struct {
	code    string
	message string // exact message; empty means do not check
}

// check asserts that got is the refusal f describes, sent with the default
// error status, and that the call changed nothing since before.
func (f *failure) check(t *testing.T, e *env, before nifcloudtest.State, got reply) {
	t.Helper()
	assert.Equal(t, http.StatusInternalServerError, got.Status)
	assert.Equal(t, f.code, got.Code)
	if f.message != "" {
		assert.Equal(t, f.message, got.Message)
	}
	assert.Equal(t, before, e.srv.State(), "a failed call changes nothing")
}

func TestRegisterInstances(t *testing.T) {
	const action = "RegisterInstancesWithLoadBalancer"
	port80 := target("weblb01", 80, 8080)
	tests := []struct {
		name        string
		params      url.Values
		wantReply   []string
		port        [2]int // where wantMembers are; default 80->8080
		wantMembers []string
		fail        *failure
	}{
		{name: "one server", params: with(port80, instances("web003")...),
			wantReply: []string{"web003"}, wantMembers: []string{"web001", "web002", "web003"}},
		{name: "on another port definition", params: with(target("weblb01", 443, 8443), instances("web002", "web003")...),
			wantReply: []string{"web002", "web003"}, port: [2]int{443, 8443}, wantMembers: []string{"web001", "web002", "web003"}},
		{name: "indices out of order", params: with(port80, "Instances.member.2.InstanceId", "web003"),
			wantReply: []string{"web003"}, wantMembers: []string{"web001", "web002", "web003"}},
		{name: "unknown server", params: with(port80, instances("web009")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web009' does not exist."}},
		{name: "first offender in request order", params: with(port80, instances("web003", "web009", "web001")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web009' does not exist."}},
		{name: "already registered fails the whole call", params: with(port80, instances("web003", "web001")...),
			fail: &failure{nifcloudtest.CodeInstanceAlreadyRegistered, "The instance ID 'web001' already exists with this LoadBalancer."}},
		{name: "same server twice in one call", params: with(port80, instances("web003", "web003")...),
			fail: &failure{nifcloudtest.CodeInstanceDuplicate, "The instance ID 'web003' is specified more than once."}},
		{name: "unknown load balancer", params: with(target("lb001", 80, 8080), instances("web003")...),
			fail: &failure{nifcloudtest.CodeLoadBalancerNotFound, "The LoadBalancerName 'lb001' does not exist."}},
		{name: "unknown port pair", params: with(target("weblb01", 80, 80), instances("web003")...),
			fail: &failure{nifcloudtest.CodeLoadBalancerPortNotFound,
				"The requested LoadBalancer 'weblb01' does not have this port (loadBalancerPort:80,instancePort:80)."}},
		{name: "no servers", params: port80,
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Instances.member.1.InstanceId' is required."}},
		{name: "empty list key of the Go SDK", params: with(port80, "Instances.member", ""),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Instances.member.1.InstanceId' is required."}},
		{name: "empty list key with a value", params: with(port80, "Instances.member", "web003"),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "empty server name", params: with(port80, "Instances.member.1.InstanceId", ""),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Instances.member.1.InstanceId' is required."}},
		{name: "misspelt field", params: with(port80, "Instances.member.1.InstanceID", "web003"),
			fail: &failure{nifcloudtest.CodeUnknownParameter,
				"The parameter 'Instances.member.1.InstanceID' is not accepted by RegisterInstancesWithLoadBalancer."}},
		{name: "index zero", params: with(port80, "Instances.member.0.InstanceId", "web003"),
			fail: &failure{code: nifcloudtest.CodeUnknownParameter}},
		{name: "missing name", params: with(url.Values{"LoadBalancerPort": {"80"}, "InstancePort": {"8080"}}, instances("web003")...),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerName' is required."}},
		{name: "missing port", params: with(url.Values{"LoadBalancerName": {"weblb01"}, "InstancePort": {"8080"}}, instances("web003")...),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'LoadBalancerPort' is required."}},
		{name: "port not a number", params: with(url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"http"}, "InstancePort": {"8080"}}, instances("web003")...),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value 'http' of parameter 'LoadBalancerPort' is invalid: not an integer."}},
		{name: "port with sign", params: with(url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"+80"}, "InstancePort": {"8080"}}, instances("web003")...),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "port zero", params: with(target("weblb01", 0, 8080), instances("web003")...),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value '0' of parameter 'LoadBalancerPort' is invalid: must be between 1 and 65535."}},
		{name: "instance port too large", params: with(target("weblb01", 80, 65536), instances("web003")...),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, got, ok := runCase(t, referenceOptions(), action, tt.params, tt.fail)
			if !ok {
				return
			}
			assert.Equal(t, tt.wantReply, replyInstances(t, got))
			port := tt.port
			if port == [2]int{} {
				port = [2]int{80, 8080}
			}
			assert.Equal(t, tt.wantMembers, e.srv.Members("weblb01", port[0], port[1]))
		})
	}
}

func TestDeregisterInstances(t *testing.T) {
	const action = "DeregisterInstancesFromLoadBalancer"
	port80 := target("weblb01", 80, 8080)
	tests := []struct {
		name        string
		params      url.Values
		wantReply   []string
		wantMembers []string
		fail        *failure
	}{
		{name: "one server", params: with(port80, instances("web001")...),
			wantReply: []string{"web001"}, wantMembers: []string{"web002"}},
		{name: "all servers", params: with(port80, instances("web002", "web001")...),
			wantReply: []string{"web002", "web001"}, wantMembers: []string{}},
		{name: "known server not registered", params: with(port80, instances("web003")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web003' does not register at the LoadBalancer 'weblb01'."}},
		{name: "unknown server", params: with(port80, instances("web009")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web009' does not register at the LoadBalancer 'weblb01'."}},
		{name: "whole call fails", params: with(port80, instances("web001", "web003")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web003' does not register at the LoadBalancer 'weblb01'."}},
		{name: "same server twice", params: with(port80, instances("web001", "web001")...),
			fail: &failure{nifcloudtest.CodeInstanceDuplicate, "The instance ID 'web001' is specified more than once."}},
		{name: "registered on another port only", params: with(target("weblb01", 443, 8443), instances("web002")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web002' does not register at the LoadBalancer 'weblb01'."}},
		{name: "unknown load balancer", params: with(target("lb001", 80, 8080), instances("web001")...),
			fail: &failure{code: nifcloudtest.CodeLoadBalancerNotFound}},
		{name: "unknown port pair", params: with(target("weblb01", 8080, 80), instances("web001")...),
			fail: &failure{code: nifcloudtest.CodeLoadBalancerPortNotFound}},
		{name: "no servers", params: port80,
			fail: &failure{code: nifcloudtest.CodeMissingParameter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, got, ok := runCase(t, referenceOptions(), action, tt.params, tt.fail)
			if !ok {
				return
			}
			assert.Equal(t, tt.wantReply, replyInstances(t, got))
			assert.Equal(t, tt.wantMembers, e.srv.Members("weblb01", 80, 8080))
			assert.Equal(t, []string{"web001"}, e.srv.Members("weblb01", 443, 8443), "other port untouched")
		})
	}
}

func TestDescribeInstanceHealth(t *testing.T) {
	e := newEnv(t, referenceOptions())
	assert.Equal(t, []string{"web001=InService", "web002=OutOfService"}, e.health("weblb01", 80, 8080))
	assert.Equal(t, []string{"web002=OutOfService", "web001=InService"}, e.health("weblb01", 80, 8080, "web002", "web001"))
	assert.Equal(t, []string{}, e.health("weblb01", 443, 8443), "no result yet")
	assert.Equal(t, []string{}, e.health("weblb01", 443, 8443, "web001"), "registered, no result yet")

	tests := []struct {
		name   string
		params url.Values
		fail   failure
	}{
		{"not registered", with(target("weblb01", 80, 8080), instances("web003")...),
			failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web003' does not register at the LoadBalancer 'weblb01'."}},
		{"unknown server", with(target("weblb01", 80, 8080), instances("web009")...),
			failure{nifcloudtest.CodeInstanceNotFound, "The instance ID 'web009' does not register at the LoadBalancer 'weblb01'."}},
		{"twice", with(target("weblb01", 80, 8080), instances("web001", "web001")...),
			failure{code: nifcloudtest.CodeInstanceDuplicate}},
		{"unknown load balancer", target("nolb", 80, 8080), failure{code: nifcloudtest.CodeLoadBalancerNotFound}},
		{"unknown port", target("weblb01", 81, 8080), failure{code: nifcloudtest.CodeLoadBalancerPortNotFound}},
		{"missing port", url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}},
			failure{nifcloudtest.CodeMissingParameter, "The parameter 'InstancePort' is required."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.call("DescribeInstanceHealth", tt.params)
			assert.Equal(t, http.StatusInternalServerError, got.Status)
			assert.Equal(t, tt.fail.code, got.Code)
			if tt.fail.message != "" {
				assert.Equal(t, tt.fail.message, got.Message)
			}
		})
	}
}

package nifcloudtest_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// uniqueInstances is Instances.member.N.InstanceUniqueId for uids.
func uniqueInstances(uids ...string) []string {
	var kv []string
	for i, uid := range uids {
		kv = append(kv, fmt.Sprintf("Instances.member.%d.InstanceUniqueId", i+1), uid)
	}
	return kv
}

// elasticCase is one call of an elastic instance action on the reference
// state: either its members afterwards on TCP 80->8080, or a failure.
type elasticCase struct {
	name        string
	params      url.Values
	wantMembers []string
	fail        *failure
}

// runElasticCases runs the cases of action, each on a fresh reference state.
func runElasticCases(t *testing.T, action string, tests []elasticCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, ok := runCase(t, referenceOptions(), action, tt.params, tt.fail)
			if !ok {
				return
			}
			assert.Equal(t, tt.wantMembers, e.srv.ElasticMembers("webelb01", "TCP", 80, 8080))
		})
	}
}

// elasticTargetFailures are the refusals every elastic instance action
// shares, for a call naming web003.
func elasticTargetFailures() []elasticCase {
	web003 := instances("web003")
	return []elasticCase{
		{name: "unknown name", params: with(elasticTarget("elb001", "TCP", 80, 8080), web003...),
			fail: &failure{nifcloudtest.CodeElasticLoadBalancerNotFound, "The ElasticLoadBalancerName 'elb001' does not exist."}},
		{name: "unknown id", params: with(elasticTarget("elb-00000000", "TCP", 80, 8080), web003...),
			fail: &failure{nifcloudtest.CodeElasticLoadBalancerNotFound, "The ElasticLoadBalancerId 'elb-00000000' does not exist."}},
		{name: "other protocol", params: with(elasticTarget("webelb01", "UDP", 80, 8080), web003...),
			fail: &failure{nifcloudtest.CodeElasticListenerNotFound,
				"The requested ElasticLoadBalancerName ('webelb01') does not have this protocol and port " +
					"(Protocol: 'UDP',ElasticLoadBalancerPort: '80',InstancePort: '8080')."}},
		{name: "other instance port, by id", params: with(elasticTarget("elb-0a1b2c3d", "TCP", 80, 80), web003...),
			fail: &failure{nifcloudtest.CodeElasticListenerNotFound,
				"The requested ElasticLoadBalancerId ('elb-0a1b2c3d') does not have this protocol and port " +
					"(Protocol: 'TCP',ElasticLoadBalancerPort: '80',InstancePort: '80')."}},
		{name: "name and id", params: with(elasticTarget("webelb01", "TCP", 80, 8080), append(web003, "ElasticLoadBalancerId", "elb-0a1b2c3d")...),
			fail: &failure{nifcloudtest.CodeIllegalInput, "Give ElasticLoadBalancerName or ElasticLoadBalancerId, not both."}},
		{name: "neither name nor id", params: with(url.Values{"Protocol": {"TCP"}, "ElasticLoadBalancerPort": {"80"}, "InstancePort": {"8080"}}, web003...),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ElasticLoadBalancerName' or 'ElasticLoadBalancerId' is required."}},
		{name: "no protocol", params: with(url.Values{"ElasticLoadBalancerName": {"webelb01"}, "ElasticLoadBalancerPort": {"80"}, "InstancePort": {"8080"}}, web003...),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Protocol' is required."}},
		{name: "bad protocol", params: with(elasticTarget("webelb01", "SCTP", 80, 8080), web003...),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value 'SCTP' of parameter 'Protocol' is invalid: must be TCP, UDP, HTTP or HTTPS."}},
		{name: "no port", params: with(url.Values{"ElasticLoadBalancerName": {"webelb01"}, "Protocol": {"TCP"}, "InstancePort": {"8080"}}, web003...),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'ElasticLoadBalancerPort' is required."}},
		{name: "no instance port", params: with(url.Values{"ElasticLoadBalancerName": {"webelb01"}, "Protocol": {"TCP"}, "ElasticLoadBalancerPort": {"80"}}, web003...),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'InstancePort' is required."}},
		{name: "port zero", params: with(elasticTarget("webelb01", "TCP", 0, 8080), web003...),
			fail: &failure{nifcloudtest.CodeIllegalInput, "The value '0' of parameter 'ElasticLoadBalancerPort' is invalid: must be between 1 and 65535."}},
		{name: "instance port too large", params: with(elasticTarget("webelb01", "TCP", 80, 65536), web003...),
			fail: &failure{code: nifcloudtest.CodeIllegalInput}},
		{name: "id and unique id in one entry", params: with(elasticTarget("webelb01", "TCP", 80, 8080),
			"Instances.member.1.InstanceId", "web003", "Instances.member.1.InstanceUniqueId", "i-8c9d0e1f"),
			fail: &failure{nifcloudtest.CodeIllegalInput,
				"Give Instances.member.1.InstanceId or Instances.member.1.InstanceUniqueId, not both."}},
		{name: "empty server", params: with(elasticTarget("webelb01", "TCP", 80, 8080), "Instances.member.1.InstanceId", ""),
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Instances.member.1.InstanceId' is required."}},
		{name: "classic parameter", params: with(elasticTarget("webelb01", "TCP", 80, 8080), append(web003, "LoadBalancerPort", "80")...),
			fail: &failure{code: nifcloudtest.CodeUnknownParameter}},
	}
}

func TestRegisterElastic(t *testing.T) {
	port := elasticTarget("webelb01", "TCP", 80, 8080)
	tests := []elasticCase{
		{name: "by name", params: with(port, instances("web003")...), wantMembers: []string{"web001", "web002", "web003"}},
		{name: "by id, lower-case protocol", params: with(elasticTarget("elb-0a1b2c3d", "tcp", 80, 8080), instances("web003")...),
			wantMembers: []string{"web001", "web002", "web003"}},
		{name: "by unique id", params: with(port, uniqueInstances("i-8c9d0e1f")...), wantMembers: []string{"web001", "web002", "web003"}},
		{name: "unknown server", params: with(port, instances("web009")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The Instances_member_InstanceId 'web009' does not exist."}},
		{name: "unknown unique id", params: with(port, uniqueInstances("i-99999999")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound, "The Instances_member_InstanceUniqueId 'i-99999999' does not exist."}},
		{name: "already registered fails the whole call", params: with(port, instances("web003", "web002")...),
			fail: &failure{nifcloudtest.CodeElasticInstanceAlreadyRegistered,
				"The Instances_member_InstanceId 'web002' already exists with this ElasticLoadBalancer."}},
		{name: "already registered by unique id", params: with(port, uniqueInstances("i-0a1b2c3d")...),
			fail: &failure{nifcloudtest.CodeElasticInstanceAlreadyRegistered,
				"The Instances_member_InstanceUniqueId 'i-0a1b2c3d' already exists with this ElasticLoadBalancer."}},
		{name: "the same server by name and unique id", params: with(port, "Instances.member.1.InstanceId", "web003",
			"Instances.member.2.InstanceUniqueId", "i-8c9d0e1f"),
			fail: &failure{nifcloudtest.CodeInstanceDuplicate, "The instance ID 'i-8c9d0e1f' is specified more than once."}},
		{name: "no servers", params: port,
			fail: &failure{nifcloudtest.CodeMissingParameter, "The parameter 'Instances.member.1.InstanceId' is required."}},
	}
	runElasticCases(t, "NiftyRegisterInstancesWithElasticLoadBalancer", append(tests, elasticTargetFailures()...))
}

func TestRegisterElasticOnAnotherListener(t *testing.T) {
	e := newEnv(t, referenceOptions())
	require.Empty(t, e.code("NiftyRegisterInstancesWithElasticLoadBalancer",
		with(elasticTarget("webelb01", "HTTPS", 443, 8443), instances("web002", "web001")...)))
	assert.Equal(t, []string{"web002", "web001"}, e.srv.ElasticMembers("elb-0a1b2c3d", "https", 443, 8443))
	assert.Equal(t, []string{"web001", "web002"}, e.srv.ElasticMembers("webelb01", "TCP", 80, 8080), "per listener")
	assert.Nil(t, e.srv.ElasticMembers("webelb01", "UDP", 80, 8080))
	assert.Nil(t, e.srv.ElasticMembers("webelb01", "SCTP", 80, 8080))
	assert.Nil(t, e.srv.ElasticMembers("elb001", "TCP", 80, 8080))
}

func TestDeregisterElastic(t *testing.T) {
	port := elasticTarget("webelb01", "TCP", 80, 8080)
	tests := []elasticCase{
		{name: "one", params: with(port, instances("web001")...), wantMembers: []string{"web002"}},
		{name: "all, by unique id", params: with(port, uniqueInstances("i-4e5f6a7b", "i-0a1b2c3d")...), wantMembers: []string{}},
		{name: "not a member", params: with(port, instances("web001", "web003")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound,
				"The Instances_member_InstanceId 'web003' does not register at the ElasticLoadBalancer 'webelb01'."}},
		{name: "unknown server", params: with(port, instances("web009")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound,
				"The Instances_member_InstanceId 'web009' does not register at the ElasticLoadBalancer 'webelb01'."}},
		{name: "unknown unique id, by id", params: with(elasticTarget("elb-0a1b2c3d", "TCP", 80, 8080), uniqueInstances("i-99999999")...),
			fail: &failure{nifcloudtest.CodeInstanceNotFound,
				"The Instances_member_InstanceUniqueId 'i-99999999' does not register at the ElasticLoadBalancer 'elb-0a1b2c3d'."}},
		{name: "twice in one call", params: with(port, instances("web001", "web001")...),
			fail: &failure{nifcloudtest.CodeInstanceDuplicate, "The instance ID 'web001' is specified more than once."}},
	}
	runElasticCases(t, "NiftyDeregisterInstancesFromElasticLoadBalancer", append(tests, elasticTargetFailures()...))
}

// elasticHealth calls NiftyDescribeInstanceElasticLoadBalancerHealth and
// returns "id=State" per member of the reply.
func (e *env) elasticHealth(params url.Values) []string {
	e.t.Helper()
	var out struct {
		States []struct {
			InstanceID string `xml:"InstanceId"`
			UniqueID   string `xml:"InstanceUniqueId"`
			State      string `xml:"State"`
		} `xml:"NiftyDescribeInstanceElasticLoadBalancerHealthResult>InstanceStates>member"`
	}
	e.decodeCall("NiftyDescribeInstanceElasticLoadBalancerHealth", params, &out)
	res := []string{}
	for _, s := range out.States {
		res = append(res, s.InstanceID+"/"+s.UniqueID+"="+s.State)
	}
	return res
}

func TestDescribeElasticHealth(t *testing.T) {
	port := elasticTarget("webelb01", "TCP", 80, 8080)
	e := newEnv(t, referenceOptions())
	assert.Equal(t, []string{"web001/i-0a1b2c3d=InService", "web002/i-4e5f6a7b="}, e.elasticHealth(port))
	assert.Equal(t, []string{"web002/i-4e5f6a7b=", "web001/i-0a1b2c3d=InService"},
		e.elasticHealth(with(port, "Instances.member.1.InstanceUniqueId", "i-4e5f6a7b", "Instances.member.2.InstanceId", "web001")))
	assert.Equal(t, []string{}, e.elasticHealth(elasticTarget("elb-0a1b2c3d", "HTTPS", 443, 8443)), "no members")

	require.NoError(t, e.srv.SetElasticHealth("elb-0a1b2c3d", "tcp", 80, 8080, "web002", nifcloudtest.HealthOutOfService))
	require.NoError(t, e.srv.PinUnhealthy("web001"))
	assert.Equal(t, []string{"web001/i-0a1b2c3d=OutOfService", "web002/i-4e5f6a7b=OutOfService"}, e.elasticHealth(port))
	require.NoError(t, e.srv.SetElasticHealth("webelb01", "TCP", 80, 8080, "web002", ""))
	require.NoError(t, e.srv.UnpinUnhealthy("web001"))
	assert.Equal(t, []string{"web001/i-0a1b2c3d=InService", "web002/i-4e5f6a7b=InService"}, e.elasticHealth(port),
		"a seeded member without a forced state has been registered long ago")

	before := e.srv.State()
	for _, f := range []struct {
		params url.Values
		fail   failure
	}{
		{with(port, instances("web003")...), failure{nifcloudtest.CodeInstanceNotFound,
			"The Instances_member_InstanceId 'web003' does not register at the ElasticLoadBalancer 'webelb01'."}},
		{with(port, uniqueInstances("i-99999999")...), failure{code: nifcloudtest.CodeInstanceNotFound}},
		{elasticTarget("webelb01", "TCP", 81, 8080), failure{code: nifcloudtest.CodeElasticListenerNotFound}},
		{elasticTarget("webelb02", "TCP", 80, 8080), failure{code: nifcloudtest.CodeElasticLoadBalancerNotFound}},
	} {
		f.fail.check(t, e, before, e.call("NiftyDescribeInstanceElasticLoadBalancerHealth", f.params))
	}
}

func TestElasticHealthProgression(t *testing.T) {
	opts := referenceOptions()
	opts.Health = nifcloudtest.Health{Appear: 2 * time.Second, InService: 5 * time.Second}
	e := newEnv(t, opts)
	port := elasticTarget("webelb01", "TCP", 80, 8080)
	require.Empty(t, e.code("NiftyRegisterInstancesWithElasticLoadBalancer", with(port, instances("web003")...)))
	web003 := func() string {
		states := e.elasticHealth(with(port, instances("web003")...))
		require.Len(t, states, 1)
		return states[0]
	}
	assert.Equal(t, "web003/i-8c9d0e1f=", web003(), "listed without a result")
	assert.Equal(t, nifcloudtest.HealthPending, elasticMember(t, e.srv, "web003").State)
	e.clock.Advance(2 * time.Second)
	assert.Equal(t, "web003/i-8c9d0e1f=OutOfService", web003())
	e.clock.Advance(3 * time.Second)
	assert.Equal(t, "web003/i-8c9d0e1f=InService", web003())
	got := elasticMember(t, e.srv, "web003")
	assert.Equal(t, nifcloudtest.Member{InstanceID: "web003", RegisteredAt: t0, State: nifcloudtest.HealthInService}, got)
}

// elasticMember returns member id of webelb01 TCP 80->8080 from a snapshot.
func elasticMember(t *testing.T, srv *nifcloudtest.Server, id string) nifcloudtest.Member {
	t.Helper()
	for _, m := range srv.State().ElasticLoadBalancers[0].Listeners[0].Members {
		if m.InstanceID == id {
			return m
		}
	}
	t.Fatalf("%s is not a member", id)
	return nifcloudtest.Member{}
}

func TestElasticHelperErrors(t *testing.T) {
	e := newEnv(t, referenceOptions())
	assert.ErrorContains(t, e.srv.SetElasticHealth("webelb01", "TCP", 80, 8080, "web001", "Unknown"), `state "Unknown"`)
	assert.ErrorContains(t, e.srv.SetElasticHealth("webelb01", "TCP", 80, 8080, "web003", nifcloudtest.HealthInService),
		"does not register")
	assert.ErrorContains(t, e.srv.SetElasticHealth("webelb01", "UDP", 80, 8080, "web001", ""), "does not have this protocol")
	assert.ErrorContains(t, e.srv.SetElasticHealth("webelb01", "X", 80, 8080, "web001", ""), "must be TCP, UDP, HTTP or HTTPS")
	assert.ErrorContains(t, e.srv.SetElasticState("elb-00000000", "configuring", time.Time{}),
		"The ElasticLoadBalancerId 'elb-00000000' does not exist.")
}

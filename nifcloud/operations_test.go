package nifcloud

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operationCase is a call of an operation on a valid input: the parameters
// it sends, and its output when the API answers with the golden reply of
// the action (testdata/responses/<action>.xml). name is also the name of
// its golden request body (testdata/requests/<name>.golden).
type operationCase struct {
	name     string
	action   string
	mutating bool
	call     func(ctx context.Context, c *Client) (any, error)
	form     url.Values
	want     any
}

// The outputs of the golden replies.
var (
	elasticDescription = ElasticLoadBalancerDescription{
		ElasticLoadBalancerID:   "elb-0a1b2c3d",
		ElasticLoadBalancerName: "webelb01",
		DNSName:                 "198.51.100.30",
		NetworkVolume:           100,
		State:                   ElasticLoadBalancerStateAvailable,
		AccountingType:          AccountingTypePayPerUse,
		NextMonthAccountingType: AccountingTypePayPerUse,
		Listeners: []ElasticLoadBalancerListener{
			{
				Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, BalancingType: 1,
				Instances: []Instance{web001, web002},
				HealthCheck: ElasticLoadBalancerHealthCheck{Target: "TCP:8080", Interval: 10, UnhealthyThreshold: 1,
					InstanceStates: []InstanceState{
						{InstanceID: "web001", InstanceUniqueID: "i-0a1b2c3d", State: "InService"},
						{InstanceID: "web002", InstanceUniqueID: "i-4e5f6a7b"},
					}},
			},
			{
				Protocol: "HTTPS", ElasticLoadBalancerPort: 443, InstancePort: 8443, BalancingType: 2, Description: "api",
				HealthCheck: ElasticLoadBalancerHealthCheck{Target: "HTTP:8080", Interval: 30, UnhealthyThreshold: 3,
					Path: "/healthz", Expectation: []string{"200"}},
			},
		},
	}
	describeElasticOutput = &NiftyDescribeElasticLoadBalancersOutput{
		ElasticLoadBalancerDescriptions: []ElasticLoadBalancerDescription{elasticDescription},
		RequestID:                       "5b1f7c2e-9a0d-4e8b-b6a3-2f4c1d0e9a77",
	}
	elasticHealthOutput = &NiftyDescribeInstanceElasticLoadBalancerHealthOutput{
		InstanceStates: []InstanceState{
			{InstanceID: "web001", InstanceUniqueID: "i-0a1b2c3d", State: "InService"},
			{InstanceID: "web002", InstanceUniqueID: "i-4e5f6a7b"},
		},
		RequestID: "7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928",
	}
	createOutput       = &CreateLoadBalancerOutput{DNSName: "198.51.100.21", RequestID: "5a7c1e2b-3d4f-4e6a-8b9c-0d1e2f3a4b5c"}
	configureOutput    = &ConfigureHealthCheckOutput{HealthCheck: HealthCheck{Target: "TCP:8080", Interval: 10, UnhealthyThreshold: 1, HealthyThreshold: 1}, RequestID: "8d0f4b5e-6a7c-4b9d-9e2f-3a4b5c6d7e8f"}
	setFilterOutput    = &SetFilterForLoadBalancerOutput{Filter: Filter{FilterType: FilterTypeAllow, IPAddresses: []string{"203.0.113.0/24", "192.0.2.10"}}, RequestID: "9e1a5c6f-7b8d-4cae-8f3a-4b5c6d7e8f90"}
	updateOutput       = &UpdateLoadBalancerOutput{RequestID: "2e1a3b6c-9d4f-4e8a-8b32-5c7d9f1a3e44"}
	updateOptionOutput = &UpdateLoadBalancerOptionOutput{RequestID: "3f2b4c7d-0e5a-4f9b-9c43-6d8e0a2b4f55"}
)

// values builds url.Values from key, value pairs.
func values(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// call adapts an operation to operationCase.call.
func call[I, O any](op func(*Client, context.Context, *I) (*O, error), in *I) func(context.Context, *Client) (any, error) {
	return func(ctx context.Context, c *Client) (any, error) { return op(c, ctx, in) }
}

// operationCases are the operations added beside the four classic
// membership ones (see TestOperations), each with one or more inputs.
var operationCases = []operationCase{
	{"CreateLoadBalancer", ActionCreateLoadBalancer, true, call((*Client).CreateLoadBalancer, &CreateLoadBalancerInput{
		LoadBalancerName: "weblb02", Listener: Listener{Protocol: ProtocolHTTP, LoadBalancerPort: 80, InstancePort: 80, BalancingType: BalancingTypeRoundRobin},
		AvailabilityZones: []string{"east-11"}, NetworkVolume: 10, IPVersion: IPVersion4, AccountingType: AccountingTypePayPerUse, PolicyType: PolicyTypeStandard,
	}), values("LoadBalancerName", "weblb02", "Listeners.member.1.Protocol", "HTTP", "Listeners.member.1.LoadBalancerPort", "80",
		"Listeners.member.1.InstancePort", "80", "Listeners.member.1.BalancingType", "1", "AvailabilityZones.member.1", "east-11",
		"NetworkVolume", "10", "IpVersion", "v4", "AccountingType", "2", "PolicyType", "standard"), createOutput},
	{"CreateLoadBalancer-minimal", ActionCreateLoadBalancer, true, call((*Client).CreateLoadBalancer, &CreateLoadBalancerInput{
		LoadBalancerName: "weblb02", Listener: Listener{Protocol: ProtocolHTTP},
	}), values("LoadBalancerName", "weblb02", "Listeners.member.1.Protocol", "HTTP"), createOutput},
	{"CreateLoadBalancer-custom-ats", ActionCreateLoadBalancer, true, call((*Client).CreateLoadBalancer, &CreateLoadBalancerInput{
		LoadBalancerName: "weblb03", Listener: Listener{LoadBalancerPort: 8080, BalancingType: BalancingTypeLeastConnection},
		AvailabilityZones: []string{"east-11", "east-12"}, AccountingType: AccountingTypeMonthly, PolicyType: PolicyTypeATS, IPVersion: IPVersion4,
	}), values("LoadBalancerName", "weblb03", "Listeners.member.1.LoadBalancerPort", "8080", "Listeners.member.1.BalancingType", "2",
		"AvailabilityZones.member.1", "east-11", "AvailabilityZones.member.2", "east-12", "AccountingType", "1", "PolicyType", "ats", "IpVersion", "v4"), createOutput},
	{"RegisterPortWithLoadBalancer", ActionRegisterPortWithLoadBalancer, true, call((*Client).RegisterPortWithLoadBalancer, &RegisterPortWithLoadBalancerInput{
		LoadBalancerName: "weblb01", Listener: Listener{Protocol: ProtocolHTTPS, LoadBalancerPort: 443, InstancePort: 8443, BalancingType: BalancingTypeLeastConnection},
	}), values("LoadBalancerName", "weblb01", "Listeners.member.1.Protocol", "HTTPS", "Listeners.member.1.LoadBalancerPort", "443",
		"Listeners.member.1.InstancePort", "8443", "Listeners.member.1.BalancingType", "2"),
		&RegisterPortWithLoadBalancerOutput{
			Listeners: []Listener{{Protocol: ProtocolHTTPS, LoadBalancerPort: 443, InstancePort: 8443, BalancingType: BalancingTypeLeastConnection}},
			RequestID: "7c9e3a4d-5f6b-4a8c-8d1e-2f3a4b5c6d7e",
		}},
	{"DeleteLoadBalancer", ActionDeleteLoadBalancer, true, call((*Client).DeleteLoadBalancer, &DeleteLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 443, InstancePort: 8443,
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "443", "InstancePort", "8443"),
		&DeleteLoadBalancerOutput{RequestID: "6b8d2f3c-4e5a-4f7b-9c0d-1e2f3a4b5c6d"}},
	{"ConfigureHealthCheck", ActionConfigureHealthCheck, true, call((*Client).ConfigureHealthCheck, &ConfigureHealthCheckInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Target: "TCP:8080", Interval: 10, UnhealthyThreshold: 1, HealthyThreshold: 1,
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "80", "InstancePort", "8080", "HealthCheck.Target", "TCP:8080",
		"HealthCheck.Interval", "10", "HealthCheck.UnhealthyThreshold", "1", "HealthCheck.HealthyThreshold", "1"), configureOutput},
	{"ConfigureHealthCheck-icmp", ActionConfigureHealthCheck, true, call((*Client).ConfigureHealthCheck, &ConfigureHealthCheckInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Target: HealthCheckTargetICMP, Interval: 300, UnhealthyThreshold: 10,
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "80", "InstancePort", "8080", "HealthCheck.Target", "ICMP",
		"HealthCheck.Interval", "300", "HealthCheck.UnhealthyThreshold", "10"), configureOutput},
	{"SetFilterForLoadBalancer", ActionSetFilterForLoadBalancer, true, call((*Client).SetFilterForLoadBalancer, &SetFilterForLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
		IPAddresses: FilterChanges{Add: []string{"203.0.113.0/24", "192.0.2.10"}},
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "80", "InstancePort", "8080",
		"IPAddresses.member.1.IPAddress", "203.0.113.0/24", "IPAddresses.member.1.AddOnFilter", "true",
		"IPAddresses.member.2.IPAddress", "192.0.2.10", "IPAddresses.member.2.AddOnFilter", "true"), setFilterOutput},
	{"SetFilterForLoadBalancer-type-add-remove", ActionSetFilterForLoadBalancer, true, call((*Client).SetFilterForLoadBalancer, &SetFilterForLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 443, InstancePort: 8443, FilterType: FilterTypeDeny,
		IPAddresses: FilterChanges{Add: []string{"198.51.100.7"}, Remove: []string{"203.0.113.0/24", "192.0.2.10"}},
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "443", "InstancePort", "8443", "FilterType", "2",
		"IPAddresses.member.1.IPAddress", "203.0.113.0/24", "IPAddresses.member.1.AddOnFilter", "false",
		"IPAddresses.member.2.IPAddress", "192.0.2.10", "IPAddresses.member.2.AddOnFilter", "false",
		"IPAddresses.member.3.IPAddress", "198.51.100.7", "IPAddresses.member.3.AddOnFilter", "true"), setFilterOutput},
	{"SetFilterForLoadBalancer-type", ActionSetFilterForLoadBalancer, true, call((*Client).SetFilterForLoadBalancer, &SetFilterForLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, FilterType: FilterTypeAllow,
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "80", "InstancePort", "8080", "FilterType", "1"), setFilterOutput},
	{"UpdateLoadBalancer", ActionUpdateLoadBalancer, true, call((*Client).UpdateLoadBalancer, &UpdateLoadBalancerInput{
		LoadBalancerName: "weblb01", NetworkVolumeUpdate: 20,
	}), values("LoadBalancerName", "weblb01", "NetworkVolumeUpdate", "20"), updateOutput},
	{"UpdateLoadBalancer-listener", ActionUpdateLoadBalancer, true, call((*Client).UpdateLoadBalancer, &UpdateLoadBalancerInput{
		LoadBalancerName: "weblb01", AccountingTypeUpdate: AccountingTypeMonthly,
		ListenerUpdate: &ListenerUpdate{LoadBalancerPort: 80, InstancePort: 8080,
			Listener: Listener{Protocol: ProtocolCustom, LoadBalancerPort: 8000, InstancePort: 8081, BalancingType: BalancingTypeLeastConnection}},
	}), values("LoadBalancerName", "weblb01", "AccountingTypeUpdate", "1", "ListenerUpdate.LoadBalancerPort", "80", "ListenerUpdate.InstancePort", "8080",
		"ListenerUpdate.Listener.Protocol", "custom", "ListenerUpdate.Listener.LoadBalancerPort", "8000",
		"ListenerUpdate.Listener.InstancePort", "8081", "ListenerUpdate.Listener.BalancingType", "2"), updateOutput},
	{"UpdateLoadBalancer-balancing-type", ActionUpdateLoadBalancer, true, call((*Client).UpdateLoadBalancer, &UpdateLoadBalancerInput{
		LoadBalancerName: "weblb01",
		ListenerUpdate:   &ListenerUpdate{LoadBalancerPort: 443, InstancePort: 8443, Listener: Listener{BalancingType: BalancingTypeRoundRobin}},
	}), values("LoadBalancerName", "weblb01", "ListenerUpdate.LoadBalancerPort", "443", "ListenerUpdate.InstancePort", "8443",
		"ListenerUpdate.Listener.BalancingType", "1"), updateOutput},
	{"UpdateLoadBalancerOption", ActionUpdateLoadBalancerOption, true, call((*Client).UpdateLoadBalancerOption, &UpdateLoadBalancerOptionInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 443, InstancePort: 8443, SessionStickinessPolicyUpdate: &SessionStickinessPolicy{Enabled: false},
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "443", "InstancePort", "8443", "SessionStickinessPolicyUpdate.Enable", "false"), updateOptionOutput},
	{"UpdateLoadBalancerOption-enable", ActionUpdateLoadBalancerOption, true, call((*Client).UpdateLoadBalancerOption, &UpdateLoadBalancerOptionInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
		SessionStickinessPolicyUpdate: &SessionStickinessPolicy{Enabled: true, ExpirationPeriod: 10},
		SorryPageUpdate:               &SorryPage{Enabled: true, StatusCode: SorryPageStatusServiceUnavailable},
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "80", "InstancePort", "8080",
		"SessionStickinessPolicyUpdate.Enable", "true", "SessionStickinessPolicyUpdate.ExpirationPeriod", "10",
		"SorryPageUpdate.Enable", "true", "SorryPageUpdate.StatusCode", "503"), updateOptionOutput},
	{"UpdateLoadBalancerOption-sorry-page-off", ActionUpdateLoadBalancerOption, true, call((*Client).UpdateLoadBalancerOption, &UpdateLoadBalancerOptionInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, SorryPageUpdate: &SorryPage{},
	}), values("LoadBalancerName", "weblb01", "LoadBalancerPort", "80", "InstancePort", "8080", "SorryPageUpdate.Enable", "false"), updateOptionOutput},
	{"NiftyDescribeElasticLoadBalancers-all", ActionNiftyDescribeElasticLoadBalancers, false,
		call((*Client).NiftyDescribeElasticLoadBalancers, nil), values(), describeElasticOutput},
	{"NiftyDescribeElasticLoadBalancers-name", ActionNiftyDescribeElasticLoadBalancers, false,
		call((*Client).NiftyDescribeElasticLoadBalancers, &NiftyDescribeElasticLoadBalancersInput{
			ElasticLoadBalancers: ElasticLoadBalancerSelectors{{Name: "webelb01"}},
		}), values("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01"), describeElasticOutput},
	{"NiftyDescribeElasticLoadBalancers-id", ActionNiftyDescribeElasticLoadBalancers, false,
		call((*Client).NiftyDescribeElasticLoadBalancers, &NiftyDescribeElasticLoadBalancersInput{
			ElasticLoadBalancers: ElasticLoadBalancerSelectors{{ID: "elb-0a1b2c3d"}},
		}), values("ElasticLoadBalancers.ElasticLoadBalancerId.1", "elb-0a1b2c3d"), describeElasticOutput},
	{"NiftyDescribeElasticLoadBalancers-listener-filter", ActionNiftyDescribeElasticLoadBalancers, false,
		call((*Client).NiftyDescribeElasticLoadBalancers, &NiftyDescribeElasticLoadBalancersInput{
			ElasticLoadBalancers: ElasticLoadBalancerSelectors{{Name: "webelb01", Protocol: ProtocolTCP, ElasticLoadBalancerPort: 80, InstancePort: 8080}},
			Filters:              ElasticLoadBalancerFilters{{Name: ElasticFilterState, Values: []string{ElasticLoadBalancerStateAvailable}}},
		}), values("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01", "ElasticLoadBalancers.Protocol.1", "TCP",
			"ElasticLoadBalancers.ElasticLoadBalancerPort.1", "80", "ElasticLoadBalancers.InstancePort.1", "8080",
			"Filter.1.Name", "state", "Filter.1.Value.1", "available"), describeElasticOutput},
	{"NiftyDescribeElasticLoadBalancers-mixed", ActionNiftyDescribeElasticLoadBalancers, false,
		call((*Client).NiftyDescribeElasticLoadBalancers, &NiftyDescribeElasticLoadBalancersInput{
			ElasticLoadBalancers: ElasticLoadBalancerSelectors{
				{Name: "webelb01"}, {ID: "elb-0a1b2c3d", Protocol: ProtocolHTTPS, ElasticLoadBalancerPort: 443, InstancePort: 8443},
			},
			Filters: ElasticLoadBalancerFilters{
				{Name: ElasticFilterAvailabilityZone, Values: []string{"east-11", "east-12"}},
				{Name: ElasticFilterAccountingType, Values: []string{AccountingTypePayPerUse}},
			},
		}), values("ElasticLoadBalancers.ElasticLoadBalancerName.1", "webelb01", "ElasticLoadBalancers.ElasticLoadBalancerId.2", "elb-0a1b2c3d",
			"ElasticLoadBalancers.Protocol.2", "HTTPS", "ElasticLoadBalancers.ElasticLoadBalancerPort.2", "443", "ElasticLoadBalancers.InstancePort.2", "8443",
			"Filter.1.Name", "availability-zone", "Filter.1.Value.1", "east-11", "Filter.1.Value.2", "east-12",
			"Filter.2.Name", "accounting-type", "Filter.2.Value.1", "2"), describeElasticOutput},
	{"NiftyRegisterInstancesWithElasticLoadBalancer", ActionNiftyRegisterInstancesWithElasticLoadBalancer, true,
		call((*Client).NiftyRegisterInstancesWithElasticLoadBalancer, &NiftyRegisterInstancesWithElasticLoadBalancerInput{
			ElasticLoadBalancerName: "webelb01", Protocol: ProtocolTCP, ElasticLoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001", "web002"},
		}), values("ElasticLoadBalancerName", "webelb01", "Protocol", "TCP", "ElasticLoadBalancerPort", "80", "InstancePort", "8080",
			"Instances.member.1.InstanceId", "web001", "Instances.member.2.InstanceId", "web002"),
		&NiftyRegisterInstancesWithElasticLoadBalancerOutput{RequestID: "0c9e1f4a-7b2d-4c6e-8f10-3a5b7d9e1c22"}},
	{"NiftyRegisterInstancesWithElasticLoadBalancer-id", ActionNiftyRegisterInstancesWithElasticLoadBalancer, true,
		call((*Client).NiftyRegisterInstancesWithElasticLoadBalancer, &NiftyRegisterInstancesWithElasticLoadBalancerInput{
			ElasticLoadBalancerID: "elb-0a1b2c3d", Protocol: ProtocolHTTPS, ElasticLoadBalancerPort: 443, InstancePort: 8443, Instances: []string{"web003"},
		}), values("ElasticLoadBalancerId", "elb-0a1b2c3d", "Protocol", "HTTPS", "ElasticLoadBalancerPort", "443", "InstancePort", "8443",
			"Instances.member.1.InstanceId", "web003"),
		&NiftyRegisterInstancesWithElasticLoadBalancerOutput{RequestID: "0c9e1f4a-7b2d-4c6e-8f10-3a5b7d9e1c22"}},
	{"NiftyDeregisterInstancesFromElasticLoadBalancer", ActionNiftyDeregisterInstancesFromElasticLoadBalancer, true,
		call((*Client).NiftyDeregisterInstancesFromElasticLoadBalancer, &NiftyDeregisterInstancesFromElasticLoadBalancerInput{
			ElasticLoadBalancerName: "webelb01", Protocol: ProtocolTCP, ElasticLoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web002"},
		}), values("ElasticLoadBalancerName", "webelb01", "Protocol", "TCP", "ElasticLoadBalancerPort", "80", "InstancePort", "8080",
			"Instances.member.1.InstanceId", "web002"),
		&NiftyDeregisterInstancesFromElasticLoadBalancerOutput{RequestID: "1d0f2a5b-8c3e-4d7f-9a21-4b6c8e0f2d33"}},
	{"NiftyDescribeInstanceElasticLoadBalancerHealth", ActionNiftyDescribeInstanceElasticLoadBalancerHealth, false,
		call((*Client).NiftyDescribeInstanceElasticLoadBalancerHealth, &NiftyDescribeInstanceElasticLoadBalancerHealthInput{
			ElasticLoadBalancerName: "webelb01", Protocol: ProtocolTCP, ElasticLoadBalancerPort: 80, InstancePort: 8080,
		}), values("ElasticLoadBalancerName", "webelb01", "Protocol", "TCP", "ElasticLoadBalancerPort", "80", "InstancePort", "8080"), elasticHealthOutput},
	{"NiftyDescribeInstanceElasticLoadBalancerHealth-instances", ActionNiftyDescribeInstanceElasticLoadBalancerHealth, false,
		call((*Client).NiftyDescribeInstanceElasticLoadBalancerHealth, &NiftyDescribeInstanceElasticLoadBalancerHealthInput{
			ElasticLoadBalancerID: "elb-0a1b2c3d", Protocol: ProtocolTCP, ElasticLoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001", "web002"},
		}), values("ElasticLoadBalancerId", "elb-0a1b2c3d", "Protocol", "TCP", "ElasticLoadBalancerPort", "80", "InstancePort", "8080",
			"Instances.member.1.InstanceId", "web001", "Instances.member.2.InstanceId", "web002"), elasticHealthOutput},
}

func TestOperationCases(t *testing.T) {
	t.Parallel()
	for _, op := range operationCases {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, serveFile(t, 200, "responses/"+op.action+".xml"))
			out, err := op.call(t.Context(), newTestClient(t, srv.URL))
			require.NoError(t, err)
			assert.Equal(t, op.want, out)
			forms := srv.requests()
			require.Len(t, forms, 1)
			want := values("Action", op.action, "Version", APIVersion)
			for k, v := range op.form {
				want[k] = v
			}
			assert.Equal(t, want, withoutAuth(forms[0]))
		})
	}
}

func TestOperationCasesRetries(t *testing.T) {
	t.Parallel()
	// A Server.* answer is retried for a read; a change is not retried
	// and comes back ambiguous, since it may have been applied.
	for _, op := range operationCases {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, serveFile(t, 503, "errors/Server.InternalError.xml"))
			_, err := op.call(t.Context(), newTestClient(t, srv.URL))
			require.Error(t, err)
			assert.Equal(t, "Server.InternalError", ErrorCode(err))
			assert.Equal(t, op.mutating, IsAmbiguous(err))
			if op.mutating {
				assert.Len(t, srv.requests(), 1)
			} else {
				assert.Len(t, srv.requests(), DefaultMaxAttempts)
			}
		})
	}
}

func TestOperationErrorCodes(t *testing.T) {
	t.Parallel()
	byName := map[string]operationCase{}
	for _, op := range operationCases {
		byName[op.name] = op
	}
	tests := []struct{ op, file, code string }{
		{"CreateLoadBalancer", "Client.InvalidParameterDuplicate.LoadBalancer.xml", CodeLoadBalancerDuplicate},
		{"RegisterPortWithLoadBalancer", "Client.Inoperable.LoadBalancerPort.AlreadyExists.xml", CodeLoadBalancerPortAlreadyExists},
		{"SetFilterForLoadBalancer", "Client.InvalidParameterDuplicate.IpAddress.xml", CodeIPAddressDuplicate},
		{"DeleteLoadBalancer", "Client.InvalidParameterNotFound.LoadBalancerPort.xml", CodeLoadBalancerPortNotFound},
		{"UpdateLoadBalancer", "Client.InvalidParameterNotFound.LoadBalancer.xml", CodeLoadBalancerNotFound},
		{"NiftyDescribeElasticLoadBalancers-name", "Client.InvalidParameterNotFound.ElasticLoadBalancer.xml", CodeElasticLoadBalancerNotFound},
		{"NiftyRegisterInstancesWithElasticLoadBalancer", "Client.InvalidParameterNotFound.ElasticLoadBalancer-register.xml", CodeElasticLoadBalancerNotFound},
		{"NiftyRegisterInstancesWithElasticLoadBalancer", "Client.InvalidParameterNotFound.Protocol.or.ElasticLoadBalancerPort.xml", CodeElasticListenerNotFound},
		{"NiftyRegisterInstancesWithElasticLoadBalancer", "Client.InvalidParameterNotFound.Instance-elastic.xml", CodeInstanceNotFound},
		{"NiftyRegisterInstancesWithElasticLoadBalancer", "Client.Inoperable.ElasticLoadBalancer.HavingRegisteredInstance.xml", CodeElasticInstanceAlreadyRegistered},
		{"NiftyDeregisterInstancesFromElasticLoadBalancer", "Client.InvalidParameterNotFound.Instance-elastic-deregister.xml", CodeInstanceNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.file, func(t *testing.T) {
			t.Parallel()
			op, ok := byName[tt.op]
			require.True(t, ok)
			srv := newTestServer(t, serveFile(t, 500, "errors/"+tt.file))
			out, err := op.call(t.Context(), newTestClient(t, srv.URL))
			assert.Nil(t, out)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.code, apiErr.Code)
			assert.Equal(t, op.action, apiErr.Action)
			assert.False(t, IsAmbiguous(err), "a Client.* answer is definite")
			assert.Len(t, srv.requests(), 1, "Client.* codes are never retried")
		})
	}
}

func TestOperationsRefuseNilInput(t *testing.T) {
	t.Parallel()
	c := refusingClient(t)
	calls := map[string]func() error{
		ActionCreateLoadBalancer:           func() error { _, err := c.CreateLoadBalancer(t.Context(), nil); return err },
		ActionRegisterPortWithLoadBalancer: func() error { _, err := c.RegisterPortWithLoadBalancer(t.Context(), nil); return err },
		ActionDeleteLoadBalancer:           func() error { _, err := c.DeleteLoadBalancer(t.Context(), nil); return err },
		ActionConfigureHealthCheck:         func() error { _, err := c.ConfigureHealthCheck(t.Context(), nil); return err },
		ActionSetFilterForLoadBalancer:     func() error { _, err := c.SetFilterForLoadBalancer(t.Context(), nil); return err },
		ActionUpdateLoadBalancer:           func() error { _, err := c.UpdateLoadBalancer(t.Context(), nil); return err },
		ActionUpdateLoadBalancerOption:     func() error { _, err := c.UpdateLoadBalancerOption(t.Context(), nil); return err },
		ActionNiftyRegisterInstancesWithElasticLoadBalancer: func() error {
			_, err := c.NiftyRegisterInstancesWithElasticLoadBalancer(t.Context(), nil)
			return err
		},
		ActionNiftyDeregisterInstancesFromElasticLoadBalancer: func() error {
			_, err := c.NiftyDeregisterInstancesFromElasticLoadBalancer(t.Context(), nil)
			return err
		},
		ActionNiftyDescribeInstanceElasticLoadBalancerHealth: func() error {
			_, err := c.NiftyDescribeInstanceElasticLoadBalancerHealth(t.Context(), nil)
			return err
		},
	}
	for action, refused := range calls {
		err := refused()
		assert.ErrorIs(t, err, ErrInvalidInput)
		assert.EqualError(t, err, action+": invalid input: nil input")
	}
}

// refusingClient returns a client whose every request fails the test: for
// inputs that must be refused before any request.
func refusingClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(&url.URL{Scheme: "https", Host: "jp-east-1.computing.api.nifcloud.com", Path: "/api/"}, testCreds)
	require.NoError(t, err)
	c.HTTPClient.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("unexpected request for %s", r.URL)
		return nil, errors.New("no request expected")
	})
	return c
}

// checkRefused runs calls that must be refused before any request, each
// with an error wrapping ErrInvalidInput that contains its text.
func checkRefused(t *testing.T, tests []refusedCall) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t.Context(), refusingClient(t))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

// refusedCall is a call with an input the client refuses.
type refusedCall struct {
	name    string
	call    func(context.Context, *Client) error
	wantErr string
}

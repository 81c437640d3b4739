package nifcloud

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeElasticDescribe interprets a NiftyDescribeElasticLoadBalancers
// reply.
func decodeElasticDescribe(status int, body []byte) (*NiftyDescribeElasticLoadBalancersOutput, error) {
	var resp xmlDescribeElasticLoadBalancersResponse
	if err := interpret(ActionNiftyDescribeElasticLoadBalancers, status, body, &resp); err != nil {
		return nil, err
	}
	return resp.output(), nil
}

func TestDecodeElasticFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want *NiftyDescribeElasticLoadBalancersOutput
	}{
		{"responses/NiftyDescribeElasticLoadBalancers.xml", describeElasticOutput},
		{"decode/NiftyDescribeElasticLoadBalancers-empty-elements.xml", &NiftyDescribeElasticLoadBalancersOutput{
			ElasticLoadBalancerDescriptions: []ElasticLoadBalancerDescription{
				{
					ElasticLoadBalancerID: "elb-0e1f2a3b", ElasticLoadBalancerName: "webelb02", State: "available", AccountingType: "1",
					Listeners: []ElasticLoadBalancerListener{
						{Protocol: "UDP", ElasticLoadBalancerPort: 53, InstancePort: 53, Description: `dns <primary> & "secondary"`,
							HealthCheck: ElasticLoadBalancerHealthCheck{Target: "ICMP"}},
						{},
					},
				},
				{ElasticLoadBalancerID: "elb-4c5d6e7f"},
			},
			RequestID: "lower-case-request-id",
		}},
		{"decode/NiftyDescribeElasticLoadBalancers-prefixed.xml", &NiftyDescribeElasticLoadBalancersOutput{
			ElasticLoadBalancerDescriptions: []ElasticLoadBalancerDescription{{
				ElasticLoadBalancerID: "elb-0a1b2c3d", ElasticLoadBalancerName: "webelb01", DNSName: "198.51.100.30", NetworkVolume: 100,
				State: "available", AccountingType: "2", NextMonthAccountingType: "1",
				Listeners: []ElasticLoadBalancerListener{{
					Protocol: "HTTP", ElasticLoadBalancerPort: 80, InstancePort: 8080, BalancingType: 2, Description: "memo & 日本語",
					Instances: []Instance{web001},
					HealthCheck: ElasticLoadBalancerHealthCheck{Target: "HTTP:8080", Interval: 5, UnhealthyThreshold: 10,
						Path: "/healthz?full=1", Expectation: []string{"200", "3xx"},
						InstanceStates: []InstanceState{{InstanceID: "web001", InstanceUniqueID: "i-0a1b2c3d", State: "OutOfService",
							ReasonCode: "ELB", Description: "no reply"}}},
				}},
			}},
			RequestID: "5b1f7c2e",
		}},
		{"decode/NiftyDescribeElasticLoadBalancers-none.xml", &NiftyDescribeElasticLoadBalancersOutput{
			ElasticLoadBalancerDescriptions: []ElasticLoadBalancerDescription{}, RequestID: "a1b2c3d4",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			out, err := decodeElasticDescribe(200, readTestdata(t, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.want, out)
		})
	}
	t.Run("register without a result element", func(t *testing.T) {
		t.Parallel()
		resp := metadataResponse(ActionNiftyRegisterInstancesWithElasticLoadBalancer)
		require.NoError(t, interpret(ActionNiftyRegisterInstancesWithElasticLoadBalancer, 200,
			readTestdata(t, "decode/NiftyRegisterInstancesWithElasticLoadBalancer-no-result.xml"), resp))
		assert.Equal(t, "0c9e1f4a", resp.requestID())
	})
}

func TestDecodeElasticMalformed(t *testing.T) {
	t.Parallel()
	golden := string(readTestdata(t, "responses/NiftyDescribeElasticLoadBalancers.xml"))
	tests := []struct{ name, body, wantErr string }{
		{"network volume with a unit", strings.Replace(golden, "<NetworkVolume>100<", "<NetworkVolume>100Mbps<", 1),
			`NetworkVolume: invalid integer "100Mbps"`},
		{"bad port", strings.Replace(golden, "<ElasticLoadBalancerPort>80<", "<ElasticLoadBalancerPort>eighty<", 1),
			`ElasticLoadBalancerPort: invalid integer "eighty"`},
		{"bad interval", strings.Replace(golden, "<Interval>30<", "<Interval>3 0<", 1), `Interval: invalid integer "3 0"`},
		{"truncated", golden[:600], "unexpected EOF"},
		{"classic reply", string(readTestdata(t, "responses/DescribeLoadBalancers.xml")),
			"expected element type <NiftyDescribeElasticLoadBalancersResponse> but have <DescribeLoadBalancersResponse>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := decodeElasticDescribe(200, []byte(tt.body))
			assert.Nil(t, out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "NiftyDescribeElasticLoadBalancers: decode HTTP 200 response: ")
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.False(t, IsRetryable(err))
		})
	}
}

func TestElasticDescriptionHelpers(t *testing.T) {
	t.Parallel()
	l, ok := elasticDescription.Listener(ProtocolTCP, 80, 8080)
	require.True(t, ok)
	assert.Equal(t, []string{"web001", "web002"}, l.InstanceIDs())
	l, ok = elasticDescription.Listener("https", 443, 8443)
	require.True(t, ok, "protocols compare without regard to case")
	assert.Equal(t, "api", l.Description)
	assert.Empty(t, l.InstanceIDs())
	for _, miss := range []struct {
		protocol       string
		lbPort, inPort int
	}{{"UDP", 80, 8080}, {"TCP", 80, 8081}, {"TCP", 81, 8080}, {"", 0, 0}} {
		l, ok := elasticDescription.Listener(miss.protocol, miss.lbPort, miss.inPort)
		assert.False(t, ok, "%v", miss)
		assert.Zero(t, l)
	}
}

func elasticRegister(in *NiftyRegisterInstancesWithElasticLoadBalancerInput) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.NiftyRegisterInstancesWithElasticLoadBalancer(ctx, in)
		return err
	}
}

func elasticDescribe(in *NiftyDescribeElasticLoadBalancersInput) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.NiftyDescribeElasticLoadBalancers(ctx, in)
		return err
	}
}

func TestElasticInputValidation(t *testing.T) {
	t.Parallel()
	listener := func(name, id, protocol string, lbPort, instPort int, instances ...string) *NiftyRegisterInstancesWithElasticLoadBalancerInput {
		return &NiftyRegisterInstancesWithElasticLoadBalancerInput{ElasticLoadBalancerName: name, ElasticLoadBalancerID: id,
			Protocol: protocol, ElasticLoadBalancerPort: lbPort, InstancePort: instPort, Instances: instances}
	}
	selectors := func(s ...ElasticLoadBalancerSelector) *NiftyDescribeElasticLoadBalancersInput {
		return &NiftyDescribeElasticLoadBalancersInput{ElasticLoadBalancers: s}
	}
	filters := func(f ...ElasticLoadBalancerFilter) *NiftyDescribeElasticLoadBalancersInput {
		return &NiftyDescribeElasticLoadBalancersInput{Filters: f}
	}
	checkRefused(t, []refusedCall{
		{"register: no load balancer", elasticRegister(listener("", "", "TCP", 80, 8080, "web001")),
			"NiftyRegisterInstancesWithElasticLoadBalancer: invalid input: give an ElasticLoadBalancerName or an ElasticLoadBalancerId"},
		{"register: name and id", elasticRegister(listener("webelb01", "elb-1", "TCP", 80, 8080, "web001")),
			"invalid input: give an ElasticLoadBalancerName or an ElasticLoadBalancerId, not both"},
		{"register: shared name", elasticRegister(listener("ABC12345.webelb01", "", "TCP", 80, 8080, "web001")),
			`invalid input: ElasticLoadBalancerName "ABC12345.webelb01": want 1-15 ASCII letters and digits`},
		{"register: no protocol", elasticRegister(listener("webelb01", "", "", 80, 8080, "web001")),
			`invalid input: Protocol "": want one of "TCP", "UDP", "HTTP", "HTTPS"`},
		{"register: classic protocol", elasticRegister(listener("webelb01", "", "FTP", 21, 21, "web001")), `Protocol "FTP"`},
		{"register: lower-case protocol", elasticRegister(listener("webelb01", "", "tcp", 80, 8080, "web001")), `Protocol "tcp"`},
		{"register: port", elasticRegister(listener("webelb01", "", "TCP", 0, 8080, "web001")),
			"invalid input: ElasticLoadBalancerPort 0 out of range 1-65535"},
		{"register: instance port", elasticRegister(listener("webelb01", "", "TCP", 80, 65536, "web001")),
			"invalid input: InstancePort 65536 out of range 1-65535"},
		{"register: no instances", elasticRegister(listener("webelb01", "", "TCP", 80, 8080)), "invalid input: no instances given"},
		{"register: instance twice", elasticRegister(listener("webelb01", "", "TCP", 80, 8080, "web001", "web001")),
			`encode request: invalid input: Instances: instance "web001" given twice`},
		{"deregister: no instances", func(ctx context.Context, c *Client) error {
			_, err := c.NiftyDeregisterInstancesFromElasticLoadBalancer(ctx, &NiftyDeregisterInstancesFromElasticLoadBalancerInput{
				ElasticLoadBalancerID: "elb-1", Protocol: "UDP", ElasticLoadBalancerPort: 53, InstancePort: 53})
			return err
		}, "NiftyDeregisterInstancesFromElasticLoadBalancer: invalid input: no instances given"},
		{"health: bad protocol", func(ctx context.Context, c *Client) error {
			_, err := c.NiftyDescribeInstanceElasticLoadBalancerHealth(ctx, &NiftyDescribeInstanceElasticLoadBalancerHealthInput{
				ElasticLoadBalancerName: "webelb01", Protocol: "ICMP", ElasticLoadBalancerPort: 80, InstancePort: 8080})
			return err
		}, `NiftyDescribeInstanceElasticLoadBalancerHealth: invalid input: Protocol "ICMP"`},
		{"health: empty instance", func(ctx context.Context, c *Client) error {
			_, err := c.NiftyDescribeInstanceElasticLoadBalancerHealth(ctx, &NiftyDescribeInstanceElasticLoadBalancerHealthInput{
				ElasticLoadBalancerName: "webelb01", Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, Instances: []string{""}})
			return err
		}, "invalid input: Instances: empty instance name at position 1"},
		{"describe: empty selector", elasticDescribe(selectors(ElasticLoadBalancerSelector{})),
			"NiftyDescribeElasticLoadBalancers: encode request: ElasticLoadBalancers entry 1: invalid input: give an ElasticLoadBalancerName or an ElasticLoadBalancerId"},
		{"describe: name and id", elasticDescribe(selectors(ElasticLoadBalancerSelector{Name: "a"}, ElasticLoadBalancerSelector{Name: "b", ID: "elb-1"})),
			"ElasticLoadBalancers entry 2: invalid input: give an ElasticLoadBalancerName or an ElasticLoadBalancerId, not both"},
		{"describe: bad name", elasticDescribe(selectors(ElasticLoadBalancerSelector{Name: "web.elb"})),
			`ElasticLoadBalancers entry 1: invalid input: ElasticLoadBalancerName "web.elb"`},
		{"describe: protocol only", elasticDescribe(selectors(ElasticLoadBalancerSelector{Name: "a", Protocol: "TCP"})),
			"ElasticLoadBalancers entry 1: invalid input: ElasticLoadBalancerPort 0 out of range"},
		{"describe: ports only", elasticDescribe(selectors(ElasticLoadBalancerSelector{ID: "elb-1", ElasticLoadBalancerPort: 80, InstancePort: 80})),
			`ElasticLoadBalancers entry 1: invalid input: Protocol ""`},
		{"describe: no instance port", elasticDescribe(selectors(ElasticLoadBalancerSelector{ID: "elb-1", Protocol: "UDP", ElasticLoadBalancerPort: 80})),
			"invalid input: InstancePort 0 out of range"},
		{"describe: unknown filter", elasticDescribe(filters(ElasticLoadBalancerFilter{Name: "State", Values: []string{"available"}})),
			`NiftyDescribeElasticLoadBalancers: encode request: Filter.1: invalid input: Name "State": want one of "availability-zone", "state"`},
		{"describe: filter without values", elasticDescribe(filters(
			ElasticLoadBalancerFilter{Name: ElasticFilterName, Values: []string{"a"}}, ElasticLoadBalancerFilter{Name: ElasticFilterVersion})),
			`Filter.2: invalid input: filter "version" has no values`},
	})
}

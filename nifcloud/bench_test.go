package nifcloud

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The benchmarks below are what nifcloud/bench runs and reports
// (go test -run='^$' -bench=. -benchmem ./nifcloud/). Their names are part of
// that report: keep them stable.

func BenchmarkSign(b *testing.B) {
	base := url.Values{
		"Action":                        {"RegisterInstancesWithLoadBalancer"},
		"Version":                       {"3.0"},
		"LoadBalancerName":              {"lb001"},
		"LoadBalancerPort":              {"80"},
		"InstancePort":                  {"80"},
		"Instances.member.1.InstanceId": {"web001"},
		"Instances.member.2.InstanceId": {"web002"},
	}
	b.ReportAllocs()
	for b.Loop() {
		v := make(url.Values, len(base)+5)
		for k, val := range base {
			v[k] = val
		}
		if _, err := sign(v, testCreds, SignatureMethodHmacSHA256, "POST", "jp-east-1.computing.api.nifcloud.com", "/api/", testTime); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode measures turning an input into its form parameters (before
// Action, Version and the signature are added).
func BenchmarkEncode(b *testing.B) {
	register := func(n int) *RegisterInstancesWithLoadBalancerInput {
		in := &RegisterInstancesWithLoadBalancerInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}
		for i := range n {
			in.Instances = append(in.Instances, fmt.Sprintf("web%05d", i))
		}
		return in
	}
	describe := &DescribeLoadBalancersInput{LoadBalancers: LoadBalancerSelectors{{Name: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}}}
	tests := []struct {
		name   string
		in     any
		params int
	}{
		{"DescribeLoadBalancers/port", describe, 3},
		{"RegisterInstancesWithLoadBalancer/instances=1", register(1), 4},
		{"RegisterInstancesWithLoadBalancer/instances=100", register(100), 103},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := encodeParams(tt.in)
				if err != nil {
					b.Fatal(err)
				}
				if len(v) != tt.params {
					b.Fatalf("%d parameters, want %d", len(v), tt.params)
				}
			}
		})
	}
}

// BenchmarkDecodeDescribeLoadBalancers measures decoding a
// DescribeLoadBalancers reply (checkResponse and decoding, as a call does):
// members=N is one port definition of a busy listener with N registered
// servers, each with its InstanceStates entry (the reply the module reads for
// every run on that listener); descriptions=N is N load balancers of two
// members each (the reply absent-everywhere reads).
func BenchmarkDecodeDescribeLoadBalancers(b *testing.B) {
	tests := []struct {
		name         string
		body         []byte
		descriptions int
		members      int
	}{
		{"members=1000", membersReply(1000), 1, 1000},
		{"members=10000", membersReply(10000), 1, 10000},
		{"descriptions=200", descriptionsReply(200), 200, 2},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.body)))
			b.ReportAllocs()
			for b.Loop() {
				out, err := decodeDescribe(200, tt.body)
				if err != nil {
					b.Fatal(err)
				}
				if len(out.LoadBalancerDescriptions) != tt.descriptions {
					b.Fatalf("%d descriptions, want %d", len(out.LoadBalancerDescriptions), tt.descriptions)
				}
				d := out.LoadBalancerDescriptions[0]
				if len(d.Instances) != tt.members || len(d.HealthCheck.InstanceStates) != tt.members {
					b.Fatalf("%d members and %d states, want %d", len(d.Instances), len(d.HealthCheck.InstanceStates), tt.members)
				}
			}
		})
	}
}

func TestBenchmarkReplies(t *testing.T) {
	t.Parallel()
	// The generated replies decode to what they were generated from, so
	// the benchmarks measure a complete decode.
	out, err := decodeDescribe(200, membersReply(3))
	require.NoError(t, err)
	require.Len(t, out.LoadBalancerDescriptions, 1)
	d := out.LoadBalancerDescriptions[0]
	assert.Equal(t, []Instance{
		{InstanceID: "web00000", InstanceUniqueID: "i-00000000"},
		{InstanceID: "web00001", InstanceUniqueID: "i-00000001"},
		{InstanceID: "web00002", InstanceUniqueID: "i-00000002"},
	}, d.Instances)
	assert.Equal(t, []InstanceState{
		{InstanceID: "web00000", InstanceUniqueID: "i-00000000", State: "InService"},
		{InstanceID: "web00001", InstanceUniqueID: "i-00000001", State: "InService"},
		{InstanceID: "web00002", InstanceUniqueID: "i-00000002", State: "OutOfService"},
	}, d.HealthCheck.InstanceStates)
	lbPort, instPort := d.Ports()
	assert.Equal(t, []int{80, 8080}, []int{lbPort, instPort})
	assert.Equal(t, "3f1c2a9e-6b7d-4c10-9a55-0d2e8b7f4a61", out.RequestID)

	many, err := decodeDescribe(200, descriptionsReply(3))
	require.NoError(t, err)
	require.Len(t, many.LoadBalancerDescriptions, 3)
	for i, d := range many.LoadBalancerDescriptions {
		assert.Equal(t, fmt.Sprintf("lb%05d", i), d.LoadBalancerName)
		assert.Equal(t, []string{"web00000", "web00001"}, d.InstanceIDs())
	}
}

// replyHead and replyTail frame a DescribeLoadBalancers reply.
const (
	replyHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<DescribeLoadBalancersResponse xmlns="https://computing.api.nifcloud.com/api/">
  <DescribeLoadBalancersResult>
    <LoadBalancerDescriptions>
`
	replyTail = `    </LoadBalancerDescriptions>
  </DescribeLoadBalancersResult>
  <ResponseMetadata>
    <RequestId>3f1c2a9e-6b7d-4c10-9a55-0d2e8b7f4a61</RequestId>
  </ResponseMetadata>
</DescribeLoadBalancersResponse>
`
)

// membersReply returns a DescribeLoadBalancers reply with one port
// definition (weblb01, 80->8080) of n members, laid out as
// testdata/responses/DescribeLoadBalancers.xml: server webNNNNN with unique
// id i-NNNNNNNN, every third one OutOfService.
func membersReply(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(replyHead)
	writeDescription(&buf, "weblb01", 8080, n)
	buf.WriteString(replyTail)
	return buf.Bytes()
}

// descriptionsReply returns a DescribeLoadBalancers reply with n load
// balancers lbNNNNN, each with one port definition of two members.
func descriptionsReply(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(replyHead)
	for i := range n {
		writeDescription(&buf, fmt.Sprintf("lb%05d", i), 8080, 2)
	}
	buf.WriteString(replyTail)
	return buf.Bytes()
}

// writeDescription writes one LoadBalancerDescriptions member with members
// servers.
func writeDescription(buf *bytes.Buffer, name string, instancePort, members int) {
	fmt.Fprintf(buf, `      <member>
        <LoadBalancerName>%s</LoadBalancerName>
        <DNSName>198.51.100.20</DNSName>
        <NetworkVolume>10</NetworkVolume>
        <PolicyType>standard</PolicyType>
        <ListenerDescriptions>
          <member>
            <Listener>
              <Protocol>HTTP</Protocol>
              <LoadBalancerPort>80</LoadBalancerPort>
              <InstancePort>%d</InstancePort>
              <BalancingType>1</BalancingType>
            </Listener>
          </member>
        </ListenerDescriptions>
        <Policies>
          <AppCookieStickinessPolicies>
            <member><PolicyName></PolicyName><CookieName></CookieName></member>
          </AppCookieStickinessPolicies>
          <LBCookieStickinessPolicies>
            <member><PolicyName></PolicyName><CookieExpirationPeriod></CookieExpirationPeriod></member>
          </LBCookieStickinessPolicies>
        </Policies>
        <AvailabilityZones>
          <member>east-11</member>
        </AvailabilityZones>
        <Instances>
`, name, instancePort)
	for i := range members {
		id := "web" + pad(i, 5)
		fmt.Fprintf(buf, "          <member><InstanceId>%s</InstanceId><InstanceUniqueId>i-%s</InstanceUniqueId></member>\n", id, pad(i, 8))
	}
	fmt.Fprintf(buf, `        </Instances>
        <HealthCheck>
          <Target>TCP:%d</Target>
          <Interval>10</Interval>
          <Timeout>11</Timeout>
          <UnhealthyThreshold>1</UnhealthyThreshold>
          <HealthyThreshold>1</HealthyThreshold>
          <InstanceStates>
`, instancePort)
	for i := range members {
		state := "InService"
		if i%3 == 2 {
			state = "OutOfService"
		}
		fmt.Fprintf(buf, `            <member>
              <InstanceId>web%s</InstanceId>
              <InstanceUniqueId>i-%s</InstanceUniqueId>
              <State>%s</State>
              <ReasonCode></ReasonCode>
              <Description></Description>
            </member>
`, pad(i, 5), pad(i, 8), state)
	}
	buf.WriteString(`          </InstanceStates>
        </HealthCheck>
        <Filter>
          <FilterType>1</FilterType>
          <IPAddresses>
            <member><IPAddress>*.*.*.*</IPAddress></member>
          </IPAddresses>
        </Filter>
        <CreatedTime>2024-06-13T14:56:27.000+09:00</CreatedTime>
        <AccountingType>2</AccountingType>
        <NextMonthAccountingType>2</NextMonthAccountingType>
        <Description></Description>
      </member>
`)
}

// pad formats n in decimal with leading zeros to width digits.
func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

package nifcloud

import (
	"bytes"
	"fmt"
	"net/url"
	"testing"
)

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

func BenchmarkEncodeRegister100(b *testing.B) {
	in := &RegisterInstancesWithLoadBalancerInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}
	for i := range 100 {
		in.Instances = append(in.Instances, fmt.Sprintf("web%03d", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := encodeParams(in)
		if err != nil {
			b.Fatal(err)
		}
		if len(v) != 103 {
			b.Fatalf("%d parameters", len(v))
		}
	}
}

// describeReply returns a DescribeLoadBalancers reply with n members shaped
// like the first member of the golden reply.
func describeReply(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<DescribeLoadBalancersResponse xmlns="https://computing.api.nifcloud.com/api/">
  <DescribeLoadBalancersResult>
    <LoadBalancerDescriptions>
`)
	for i := range n {
		fmt.Fprintf(&buf, `      <member>
        <LoadBalancerName>lb%05d</LoadBalancerName>
        <DNSName>198.51.100.20</DNSName>
        <NetworkVolume>10</NetworkVolume>
        <PolicyType>standard</PolicyType>
        <ListenerDescriptions>
          <member><Listener><Protocol>HTTP</Protocol><LoadBalancerPort>80</LoadBalancerPort><InstancePort>%d</InstancePort><BalancingType>1</BalancingType></Listener></member>
        </ListenerDescriptions>
        <Policies>
          <AppCookieStickinessPolicies><member><PolicyName></PolicyName><CookieName></CookieName></member></AppCookieStickinessPolicies>
          <LBCookieStickinessPolicies><member><PolicyName></PolicyName><CookieExpirationPeriod></CookieExpirationPeriod></member></LBCookieStickinessPolicies>
        </Policies>
        <AvailabilityZones><member>east-11</member></AvailabilityZones>
        <Instances>
          <member><InstanceId>web001</InstanceId><InstanceUniqueId>i-0a1b2c3d</InstanceUniqueId></member>
          <member><InstanceId>web002</InstanceId><InstanceUniqueId>i-4e5f6a7b</InstanceUniqueId></member>
        </Instances>
        <HealthCheck>
          <Target>TCP:8080</Target><Interval>10</Interval><Timeout>11</Timeout><UnhealthyThreshold>1</UnhealthyThreshold><HealthyThreshold>1</HealthyThreshold>
          <InstanceStates>
            <member><InstanceId>web001</InstanceId><InstanceUniqueId>i-0a1b2c3d</InstanceUniqueId><State>InService</State><ReasonCode></ReasonCode><Description></Description></member>
            <member><InstanceId>web002</InstanceId><InstanceUniqueId>i-4e5f6a7b</InstanceUniqueId><State>OutOfService</State><ReasonCode></ReasonCode><Description></Description></member>
          </InstanceStates>
        </HealthCheck>
        <Filter><FilterType>1</FilterType><IPAddresses><member><IPAddress>*.*.*.*</IPAddress></member></IPAddresses></Filter>
        <CreatedTime>2024-06-13T14:56:27.000+09:00</CreatedTime>
        <AccountingType>2</AccountingType>
        <NextMonthAccountingType>2</NextMonthAccountingType>
        <Option>
          <SessionStickinessPolicy><Enabled>true</Enabled><ExpirationPeriod>10</ExpirationPeriod></SessionStickinessPolicy>
          <SorryPage><Enabled>false</Enabled><StatusCode>200</StatusCode></SorryPage>
        </Option>
        <Description></Description>
      </member>
`, i, 1024+i%60000)
	}
	buf.WriteString(`    </LoadBalancerDescriptions>
  </DescribeLoadBalancersResult>
  <ResponseMetadata><RequestId>3f1c2a9e-6b7d-4c10-9a55-0d2e8b7f4a61</RequestId></ResponseMetadata>
</DescribeLoadBalancersResponse>
`)
	return buf.Bytes()
}

func benchmarkDecodeDescribe(b *testing.B, n int) {
	body := describeReply(n)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := decodeDescribe(200, body)
		if err != nil {
			b.Fatal(err)
		}
		if len(out.LoadBalancerDescriptions) != n {
			b.Fatalf("%d descriptions", len(out.LoadBalancerDescriptions))
		}
	}
}

func BenchmarkDecodeDescribeLoadBalancers1000(b *testing.B)  { benchmarkDecodeDescribe(b, 1000) }
func BenchmarkDecodeDescribeLoadBalancers10000(b *testing.B) { benchmarkDecodeDescribe(b, 10000) }

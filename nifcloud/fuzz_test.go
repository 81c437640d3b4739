package nifcloud

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addReplySeeds seeds a fuzz target with every reply under testdata, each
// with a success and an error status.
func addReplySeeds(f *testing.F) {
	f.Helper()
	for _, dir := range []string{"responses", "errors", "decode"} {
		paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		require.NoError(f, err)
		require.NotEmpty(f, paths)
		for _, p := range paths {
			body, err := os.ReadFile(p)
			require.NoError(f, err)
			f.Add(200, body)
			f.Add(500, body)
		}
	}
	f.Add(503, []byte(nil))
	f.Add(429, []byte("<html>\x00\x1b[31m\xff</html>"))
}

// checkReply checks the invariants of interpret for any reply: a 2xx
// without an envelope either decodes or gives a decode error; anything else
// gives an *APIError with the status and a bounded, printable description.
func checkReply(t *testing.T, status int, decoded bool, err error) {
	t.Helper()
	if err == nil {
		require.True(t, decoded)
		require.True(t, status >= 200 && status <= 299, "success with status %d", status)
		return
	}
	require.False(t, decoded)
	require.NotEmpty(t, err.Error())
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		require.Equal(t, status, apiErr.StatusCode)
		if apiErr.Code == "" {
			require.False(t, status >= 200 && status <= 299, "an envelope-less 2xx is not an API error")
			require.True(t, strings.HasPrefix(apiErr.Message, "empty response body") ||
				strings.HasPrefix(apiErr.Message, "unexpected response body: "), apiErr.Message)
			require.LessOrEqual(t, len(apiErr.Message), 1024)
			require.True(t, utf8.ValidString(apiErr.Message))
			for _, r := range apiErr.Message {
				require.False(t, r < 0x20 || r == 0x7f, "control character in %q", apiErr.Message)
			}
		}
		_ = IsRetryable(err)
		return
	}
	var decodeErr *decodeError
	require.ErrorAs(t, err, &decodeErr)
	require.True(t, status >= 200 && status <= 299)
	require.False(t, IsRetryable(err))
}

// replySeeds are small replies of every shape: one per action with one of
// each element it decodes, and error envelopes. Small seeds keep the fuzzer
// fast; the whole golden replies are decoded by the unit tests.
var replySeeds = []string{
	`<DescribeLoadBalancersResponse xmlns="https://computing.api.nifcloud.com/api/"><DescribeLoadBalancersResult><LoadBalancerDescriptions><member>` +
		`<LoadBalancerName>a</LoadBalancerName><NetworkVolume>10</NetworkVolume><ListenerDescriptions><member><Listener><Protocol>HTTP</Protocol>` +
		`<LoadBalancerPort>80</LoadBalancerPort></Listener></member></ListenerDescriptions><AvailabilityZones><member>z</member></AvailabilityZones>` +
		`<Instances><member><InstanceId>w</InstanceId></member></Instances><HealthCheck><Interval>5</Interval><InstanceStates><member><State>InService</State>` +
		`</member></InstanceStates></HealthCheck><Filter><FilterType>1</FilterType><IPAddresses><member><IPAddress>*.*.*.*</IPAddress></member></IPAddresses></Filter>` +
		`<CreatedTime>2024-06-13T14:56:27.000+09:00</CreatedTime><Option><SessionStickinessPolicy><Enabled>true</Enabled></SessionStickinessPolicy>` +
		`<SorryPage><StatusCode>200</StatusCode></SorryPage></Option></member></LoadBalancerDescriptions></DescribeLoadBalancersResult>` +
		`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>`,
	`<RegisterInstancesWithLoadBalancerResponse><RegisterInstancesWithLoadBalancerResult><Instances><member><InstanceId>w</InstanceId>` +
		`<InstanceUniqueId>i</InstanceUniqueId></member></Instances></RegisterInstancesWithLoadBalancerResult></RegisterInstancesWithLoadBalancerResponse>`,
	`<DeregisterInstancesFromLoadBalancerResponse><DeregisterInstancesFromLoadBalancerResult><Instances><member><InstanceId>w</InstanceId>` +
		`</member></Instances></DeregisterInstancesFromLoadBalancerResult></DeregisterInstancesFromLoadBalancerResponse>`,
	`<DescribeInstanceHealthResponse><DescribeInstanceHealthResult><InstanceStates><member><InstanceId>w</InstanceId><State>OutOfService</State>` +
		`</member></InstanceStates></DescribeInstanceHealthResult><ResponseMetadata><requestId>r</requestId></ResponseMetadata></DescribeInstanceHealthResponse>`,
	`<CreateLoadBalancerResponse><CreateLoadBalancerResult><DNSName>198.51.100.21</DNSName></CreateLoadBalancerResult></CreateLoadBalancerResponse>`,
	`<RegisterPortWithLoadBalancerResponse><RegisterPortWithLoadBalancerResult><Listeners><member><Protocol>https</Protocol>` +
		`<InstancePort>8443</InstancePort><BalancingType>2</BalancingType></member></Listeners></RegisterPortWithLoadBalancerResult></RegisterPortWithLoadBalancerResponse>`,
	`<DeleteLoadBalancerResponse><DeleteLoadBalancerResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteLoadBalancerResponse>`,
	`<ConfigureHealthCheckResponse><ConfigureHealthCheckResult><HealthCheck><Target>TCP:80</Target><Interval>10</Interval>` +
		`</HealthCheck></ConfigureHealthCheckResult></ConfigureHealthCheckResponse>`,
	`<SetFilterForLoadBalancerResponse><SetFilterForLoadBalancerResult><Filter><FilterType>2</FilterType><IPAddresses><member>` +
		`<IPAddress>192.0.2.10</IPAddress></member></IPAddresses></Filter></SetFilterForLoadBalancerResult></SetFilterForLoadBalancerResponse>`,
	`<UpdateLoadBalancerResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></UpdateLoadBalancerResponse>`,
	`<UpdateLoadBalancerOptionResponse/>`,
	`<NiftyDescribeElasticLoadBalancersResponse><NiftyDescribeElasticLoadBalancersResult><ElasticLoadBalancerDescriptions><member>` +
		`<ElasticLoadBalancerId>elb-1</ElasticLoadBalancerId><NetworkVolume>100</NetworkVolume><ElasticLoadBalancerListenerDescriptions><member><Listener>` +
		`<Protocol>TCP</Protocol><ElasticLoadBalancerPort>80</ElasticLoadBalancerPort><Description><![CDATA[x]]></Description>` +
		`<Instances><member><InstanceId>w</InstanceId></member></Instances><HealthCheck><Interval>10</Interval><Expectation><member><HttpCode>200</HttpCode>` +
		`</member></Expectation><InstanceStates><member><State></State></member></InstanceStates></HealthCheck></Listener></member>` +
		`</ElasticLoadBalancerListenerDescriptions></member></ElasticLoadBalancerDescriptions></NiftyDescribeElasticLoadBalancersResult>` +
		`</NiftyDescribeElasticLoadBalancersResponse>`,
	`<NiftyRegisterInstancesWithElasticLoadBalancerResponse><NiftyRegisterInstancesWithElasticLoadBalancerResult/></NiftyRegisterInstancesWithElasticLoadBalancerResponse>`,
	`<NiftyDeregisterInstancesFromElasticLoadBalancerResponse/>`,
	`<NiftyDescribeInstanceElasticLoadBalancerHealthResponse><NiftyDescribeInstanceElasticLoadBalancerHealthResult><InstanceStates><member>` +
		`<InstanceId>w</InstanceId></member></InstanceStates></NiftyDescribeInstanceElasticLoadBalancerHealthResult></NiftyDescribeInstanceElasticLoadBalancerHealthResponse>`,
	`<Response><Errors><Error><Code>Client.InvalidParameterNotFound.LoadBalancer</Code><Message>m</Message></Error></Errors><RequestID>r</RequestID></Response>`,
	`<html>502</html>`,
	``,
}

// FuzzDecodeReplies decodes every body as the reply of every action: it
// never panics, the outcome keeps the invariants of checkReply, and a reply
// that decodes encodes back to XML that decodes to the same output.
func FuzzDecodeReplies(f *testing.F) {
	for _, seed := range replySeeds {
		f.Add(200, []byte(seed))
	}
	f.Add(500, []byte(replySeeds[0]))
	f.Add(503, []byte(replySeeds[len(replySeeds)-3]))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		for _, kind := range replyKinds {
			decoded := kind.new()
			err := interpret(kind.action, status, body, decoded)
			checkReply(t, status, err == nil, err)
			if err != nil {
				continue
			}
			checkRoundTrip(t, kind, decoded)
			if out, ok := decoded.(*xmlDescribeLoadBalancersResponse); ok {
				for _, d := range out.output().LoadBalancerDescriptions {
					assert.Len(t, d.InstanceIDs(), len(d.Instances))
				}
			}
		}
	})
}

func FuzzErrorEnvelope(f *testing.F) {
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		apiErr := checkResponse("DescribeLoadBalancers", status, body)
		if apiErr == nil {
			require.True(t, status >= 200 && status <= 299, "status %d without an error", status)
			return
		}
		require.Equal(t, status, apiErr.StatusCode)
		if env, ok := parseErrorEnvelope(body); ok {
			require.NotEmpty(t, apiErr.Code)
			require.Equal(t, strings.TrimSpace(env.Errors[0].Code), apiErr.Code)
		} else {
			require.Empty(t, apiErr.Code)
		}
		require.NotEmpty(t, apiErr.Error())
		_ = IsRetryable(apiErr)
	})
}

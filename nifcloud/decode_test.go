package nifcloud

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeDescribe interprets a DescribeLoadBalancers reply.
func decodeDescribe(status int, body []byte) (*DescribeLoadBalancersOutput, error) {
	var resp xmlDescribeLoadBalancersResponse
	if err := interpret(ActionDescribeLoadBalancers, status, body, &resp); err != nil {
		return nil, err
	}
	return resp.output(), nil
}

// decodeRegister interprets a RegisterInstancesWithLoadBalancer reply.
func decodeRegister(status int, body []byte) (*xmlRegisterInstancesResponse, error) {
	var resp xmlRegisterInstancesResponse
	err := interpret(ActionRegisterInstancesWithLoadBalancer, status, body, &resp)
	return &resp, err
}

// decodeDeregister interprets a DeregisterInstancesFromLoadBalancer reply.
func decodeDeregister(status int, body []byte) (*xmlDeregisterInstancesResponse, error) {
	var resp xmlDeregisterInstancesResponse
	err := interpret(ActionDeregisterInstancesFromLoadBalancer, status, body, &resp)
	return &resp, err
}

// decodeHealth interprets a DescribeInstanceHealth reply.
func decodeHealth(status int, body []byte) (*xmlDescribeInstanceHealthResponse, error) {
	var resp xmlDescribeInstanceHealthResponse
	err := interpret(ActionDescribeInstanceHealth, status, body, &resp)
	return &resp, err
}

var (
	web001 = Instance{InstanceID: "web001", InstanceUniqueID: "i-0a1b2c3d"}
	web002 = Instance{InstanceID: "web002", InstanceUniqueID: "i-4e5f6a7b"}
)

// goldenDescriptions is the content of testdata/responses/DescribeLoadBalancers.xml,
// without the CreatedTime values (checked as text).
var goldenDescriptions = []LoadBalancerDescription{
	{
		LoadBalancerName:  "weblb01",
		DNSName:           "198.51.100.20",
		NetworkVolume:     10,
		PolicyType:        "standard",
		Listener:          Listener{Protocol: "HTTP", LoadBalancerPort: 80, InstancePort: 8080, BalancingType: 1},
		AvailabilityZones: []string{"east-11"},
		Instances:         []Instance{web001, web002},
		HealthCheck: HealthCheck{
			Target: "TCP:8080", Interval: 10, Timeout: 11, UnhealthyThreshold: 1, HealthyThreshold: 1,
			InstanceStates: []InstanceState{
				{InstanceID: "web001", InstanceUniqueID: "i-0a1b2c3d", State: "InService"},
				{InstanceID: "web002", InstanceUniqueID: "i-4e5f6a7b", State: "OutOfService"},
			},
		},
		Filter:                  Filter{FilterType: "1", IPAddresses: []string{"*.*.*.*"}},
		AccountingType:          "2",
		NextMonthAccountingType: "2",
	},
	{
		LoadBalancerName:  "weblb01",
		DNSName:           "198.51.100.20",
		NetworkVolume:     10,
		PolicyType:        "standard",
		Listener:          Listener{Protocol: "HTTPS", LoadBalancerPort: 443, InstancePort: 8443, BalancingType: 2},
		AvailabilityZones: []string{"east-11"},
		Instances:         []Instance{web001},
		HealthCheck: HealthCheck{
			Target: "TCP:8443", Interval: 30, Timeout: 91, UnhealthyThreshold: 3, HealthyThreshold: 1,
		},
		Filter:                  Filter{FilterType: "1", IPAddresses: []string{"203.0.113.0/24", "192.0.2.10"}},
		AccountingType:          "2",
		NextMonthAccountingType: "2",
		Option: &Option{
			SessionStickinessPolicy: SessionStickinessPolicy{Enabled: true, ExpirationPeriod: 10},
			SorryPage:               SorryPage{Enabled: false, StatusCode: 200},
		},
	},
}

// checkDescriptions compares descriptions, CreatedTime as RFC 3339 text
// (instant and offset), the rest field by field.
func checkDescriptions(t *testing.T, want []LoadBalancerDescription, wantCreated []string, got []LoadBalancerDescription) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range got {
		created := ""
		if !got[i].CreatedTime.IsZero() {
			created = got[i].CreatedTime.Format(time.RFC3339Nano)
		}
		assert.Equal(t, wantCreated[i], created, "CreatedTime of member %d", i+1)
		g := got[i]
		g.CreatedTime = time.Time{}
		assert.Equal(t, want[i], g, "member %d", i+1)
	}
}

func TestDecodeGoldenDescribeLoadBalancers(t *testing.T) {
	t.Parallel()
	out, err := decodeDescribe(200, readTestdata(t, "responses/DescribeLoadBalancers.xml"))
	require.NoError(t, err)
	assert.Equal(t, "3f1c2a9e-6b7d-4c10-9a55-0d2e8b7f4a61", out.RequestID)
	checkDescriptions(t, goldenDescriptions, []string{"2024-06-13T14:56:27+09:00", "2024-06-13T15:02:11+09:00"}, out.LoadBalancerDescriptions)

	lbPort, instPort := out.LoadBalancerDescriptions[1].Ports()
	assert.Equal(t, []int{443, 8443}, []int{lbPort, instPort})
	assert.Equal(t, []string{"web001", "web002"}, out.LoadBalancerDescriptions[0].InstanceIDs())
	created := out.LoadBalancerDescriptions[0].CreatedTime
	assert.True(t, created.Equal(time.Date(2024, 6, 13, 5, 56, 27, 0, time.UTC)), "%s", created)
}

func TestDecodeGoldenRegisterAndDeregister(t *testing.T) {
	t.Parallel()
	reg, err := decodeRegister(200, readTestdata(t, "responses/RegisterInstancesWithLoadBalancer.xml"))
	require.NoError(t, err)
	assert.Equal(t, []Instance{web001, web002}, reg.Instances)
	assert.Equal(t, "9d0e7c6b-2a41-4f3e-8b1d-5c6a7e8f9012", reg.requestID())

	dereg, err := decodeDeregister(200, readTestdata(t, "responses/DeregisterInstancesFromLoadBalancer.xml"))
	require.NoError(t, err)
	assert.Equal(t, []Instance{web002}, dereg.Instances)
	assert.Equal(t, "b7a1c2d3-4e5f-4a6b-9c8d-7e6f5a4b3c21", dereg.requestID())
}

func TestDecodeGoldenDescribeInstanceHealth(t *testing.T) {
	t.Parallel()
	health, err := decodeHealth(200, readTestdata(t, "responses/DescribeInstanceHealth.xml"))
	require.NoError(t, err)
	assert.Equal(t, []InstanceState{
		{InstanceID: "web001", InstanceUniqueID: "i-0a1b2c3d", State: "InService"},
		{InstanceID: "web002", InstanceUniqueID: "i-4e5f6a7b", State: "OutOfService"},
	}, health.InstanceStates)
	assert.Equal(t, "0c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d", health.requestID())
}

// goldenErrors are the files of testdata/errors with their contents.
var goldenErrors = []struct {
	file, code, message, requestID string
}{
	{"Client.Inoperable.LoadBalancer.HavingRegisteredInstance.xml", CodeInstanceAlreadyRegistered,
		"The instance ID 'web001' already exists with this LoadBalancer.", "3b4c5d6e-7f8a-4b9c-8d1e-f2a3b4c5d6e7"},
	{"Client.Inoperable.LoadBalancerPort.AlreadyExists.xml", CodeLoadBalancerPortAlreadyExists,
		"The requested LoadBalancerPort '443' already exists.", "5d6e7f8a-9bac-4dbe-8f3a-b4c5d6e7f809"},
	{"Client.InvalidParameterDuplicate.IpAddress.xml", CodeIPAddressDuplicate,
		"The IP Address '203.0.113.5' already set to this filter(LoadBalancer 'weblb01', loadBalancerPort '80').", "6e7f8a9b-acbd-4ecf-9a4b-c5d6e7f8091a"},
	{"Client.InvalidParameterDuplicate.LoadBalancer.xml", CodeLoadBalancerDuplicate,
		"The LoadBalancer 'weblb01' already exists.", "4c5d6e7f-8a9b-4cad-9e2f-a3b4c5d6e7f8"},
	{"Client.InvalidParameterNotFound.Instance-deregister.xml", CodeInstanceNotFound,
		"The instance ID 'web003' does not register at the LoadBalancer 'weblb01'.", "8091a2b3-c4d5-4e6f-9a7b-8c9d0e1f2a3b"},
	{"Client.InvalidParameterNotFound.Instance.xml", CodeInstanceNotFound,
		"The instance ID 'web009' does not exist.", "2a3b4c5d-6e7f-4a8b-9c0d-e1f2a3b4c5d6"},
	{"Client.InvalidParameterNotFound.LoadBalancer.xml", CodeLoadBalancerNotFound,
		"The LoadBalancerName 'lb001' does not exist.", "5ec8da0a-6e23-4343-b474-ca0bb5c22a51"},
	{"Client.InvalidParameterNotFound.LoadBalancerPort.xml", CodeLoadBalancerPortNotFound,
		"The requested LoadBalancer 'weblb01' does not have this port (loadBalancerPort:80,instancePort:80).", "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"},
	{"Client.Inoperable.ElasticLoadBalancer.HavingRegisteredInstance.xml", CodeElasticInstanceAlreadyRegistered,
		"The Instances_member_InstanceId 'web001' already exists with this ElasticLoadBalancer.", "9f8b0c3d-6e1a-4f5b-9ca9-2d4e6a8b0fbb"},
	{"Client.InvalidParameterNotFound.ElasticLoadBalancer-register.xml", CodeElasticLoadBalancerNotFound,
		"The ElasticLoadBalancerName 'elb001' does not exist.", "5b4d6e9f-2a7c-4b1d-9e65-8f0a2c4d6b77"},
	{"Client.InvalidParameterNotFound.ElasticLoadBalancer.xml", CodeElasticLoadBalancerNotFound,
		"The ElasticLoadBalancers_ElasticLoadBalancerName 'elb001' does not exist.", "4a3c5d8e-1f6b-4a0c-8d54-7e9f1b3c5a66"},
	{"Client.InvalidParameterNotFound.Instance-elastic-deregister.xml", CodeInstanceNotFound,
		"The Instances_member_InstanceId 'web003' does not register at the ElasticLoadBalancer 'webelb01'.", "8e7a9b2c-5d0f-4e4a-8b98-1c3d5f7a9eaa"},
	{"Client.InvalidParameterNotFound.Instance-elastic.xml", CodeInstanceNotFound,
		"The Instances_member_InstanceId 'web009' does not exist.", "7d6f8a1b-4c9e-4d3f-9a87-0b2c4e6f8d99"},
	{"Client.InvalidParameterNotFound.Protocol.or.ElasticLoadBalancerPort.xml", CodeElasticListenerNotFound,
		"The requested ElasticLoadBalancerName ('webelb01') does not have this protocol and port (Protocol: 'UDP',ElasticLoadBalancerPort: '80',InstancePort: '8080').",
		"6c5e7f0a-3b8d-4c2e-8f76-9a1b3d5e7c88"},
	{"Server.InternalError.xml", "Server.InternalError",
		"An error has occurred. Please try again later.", "7f8a9bac-bdce-4fd0-8b5c-d6e7f8091a2b"},
}

func TestDecodeGoldenErrors(t *testing.T) {
	t.Parallel()
	for _, ge := range goldenErrors {
		for _, status := range []int{500, 400, 503, 200} {
			t.Run(fmt.Sprintf("%s/HTTP%d", ge.file, status), func(t *testing.T) {
				t.Parallel()
				_, err := decodeDescribe(status, readTestdata(t, "errors/"+ge.file))
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, &APIError{
					Action:     ActionDescribeLoadBalancers,
					StatusCode: status,
					Code:       ge.code,
					Message:    ge.message,
					RequestID:  ge.requestID,
				}, apiErr)
				assert.Equal(t, ge.code, ErrorCode(err))
				assert.Equal(t, strings.HasPrefix(ge.code, "Server."), IsRetryable(err), "retryable by code, whatever the status")
			})
		}
	}
}

func TestDecodeFixtures(t *testing.T) {
	t.Parallel()
	full := LoadBalancerDescription{
		LoadBalancerName:  "lb001",
		DNSName:           "111.171.200.1",
		NetworkVolume:     20,
		PolicyType:        "ats",
		Listener:          Listener{Protocol: "HTTPS", LoadBalancerPort: 443, InstancePort: 443, BalancingType: 2},
		AvailabilityZones: []string{"west-11", "west-12"},
		Instances:         []Instance{{InstanceID: "server001", InstanceUniqueID: "i-abcd1234"}},
		HealthCheck: HealthCheck{
			Target: "ICMP", Interval: 300, Timeout: 900, UnhealthyThreshold: 10, HealthyThreshold: 1,
			InstanceStates: []InstanceState{{InstanceID: "server001", InstanceUniqueID: "i-abcd1234", State: "InService", ReasonCode: "N/A", Description: "ok"}},
		},
		Filter:                  Filter{FilterType: "2", IPAddresses: []string{"198.51.100.7"}},
		AccountingType:          "1",
		NextMonthAccountingType: "2",
		Option: &Option{
			SessionStickinessPolicy: SessionStickinessPolicy{Enabled: true, ExpirationPeriod: 30},
			SorryPage:               SorryPage{Enabled: true, StatusCode: 503},
		},
		Description: "memo with <markup> & 日本語",
	}
	tests := []struct {
		file      string
		want      []LoadBalancerDescription
		created   []string
		requestID string
	}{
		{"DescribeLoadBalancers-nifty-namespace.xml", []LoadBalancerDescription{full}, []string{"2013-05-01T01:02:03Z"}, "f6dd8353-eb6b-6b4fd32e4f05"},
		{"DescribeLoadBalancers-api-1.5-namespace.xml", []LoadBalancerDescription{full}, []string{"2013-05-01T10:02:03.5+09:00"}, "f6dd8353-eb6b-6b4fd32e4f05"},
		{"DescribeLoadBalancers-no-namespace.xml", []LoadBalancerDescription{full}, []string{"2013-05-01T01:02:03Z"}, "f6dd8353-eb6b-6b4fd32e4f05"},
		{"DescribeLoadBalancers-prefixed-root.xml", []LoadBalancerDescription{full}, []string{"2013-05-01T01:02:03Z"}, "f6dd8353-eb6b-6b4fd32e4f05"},
		{"DescribeLoadBalancers-empty-elements.xml", []LoadBalancerDescription{
			{
				LoadBalancerName: "lb002",
				Listener:         Listener{LoadBalancerPort: 8080, InstancePort: 80},
				Option:           &Option{},
			},
			{LoadBalancerName: "lb003"},
		}, []string{"", ""}, ""},
		{"DescribeLoadBalancers-none.xml", []LoadBalancerDescription{}, nil, "lower-case-request-id"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			out, err := decodeDescribe(200, readTestdata(t, "decode/"+tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.requestID, out.RequestID)
			checkDescriptions(t, tt.want, tt.created, out.LoadBalancerDescriptions)
		})
	}

	t.Run("Ports and InstanceIDs of an empty description", func(t *testing.T) {
		t.Parallel()
		lbPort, instPort := LoadBalancerDescription{}.Ports()
		assert.Zero(t, lbPort)
		assert.Zero(t, instPort)
		assert.Empty(t, LoadBalancerDescription{}.InstanceIDs())
	})
	t.Run("register, old namespace, no unique id", func(t *testing.T) {
		t.Parallel()
		reg, err := decodeRegister(200, readTestdata(t, "decode/RegisterInstancesWithLoadBalancer-nifty-namespace.xml"))
		require.NoError(t, err)
		assert.Equal(t, []Instance{{InstanceID: "server02"}}, reg.Instances)
		assert.Equal(t, "ac501097-4c8d-475b-b06b-a90048ec181c", reg.requestID())
	})
	t.Run("deregister, no namespace, empty list", func(t *testing.T) {
		t.Parallel()
		dereg, err := decodeDeregister(200, readTestdata(t, "decode/DeregisterInstancesFromLoadBalancer-no-namespace.xml"))
		require.NoError(t, err)
		assert.Empty(t, dereg.Instances)
		assert.Equal(t, "f6dd8353-eb6b-6b4fd32e4f05", dereg.requestID())
	})
	t.Run("health, 1.5 namespace, other element order", func(t *testing.T) {
		t.Parallel()
		health, err := decodeHealth(200, readTestdata(t, "decode/DescribeInstanceHealth-api-1.5-namespace.xml"))
		require.NoError(t, err)
		assert.Equal(t, []InstanceState{{
			InstanceID: "server01", State: "OutOfService", ReasonCode: "ELB",
			Description: "Instance registration is still in progress.",
		}}, health.InstanceStates)
	})
}

func TestDecodeErrorFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file   string
		status int
		want   APIError
	}{
		{"error-no-declaration.xml", 500, APIError{StatusCode: 500, Code: "Client.InvalidParameterNotFound.LoadBalancerPort",
			Message:   "The requested LoadBalancer 'lb001' does not have this port (loadBalancerPort:80,instancePort:80).",
			RequestID: "5ec8da0a-6e23-4343-b474-ca0bb5c22a51"}},
		{"error-multiple.xml", 503, APIError{StatusCode: 503, Code: "Server.ResourceIncorrectState.LoadBalancer.Processing",
			Message: "The LoadBalancer 'weblb01' is processing.", RequestID: "9a8b7c6d"}},
		{"error-namespaced.xml", 200, APIError{StatusCode: 200, Code: "Server.Unavailable",
			Message: "The service is unavailable.", RequestID: "0f1e2d3c"}},
		{"error-without-code.xml", 500, APIError{StatusCode: 500,
			Message: `unexpected response body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?> <Response> <Errors> <Error> <Message>no code here</Message> </Error> </Errors> </Response>"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			_, err := decodeDescribe(tt.status, readTestdata(t, "decode/"+tt.file))
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			tt.want.Action = ActionDescribeLoadBalancers
			assert.Equal(t, &tt.want, apiErr)
		})
	}
}

func TestDecodeMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      []byte
		apiErr    bool
		wantErr   []string
		retryable bool
	}{
		{name: "HTML 502 from a proxy", status: 502, body: readTestdata(t, "decode/bad-gateway.html"), apiErr: true, retryable: true,
			wantErr: []string{`DescribeLoadBalancers: unexpected response body: "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>" (HTTP 502)`}},
		{name: "empty 500", status: 500, body: nil, apiErr: true, retryable: true,
			wantErr: []string{"DescribeLoadBalancers: empty response body (HTTP 500)"}},
		{name: "blank 503", status: 503, body: []byte(" \r\n"), apiErr: true, retryable: true,
			wantErr: []string{"empty response body (HTTP 503)"}},
		{name: "JSON 400", status: 400, body: readTestdata(t, "decode/json.txt"), apiErr: true, retryable: false,
			wantErr: []string{`unexpected response body: "{\"error\":\"not xml\"}" (HTTP 400)`}},
		{name: "HTML 404", status: 404, body: []byte("<html>Not Found</html>"), apiErr: true, retryable: false,
			wantErr: []string{"(HTTP 404)"}},
		{name: "empty 200", status: 200, body: nil,
			wantErr: []string{"DescribeLoadBalancers: decode HTTP 200 response: EOF; body: \"\""}},
		{name: "truncated 200", status: 200, body: readTestdata(t, "decode/truncated.xml"),
			wantErr: []string{"decode HTTP 200 response: XML syntax error", "unexpected EOF", `body: "<?xml version=\"1.0\"`, `"...`}},
		{name: "wrong root 200", status: 200, body: readTestdata(t, "decode/wrong-root.xml"),
			wantErr: []string{"expected element type <DescribeLoadBalancersResponse> but have <DescribeInstancesResponse>"}},
		{name: "HTML 200", status: 200, body: readTestdata(t, "decode/bad-gateway.html"),
			wantErr: []string{"expected element type <DescribeLoadBalancersResponse> but have <html>"}},
		{name: "bad integer", status: 200, body: readTestdata(t, "decode/bad-integer.xml"),
			wantErr: []string{`NetworkVolume: invalid integer "ten"`}},
		{name: "bad timestamp", status: 200, body: readTestdata(t, "decode/bad-timestamp.xml"),
			wantErr: []string{`CreatedTime: invalid timestamp "13/06/2024 14:56"`}},
		{name: "bad boolean", status: 200, body: readTestdata(t, "decode/bad-boolean.xml"),
			wantErr: []string{`Enabled: invalid boolean "yes"`}},
		{name: "long bad integer is cut", status: 200, body: []byte("<DescribeLoadBalancersResponse><DescribeLoadBalancersResult><LoadBalancerDescriptions><member><NetworkVolume>" +
			strings.Repeat("9", 100) + "</NetworkVolume></member></LoadBalancerDescriptions></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>"),
			wantErr: []string{`NetworkVolume: invalid integer "..." (100 bytes)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := decodeDescribe(tt.status, tt.body)
			require.Error(t, err)
			assert.Nil(t, out)
			for _, want := range tt.wantErr {
				assert.Contains(t, err.Error(), want)
			}
			var apiErr *APIError
			assert.Equal(t, tt.apiErr, errors.As(err, &apiErr))
			assert.Equal(t, tt.retryable, IsRetryable(err))
			assert.Empty(t, ErrorCode(err))
		})
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "hello", `"hello"`},
		{"white space collapsed and trimmed", "  a\r\n\t b  ", `"a b"`},
		{"control characters dropped", "a\x00b\x1bc\x7fd", `"abcd"`},
		{"format characters dropped", "a\u200bb\u202ec", `"abc"`},
		{"invalid UTF-8 dropped", "a\xffb", `"ab"`},
		{"non-ASCII kept", "エラー", `"エラー"`},
		{"long bodies cut at 200 bytes, between words", strings.Repeat("xxx ", 125), `"` + strings.TrimSpace(strings.Repeat("xxx ", 50)) + `"...`},
		{"a word the limit splits is dropped whole", strings.Repeat("xxx ", 49) + strings.Repeat("y", 10), `"` + strings.TrimSpace(strings.Repeat("xxx ", 49)) + `"...`},
		{"one long word is dropped whole", strings.Repeat("x", 500), `""...`},
		{"cut inside a character", strings.Repeat("x ", 99) + "日本", `"` + strings.TrimSpace(strings.Repeat("x ", 99)) + `"...`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, excerpt([]byte(tt.in)))
		})
	}
}

func TestGoldenErrorsAreAllChecked(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join("testdata", "errors", "*.xml"))
	require.NoError(t, err)
	checked := map[string]bool{}
	for _, ge := range goldenErrors {
		checked[ge.file] = true
	}
	for _, p := range paths {
		assert.True(t, checked[filepath.Base(p)], "%s is not in goldenErrors", p)
	}
	assert.Len(t, paths, len(goldenErrors))
}

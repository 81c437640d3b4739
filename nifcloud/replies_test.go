package nifcloud

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replyKind is the reply type of one action, for the tests that treat every
// reply alike.
type replyKind struct {
	action string
	new    func() response
	// output returns what the client makes of a decoded reply, in a form
	// that compares with assert.Equal (times as text).
	output func(response) any
}

// replyKinds are the reply types of every action of the package.
var replyKinds = []replyKind{
	{ActionDescribeLoadBalancers, func() response { return &xmlDescribeLoadBalancersResponse{} },
		func(r response) any { return comparableDescribe(r.(*xmlDescribeLoadBalancersResponse).output()) }},
	{ActionRegisterInstancesWithLoadBalancer, func() response { return &xmlRegisterInstancesResponse{} },
		func(r response) any { return []any{r.(*xmlRegisterInstancesResponse).Instances, r.requestID()} }},
	{ActionDeregisterInstancesFromLoadBalancer, func() response { return &xmlDeregisterInstancesResponse{} },
		func(r response) any { return []any{r.(*xmlDeregisterInstancesResponse).Instances, r.requestID()} }},
	{ActionDescribeInstanceHealth, func() response { return &xmlDescribeInstanceHealthResponse{} },
		func(r response) any {
			return []any{r.(*xmlDescribeInstanceHealthResponse).InstanceStates, r.requestID()}
		}},
	{ActionCreateLoadBalancer, func() response { return &xmlCreateLoadBalancerResponse{} },
		func(r response) any { return []any{r.(*xmlCreateLoadBalancerResponse).DNSName, r.requestID()} }},
	{ActionRegisterPortWithLoadBalancer, func() response { return &xmlRegisterPortResponse{} },
		func(r response) any { return []any{r.(*xmlRegisterPortResponse).listeners(), r.requestID()} }},
	{ActionDeleteLoadBalancer, func() response { return metadataResponse(ActionDeleteLoadBalancer) }, requestIDOnly},
	{ActionConfigureHealthCheck, func() response { return &xmlConfigureHealthCheckResponse{} },
		func(r response) any {
			return []any{r.(*xmlConfigureHealthCheckResponse).HealthCheck.healthCheck(), r.requestID()}
		}},
	{ActionSetFilterForLoadBalancer, func() response { return &xmlSetFilterResponse{} },
		func(r response) any { return []any{r.(*xmlSetFilterResponse).Filter, r.requestID()} }},
	{ActionUpdateLoadBalancer, func() response { return metadataResponse(ActionUpdateLoadBalancer) }, requestIDOnly},
	{ActionUpdateLoadBalancerOption, func() response { return metadataResponse(ActionUpdateLoadBalancerOption) }, requestIDOnly},
	{ActionNiftyDescribeElasticLoadBalancers, func() response { return &xmlDescribeElasticLoadBalancersResponse{} },
		func(r response) any { return r.(*xmlDescribeElasticLoadBalancersResponse).output() }},
	{ActionNiftyRegisterInstancesWithElasticLoadBalancer, func() response {
		return metadataResponse(ActionNiftyRegisterInstancesWithElasticLoadBalancer)
	}, requestIDOnly},
	{ActionNiftyDeregisterInstancesFromElasticLoadBalancer, func() response {
		return metadataResponse(ActionNiftyDeregisterInstancesFromElasticLoadBalancer)
	}, requestIDOnly},
	{ActionNiftyDescribeInstanceElasticLoadBalancerHealth, func() response { return &xmlElasticHealthResponse{} },
		func(r response) any { return []any{r.(*xmlElasticHealthResponse).InstanceStates, r.requestID()} }},
}

func requestIDOnly(r response) any { return r.requestID() }

// comparableDescribe is a DescribeLoadBalancers output with the times as
// text: two parses of the same offset give equal times with different
// *time.Location values.
func comparableDescribe(out *DescribeLoadBalancersOutput) any {
	created := make([]string, len(out.LoadBalancerDescriptions))
	descriptions := make([]LoadBalancerDescription, len(out.LoadBalancerDescriptions))
	for i, d := range out.LoadBalancerDescriptions {
		created[i] = d.CreatedTime.Format(time.RFC3339Nano)
		d.CreatedTime = time.Time{}
		descriptions[i] = d
	}
	return []any{descriptions, created, out.RequestID}
}

// remarshal encodes a decoded reply back to XML.
func remarshal(r response) ([]byte, error) {
	if m, ok := r.(*xmlMetadataResponse); ok {
		return xml.Marshal(struct {
			XMLName xml.Name
			responseMetadata
		}{xml.Name{Local: m.root}, m.responseMetadata})
	}
	return xml.Marshal(r)
}

// checkRoundTrip checks that a decoded reply encodes back to XML that
// decodes to the same output.
func checkRoundTrip(t *testing.T, kind replyKind, decoded response) {
	t.Helper()
	body, err := remarshal(decoded)
	require.NoError(t, err)
	again := kind.new()
	require.NoError(t, decodeReply(body, again), "%s", body)
	require.Equal(t, kind.output(decoded), kind.output(again), "%s", body)
}

// goldenReplyFiles are the success replies shared with the emulator, by
// action.
func goldenReplyFiles(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "responses", "*.xml"))
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, p := range paths {
		body, err := os.ReadFile(p)
		require.NoError(t, err)
		files[strings.TrimSuffix(filepath.Base(p), ".xml")] = body
	}
	return files
}

func TestEveryGoldenReplyDecodesAsItsActionOnly(t *testing.T) {
	t.Parallel()
	files := goldenReplyFiles(t)
	require.Len(t, files, len(replyKinds), "one golden reply per action")
	for _, kind := range replyKinds {
		for action, body := range files {
			t.Run(kind.action+"/"+action, func(t *testing.T) {
				t.Parallel()
				decoded := kind.new()
				err := interpret(kind.action, 200, body, decoded)
				if action != kind.action {
					require.Error(t, err)
					assert.Contains(t, err.Error(), "expected element type <"+kind.action+"Response> but have <"+action+"Response>")
					return
				}
				require.NoError(t, err)
				assert.NotEmpty(t, decoded.requestID())
				checkRoundTrip(t, kind, decoded)
			})
		}
	}
}

func TestMetadataResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, requestID string
	}{
		{"empty result element", `<DeleteLoadBalancerResponse xmlns="https://computing.api.nifcloud.com/api/"><DeleteLoadBalancerResult/>` +
			`<ResponseMetadata><RequestId> r-1 </RequestId></ResponseMetadata></DeleteLoadBalancerResponse>`, "r-1"},
		{"no result element, historic namespace, prefixed root", `<?xml version="1.0"?><p:DeleteLoadBalancerResponse xmlns:p="https://cp.cloud.nifty.com/api/">` +
			`<p:ResponseMetadata><p:RequestId>r-2</p:RequestId></p:ResponseMetadata></p:DeleteLoadBalancerResponse>`, "r-2"},
		{"result with unexpected content, lower-case request id", `<DeleteLoadBalancerResponse><DeleteLoadBalancerResult>ok<x/></DeleteLoadBalancerResult>` +
			`<ResponseMetadata><requestId>r-3</requestId></ResponseMetadata></DeleteLoadBalancerResponse>`, "r-3"},
		{"no metadata", `<DeleteLoadBalancerResponse/>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := metadataResponse(ActionDeleteLoadBalancer)
			require.NoError(t, decodeReply([]byte(tt.body), resp))
			assert.Equal(t, tt.requestID, resp.requestID())
		})
	}
	for name, body := range map[string]string{
		"wrong root":          "<UpdateLoadBalancerResponse/>",
		"truncated":           "<DeleteLoadBalancerResponse><ResponseMetadata>",
		"not XML":             "{}",
		"empty":               "",
		"mismatched end tag":  "<DeleteLoadBalancerResponse></DeleteLoadBalancerResult>",
		"bad UTF-8 in the id": "<DeleteLoadBalancerResponse><ResponseMetadata><RequestId>\xff</RequestId></ResponseMetadata></DeleteLoadBalancerResponse>",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Error(t, decodeReply([]byte(body), metadataResponse(ActionDeleteLoadBalancer)))
		})
	}
	err := decodeReply([]byte("<UpdateLoadBalancerResponse/>"), metadataResponse(ActionDeleteLoadBalancer))
	assert.EqualError(t, err, "expected element type <DeleteLoadBalancerResponse> but have <UpdateLoadBalancerResponse>")
}

func TestXMLTimeMarshalText(t *testing.T) {
	t.Parallel()
	text, err := xmlTime{}.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, text, "the zero time is an empty element")

	created := time.Date(2024, 6, 13, 14, 56, 27, 5e8, time.FixedZone("", 9*3600))
	text, err = xmlTime(created).MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2024-06-13T14:56:27.5+09:00", string(text))
	var again xmlTime
	require.NoError(t, again.set("CreatedTime", string(text)))
	assert.True(t, time.Time(again).Equal(created))
}

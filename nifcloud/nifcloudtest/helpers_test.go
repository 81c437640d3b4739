package nifcloudtest_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// testCred is the credential of most tests; its secret has characters that
// need escaping, so a leak in an error text would be easy to spot.
var testCred = nifcloudtest.Credential{
	AccessKeyID:     "TESTACCESSKEY0000001",
	SecretAccessKey: "testSecret/Key+With=Specials0123456789",
}

// t0 is the start of every test clock.
var t0 = time.Date(2024, 6, 13, 6, 0, 0, 0, time.UTC)

// newClock returns a test clock set to t0.
func newClock() *nifcloudtest.Clock { return nifcloudtest.NewClock(t0) }

// env is an emulator behind a real loopback HTTP server.
type env struct {
	t     *testing.T
	srv   *nifcloudtest.Server
	ts    *httptest.Server
	clock *nifcloudtest.Clock
}

// newEnv starts an emulator with opts, filling in the test credential, a
// test clock and sequential request ids when they are not set.
func newEnv(t *testing.T, opts nifcloudtest.Options) *env {
	t.Helper()
	e := &env{t: t, clock: newClock()}
	if opts.Credentials == nil {
		opts.Credentials = []nifcloudtest.Credential{testCred}
	}
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	if opts.RequestID == nil {
		opts.RequestID = sequentialIDs()
	}
	srv, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	e.srv = srv
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// sequentialIDs returns a request-id generator counting from 1.
func sequentialIDs() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}

// reply is a decoded HTTP reply.
type reply struct {
	Status    int
	Header    http.Header
	Body      []byte
	Code      string
	Message   string
	RequestID string
}

// call POSTs a signed call of action with params.
func (e *env) call(action string, params url.Values) reply {
	e.t.Helper()
	return e.callWith(http.MethodPost, testCred, action, params)
}

// callAt POSTs a call of action with params signed at time at.
func (e *env) callAt(action string, params url.Values, at time.Time) reply {
	e.t.Helper()
	return e.send(http.MethodPost, testCred, action, params, at)
}

// callWith sends a signed call with the given method and credential.
func (e *env) callWith(method string, cred nifcloudtest.Credential, action string, params url.Values) reply {
	e.t.Helper()
	return e.send(method, cred, action, params, e.clock.Now())
}

func (e *env) send(method string, cred nifcloudtest.Credential, action string, params url.Values, at time.Time) reply {
	e.t.Helper()
	p := url.Values{"Action": {action}, "Version": {"3.0"}}
	for k, v := range params {
		p[k] = v
	}
	req, err := nifcloudtest.NewSignedRequest(method, e.ts.URL+"/api/", p, cred, at)
	require.NoError(e.t, err)
	return e.do(req)
}

// do sends req and decodes the reply.
func (e *env) do(req *http.Request) reply {
	e.t.Helper()
	resp, err := e.ts.Client().Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return decodeReply(e.t, resp.StatusCode, resp.Header, body)
}

func decodeReply(t *testing.T, status int, header http.Header, body []byte) reply {
	t.Helper()
	r := reply{Status: status, Header: header, Body: body}
	if status != http.StatusOK {
		var env struct {
			Code      string `xml:"Errors>Error>Code"`
			Message   string `xml:"Errors>Error>Message"`
			RequestID string `xml:"RequestID"`
		}
		require.NoError(t, xml.Unmarshal(body, &env), "error body: %s", body)
		r.Code, r.Message, r.RequestID = env.Code, env.Message, env.RequestID
		return r
	}
	var ok struct {
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	require.NoError(t, xml.Unmarshal(body, &ok), "success body: %s", body)
	r.RequestID = ok.RequestID
	return r
}

// rawPost POSTs body to the emulator with the given content type (none
// when empty) and Host header (the server's when empty).
func (e *env) rawPost(body, contentType, host string) reply {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/api/", strings.NewReader(body))
	require.NoError(e.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if host != "" {
		req.Host = host
	}
	return e.do(req)
}

// signedBody returns the signed form body of a POST to host.
func signedBody(cred nifcloudtest.Credential, host string, params url.Values, now time.Time) url.Values {
	p := url.Values{}
	for k, v := range params {
		p[k] = append([]string(nil), v...)
	}
	p.Set("AccessKeyId", cred.AccessKeyID)
	if p.Get("SignatureMethod") == "" {
		p.Set("SignatureMethod", "HmacSHA256")
	}
	if p.Get("SignatureVersion") == "" {
		p.Set("SignatureVersion", "2")
	}
	if _, ok := p["Timestamp"]; !ok {
		p.Set("Timestamp", now.UTC().Format("2006-01-02T15:04:05Z"))
	}
	p.Set("Signature", nifcloudtest.Sign(p, http.MethodPost, host, "/api/", cred.SecretAccessKey))
	return p
}

// host is the Host the test server is reached at.
func (e *env) host() string {
	return strings.TrimPrefix(e.ts.URL, "http://")
}

// target is the three parameters naming a port definition.
func target(lb string, lbPort, instPort int) url.Values {
	return url.Values{
		"LoadBalancerName": {lb},
		"LoadBalancerPort": {fmt.Sprint(lbPort)},
		"InstancePort":     {fmt.Sprint(instPort)},
	}
}

// elasticTarget is the parameters naming an elastic listener: by id when
// nameOrID starts with "elb-", by name otherwise.
func elasticTarget(nameOrID, protocol string, elbPort, instPort int) url.Values {
	v := url.Values{
		"Protocol":                {protocol},
		"ElasticLoadBalancerPort": {fmt.Sprint(elbPort)},
		"InstancePort":            {fmt.Sprint(instPort)},
	}
	if strings.HasPrefix(nameOrID, "elb-") {
		v.Set("ElasticLoadBalancerId", nameOrID)
	} else {
		v.Set("ElasticLoadBalancerName", nameOrID)
	}
	return v
}

// with returns a copy of v with the pairs kv added.
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Add(kv[i], kv[i+1])
	}
	return out
}

// instances is Instances.member.N.InstanceId for ids.
func instances(ids ...string) []string {
	var kv []string
	for i, id := range ids {
		kv = append(kv, fmt.Sprintf("Instances.member.%d.InstanceId", i+1), id)
	}
	return kv
}

// mustTime parses an RFC 3339 time.
func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// referenceOptions seeds the reference state and the elastic reference
// state of nifcloud/testdata/README.md.
func referenceOptions() nifcloudtest.Options {
	return nifcloudtest.Options{
		ElasticLoadBalancers: []nifcloudtest.ElasticLoadBalancer{referenceElastic()},
		Instances: []nifcloudtest.Instance{
			{InstanceID: "web001", UniqueID: "i-0a1b2c3d"},
			{InstanceID: "web002", UniqueID: "i-4e5f6a7b"},
			{InstanceID: "web003", UniqueID: "i-8c9d0e1f"},
		},
		LoadBalancers: []nifcloudtest.LoadBalancer{{
			Name:                    "weblb01",
			DNSName:                 "198.51.100.20",
			NetworkVolume:           10,
			PolicyType:              "standard",
			AvailabilityZones:       []string{"east-11"},
			AccountingType:          "2",
			NextMonthAccountingType: "2",
			Ports: []nifcloudtest.Port{
				{
					Protocol: "HTTP", LoadBalancerPort: 80, InstancePort: 8080, BalancingType: 1,
					CreatedTime: mustTime("2024-06-13T14:56:27.000+09:00"),
					Members: []nifcloudtest.Member{
						{InstanceID: "web001"},
						{InstanceID: "web002", Health: nifcloudtest.HealthOutOfService},
					},
					HealthCheck: nifcloudtest.HealthCheck{Target: "TCP:8080", Interval: 10, Timeout: 11, UnhealthyThreshold: 1, HealthyThreshold: 1},
					Filter:      nifcloudtest.Filter{FilterType: 1},
				},
				{
					Protocol: "HTTPS", LoadBalancerPort: 443, InstancePort: 8443, BalancingType: 2, SSLCertificateID: "1234",
					CreatedTime: mustTime("2024-06-13T15:02:11.000+09:00"),
					Members: []nifcloudtest.Member{
						{InstanceID: "web001", Health: nifcloudtest.HealthPending},
					},
					HealthCheck: nifcloudtest.HealthCheck{Target: "TCP:8443", Interval: 30, Timeout: 91, UnhealthyThreshold: 3, HealthyThreshold: 1},
					Filter:      nifcloudtest.Filter{FilterType: 1, IPAddresses: []string{"203.0.113.0/24", "192.0.2.10"}},
					Option: &nifcloudtest.Option{
						SessionStickiness: nifcloudtest.SessionStickiness{Enabled: true, ExpirationPeriod: 10},
						SorryPage:         nifcloudtest.SorryPage{Enabled: false, StatusCode: 200},
					},
				},
			},
		}},
	}
}

// description is the part of a DescribeLoadBalancers member tests look at.
type description struct {
	Name          string `xml:"LoadBalancerName"`
	DNSName       string `xml:"DNSName"`
	NetworkVolume int    `xml:"NetworkVolume"`
	Listener      struct {
		Protocol         string `xml:"Protocol"`
		LoadBalancerPort int    `xml:"LoadBalancerPort"`
		InstancePort     int    `xml:"InstancePort"`
		BalancingType    int    `xml:"BalancingType"`
	} `xml:"ListenerDescriptions>member>Listener"`
	Zones       []string `xml:"AvailabilityZones>member"`
	Instances   []string `xml:"Instances>member>InstanceId"`
	HealthCheck struct {
		Target             string `xml:"Target"`
		Interval           int    `xml:"Interval"`
		Timeout            int    `xml:"Timeout"`
		UnhealthyThreshold int    `xml:"UnhealthyThreshold"`
		HealthyThreshold   int    `xml:"HealthyThreshold"`
		States             []struct {
			InstanceID string `xml:"InstanceId"`
			State      string `xml:"State"`
		} `xml:"InstanceStates>member"`
	} `xml:"HealthCheck"`
	FilterType  int      `xml:"Filter>FilterType"`
	Addresses   []string `xml:"Filter>IPAddresses>member>IPAddress"`
	CreatedTime string   `xml:"CreatedTime"`
}

// key is "name lbPort->instPort".
func (d description) key() string {
	return fmt.Sprintf("%s %d->%d", d.Name, d.Listener.LoadBalancerPort, d.Listener.InstancePort)
}

// states is "id=State" for each health result.
func (d description) states() []string {
	var out []string
	for _, s := range d.HealthCheck.States {
		out = append(out, s.InstanceID+"="+s.State)
	}
	return out
}

// describe calls DescribeLoadBalancers and decodes the descriptions.
func (e *env) describe(params url.Values) []description {
	e.t.Helper()
	var out struct {
		Descriptions []description `xml:"DescribeLoadBalancersResult>LoadBalancerDescriptions>member"`
	}
	e.decodeCall("DescribeLoadBalancers", params, &out)
	return out.Descriptions
}

// keys lists the keys of descriptions.
func keys(ds []description) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.key())
	}
	return out
}

// health calls DescribeInstanceHealth and returns "id=State" per result.
func (e *env) health(lb string, lbPort, instPort int, ids ...string) []string {
	e.t.Helper()
	var out struct {
		States []struct {
			InstanceID string `xml:"InstanceId"`
			State      string `xml:"State"`
		} `xml:"DescribeInstanceHealthResult>InstanceStates>member"`
	}
	e.decodeCall("DescribeInstanceHealth", with(target(lb, lbPort, instPort), instances(ids...)...), &out)
	res := []string{}
	for _, s := range out.States {
		res = append(res, s.InstanceID+"="+s.State)
	}
	return res
}

// replyInstances decodes the Instances list of a Register/Deregister reply.
func replyInstances(t *testing.T, r reply) []string {
	t.Helper()
	var out struct {
		Registered   []string `xml:"RegisterInstancesWithLoadBalancerResult>Instances>member>InstanceId"`
		Deregistered []string `xml:"DeregisterInstancesFromLoadBalancerResult>Instances>member>InstanceId"`
	}
	require.NoError(t, xml.Unmarshal(r.Body, &out))
	return append(out.Registered, out.Deregistered...)
}

// runCase calls action with params on a fresh emulator seeded with opts.
// With fail it checks that the call is that refusal and changed nothing,
// and returns false; otherwise it requires success.
func runCase(t *testing.T, opts nifcloudtest.Options, action string, params url.Values, fail *failure) (*env, reply, bool) {
	t.Helper()
	e := newEnv(t, opts)
	before := e.srv.State()
	got := e.call(action, params)
	if fail != nil {
		fail.check(t, e, before, got)
		return e, got, false
	}
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Body)
	return e, got, true
}

// decodeCall calls action with params, requires success and decodes the
// reply into out.
func (e *env) decodeCall(action string, params url.Values, out any) {
	e.t.Helper()
	r := e.call(action, params)
	require.Equal(e.t, http.StatusOK, r.Status, "%s", r.Body)
	require.NoError(e.t, xml.Unmarshal(r.Body, out))
}

// newServer serves h on loopback for the duration of the test.
func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// referenceElastic is the elastic reference state of
// nifcloud/testdata/README.md.
func referenceElastic() nifcloudtest.ElasticLoadBalancer {
	return nifcloudtest.ElasticLoadBalancer{
		Name:                    "webelb01",
		ID:                      "elb-0a1b2c3d",
		DNSName:                 "198.51.100.30",
		NetworkVolume:           100,
		AccountingType:          "2",
		NextMonthAccountingType: "2",
		AvailabilityZone:        "east-11",
		NetworkInterfaces: []nifcloudtest.NetworkInterface{{
			NetworkID: "net-COMMON_GLOBAL", DeviceIndex: 1, IPAddress: "198.51.100.30", IsVIPNetwork: true,
			SystemIPAddresses: []string{"198.51.100.31", "198.51.100.32"},
		}},
		Version:     "v2.0",
		CreatedTime: mustTime("2024-06-17T14:03:29+09:00"),
		Listeners: []nifcloudtest.ElasticListener{
			{
				Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, BalancingType: 1,
				Members: []nifcloudtest.Member{
					{InstanceID: "web001"},
					{InstanceID: "web002", Health: nifcloudtest.HealthPending},
				},
				HealthCheck: nifcloudtest.ElasticHealthCheck{Target: "TCP:8080", Interval: 10, UnhealthyThreshold: 1},
			},
			{
				Protocol: "HTTPS", ElasticLoadBalancerPort: 443, InstancePort: 8443, BalancingType: 2,
				Description: "api", SSLCertificateID: "5678",
				SessionStickiness: nifcloudtest.ElasticStickiness{Enabled: true, Method: 2, ExpirationPeriod: 60},
				SorryPage:         nifcloudtest.ElasticSorryPage{Enabled: true, RedirectURL: "https://sorry.example.com/"},
				HealthCheck: nifcloudtest.ElasticHealthCheck{Target: "HTTP:8080", Interval: 30, UnhealthyThreshold: 3,
					Path: "/healthz", Expectation: []string{"200"}},
			},
		},
	}
}

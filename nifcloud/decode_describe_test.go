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

// decodedDescribe is a decoded DescribeLoadBalancers reply in a form that
// compares with assert.Equal: the times as text, since two parses of the
// same offset give equal times with different *time.Location values.
type decodedDescribe struct {
	Descriptions []LoadBalancerDescription
	Created      []string
	RequestID    string
}

func newDecodedDescribe(r *xmlDescribeLoadBalancersResponse) decodedDescribe {
	out := r.output()
	d := decodedDescribe{Descriptions: out.LoadBalancerDescriptions, RequestID: out.RequestID}
	for i := range d.Descriptions {
		created := d.Descriptions[i].CreatedTime
		d.Created = append(d.Created, created.Format(time.RFC3339Nano)+" "+created.Location().String())
		d.Descriptions[i].CreatedTime = time.Time{}
	}
	return d
}

// scanBoth decodes body with the scanner and with xml.Unmarshal.
func scanBoth(body []byte) (fast *xmlDescribeLoadBalancersResponse, slow *xmlDescribeLoadBalancersResponse, slowErr error) {
	var f, s xmlDescribeLoadBalancersResponse
	if f.decodeFast(body) {
		fast = &f
	}
	slowErr = xml.Unmarshal(body, &s)
	return fast, &s, slowErr
}

// checkSameAsUnmarshal checks the scanner's contract on body: when it reads
// body, xml.Unmarshal reads it too, to the same values.
func checkSameAsUnmarshal(t *testing.T, body []byte) (scanned bool) {
	t.Helper()
	fast, slow, slowErr := scanBoth(body)
	if fast == nil {
		return false
	}
	require.NoError(t, slowErr, "the scanner read a body that encoding/xml refuses")
	assert.Equal(t, newDecodedDescribe(slow), newDecodedDescribe(fast))
	return true
}

// describeFixtures are the DescribeLoadBalancers replies under testdata that
// decode without error.
func describeFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "decode", "DescribeLoadBalancers-*.xml"))
	require.NoError(t, err)
	paths = append(paths, filepath.Join("testdata", "responses", "DescribeLoadBalancers.xml"))
	out := map[string][]byte{}
	for _, p := range paths {
		body, err := os.ReadFile(p)
		require.NoError(t, err)
		out[p] = body
	}
	require.Len(t, out, 7)
	return out
}

func TestScannerReadsEveryReplyFixture(t *testing.T) {
	t.Parallel()
	for path, body := range describeFixtures(t) {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			assert.True(t, checkSameAsUnmarshal(t, body), "the scanner fell back on a fixture")
		})
	}
	t.Run("generated replies", func(t *testing.T) {
		t.Parallel()
		assert.True(t, checkSameAsUnmarshal(t, membersReply(50)))
		assert.True(t, checkSameAsUnmarshal(t, descriptionsReply(20)))
	})
}

// wrap puts one description member into a complete reply.
func wrap(member string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><DescribeLoadBalancersResponse xmlns="https://computing.api.nifcloud.com/api/">` +
		`<DescribeLoadBalancersResult><LoadBalancerDescriptions><member>` + member +
		`</member></LoadBalancerDescriptions></DescribeLoadBalancersResult>` +
		`<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>`
}

// scannerAccepts are bodies the scanner reads, each chosen for a rule of
// encoding/xml that it must follow.
var scannerAccepts = []struct{ name, body string }{
	{"entities", wrap(`<Description>a &lt;b&gt; &amp; &apos;c&apos; &quot;d&quot;</Description>`)},
	{"entity first and last", wrap(`<Description>&amp;x&amp;</Description>`)},
	{"entities in two pieces of text", wrap(`<Description>&lt;a<x/>&gt;b</Description>`)},
	{"non-ASCII text", wrap(`<Description>日本語 memo ✓ 𝄞</Description>`)},
	{"text split by a child", wrap(`<LoadBalancerName>web<b>ignored</b>lb<c/>01</LoadBalancerName>`)},
	{"prefixed elements", `<p:DescribeLoadBalancersResponse xmlns:p="urn:x"><p:DescribeLoadBalancersResult><p:LoadBalancerDescriptions>` +
		`<p:member><p:LoadBalancerName>lb1</p:LoadBalancerName></p:member></p:LoadBalancerDescriptions></p:DescribeLoadBalancersResult>` +
		`<p:ResponseMetadata><p:RequestId>x</p:RequestId></p:ResponseMetadata></p:DescribeLoadBalancersResponse>`},
	{"attributes", wrap(`<LoadBalancerName a="1" b='2'c = "3" xml:lang="ja">lb1</LoadBalancerName>`)},
	{"attribute values with >, ]]> and line ends", wrap("<LoadBalancerName a=\"x > y ]]> \r\n\t\">lb1</LoadBalancerName>")},
	{"self-closing elements", wrap(`<LoadBalancerName/><Instances/><Option/><HealthCheck><InstanceStates/></HealthCheck>`)},
	{"self-closing with space", wrap(`<Option  /><DNSName x="1"/>`)},
	{"white space in tags", wrap("<LoadBalancerName\n>lb1</LoadBalancerName\t >")},
	{"repeated string element: last wins", wrap(`<LoadBalancerName>a</LoadBalancerName><LoadBalancerName></LoadBalancerName>`)},
	{"repeated number: empty keeps the value", wrap(`<NetworkVolume>10</NetworkVolume><NetworkVolume> </NetworkVolume>`)},
	{"repeated number: last wins", wrap(`<NetworkVolume>10</NetworkVolume><NetworkVolume>+020</NetworkVolume>`)},
	{"padded numbers, booleans and times", wrap(`<NetworkVolume> 10 </NetworkVolume><Option><SorryPage><Enabled> TRUE </Enabled>` +
		`<StatusCode>503</StatusCode></SorryPage><SessionStickinessPolicy><Enabled>1</Enabled><ExpirationPeriod>-3</ExpirationPeriod>` +
		`</SessionStickinessPolicy></Option><CreatedTime> 2024-06-13T14:56:27.000+09:00 </CreatedTime>`)},
	{"time without zone", wrap(`<CreatedTime>2024-06-13T14:56:27</CreatedTime>`)},
	{"repeated structs read into the same value", wrap(`<HealthCheck><Target>TCP:80</Target><InstanceStates><member><InstanceId>a</InstanceId></member></InstanceStates></HealthCheck>` +
		`<HealthCheck><Interval>5</Interval><InstanceStates><member><State>x</State></member></InstanceStates></HealthCheck>` +
		`<Option><SorryPage><Enabled>true</Enabled></SorryPage></Option><Option><SorryPage><StatusCode>200</StatusCode></SorryPage></Option>`)},
	{"repeated lists append", wrap(`<Instances><member><InstanceId>a</InstanceId></member></Instances><Instances><member><InstanceId>b</InstanceId></member><other/></Instances>`)},
	{"several listeners and SSL policies", wrap(`<ListenerDescriptions><member><Listener><LoadBalancerPort>80</LoadBalancerPort></Listener>` +
		`<Listener><SSLPolicy><SSLPolicyId>1</SSLPolicyId></SSLPolicy><SSLPolicy><SSLPolicyName>n</SSLPolicyName></SSLPolicy></Listener>` +
		`<Other><Listener/></Other></member><notmember><Listener/></notmember></ListenerDescriptions>`)},
	{"filters and policies", wrap(`<Filter><FilterType>2</FilterType><IPAddresses><member><IPAddress>a</IPAddress><IPAddress>b</IPAddress><x/></member></IPAddresses><y/></Filter>` +
		`<Policies><AppCookieStickinessPolicies><member><PolicyName>p</PolicyName><CookieName>c</CookieName></member></AppCookieStickinessPolicies>` +
		`<LBCookieStickinessPolicies><member><PolicyName>q</PolicyName><CookieExpirationPeriod>60</CookieExpirationPeriod></member></LBCookieStickinessPolicies><z/></Policies>`)},
	{"unknown elements everywhere", `<DescribeLoadBalancersResponse><x><LoadBalancerDescriptions/></x><DescribeLoadBalancersResult><y/>` +
		`<LoadBalancerDescriptions><z/><member><w><LoadBalancerName>no</LoadBalancerName></w></member></LoadBalancerDescriptions>` +
		`</DescribeLoadBalancersResult><ResponseMetadata><RequestID>no</RequestID><requestId>low</requestId></ResponseMetadata></DescribeLoadBalancersResponse>`},
	{"text around the root", "\n  <DescribeLoadBalancersResponse/>"},
	{"self-closing root", `<DescribeLoadBalancersResponse/>`},
	{"declaration variants", `<?xml version='1.0' standalone='no' encoding='utf-8' ?><DescribeLoadBalancersResponse/>`},
	{"bare declaration", `<?xml?><DescribeLoadBalancersResponse/>`},
	{"anything after the root is not read", `<DescribeLoadBalancersResponse/><!-- <<< -->&bogus;`},
	{"brackets without the closing >", wrap(`<Description>a]]b ]] > ]>]</Description>`)},
	{"DEL and the replacement character", wrap("<Description>\x7f\uFFFD</Description>")},
}

func TestScannerAccepts(t *testing.T) {
	t.Parallel()
	for _, tt := range scannerAccepts {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.True(t, checkSameAsUnmarshal(t, []byte(tt.body)), "the scanner fell back")
		})
	}
}

// scannerRefuses are bodies the scanner leaves to encoding/xml: either they
// are not well-formed, or encoding/xml reads them in a way the scanner does
// not copy. okSlow tells which.
var scannerRefuses = []struct {
	name   string
	body   string
	okSlow bool
}{
	{"empty", "", false},
	{"only text", "  ", false},
	{"wrong root", `<DescribeInstancesResponse/>`, false},
	{"end tag before the root", `</a><DescribeLoadBalancersResponse/>`, false},
	{"truncated", wrap("")[:120], false},
	{"truncated in a tag", `<DescribeLoadBalancersResponse`, false},
	{"truncated after <", `<DescribeLoadBalancersResponse><`, false},
	{"truncated in text", `<DescribeLoadBalancersResponse>abc`, false},
	{"truncated in an attribute", `<DescribeLoadBalancersResponse a="x`, false},
	{"truncated self-closing", `<DescribeLoadBalancersResponse/`, false},
	{"mismatched end tag", wrap(`<LoadBalancerName>a</DNSName>`), false},
	{"mismatched prefix", `<a:DescribeLoadBalancersResponse></b:DescribeLoadBalancersResponse>`, false},
	{"junk in an end tag", wrap(`<LoadBalancerName>a</LoadBalancerName x>`), false},
	{"comment", wrap(`<!-- note --><LoadBalancerName>a</LoadBalancerName>`), true},
	{"CDATA", wrap(`<Description><![CDATA[<x>]]></Description>`), true},
	{"DOCTYPE", `<!DOCTYPE x><DescribeLoadBalancersResponse/>`, true},
	{"other processing instruction", `<?xml-stylesheet href="a"?><DescribeLoadBalancersResponse/>`, true},
	{"processing instruction inside", wrap(`<?pi x?>`), true},
	{"declaration with version 1.1", `<?xml version="1.1"?><DescribeLoadBalancersResponse/>`, false},
	{"declaration with another encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><DescribeLoadBalancersResponse/>`, false},
	{"declaration with an unknown pseudo-attribute", `<?xml version="1.0" foo="bar"?><DescribeLoadBalancersResponse/>`, true},
	{"declaration with a repeated pseudo-attribute", `<?xml version="1.0" version="1.0"?><DescribeLoadBalancersResponse/>`, true},
	{"declaration with an empty value", `<?xml standalone=""?><DescribeLoadBalancersResponse/>`, true},
	{"declaration with an odd value", `<?xml standalone="a b"?><DescribeLoadBalancersResponse/>`, true},
	{"declaration without quotes", `<?xml version=1.0?><DescribeLoadBalancersResponse/>`, true},
	{"declaration with space before =", `<?xml version ="1.0"?><DescribeLoadBalancersResponse/>`, true},
	{"declaration unterminated", `<?xml version="1.0"`, false},
	{"declaration with a mismatched quote", `<?xml version="1.0'?><DescribeLoadBalancersResponse/>`, true},
	{"numeric character reference", wrap(`<Description>&#65;&#x42;</Description>`), true},
	{"unknown entity", wrap(`<Description>&nbsp;</Description>`), false},
	{"entity without semicolon", wrap(`<Description>&amp</Description>`), false},
	{"carriage return in text", wrap("<Description>a\r\nb</Description>"), true},
	{"]]> in text", wrap(`<Description>a]]>b</Description>`), false},
	{"control character in text", wrap("<Description>a\x01b</Description>"), false},
	{"NUL in an attribute", wrap("<Description a=\"\x00\"/>"), false},
	{"invalid UTF-8 in text", wrap("<Description>a\xffb</Description>"), false},
	{"surrogate in text", wrap("<Description>\xed\xa0\x80</Description>"), false},
	{"noncharacter in text", wrap("<Description>\uFFFE</Description>"), false},
	{"non-ASCII element name", wrap(`<Désignation>x</Désignation>`), true},
	{"element name with two colons", wrap(`<a:b:c>x</a:b:c>`), false},
	{"element name starting with a digit", wrap(`<1a>x</1a>`), false},
	{"element name starting with a colon", wrap(`<:a>x</:a>`), true},
	{"element name ending with a colon", wrap(`<a:>x</a:>`), true},
	{"local name starting with a digit", wrap(`<a:1>x</a:1>`), true},
	{"space after <", wrap(`< a>x</a>`), false},
	{"attribute without value", wrap(`<Description a>x</Description>`), false},
	{"attribute without quotes", wrap(`<Description a=1>x</Description>`), false},
	{"attribute with <", wrap(`<Description a="<">x</Description>`), false},
	{"attribute with an entity", wrap(`<Description a="&amp;">x</Description>`), true},
	{"attribute with a bad name", wrap(`<Description -a="1">x</Description>`), false},
	{"/ without >", wrap(`<Description/ >`), false},
	{"bad integer", wrap(`<NetworkVolume>ten</NetworkVolume>`), false},
	{"bad integer in a listener", wrap(`<ListenerDescriptions><member><Listener><InstancePort>x</InstancePort></Listener></member></ListenerDescriptions>`), false},
	{"bad boolean", wrap(`<Option><SorryPage><Enabled>yes</Enabled></SorryPage></Option>`), false},
	{"bad timestamp", wrap(`<CreatedTime>yesterday</CreatedTime>`), false},
}

func TestScannerRefuses(t *testing.T) {
	t.Parallel()
	for _, tt := range scannerRefuses {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fast, slow, slowErr := scanBoth([]byte(tt.body))
			assert.Nil(t, fast, "the scanner read it")
			if tt.okSlow {
				assert.NoError(t, slowErr)
			} else {
				assert.Error(t, slowErr)
			}

			// decodeReply falls back to encoding/xml: same result.
			var got xmlDescribeLoadBalancersResponse
			err := decodeReply([]byte(tt.body), &got)
			if slowErr != nil {
				assert.EqualError(t, err, slowErr.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, newDecodedDescribe(slow), newDecodedDescribe(&got))
		})
	}
}

func TestDecodeReplyUsesTheScanner(t *testing.T) {
	t.Parallel()
	// A reply the scanner reads but encoding/xml does not read the same
	// way would show here; a reply without a fast decoder goes straight
	// to encoding/xml.
	var resp xmlDescribeLoadBalancersResponse
	require.NoError(t, decodeReply(membersReply(2), &resp))
	assert.Len(t, resp.Descriptions, 1)
	assert.Empty(t, resp.XMLName.Local, "set only by encoding/xml")

	var reg xmlRegisterInstancesResponse
	require.NoError(t, decodeReply(readTestdata(t, "responses/RegisterInstancesWithLoadBalancer.xml"), &reg))
	assert.Equal(t, "RegisterInstancesWithLoadBalancerResponse", reg.XMLName.Local)
}

func TestScannerTextPieces(t *testing.T) {
	t.Parallel()
	// Text with entities lives in a buffer that the next text reuses:
	// the first piece must survive it.
	s := newScanner([]byte(`<a>&lt;x&gt;<b>&amp;</b>y&quot;</a>`))
	require.Equal(t, "a", string(s.root()))
	assert.Equal(t, `<x>y"`, s.text())
	assert.False(t, s.failed)
}

func FuzzScannerMatchesUnmarshal(f *testing.F) {
	addReplySeeds(f)
	for _, tt := range scannerAccepts {
		f.Add(200, []byte(tt.body))
	}
	for _, tt := range scannerRefuses {
		f.Add(200, []byte(tt.body))
	}
	f.Add(200, membersReply(3))
	f.Fuzz(func(t *testing.T, _ int, body []byte) {
		fast, slow, slowErr := scanBoth(body)
		if fast == nil {
			return
		}
		require.NoError(t, slowErr, "the scanner read a body that encoding/xml refuses")
		assert.Equal(t, newDecodedDescribe(slow), newDecodedDescribe(fast))
		if t.Failed() {
			t.Logf("body: %q", strings.TrimSpace(string(body)))
		}
	})
}

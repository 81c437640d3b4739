package nifcloud

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sigVector is one entry of testdata/sigv2/vectors.json.
type sigVector struct {
	Name         string            `json:"name"`
	Method       string            `json:"method"`
	Host         string            `json:"host"`
	Path         string            `json:"path"`
	Secret       string            `json:"secret_access_key"`
	Params       map[string]string `json:"params"`
	StringToSign string            `json:"string_to_sign"`
	Signature    string            `json:"signature"`
}

func loadVectors(t *testing.T) []sigVector {
	t.Helper()
	var file struct {
		Vectors []sigVector `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(readTestdata(t, "sigv2/vectors.json"), &file))
	require.Len(t, file.Vectors, 11, "O1-O3 and A, B, C with their variants")
	return file.Vectors
}

func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	for _, vec := range loadVectors(t) {
		t.Run(vec.Name, func(t *testing.T) {
			t.Parallel()
			v := url.Values{}
			for k, val := range vec.Params {
				v.Set(k, val)
			}
			sts := stringToSign(vec.Method, vec.Host, vec.Path, v)
			assert.Equal(t, vec.StringToSign, sts)
			sig, err := computeSignature(vec.Params["SignatureMethod"], vec.Secret, sts)
			require.NoError(t, err)
			assert.Equal(t, vec.Signature, sig)

			ts, ok := vec.Params["Timestamp"]
			if !ok {
				return // O1-O3 have no Timestamp, which sign always adds.
			}
			// The full signer, from the parameters without the ones it
			// adds itself, must give the same signature.
			now, err := time.Parse(timestampLayout, ts)
			require.NoError(t, err)
			in := url.Values{}
			for k, val := range vec.Params {
				switch k {
				case "AccessKeyId", "SignatureVersion", "SignatureMethod", "Timestamp":
				default:
					in.Set(k, val)
				}
			}
			creds := aws.Credentials{AccessKeyID: vec.Params["AccessKeyId"], SecretAccessKey: vec.Secret}
			got, err := sign(in, creds, vec.Params["SignatureMethod"], vec.Method, vec.Host, vec.Path, now)
			require.NoError(t, err)
			assert.Equal(t, vec.Signature, got)
			assert.Equal(t, vec.Signature, in.Get("Signature"))
			for k, val := range vec.Params {
				assert.Equal(t, val, in.Get(k), "parameter %s", k)
			}
		})
	}
}

func TestSignVectorABody(t *testing.T) {
	t.Parallel()
	// The exact body the official Go SDK sends for vector A (reference
	// §2.3): the signed form encodes to the same bytes.
	const want = "AccessKeyId=NIFCLOUDACCESSKEY001&Action=RegisterInstancesWithLoadBalancer&InstancePort=80&Instances.member.1.InstanceId=web001&Instances.member.2.InstanceId=web002&LoadBalancerName=lb001&LoadBalancerPort=80&Signature=GlDIp4VBnFi0Q%2BkX0AcgSFj207%2BwAqMhuiKjKoBr3H0%3D&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2024-01-02T03%3A04%3A05Z&Version=3.0"
	v, err := encodeParams(&RegisterInstancesWithLoadBalancerInput{
		LoadBalancerName: "lb001", LoadBalancerPort: 80, InstancePort: 80,
		Instances: []string{"web001", "web002"},
	})
	require.NoError(t, err)
	v.Set("Action", "RegisterInstancesWithLoadBalancer")
	v.Set("Version", "3.0")
	_, err = sign(v, testCreds, "", "POST", "jp-east-1.computing.api.nifcloud.com", "/api/", testTime)
	require.NoError(t, err)
	assert.Equal(t, want, v.Encode())
}

func TestCanonicalQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   url.Values
		want string
	}{
		{"empty", url.Values{}, ""},
		{"byte order of names", url.Values{"b": {"1"}, "a": {"2"}, "B": {"3"}, "a.10": {"4"}, "a.2": {"5"}, "a.b": {"6"}},
			"B=3&a=2&a.10=4&a.2=5&a.b=6&b=1"},
		{"space is %20", url.Values{"k": {"a b"}}, "k=a%20b"},
		{"star is %2A", url.Values{"k": {"a*b"}}, "k=a%2Ab"},
		{"tilde stays", url.Values{"k": {"a~b"}}, "k=a~b"},
		{"unreserved stay", url.Values{"k": {"AZaz09-_.~"}}, "k=AZaz09-_.~"},
		{"reserved are encoded upper-case", url.Values{"k": {"/+=:&?#%@!'()"}}, "k=%2F%2B%3D%3A%26%3F%23%25%40%21%27%28%29"},
		{"non-ASCII as UTF-8 bytes", url.Values{"k": {"日本 é"}}, "k=%E6%97%A5%E6%9C%AC%20%C3%A9"},
		{"names are encoded too", url.Values{"a b": {"c"}}, "a%20b=c"},
		{"Signature is left out", url.Values{"Signature": {"x"}, "a": {"1"}}, "a=1"},
		{"empty value", url.Values{"k": {""}}, "k="},
		{"several values in order", url.Values{"k": {"2", "1"}}, "k=2&k=1"},
		{"control and high bytes", url.Values{"k": {"\x00\n\xff"}}, "k=%00%0A%FF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, canonicalQuery(tt.in))
		})
	}
}

func TestSignProperties(t *testing.T) {
	t.Parallel()
	base := func() url.Values {
		return url.Values{"Action": {"DescribeLoadBalancers"}, "Version": {"3.0"}, "Description": {"a b*c~d"}}
	}
	signed := func(t *testing.T, v url.Values, host string, now time.Time) string {
		t.Helper()
		sig, err := sign(v, testCreds, SignatureMethodHmacSHA256, "POST", host, "/api/", now)
		require.NoError(t, err)
		return sig
	}
	const host = "jp-east-1.computing.api.nifcloud.com"

	t.Run("insertion order does not matter", func(t *testing.T) {
		t.Parallel()
		a, b := url.Values{}, url.Values{}
		names := []string{"Action", "Version", "LoadBalancerNames.member.1", "LoadBalancerNames.member.10", "LoadBalancerNames.member.2"}
		for i, n := range names {
			a.Set(n, n)
			b.Set(names[len(names)-1-i], names[len(names)-1-i])
		}
		assert.Equal(t, signed(t, a, host, testTime), signed(t, b, host, testTime))
	})
	t.Run("existing Signature ignored", func(t *testing.T) {
		t.Parallel()
		v := base()
		v.Set("Signature", "forged")
		assert.Equal(t, signed(t, base(), host, testTime), signed(t, v, host, testTime))
	})
	t.Run("common parameters overwritten", func(t *testing.T) {
		t.Parallel()
		v := base()
		v.Set("AccessKeyId", "OTHER")
		v.Set("SignatureVersion", "1")
		v.Set("Timestamp", "2000-01-01T00:00:00Z")
		sig := signed(t, v, host, testTime)
		assert.Equal(t, signed(t, base(), host, testTime), sig)
		assert.Equal(t, testCreds.AccessKeyID, v.Get("AccessKeyId"))
		assert.Equal(t, "2", v.Get("SignatureVersion"))
		assert.Equal(t, SignatureMethodHmacSHA256, v.Get("SignatureMethod"))
	})
	t.Run("timestamp is UTC whole seconds", func(t *testing.T) {
		t.Parallel()
		v := base()
		tokyo := time.FixedZone("JST", 9*3600)
		signed(t, v, host, time.Date(2024, 1, 2, 12, 4, 5, 987654321, tokyo))
		assert.Equal(t, "2024-01-02T03:04:05Z", v.Get("Timestamp"))
	})
	t.Run("fresh timestamp changes the signature", func(t *testing.T) {
		t.Parallel()
		assert.NotEqual(t, signed(t, base(), host, testTime), signed(t, base(), host, testTime.Add(time.Second)))
	})
	t.Run("host port is kept", func(t *testing.T) {
		t.Parallel()
		v := base()
		signed(t, v, "127.0.0.1:8080", testTime)
		sts := stringToSign("POST", "127.0.0.1:8080", "/api/", v)
		assert.True(t, strings.HasPrefix(sts, "POST\n127.0.0.1:8080\n/api/\n"), sts)
		assert.NotEqual(t, signed(t, base(), "127.0.0.1", testTime), v.Get("Signature"))
	})
	t.Run("empty path signs as slash", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, "GET\nh\n/\na=1", stringToSign("GET", "h", "", url.Values{"a": {"1"}}))
	})
	t.Run("HmacSHA1", func(t *testing.T) {
		t.Parallel()
		v := base()
		sig, err := sign(v, testCreds, SignatureMethodHmacSHA1, "POST", host, "/api/", testTime)
		require.NoError(t, err)
		assert.Equal(t, SignatureMethodHmacSHA1, v.Get("SignatureMethod"))
		assert.Len(t, sig, 28, "base64 of a 20-byte SHA-1 HMAC")
	})
	t.Run("default method is HmacSHA256", func(t *testing.T) {
		t.Parallel()
		v := base()
		sig, err := sign(v, testCreds, "", "POST", host, "/api/", testTime)
		require.NoError(t, err)
		assert.Equal(t, SignatureMethodHmacSHA256, v.Get("SignatureMethod"))
		assert.Len(t, sig, 44, "base64 of a 32-byte SHA-256 HMAC")
	})
	t.Run("non-ASCII value", func(t *testing.T) {
		t.Parallel()
		v := url.Values{"Description": {"ロードバランサー"}}
		signed(t, v, host, testTime)
		sts := stringToSign("POST", host, "/api/", v)
		assert.Contains(t, sts, "Description=%E3%83%AD%E3%83%BC%E3%83%89")
	})
}

func TestSignErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       url.Values
		creds   aws.Credentials
		method  string
		wantErr string
	}{
		{"unsupported method", url.Values{}, testCreds, "HmacMD5", `unsupported signature method "HmacMD5"`},
		{"no secret", url.Values{}, aws.Credentials{AccessKeyID: "a"}, "", "credentials need"},
		{"no access key", url.Values{}, aws.Credentials{SecretAccessKey: "s"}, "", "credentials need"},
		{"duplicate parameter", url.Values{"a": {"1", "2"}}, testCreds, "", `parameter "a" has 2 values`},
		{"parameter without value", url.Values{"a": {}}, testCreds, "", `parameter "a" has 0 values`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sign(tt.v, tt.creds, tt.method, "POST", "h", "/api/", testTime)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), testCreds.SecretAccessKey)
		})
	}
}

// FuzzCanonicalQuery checks that the canonical query of any parameters uses
// only unreserved characters and upper-case escapes, lists names in byte
// order, and decodes back to the parameters.
func FuzzCanonicalQuery(f *testing.F) {
	f.Add("Action", "DescribeLoadBalancers", "Description", "/")
	f.Add("IPAddresses.member.1.IPAddress", "203.0.113.0/24", "Timestamp", "2024-01-02T03:04:05Z")
	f.Add("k", "a b*c~d", "K", "日本")
	f.Add("a=b", "&c", "", "\x00\xff")
	f.Add("Signature", "x", "a", "y")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		in := url.Values{}
		in.Add(k1, v1)
		in.Add(k2, v2)
		got := canonicalQuery(in)

		for i := 0; i < len(got); i++ {
			c := got[i]
			if c == '%' {
				require.Less(t, i+2, len(got), "truncated escape in %q", got)
				require.True(t, isUpperHex(got[i+1]) && isUpperHex(got[i+2]), "bad escape in %q", got)
				continue
			}
			require.True(t, unreserved(c) || c == '=' || c == '&', "unexpected byte %q in %q", c, got)
		}

		want := url.Values{}
		for k, vals := range in {
			if k != "Signature" {
				want[k] = vals
			}
		}
		back := url.Values{}
		var prev string
		if got != "" {
			for i, pair := range strings.Split(got, "&") {
				name, value, ok := strings.Cut(pair, "=")
				require.True(t, ok, "pair %q", pair)
				k, err := url.PathUnescape(name)
				require.NoError(t, err)
				val, err := url.PathUnescape(value)
				require.NoError(t, err)
				if i > 0 {
					require.LessOrEqual(t, prev, k, "names out of order in %q", got)
				}
				prev = k
				back.Add(k, val)
			}
		}
		assert.Equal(t, want, back)
	})
}

func isUpperHex(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'F'
}

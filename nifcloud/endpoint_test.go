package nifcloud

import (
	"net/url"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegions(t *testing.T) {
	t.Parallel()
	got := Regions()
	assert.Equal(t, []string{"jp-east-1", "jp-east-2", "jp-east-3", "jp-east-4", "jp-west-1", "jp-west-2", "us-east-1"}, got)
	assert.True(t, sort.StringsAreSorted(got))
	got[0] = "changed"
	assert.Equal(t, "jp-east-1", Regions()[0], "Regions returns a copy")
}

func TestEndpointForRegion(t *testing.T) {
	t.Parallel()
	for _, region := range Regions() {
		t.Run(region, func(t *testing.T) {
			t.Parallel()
			u, err := EndpointForRegion(region)
			require.NoError(t, err)
			assert.Equal(t, "https://"+region+".computing.api.nifcloud.com/api/", u.String())
		})
	}
	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		_, err := EndpointForRegion("east-1")
		require.Error(t, err)
		assert.Equal(t, `unknown region "east-1" (known regions: jp-east-1, jp-east-2, jp-east-3, jp-east-4, jp-west-1, jp-west-2, us-east-1)`, err.Error())
	})
}

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "jp-east-1.computing.api.nifcloud.com", want: "https://jp-east-1.computing.api.nifcloud.com/api/"},
		{in: "west-1.cp.cloud.nifty.com", want: "https://west-1.cp.cloud.nifty.com/api/"},
		{in: "  JP-East-1.Computing.API.nifcloud.com  ", want: "https://jp-east-1.computing.api.nifcloud.com/api/"},
		{in: "example.com:8443", want: "https://example.com:8443/api/"},
		{in: "https://jp-east-1.computing.api.nifcloud.com", want: "https://jp-east-1.computing.api.nifcloud.com/api/"},
		{in: "https://jp-east-1.computing.api.nifcloud.com/", want: "https://jp-east-1.computing.api.nifcloud.com/api/"},
		{in: "https://jp-east-1.computing.api.nifcloud.com/api", want: "https://jp-east-1.computing.api.nifcloud.com/api/"},
		{in: "https://jp-east-1.computing.api.nifcloud.com/api/", want: "https://jp-east-1.computing.api.nifcloud.com/api/"},
		{in: "HTTPS://host:443/api/", want: "https://host:443/api/"},
		{in: "http://127.0.0.1:18080", want: "http://127.0.0.1:18080/api/"},
		{in: "http://127.0.0.1:18080/prefix/api/", want: "http://127.0.0.1:18080/prefix/api/"},
		{in: "http://[::1]:8080/api/", want: "http://[::1]:8080/api/"},
		{in: "", wantErr: "invalid endpoint: empty"},
		{in: "   ", wantErr: "invalid endpoint: empty"},
		{in: "ftp://host/api/", wantErr: `invalid endpoint: scheme "ftp" is not supported`},
		{in: "https://user:pass@host/api/", wantErr: "invalid endpoint: user information is not allowed"},
		{in: "https://host/api/?Action=x", wantErr: "invalid endpoint: a query is not allowed"},
		{in: "https://host/api/?", wantErr: "invalid endpoint: a query is not allowed"},
		{in: "https://host/api/#frag", wantErr: "invalid endpoint: a fragment is not allowed"},
		{in: "https:///api/", wantErr: "invalid endpoint: empty host"},
		{in: "https://:443/api/", wantErr: "invalid endpoint: empty host"},
		{in: "https://host:0/", wantErr: `invalid endpoint: port "0" out of range`},
		{in: "https://host:70000/", wantErr: `invalid endpoint: port "70000" out of range`},
		{in: "host:", wantErr: "invalid endpoint: empty port"},
		{in: "host:abc", wantErr: "invalid endpoint: invalid port"},
		{in: "https://ho st/", wantErr: "invalid endpoint: invalid character"},
		{in: "https://user:secret@ho st/", wantErr: "invalid endpoint: user information is not allowed"},
		{in: "http://u:Se/cret+K@127.0.0.1:1/", wantErr: "invalid endpoint: user information is not allowed"}, // the parser's reason would quote ":Se"
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			u, err := ParseEndpoint(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "secret", "user information must not be echoed")
				assert.NotContains(t, err.Error(), "pass@", "user information must not be echoed")
				assert.NotContains(t, err.Error(), ":Se", "not even a piece of it")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, u.String())
		})
	}
}

func TestResolveEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, region, endpoint string
		want, wantErr          string
	}{
		{name: "region", region: "jp-west-2", want: "https://jp-west-2.computing.api.nifcloud.com/api/"},
		{name: "endpoint wins", region: "jp-east-1", endpoint: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/api/"},
		{name: "endpoint alone", endpoint: "west-1.cp.cloud.nifty.com", want: "https://west-1.cp.cloud.nifty.com/api/"},
		{name: "neither", wantErr: "either a region or an endpoint is required"},
		{name: "blank endpoint falls back to region", region: "us-east-1", endpoint: " ", want: "https://us-east-1.computing.api.nifcloud.com/api/"},
		{name: "unknown region", region: "mars-1", wantErr: `unknown region "mars-1"`},
		{name: "bad endpoint", region: "jp-east-1", endpoint: "ftp://x", wantErr: "scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := ResolveEndpoint(tt.region, tt.endpoint)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, u.String())
		})
	}
}

func TestNormalizeEndpointCopies(t *testing.T) {
	t.Parallel()
	in := &url.URL{Scheme: "http", Host: "Example.COM:8080"}
	out, err := normalizeEndpoint(in)
	require.NoError(t, err)
	assert.Equal(t, "http://example.com:8080/api/", out.String())
	assert.Equal(t, "Example.COM:8080", in.Host, "input left alone")

	_, err = normalizeEndpoint(nil)
	assert.EqualError(t, err, "invalid endpoint: nil URL")
	_, err = normalizeEndpoint(&url.URL{Scheme: "https", Opaque: "host"})
	assert.ErrorContains(t, err, `missing "//"`)
}

package nifcloud

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// apiPath is the path of every Computing API action.
const apiPath = "/api/"

// regions lists the regions with a Computing API endpoint, sorted.
var regions = []string{
	"jp-east-1",
	"jp-east-2",
	"jp-east-3",
	"jp-east-4",
	"jp-west-1",
	"jp-west-2",
	"us-east-1",
}

// Regions returns the names of the regions that EndpointForRegion knows,
// sorted. The caller may modify the returned slice.
func Regions() []string {
	return slices.Clone(regions)
}

// EndpointForRegion returns the Computing API endpoint of a region,
// https://{region}.computing.api.nifcloud.com/api/. An unknown region is an
// error that lists the known ones.
func EndpointForRegion(region string) (*url.URL, error) {
	if !slices.Contains(regions, region) {
		return nil, fmt.Errorf("unknown region %q (known regions: %s)", region, strings.Join(regions, ", "))
	}
	return &url.URL{Scheme: "https", Host: region + ".computing.api.nifcloud.com", Path: apiPath}, nil
}

// ResolveEndpoint returns the endpoint to use: endpoint when it is not empty
// (parsed by ParseEndpoint), otherwise the endpoint of region. Both empty is an
// error.
func ResolveEndpoint(region, endpoint string) (*url.URL, error) {
	if strings.TrimSpace(endpoint) != "" {
		return ParseEndpoint(endpoint)
	}
	if region == "" {
		return nil, errors.New("either a region or an endpoint is required")
	}
	return EndpointForRegion(region)
}

// ParseEndpoint parses an explicit endpoint. It accepts a bare host
// ("jp-east-1.computing.api.nifcloud.com", "west-1.cp.cloud.nifty.com",
// "host:port"), which means HTTPS, or an https:// or http:// URL with or
// without a path. An empty path or "/" becomes "/api/", and "/api" becomes
// "/api/"; any other path is kept. The host is lower-cased. Other schemes, user
// information, a query, a fragment, an empty host and an invalid port are
// errors.
func ParseEndpoint(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("invalid endpoint: empty")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil && strings.Contains(s, "@") {
		// The reason may quote a piece of the user information (a
		// password): say only what is wrong.
		return nil, errors.New("invalid endpoint: user information is not allowed")
	}
	if err != nil {
		// url.Error repeats the whole input; report only the reason.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("invalid endpoint: %w", err)
	}
	return normalizeEndpoint(u)
}

// normalizeEndpoint validates u as an endpoint and returns a normalised copy:
// lower-case scheme and host, path "/api/" when empty, "/" or "/api".
func normalizeEndpoint(u *url.URL) (*url.URL, error) {
	if u == nil {
		return nil, errors.New("invalid endpoint: nil URL")
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "https" && scheme != "http":
		return nil, fmt.Errorf("invalid endpoint: scheme %q is not supported (want https, or http for a local emulator)", u.Scheme)
	case u.User != nil:
		return nil, errors.New("invalid endpoint: user information is not allowed")
	case u.Opaque != "":
		return nil, errors.New("invalid endpoint: missing \"//\" after the scheme")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("invalid endpoint: a query is not allowed")
	case u.Fragment != "" || u.RawFragment != "":
		return nil, errors.New("invalid endpoint: a fragment is not allowed")
	case u.Hostname() == "":
		return nil, errors.New("invalid endpoint: empty host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("invalid endpoint: port %q out of range 1-65535", p)
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, errors.New("invalid endpoint: empty port")
	}

	out := &url.URL{Scheme: scheme, Host: strings.ToLower(u.Host), Path: u.Path, RawPath: u.RawPath}
	switch out.Path {
	case "", "/", "/api":
		out.Path, out.RawPath = apiPath, ""
	}
	return out, nil
}

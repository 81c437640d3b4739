package modules

import (
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
)

// Environment variables of the connection options.
const (
	EnvAccessKey = "NIFCLOUD_ACCESS_KEY_ID"
	EnvSecretKey = "NIFCLOUD_SECRET_ACCESS_KEY"
	EnvRegion    = "NIFCLOUD_DEFAULT_REGION"
	// EnvEndpoint points every module at another endpoint, such as a
	// local emulator, without editing playbooks.
	EnvEndpoint = "NIFCLOUD_ENDPOINT_URL"
)

// Connection holds the connection options every module shares.
type Connection struct {
	AccessKey       string `ansible:"access_key"`
	SecretAccessKey string `ansible:"secret_access_key"`
	Region          string `ansible:"region"`
	Endpoint        string `ansible:"endpoint"`
	ValidateCerts   bool   `ansible:"validate_certs"`
	CABundle        string `ansible:"ca_bundle"`
}

// connectionOptions are the spec of Connection, followed by a module's own
// options.
func connectionOptions(own ...ansible.Option) []ansible.Option {
	regions := make([]any, 0, len(nifcloud.Regions()))
	for _, r := range nifcloud.Regions() {
		regions = append(regions, r)
	}
	return append([]ansible.Option{
		{Name: "access_key", Required: true, Aliases: []string{"access_key_id"}, EnvFallback: []string{EnvAccessKey}},
		{Name: "secret_access_key", Required: true, NoLog: true, Aliases: []string{"secret_key"}, EnvFallback: []string{EnvSecretKey}},
		{Name: "region", Choices: regions, EnvFallback: []string{EnvRegion}},
		{Name: "endpoint", EnvFallback: []string{EnvEndpoint}},
		{Name: "validate_certs", Type: ansible.TypeBool, Default: true},
		{Name: "ca_bundle", Type: ansible.TypePath},
	}, own...)
}

// connectionConstraint is the constraint between the connection options.
var connectionConstraint = [][]string{{"region", "endpoint"}}

// callLog records the HTTP attempts of a run, for api_calls. It is safe
// for concurrent use.
type callLog struct {
	mu    sync.Mutex
	calls []map[string]any
}

func (l *callLog) add(a nifcloud.Attempt) {
	l.mu.Lock()
	l.calls = append(l.calls, attemptInfo(a))
	l.mu.Unlock()
}

// addTo adds api_calls to a result's data when calls were recorded.
func (l *callLog) addTo(data map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls != nil {
		data["api_calls"] = l.calls
	}
}

// client builds the API client of a run: the endpoint, the transport with
// its TLS settings, the credentials; every signature it sends becomes a
// no_log value of the module, and at -vvv (or in debug mode) every HTTP
// attempt is recorded in log.
func (c Connection) client(m *ansible.Module, env Env, log *callLog) (*nifcloud.Client, error) {
	endpoint, err := nifcloud.ResolveEndpoint(c.Region, c.Endpoint)
	if err != nil {
		if c.Endpoint != "" {
			return nil, fmt.Errorf("value of endpoint is not a usable API endpoint: %w", err)
		}
		return nil, err
	}
	httpClient, err := nifcloud.NewHTTPClient(nifcloud.TransportOptions{CABundle: c.CABundle, InsecureSkipVerify: !c.ValidateCerts})
	if err != nil {
		return nil, fmt.Errorf("value of ca_bundle cannot be used: %w", err)
	}
	client, err := nifcloud.New(endpoint, aws.Credentials{AccessKeyID: c.AccessKey, SecretAccessKey: c.SecretAccessKey})
	if err != nil {
		return nil, fmt.Errorf("access_key and secret_access_key must not be empty: %w", err)
	}
	client.HTTPClient = httpClient
	client.UserAgent = nifcloud.DefaultUserAgent(env.version)
	client.Clock = env.Clock
	client.OnSecret = m.AddNoLogValue
	if env.Retryer != nil {
		client.Retryer = env.Retryer()
	}
	if m.Internal.Verbosity >= 3 || m.Internal.Debug {
		client.OnAttempt = log.add
	}
	return client, nil
}

// attemptInfo is one entry of api_calls, shown at -vvv.
func attemptInfo(a nifcloud.Attempt) map[string]any {
	info := map[string]any{
		"action":      a.Action,
		"attempt":     a.Number,
		"status":      a.StatusCode,
		"request_id":  a.RequestID,
		"duration_ms": a.Duration.Milliseconds(),
	}
	if a.Err != nil {
		info["error"] = a.Err.Error()
	}
	return info
}

// orEmpty returns s, or an empty list instead of nil, so that lists are
// always JSON arrays.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clip(s)
}

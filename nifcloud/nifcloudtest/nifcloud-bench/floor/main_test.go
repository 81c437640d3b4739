package main

import (
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

var cred = nifcloudtest.Credential{AccessKeyID: "FLOORKEY", SecretAccessKey: "floor/secret+key=0123"}

// startEmulator serves an emulator over HTTPS and returns it, its endpoint
// and a CA file that trusts it.
func startEmulator(t *testing.T) (*nifcloudtest.Server, string, string) {
	t.Helper()
	emu, err := nifcloudtest.New(nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{cred},
		Instances:   []nifcloudtest.Instance{{InstanceID: "web001"}},
		LoadBalancers: []nifcloudtest.LoadBalancer{{Name: "lb1", Ports: []nifcloudtest.Port{
			{LoadBalancerPort: 80, Members: []nifcloudtest.Member{{InstanceID: "web001"}}},
		}}},
	})
	require.NoError(t, err)
	srv := httptest.NewTLSServer(emu)
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	return emu, srv.URL + nifcloudtest.APIPath, ca
}

// writeArgs writes an args file.
func writeArgs(t *testing.T, a map[string]any) string {
	t.Helper()
	data, err := json.Marshal(a)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "args.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func TestRun(t *testing.T) {
	t.Parallel()
	emu, endpoint, ca := startEmulator(t)
	args := map[string]any{
		"endpoint": endpoint, "access_key": cred.AccessKeyID, "secret_access_key": cred.SecretAccessKey,
		"ca_bundle": ca, "loadbalancer_name": "lb1", "instance_ids": []string{"web001"},
	}
	path := writeArgs(t, args)
	require.NoError(t, run([]string{"floor", path}, time.Now()))
	require.NoError(t, run([]string{"floor", "-system-roots", path}, time.Now()))

	reqs := emu.Requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, "DescribeLoadBalancers", r.Action)
		assert.Equal(t, "lb1", r.Params.Get("LoadBalancerNames.member.1"))
	}

	delete(args, "loadbalancer_name")
	require.NoError(t, run([]string{"floor", writeArgs(t, args)}, time.Now()), "every load balancer")
	assert.Empty(t, emu.Requests()[2].Params.Get("LoadBalancerNames.member.1"))
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	_, endpoint, ca := startEmulator(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("nothing"), 0o600))
	good := func() map[string]any {
		return map[string]any{"endpoint": endpoint, "access_key": cred.AccessKeyID, "secret_access_key": cred.SecretAccessKey, "ca_bundle": ca}
	}
	with := func(k string, v any) string {
		a := good()
		a[k] = v
		return writeArgs(t, a)
	}
	badJSON := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(badJSON, []byte("{"), 0o600))

	tests := []struct {
		name    string
		argv    []string
		wantErr string
	}{
		{"no args file", []string{"floor"}, "usage: floor [-system-roots] ARGS_FILE"},
		{"unknown flag", []string{"floor", "-x", "a"}, "usage: floor [-system-roots] ARGS_FILE"},
		{"missing args file", []string{"floor", filepath.Join(t.TempDir(), "none.json")}, "read args: "},
		{"bad JSON", []string{"floor", badJSON}, "decode args: "},
		{"no endpoint", []string{"floor", with("endpoint", "")}, "args: endpoint, access_key, secret_access_key and ca_bundle are required"},
		{"bad endpoint", []string{"floor", with("endpoint", "https://[::1")}, "parse endpoint: "},
		{"missing CA file", []string{"floor", with("ca_bundle", filepath.Join(t.TempDir(), "none.pem"))}, "read CA bundle: "},
		{"no certificate in the CA file", []string{"floor", with("ca_bundle", notPEM)}, "CA bundle: no certificate"},
		{"wrong secret", []string{"floor", with("secret_access_key", "wrong")}, "reply: HTTP 401"},
		{"nobody listening", []string{"floor", with("endpoint", "https://127.0.0.1:1/api/")}, "post: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := run(tt.argv, time.Now())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), cred.SecretAccessKey)
		})
	}
}

func TestSignature(t *testing.T) {
	t.Parallel()
	// A request signed by the floor is accepted by the emulator's
	// independent verifier (TestRun); here the encoding rules.
	assert.Equal(t, "a%20b%2A~-_.%2F%2B%3D", escape("a b*~-_./+="))
	assert.Equal(t, "%E6%97%A5", escape("日"))
}

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// fakeEnv makes the test binary a fake module (see fakeModule).
const fakeEnv = "NIFCLOUD_BENCH_FAKE_MODULE"

func TestMain(m *testing.M) {
	if os.Getenv(fakeEnv) != "" {
		os.Exit(fakeModule(os.Args[1]))
	}
	os.Exit(m.Run())
}

// fakeModule makes the signed calls listed in the args file's fake_calls
// against its endpoint, trusting its ca_bundle, and reports fake_changed,
// as a module would.
func fakeModule(argsFile string) int {
	var a struct {
		Endpoint    string       `json:"endpoint"`
		CABundle    string       `json:"ca_bundle"`
		AccessKey   string       `json:"access_key"`
		Secret      string       `json:"secret_access_key"`
		FakeCalls   []url.Values `json:"fake_calls"`
		FakeChanged bool         `json:"fake_changed"`
	}
	err := func() error {
		data, err := os.ReadFile(argsFile)
		if err == nil {
			err = json.Unmarshal(data, &a)
		}
		ca, _ := os.ReadFile(a.CABundle)
		pool := x509.NewCertPool()
		if err != nil || !pool.AppendCertsFromPEM(ca) {
			return fmt.Errorf("args or CA bundle: %v", err)
		}
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		for _, params := range a.FakeCalls {
			req, err := nifcloudtest.NewSignedRequest(http.MethodPost, a.Endpoint, params, nifcloudtest.Credential{AccessKeyID: a.AccessKey, SecretAccessKey: a.Secret}, time.Now())
			if err != nil {
				return err
			}
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: HTTP %d", params.Get("Action"), resp.StatusCode)
			}
		}
		return nil
	}()
	if err != nil {
		fmt.Printf(`{"failed": true, "msg": %q}`, err.Error())
		return 1
	}
	fmt.Printf(`{"changed": %t}`, a.FakeChanged)
	return 0
}

// fakeArgs are the args that make the fake module make calls.
func fakeArgs(changed bool, calls ...url.Values) map[string]any {
	return map[string]any{"fake_changed": changed, "fake_calls": calls}
}

var describe = url.Values{"Action": {"DescribeLoadBalancers"}, "Version": {"3.0"}}

func register(id string) url.Values {
	return url.Values{"Action": {"RegisterInstancesWithLoadBalancer"}, "Version": {"3.0"}, "LoadBalancerName": {"weblb01"},
		"LoadBalancerPort": {"80"}, "InstancePort": {"8080"}, "Instances.member.1.InstanceId": {id}}
}

// TestEndToEnd runs the fake module through the launcher against the
// emulator over HTTPS: one scenario, the same with wrong expectations, and
// a concurrent round.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the launcher and starts processes")
	}
	self, err := os.Executable()
	require.NoError(t, err)
	module := filepath.Join(t.TempDir(), "module")
	require.NoError(t, os.WriteFile(module, fmt.Appendf(nil, "#!/bin/sh\nexport %s=1\nexec '%s' \"$@\"\n", fakeEnv, self), 0o700))
	ctx := context.Background()
	var progress bytes.Buffer
	b, err := newBench(ctx, module, &progress)
	require.NoError(t, err)
	defer b.close()

	floor, err := b.floor(ctx)
	require.NoError(t, err)
	assert.Positive(t, floor)

	sc := scenario{name: "fake register", seed: basic, args: fakeArgs(true, describe, register(server(3))),
		calls: 2, changed: true, state: membersAre(server(1), server(2), server(3))}
	res, err := b.runScenario(ctx, sc, 20*time.Millisecond, 2)
	require.NoError(t, err)
	assert.Empty(t, b.problems)
	assert.Equal(t, []int{2, 2}, res.Calls)
	require.Len(t, res.Wall, 2)
	assert.GreaterOrEqual(t, res.Wall[0], 40*time.Millisecond, "two calls with 20ms latency")
	assert.Positive(t, res.MaxRSS[0])
	assert.Positive(t, res.CPU[0])

	sc.calls, sc.changed, sc.state = 1, false, membersAre(server(1))
	_, err = b.runScenario(ctx, sc, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"fake register: changed=true, want false",
		"fake register: weblb01 80->8080 holds 3 members [web00001 web00002 web00003], want 1 [web00001]",
		"fake register: 2 API calls (DescribeLoadBalancers 1, RegisterInstancesWithLoadBalancer 1), want 1",
	}, b.problems)

	b.problems = nil
	cc := concurrents()[0]
	cc.args = func(i int) map[string]any { return fakeArgs(true, describe, register(server(100+i))) }
	cres, err := b.runConcurrent(ctx, cc, 3, 0)
	require.NoError(t, err)
	assert.Empty(t, b.problems)
	assert.Equal(t, map[string]int{"DescribeLoadBalancers": 3, "RegisterInstancesWithLoadBalancer": 3}, cres.Calls)
	assert.Equal(t, concurrentResult{Name: cc.name, Procs: 3, WantCalls: 6, Calls: cres.Calls, Wall: cres.Wall}, cres)

	cc.args = func(int) map[string]any { return fakeArgs(true, register("nosuchserver")) }
	cres, err = b.runConcurrent(ctx, cc, 2, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, cres.Failed)
	assert.True(t, cres.WrongState)
	assert.Len(t, b.problems, 3, "failed runs, final state, API calls")
}

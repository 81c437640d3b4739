package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
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
		if err := fakeModule(os.Args[1]); err != nil {
			fmt.Printf(`{"failed": true, "msg": %q}`, err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeModule makes the signed calls listed in the args file's fake_calls
// against its endpoint, trusting its ca_bundle, and reports fake_changed.
func fakeModule(argsFile string) error {
	var a struct {
		Endpoint    string       `json:"endpoint"`
		CABundle    string       `json:"ca_bundle"`
		AccessKey   string       `json:"access_key"`
		Secret      string       `json:"secret_access_key"`
		FakeCalls   []url.Values `json:"fake_calls"`
		FakeChanged bool         `json:"fake_changed"`
	}
	data, err := os.ReadFile(argsFile)
	if err == nil {
		err = json.Unmarshal(data, &a)
	}
	ca, _ := os.ReadFile(a.CABundle)
	pool := x509.NewCertPool()
	if err != nil || !pool.AppendCertsFromPEM(ca) {
		return errors.Join(errors.New("bad args or CA bundle"), err)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	cred := nifcloudtest.Credential{AccessKeyID: a.AccessKey, SecretAccessKey: a.Secret}
	for _, params := range a.FakeCalls {
		req, err := nifcloudtest.NewSignedRequest(http.MethodPost, a.Endpoint, params, cred, time.Now())
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
	fmt.Printf(`{"changed": %t}`, a.FakeChanged)
	return nil
}

// fakeArgs make the fake module make calls and report changed.
func fakeArgs(changed bool, calls ...url.Values) map[string]any {
	return map[string]any{"fake_changed": changed, "fake_calls": calls}
}

var describe = url.Values{"Action": {"DescribeLoadBalancers"}, "Version": {"3.0"}}

func registerCall(id string) url.Values {
	return url.Values{"Action": {"RegisterInstancesWithLoadBalancer"}, "Version": {"3.0"}, "LoadBalancerName": {"weblb01"},
		"LoadBalancerPort": {"80"}, "InstancePort": {"8080"}, "Instances.member.1.InstanceId": {id}}
}

// TestEndToEnd runs the fake module through the launcher against the
// emulator over HTTPS: a scenario, the same with wrong expectations, and
// concurrent rounds that pass and fail.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the launcher and starts processes")
	}
	self, err := os.Executable()
	require.NoError(t, err)
	module := filepath.Join(t.TempDir(), "module")
	require.NoError(t, os.WriteFile(module, fmt.Appendf(nil, "#!/bin/sh\nexport %s=1\nexec '%s' \"$@\"\n", fakeEnv, self), 0o700))
	var progress bytes.Buffer
	b, err := newBench(t.Context(), module, &progress)
	require.NoError(t, err)
	defer b.close()
	floor, err := b.floor(t.Context())
	require.NoError(t, err)
	assert.Positive(t, floor)

	sc := scenario{name: "fake register", seed: basic, args: fakeArgs(true, describe, registerCall(server(3))),
		calls: 2, changed: true, state: membersAre(servers(1, 4)...)}
	res, err := b.runScenario(t.Context(), sc, 20*time.Millisecond, 2)
	require.NoError(t, err)
	assert.Empty(t, b.problems)
	assert.Equal(t, []int{2, 2}, res.Calls)
	require.Len(t, res.Wall, 2)
	assert.GreaterOrEqual(t, res.Wall[0], 40*time.Millisecond, "two calls with 20ms latency")
	assert.Positive(t, res.MaxRSS[0])
	assert.Contains(t, progress.String(), "bench: fake register, latency 20ms: 2 runs in ")

	sc.calls, sc.changed, sc.state = 1, false, membersAre(server(1))
	_, err = b.runScenario(t.Context(), sc, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"fake register: changed=true, want false",
		"fake register: 2 API calls (DescribeLoadBalancers 1, RegisterInstancesWithLoadBalancer 1), want 1",
		`fake register: weblb01 80->8080 holds 3 members ["web00001" "web00002" "web00003"], want 1 ["web00001"]`,
	}, b.problems)

	b.problems = nil
	cc := concurrents()[0]
	cc.args = func(i, _ int) map[string]any { return fakeArgs(true, describe, registerCall(server(100+i))) }
	cc.maxCalls = func(int) map[string]int { return map[string]int{register: 3} }
	cres, err := b.runConcurrent(t.Context(), cc, 3, 0)
	require.NoError(t, err)
	assert.Empty(t, b.problems)
	assert.Equal(t, concurrentResult{Name: cc.name, Procs: 3, MaxCalls: register + " at most 3", Wall: cres.Wall,
		Calls: "DescribeLoadBalancers 3, RegisterInstancesWithLoadBalancer 3"}, cres)

	cc.args = func(int, int) map[string]any {
		return fakeArgs(true, registerCall("nosuchserver"), registerCall("nosuchserver"))
	}
	cc.maxCalls = func(int) map[string]int { return map[string]int{register: 1} }
	cres, err = b.runConcurrent(t.Context(), cc, 2, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 1, 1}, []int{cres.Failed, btoi(cres.WrongState), btoi(cres.CallsOff)})
	assert.Len(t, b.problems, 3, "failed runs, API calls, final state: %q", b.problems)
}

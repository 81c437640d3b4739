package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of run.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// emulator is a run of the command in a goroutine.
type emulator struct {
	t      *testing.T
	cancel context.CancelFunc
	done   chan int
	stdout *syncBuffer
	stderr *syncBuffer
	info   startup
	client *http.Client
}

// start runs the command with args plus -addr 127.0.0.1:0 and a ready
// file, and waits until it is listening.
func start(t *testing.T, args ...string) *emulator {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready.json")
	ctx, cancel := context.WithCancel(context.Background())
	e := &emulator{t: t, cancel: cancel, done: make(chan int, 1), stdout: &syncBuffer{}, stderr: &syncBuffer{}, client: &http.Client{}}
	args = append([]string{"-addr", "127.0.0.1:0", "-ready-file", ready}, args...)
	go func() { e.done <- run(ctx, args, e.stdout, e.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-e.done:
		case <-time.After(10 * time.Second):
			t.Error("run did not return")
		}
	})
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(ready)
		return err == nil && json.Unmarshal(data, &e.info) == nil
	}, 10*time.Second, 5*time.Millisecond, "ready file; stderr: %s", e.stderr)
	return e
}

// stop cancels the run and returns its exit status.
func (e *emulator) stop() int {
	e.t.Helper()
	e.cancel()
	select {
	case code := <-e.done:
		e.done <- code // for the cleanup
		return code
	case <-time.After(10 * time.Second):
		e.t.Fatal("run did not return")
		return -1
	}
}

// call sends a signed POST with the printed credentials.
func (e *emulator) call(params url.Values) (int, []byte) {
	e.t.Helper()
	cred := nifcloudtest.Credential{AccessKeyID: e.info.AccessKey, SecretAccessKey: e.info.SecretAccessKey}
	req, err := nifcloudtest.NewSignedRequest(http.MethodPost, e.info.Endpoint, params, cred, time.Now())
	require.NoError(e.t, err)
	resp, err := e.client.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, body
}

func describeNames(t *testing.T, body []byte) []string {
	t.Helper()
	var out struct {
		Names []string `xml:"DescribeLoadBalancersResult>LoadBalancerDescriptions>member>LoadBalancerName"`
		Ports []int    `xml:"DescribeLoadBalancersResult>LoadBalancerDescriptions>member>ListenerDescriptions>member>Listener>LoadBalancerPort"`
	}
	require.NoError(t, xml.Unmarshal(body, &out))
	return out.Names
}

func TestDefaultsJSON(t *testing.T) {
	e := start(t, "-json", "-quiet")
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/api/$`, e.info.Endpoint)
	assert.Equal(t, demoAccessKey, e.info.AccessKey)
	assert.Equal(t, demoSecretKey, e.info.SecretAccessKey)
	assert.Empty(t, e.info.CABundle)
	line := strings.TrimSpace(e.stdout.String())
	assert.JSONEq(t, `{"endpoint": "`+e.info.Endpoint+`", "access_key": "DEMOACCESSKEY00000001",
		"secret_access_key": "demoSecretAccessKey0000000000000000000001", "ca_bundle": ""}`, line)

	status, body := e.call(url.Values{"Action": {"DescribeLoadBalancers"}})
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Equal(t, []string{"demolb", "demolb"}, describeNames(t, body))

	// Demo health delays: a new registration has no result at first.
	status, body = e.call(url.Values{"Action": {"RegisterInstancesWithLoadBalancer"}, "LoadBalancerName": {"demolb"},
		"LoadBalancerPort": {"80"}, "InstancePort": {"8080"}, "Instances.member.1.InstanceId": {"web003"}})
	require.Equal(t, http.StatusOK, status, "%s", body)
	status, body = e.call(url.Values{"Action": {"DescribeInstanceHealth"}, "LoadBalancerName": {"demolb"},
		"LoadBalancerPort": {"80"}, "InstancePort": {"8080"}})
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "<InstanceId>web002</InstanceId>")
	assert.NotContains(t, string(body), "web003")

	assert.Equal(t, 0, e.stop())
	assert.Equal(t, line, strings.TrimSpace(e.stdout.String()), "-json prints only the JSON line")
	assert.Empty(t, e.stderr.String(), "-quiet")
	_, err := http.Get(e.info.Endpoint)
	assert.Error(t, err, "the listener is closed")
}

func TestBannerAndRequestLog(t *testing.T) {
	e := start(t, "-appear", "0s", "-in-service", "0s")
	out := e.stdout.String()
	assert.Contains(t, out, "NIFCLOUD emulator listening on "+e.info.Endpoint)
	assert.Contains(t, out, "access key:          DEMOACCESSKEY00000001")
	assert.Contains(t, out, "secret access key:   demoSecretAccessKey0000000000000000000001")
	assert.Contains(t, out, "result after 0s, InService after 0s")
	assert.Contains(t, out, "Multi Load Balancer: configuring for 2s after each change")
	assert.NotContains(t, out, "visibility delay")
	assert.Contains(t, out, "/_emulator/state")

	status, _ := e.call(url.Values{"Action": {"RegisterInstancesWithLoadBalancer"}, "LoadBalancerName": {"demolb"},
		"LoadBalancerPort": {"80"}, "InstancePort": {"8080"}, "Instances.member.1.InstanceId": {"web009"}})
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, 0, e.stop())
	assert.Contains(t, e.stderr.String(), "POST /api/ RegisterInstancesWithLoadBalancer -> 500 Client.InvalidParameterNotFound.Instance")
	assert.NotContains(t, e.stderr.String(), demoSecretKey, "request logs never show the secret")
	assert.Contains(t, e.stdout.String(), "stopped")
}

// elasticStates returns "name=State" per Multi Load Balancer.
func elasticStates(t *testing.T, e *emulator) []string {
	t.Helper()
	status, body := e.call(url.Values{"Action": {"NiftyDescribeElasticLoadBalancers"}})
	require.Equal(t, http.StatusOK, status, "%s", body)
	var out struct {
		Descriptions []struct {
			Name      string   `xml:"ElasticLoadBalancerName"`
			State     string   `xml:"State"`
			Listeners []string `xml:"ElasticLoadBalancerListenerDescriptions>member>Listener>Protocol"`
		} `xml:"NiftyDescribeElasticLoadBalancersResult>ElasticLoadBalancerDescriptions>member"`
	}
	require.NoError(t, xml.Unmarshal(body, &out))
	var res []string
	for _, d := range out.Descriptions {
		res = append(res, d.Name+"="+d.State+" "+strings.Join(d.Listeners, ","))
	}
	return res
}

func TestMultiLoadBalancerDemo(t *testing.T) {
	e := start(t, "-json", "-quiet", "-elastic-busy", "1h", "-elastic-busy-state", "updating",
		"-elastic-busy-code", "Server.Busy")
	assert.Equal(t, []string{"demoelb=available TCP,HTTPS"}, elasticStates(t, e))
	change := func(action, server string) (int, []byte) {
		return e.call(url.Values{"Action": {action}, "ElasticLoadBalancerId": {"elb-0d3e0e1b"}, "Protocol": {"TCP"},
			"ElasticLoadBalancerPort": {"80"}, "InstancePort": {"8080"}, "Instances.member.1.InstanceId": {server}})
	}
	status, body := change("NiftyRegisterInstancesWithElasticLoadBalancer", "web003")
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Equal(t, []string{"demoelb=updating TCP,HTTPS"}, elasticStates(t, e))
	status, body = change("NiftyDeregisterInstancesFromElasticLoadBalancer", "web001")
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Contains(t, string(body), "<Code>Server.Busy</Code>")
	assert.Equal(t, 0, e.stop())
}

func TestVisibilityDelay(t *testing.T) {
	e := start(t, "-visibility-delay", "1h")
	assert.Contains(t, e.stdout.String(), "visibility delay:    1h0m0s after CreateLoadBalancer")
	status, body := e.call(url.Values{"Action": {"CreateLoadBalancer"}, "LoadBalancerName": {"newlb"}, "Listeners.member.1.Protocol": {"HTTP"}})
	require.Equal(t, http.StatusOK, status, "%s", body)
	status, body = e.call(url.Values{"Action": {"DescribeLoadBalancers"}, "LoadBalancerNames.member.1": {"newlb"}})
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Contains(t, string(body), "<Code>Client.InvalidParameterNotFound.LoadBalancer</Code>")
	assert.Equal(t, 0, e.stop())
}

func TestTLS(t *testing.T) {
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	e := start(t, "-json", "-quiet", "-tls", "-ca-out", caPath)
	assert.Regexp(t, `^https://127\.0\.0\.1:\d+/api/$`, e.info.Endpoint)
	assert.Equal(t, caPath, e.info.CABundle)
	pemData, err := os.ReadFile(caPath)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemData))

	_, err = http.Post(e.info.Endpoint, "text/plain", nil)
	require.Error(t, err, "the default trust store does not know the certificate")

	e.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	status, body := e.call(url.Values{"Action": {"DescribeLoadBalancers"}})
	assert.Equal(t, http.StatusOK, status, "%s", body)

	// The certificate also covers localhost.
	e.info.Endpoint = strings.Replace(e.info.Endpoint, "127.0.0.1", "localhost", 1)
	status, _ = e.call(url.Values{"Action": {"DescribeLoadBalancers"}})
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, 0, e.stop())
	_, err = os.Stat(caPath)
	assert.NoError(t, err, "a CA file the user named is kept")
}

func TestTLSTemporaryCA(t *testing.T) {
	e := start(t, "-json", "-quiet", "-tls")
	require.NotEmpty(t, e.info.CABundle)
	_, err := os.Stat(e.info.CABundle)
	require.NoError(t, err)
	assert.Equal(t, 0, e.stop())
	_, err = os.Stat(e.info.CABundle)
	assert.True(t, os.IsNotExist(err), "the temporary CA file is removed")
}

func TestSeedLatencyAndErrorStatus(t *testing.T) {
	e := start(t, "-json", "-quiet", "-seed", filepath.Join("..", "testdata", "seed.json"),
		"-latency", "30ms", "-error-status", "400")
	assert.Equal(t, "SEEDACCESSKEY0000001", e.info.AccessKey)
	begin := time.Now()
	status, body := e.call(url.Values{"Action": {"DescribeLoadBalancers"}, "LoadBalancerNames.member.1": {"weblb01"}})
	assert.GreaterOrEqual(t, time.Since(begin), 30*time.Millisecond)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Equal(t, []string{"weblb01", "weblb01"}, describeNames(t, body))
	status, _ = e.call(url.Values{"Action": {"DescribeLoadBalancers"}, "LoadBalancerNames.member.1": {"demolb"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, 0, e.stop())
}

func TestInspectionAndGracefulShutdown(t *testing.T) {
	e := start(t, "-json", "-quiet")
	base := strings.TrimSuffix(e.info.Endpoint, "/api/")
	resp, err := http.Post(base+"/_emulator/faults", "application/json", strings.NewReader(`{"delay": "300ms"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	type result struct {
		status int
		body   []byte
	}
	inflight := make(chan result, 1)
	go func() {
		s, b := e.call(url.Values{"Action": {"DescribeLoadBalancers"}})
		inflight <- result{s, b}
	}()
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/_emulator/faults")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return strings.TrimSpace(string(data)) == "[]"
	}, 5*time.Second, 5*time.Millisecond, "the call took the fault")

	assert.Equal(t, 0, e.stop(), "exits 0 after finishing the in-flight call")
	r := <-inflight
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badSeed := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(badSeed, []byte(`{"credentials": []}`), 0o644))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown flag", []string{"-nope"}, 2, "flag provided but not defined"},
		{"extra argument", []string{"serve"}, 2, "unexpected arguments"},
		{"ca-out without tls", []string{"-ca-out", filepath.Join(dir, "ca.pem")}, 2, "-ca-out needs -tls"},
		{"bad duration", []string{"-latency", "soon"}, 2, "invalid value"},
		{"missing seed", []string{"-seed", filepath.Join(dir, "missing.json")}, 1, "read seed"},
		{"seed without credentials", []string{"-seed", badSeed}, 1, "at least one credential"},
		{"error status 200", []string{"-error-status", "200"}, 1, "error status 200"},
		{"negative elastic busy", []string{"-elastic-busy", "-1s"}, 1, "elastic busy duration"},
		{"busy state available", []string{"-elastic-busy-state", "available"}, 1, "elastic busy state"},
		{"busy code", []string{"-elastic-busy-code", "Busy"}, 1, "elastic busy code"},
		{"negative visibility delay", []string{"-visibility-delay", "-1s"}, 1, "visibility delay"},
		{"bad address", []string{"-addr", "127.0.0.1:notaport"}, 1, "listen"},
		{"unwritable CA file", []string{"-addr", "127.0.0.1:0", "-tls", "-ca-out", filepath.Join(dir, "no", "ca.pem")}, 1, "write CA file"},
		{"help", []string{"-h"}, 0, "Usage: nifcloud-emulator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

// TestSignals builds the command and checks that SIGINT and SIGTERM stop
// it with status 0.
func TestSignals(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "nifcloud-emulator")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			ready := filepath.Join(t.TempDir(), "ready.json")
			cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-json", "-quiet", "-ready-file", ready)
			var stdout, stderr syncBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			var info startup
			require.Eventually(t, func() bool {
				data, err := os.ReadFile(ready)
				return err == nil && json.Unmarshal(data, &info) == nil
			}, 10*time.Second, 10*time.Millisecond, "stderr: %s", &stderr)
			resp, err := http.Get(info.Endpoint)
			require.NoError(t, err)
			resp.Body.Close()

			require.NoError(t, cmd.Process.Signal(sig))
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				assert.NoError(t, err, "exit status 0; stderr: %s", &stderr)
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("no exit after the signal")
			}
			_, err = os.Stat(ready)
			assert.True(t, os.IsNotExist(err), "the ready file is removed")
		})
	}
}

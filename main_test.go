package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// The credentials of the emulator in these tests.
var cred = nifcloudtest.Credential{AccessKeyID: "MAINTESTKEY000000001", SecretAccessKey: "Main-Test-Secret-Never-Printed-42"}

// binary builds the module once per test run, as make build does.
func binary(t *testing.T) string {
	t.Helper()
	require.NoError(t, builtErr)
	return builtPath
}

// builtPath is the module binary TestMain builds for every test of the
// package (process tests included), in a folder it removes at the end.
var (
	builtPath string
	builtErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nifcloud_lb-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	builtPath = filepath.Join(dir, "nifcloud_lb")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=1.2.3-test", "-o", builtPath, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		builtErr = fmt.Errorf("go build: %v: %s", err, out)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result runs cmd and returns its exit code and decoded JSON result,
// checking that it printed one JSON object and nothing on stderr.
func result(t *testing.T, cmd *exec.Cmd) (int, map[string]any) {
	t.Helper()
	return resultOf(t, cmd, nil)
}

// resultOf is result, calling started, when not nil, with the process once
// it runs.
func resultOf(t *testing.T, cmd *exec.Cmd, started func(*os.Process)) (int, map[string]any) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	if started != nil {
		started(cmd.Process)
	}
	err := cmd.Wait()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	assert.Empty(t, stderr.String())
	var res map[string]any
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &res), "one JSON object: %s", stdout.String())
	assert.NotContains(t, stdout.String(), cred.SecretAccessKey)
	return code, res
}

// TestBinary checks the binary as users run it: help and version as plain
// text, the module picked by the name of the link it runs as, and an
// unknown name refused with the list of modules.
func TestBinary(t *testing.T) {
	bin := binary(t)
	out, err := exec.Command(bin, "--version").Output()
	require.NoError(t, err)
	assert.Equal(t, "nifcloud_lb 1.2.3-test\n", string(out))
	out, err = exec.Command(bin, "--help").Output()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(out), "usage: nifcloud_lb ARGS_FILE"), "%s", out)
	assert.Contains(t, string(out), "holds the modules: nifcloud_elb, nifcloud_lb")

	args := filepath.Join(t.TempDir(), "args.json")
	require.NoError(t, os.WriteFile(args, []byte(`{"instance_ids": "web001"}`), 0o600))
	other := filepath.Join(t.TempDir(), "nifcloud_nothing_linux_x86_64")
	require.NoError(t, os.Symlink(bin, other))
	code, res := result(t, exec.Command(other, args))
	assert.Equal(t, 1, code)
	assert.Contains(t, res["msg"], `unknown module "nifcloud_nothing" (from the file name nifcloud_nothing_linux_x86_64): this binary (nifcloud_lb 1.2.3-test) holds the modules nifcloud_elb, nifcloud_lb`)

	code, res = result(t, exec.Command(bin))
	assert.Equal(t, 1, code)
	assert.Contains(t, res["msg"], "usage: nifcloud_lb ARGS_FILE")
}

// TestInterrupted sends SIGTERM while a register is in flight: the run ends
// with one JSON failure that says it was interrupted and what it changed.
func TestInterrupted(t *testing.T) {
	bin := binary(t)
	emu, err := nifcloudtest.New(nifcloudtest.Options{
		Credentials:   []nifcloudtest.Credential{cred},
		Instances:     []nifcloudtest.Instance{{InstanceID: "web001"}, {InstanceID: "web003"}},
		LoadBalancers: []nifcloudtest.LoadBalancer{{Name: "weblb01", Ports: []nifcloudtest.Port{{LoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web001"}}}}}},
	})
	require.NoError(t, err)
	proc := make(chan *os.Process, 1) // the run's process, once it runs
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, _ := url.ParseQuery(string(body)); form.Get("Action") == "RegisterInstancesWithLoadBalancer" {
			// The register is applied, but its reply never comes: the
			// run is interrupted while it waits.
			emu.ServeHTTP(httptest.NewRecorder(), r)
			assert.NoError(t, (<-proc).Signal(syscall.SIGTERM))
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	args := filepath.Join(t.TempDir(), "args.json")
	require.NoError(t, os.WriteFile(args, []byte(`{"endpoint": "`+srv.URL+`", "loadbalancer_name": "weblb01", "loadbalancer_port": 80, "instance_port": 8080, "instance_ids": "web003"}`), 0o600))
	cmd := exec.Command(bin, args)
	cmd.Env = []string{"NIFCLOUD_ACCESS_KEY_ID=" + cred.AccessKeyID, "NIFCLOUD_SECRET_ACCESS_KEY=" + cred.SecretAccessKey, "NIFCLOUD_LB_LOCK_DIR=" + t.TempDir()}
	code, res := resultOf(t, cmd, func(p *os.Process) { proc <- p })
	assert.Equal(t, 1, code)
	assert.Equal(t, true, res["failed"])
	assert.Equal(t, true, res["changed"], "what a lost register may have applied counts")
	assert.Equal(t, []any{"web003"}, res["registered"])
	assert.Contains(t, res["msg"], "Interrupted by SIGTERM before the run finished; by then it had registered web003. Read the state again before running it again.")
}

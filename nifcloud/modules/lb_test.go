package modules

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

// The credentials the emulator accepts in these tests. The secret is
// distinctive so that a leak shows up in any output.
const (
	testAccessKey = "TESTACCESSKEY0000001"
	testSecret    = "S3cr3t-N1fcl0ud-Key-Never-Print-0123"
)

const (
	describe   = "DescribeLoadBalancers"
	register   = "RegisterInstancesWithLoadBalancer"
	deregister = "DeregisterInstancesFromLoadBalancer"
	health     = "DescribeInstanceHealth"
)

// testSeed is the emulator state of the module tests: weblb01 with 80->8080
// (web001, web002) and 443->8443 (web001), weblb02 with 80->80 (web003),
// and servers web001-web005.
func testSeed() nifcloudtest.Options {
	return nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}, otherCred},
		Instances: []nifcloudtest.Instance{
			{InstanceID: "web001"}, {InstanceID: "web002"}, {InstanceID: "web003"}, {InstanceID: "web004"}, {InstanceID: "web005"},
		},
		LoadBalancers: []nifcloudtest.LoadBalancer{
			{Name: "weblb01", Ports: []nifcloudtest.Port{
				{LoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web001"}, {InstanceID: "web002"}}},
				{LoadBalancerPort: 443, InstancePort: 8443, Members: []nifcloudtest.Member{{InstanceID: "web001"}}},
			}},
			{Name: "weblb02", Ports: []nifcloudtest.Port{
				{LoadBalancerPort: 80, InstancePort: 80, Members: []nifcloudtest.Member{{InstanceID: "web003"}}},
			}},
		},
	}
}

// otherCred signs the calls of another client.
var otherCred = nifcloudtest.Credential{AccessKeyID: "OTHERACCESSKEY000001", SecretAccessKey: "other-secret"}

// harness runs the module in-process against an emulator.
type harness struct {
	emu      *nifcloudtest.Server
	endpoint string
	clk      *nifcloudtest.Clock
	env      map[string]string
	// after, when set, runs after each reply of the emulator, e.g. to let
	// another client act between two calls of the run.
	after func(r nifcloudtest.Request)
}

func newHarness(t *testing.T, opts nifcloudtest.Options) *harness {
	t.Helper()
	h := &harness{clk: nifcloudtest.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)), env: map[string]string{"NIFCLOUD_LB_LOCK_DIR": t.TempDir()}}
	opts.Now = h.clk.Now
	emu, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		emu.ServeHTTP(w, r)
		if log := emu.Requests(); h.after != nil && len(log) > 0 {
			h.after(log[len(log)-1])
		}
	}))
	t.Cleanup(ts.Close)
	h.emu, h.endpoint = emu, ts.URL+"/api/"
	return h
}

// otherClient makes a signed call straight into the emulator, as another
// controller would.
func (h *harness) otherClient(t *testing.T, action string, params url.Values) {
	t.Helper()
	params.Set("Action", action)
	req, err := nifcloudtest.NewSignedRequest(http.MethodPost, h.endpoint, params, otherCred, h.clk.Now())
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.emu.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

// jsonNull is an explicit JSON null in args (a nil value removes the
// option instead).
var jsonNull = json.RawMessage("null")

// args returns the usual task options merged with extra; a nil value in
// extra removes an option.
func (h *harness) args(extra map[string]any) map[string]any {
	a := map[string]any{
		"endpoint":          h.endpoint,
		"access_key":        testAccessKey,
		"secret_access_key": testSecret,
		"loadbalancer_name": "weblb01",
		"loadbalancer_port": 80,
		"instance_port":     8080,
	}
	for k, v := range extra {
		if v == nil {
			delete(a, k)
		} else {
			a[k] = v
		}
	}
	return a
}

// run writes args to a file and runs the module on it, returning the
// decoded result, the exit code and the raw output.
func (h *harness) run(t *testing.T, args map[string]any) (map[string]any, int, string) {
	t.Helper()
	data, err := json.Marshal(args)
	require.NoError(t, err)
	return h.runFile(t, data)
}

func (h *harness) runFile(t *testing.T, data []byte) (map[string]any, int, string) {
	t.Helper()
	return h.runFileEnv(t, h.testEnv(), data)
}

// runEnv is run with another Env than testEnv.
func (h *harness) runEnv(t *testing.T, env Env, args map[string]any) (map[string]any, int, string) {
	t.Helper()
	data, err := json.Marshal(args)
	require.NoError(t, err)
	return h.runFileEnv(t, env, data)
}

func (h *harness) runFileEnv(t *testing.T, env Env, data []byte) (map[string]any, int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "args")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	var stdout bytes.Buffer
	getenv := func(k string) (string, bool) { v, ok := h.env[k]; return v, ok }
	code := ansible.Main(t.Context(), Binary("test", env), []string{"nifcloud_lb", path}, &stdout, getenv)
	var res map[string]any
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &res), "stdout must be one JSON object: %s", stdout.String())
	assert.NotContains(t, stdout.String(), testSecret, "the secret must never be printed")
	return res, code, stdout.String()
}

// testEnv is the modules' Env on the harness's clock, without backoff
// between the client's attempts.
func (h *harness) testEnv() Env {
	return Env{Clock: h.clk, Retryer: noBackoff, Jitter: func() float64 { return 1 }}
}

// noBackoff is the module's retryer without waits between attempts.
func noBackoff() aws.RetryerV2 {
	return nifcloud.NewRetryer(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

// actions returns the API actions the emulator received from the module,
// in order.
func (h *harness) actions() []string {
	out := []string{}
	for _, r := range h.emu.Requests() {
		if r.AccessKeyID == testAccessKey {
			out = append(out, r.Action)
		}
	}
	return out
}

// list turns a JSON array of strings into []string.
func list(t *testing.T, v any) []string {
	t.Helper()
	items, ok := v.([]any)
	require.True(t, ok, "want a list, got %#v", v)
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		require.True(t, ok, "want a string, got %#v", it)
		out = append(out, s)
	}
	return out
}

func TestBehaviour(t *testing.T) {
	tests := []struct {
		name         string
		args         map[string]any
		changed      bool
		calls        []string
		instances    []string
		registered   []string
		deregistered []string
		members80    []string // weblb01 80->8080 afterwards
	}{
		{
			name: "nothing to do makes one call", args: map[string]any{"instance_ids": []string{"web001"}},
			calls: []string{describe}, instances: []string{"web001", "web002"}, registered: []string{}, deregistered: []string{},
			members80: []string{"web001", "web002"},
		},
		{
			name: "register adds in one call and leaves the others alone", args: map[string]any{"instance_ids": []string{"web004", "web003"}},
			changed: true, calls: []string{describe, register},
			instances: []string{"web001", "web002", "web003", "web004"}, registered: []string{"web003", "web004"}, deregistered: []string{},
			members80: []string{"web001", "web002", "web004", "web003"},
		},
		{
			name: "purge swap registers, then deregisters", args: map[string]any{"instance_ids": []string{"web003"}, "purge_instance_ids": true},
			changed: true, calls: []string{describe, register, deregister},
			instances: []string{"web003"}, registered: []string{"web003"}, deregistered: []string{"web001", "web002"},
			members80: []string{"web003"},
		},
		{
			name: "absent removes a single server", args: map[string]any{"instance_ids": "web002", "state": "absent"},
			changed: true, calls: []string{describe, deregister},
			instances: []string{"web001"}, registered: []string{}, deregistered: []string{"web002"},
			members80: []string{"web001"},
		},
		{
			name: "absent of a non-member changes nothing", args: map[string]any{"instance_ids": []string{"web005"}, "state": "absent"},
			calls: []string{describe}, instances: []string{"web001", "web002"}, registered: []string{}, deregistered: []string{},
			members80: []string{"web001", "web002"},
		},
		{
			name:    "check mode answers like a real run and sends no change",
			args:    map[string]any{"instance_ids": []string{"web003"}, "purge_instance_ids": true, "_ansible_check_mode": true},
			changed: true, calls: []string{describe},
			instances: []string{"web003"}, registered: []string{"web003"}, deregistered: []string{"web001", "web002"},
			members80: []string{"web001", "web002"},
		},
		{
			name:    "free-form key=value strings are converted",
			args:    map[string]any{"loadbalancer_port": "80", "instance_port": "8080", "instance_ids": "web003,web004", "purge_instance_ids": "no", "wait": "false"},
			changed: true, calls: []string{describe, register},
			instances: []string{"web001", "web002", "web003", "web004"}, registered: []string{"web003", "web004"}, deregistered: []string{},
			members80: []string{"web001", "web002", "web003", "web004"},
		},
		{
			name:    "aliases work like the options",
			args:    map[string]any{"loadbalancer_name": nil, "name": "weblb01", "loadbalancer_port": nil, "load_balancer_port": 80, "instance_ids": nil, "instances": []string{"web003"}},
			changed: true, calls: []string{describe, register},
			instances: []string{"web001", "web002", "web003"}, registered: []string{"web003"}, deregistered: []string{},
			members80: []string{"web001", "web002", "web003"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testSeed())
			res, code, _ := h.run(t, h.args(tt.args))
			require.Equal(t, 0, code, "%v", res)
			assert.Equal(t, false, res["failed"])
			assert.Equal(t, tt.changed, res["changed"])
			assert.Equal(t, tt.calls, h.actions())
			assert.Equal(t, tt.instances, list(t, res["instances"]))
			assert.Equal(t, tt.registered, list(t, res["registered"]))
			assert.Equal(t, tt.deregistered, list(t, res["deregistered"]))
			assert.Equal(t, "weblb01", res["loadbalancer_name"])
			assert.EqualValues(t, 80, res["loadbalancer_port"])
			assert.EqualValues(t, 8080, res["instance_port"])
			assert.Equal(t, tt.members80, h.emu.Members("weblb01", 80, 8080))
			assert.Equal(t, []string{"web001"}, h.emu.Members("weblb01", 443, 8443), "other port definitions are untouched")
			assert.NotContains(t, res, "diff", "no diff unless asked")
		})
	}
}

func TestSecondRunIsUnchanged(t *testing.T) {
	h := newHarness(t, testSeed())
	args := h.args(map[string]any{"instance_ids": []string{"web003"}, "purge_instance_ids": true})
	first, _, _ := h.run(t, args)
	assert.Equal(t, true, first["changed"])
	h.emu.ResetRequests()
	second, _, _ := h.run(t, args)
	assert.Equal(t, false, second["changed"])
	assert.Equal(t, []string{describe}, h.actions(), "a second run makes exactly one read call")
}

func TestDiff(t *testing.T) {
	h := newHarness(t, testSeed())
	res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}, "purge_instance_ids": true, "_ansible_diff": true}))
	assert.Equal(t, map[string]any{
		"before": map[string]any{"loadbalancer_name": "weblb01", "loadbalancer_port": float64(80), "instance_port": float64(8080), "instances": []any{"web001", "web002"}},
		"after":  map[string]any{"loadbalancer_name": "weblb01", "loadbalancer_port": float64(80), "instance_port": float64(8080), "instances": []any{"web003"}},
	}, res["diff"])
}

func TestAbsentEverywhere(t *testing.T) {
	t.Run("removes the servers from every port definition that has them", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, code, _ := h.run(t, h.args(map[string]any{
			"loadbalancer_name": nil, "loadbalancer_port": nil, "instance_port": nil,
			"instance_ids": []string{"web001", "web003"}, "state": "absent", "_ansible_diff": true,
		}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, true, res["changed"])
		assert.Equal(t, []string{describe, deregister, deregister, deregister}, h.actions(), "1 + one per port definition touched")
		assert.Equal(t, []any{
			map[string]any{"loadbalancer_name": "weblb01", "loadbalancer_port": float64(80), "instance_port": float64(8080), "deregistered": []any{"web001"}},
			map[string]any{"loadbalancer_name": "weblb01", "loadbalancer_port": float64(443), "instance_port": float64(8443), "deregistered": []any{"web001"}},
			map[string]any{"loadbalancer_name": "weblb02", "loadbalancer_port": float64(80), "instance_port": float64(80), "deregistered": []any{"web003"}},
		}, res["updated"])
		assert.Equal(t, []string{"web001", "web003"}, list(t, res["deregistered"]))
		assert.Nil(t, res["loadbalancer_name"])
		assert.Equal(t, []string{"web002"}, h.emu.Members("weblb01", 80, 8080))
		assert.Empty(t, h.emu.Members("weblb01", 443, 8443))
		assert.Empty(t, h.emu.Members("weblb02", 80, 80))
		diff := res["diff"].(map[string]any)
		assert.Equal(t, map[string]any{"weblb01 (80->8080)": []any{"web001", "web002"}, "weblb01 (443->8443)": []any{"web001"}, "weblb02 (80->80)": []any{"web003"}}, diff["before"])
	})
	t.Run("in check mode makes one call", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, _, _ := h.run(t, h.args(map[string]any{
			"loadbalancer_name": nil, "loadbalancer_port": nil, "instance_port": nil,
			"instance_ids": "web001", "state": "absent", "_ansible_check_mode": true,
		}))
		assert.Equal(t, true, res["changed"])
		assert.Len(t, res["updated"], 2)
		assert.Equal(t, []string{describe}, h.actions())
		assert.Equal(t, []string{"web001", "web002"}, h.emu.Members("weblb01", 80, 8080))
	})
	t.Run("a server on no load balancer is unchanged after one call", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, _, _ := h.run(t, h.args(map[string]any{
			"loadbalancer_name": nil, "loadbalancer_port": nil, "instance_port": nil,
			"instance_ids": "web005", "state": "absent",
		}))
		assert.Equal(t, false, res["changed"])
		assert.Equal(t, []any{}, res["updated"])
		assert.Equal(t, []string{describe}, h.actions())
	})
}

func TestAbsentFromMissingLoadBalancer(t *testing.T) {
	h := newHarness(t, testSeed())
	res, code, _ := h.run(t, h.args(map[string]any{"loadbalancer_name": "gone", "instance_ids": "web001", "state": "absent"}))
	assert.Equal(t, 0, code)
	assert.Equal(t, false, res["changed"])
	assert.Equal(t, []any{"load balancer gone does not exist; there is nothing to deregister"}, res["warnings"])
}

func TestRacesAndLostReplies(t *testing.T) {
	t.Run("a lost register reply is read back and reported as a change", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: register, AfterApply: true, Drop: true}))
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, true, res["changed"])
		assert.Equal(t, []string{"web003"}, list(t, res["registered"]))
		assert.Equal(t, []string{describe, register, describe}, h.actions(), "nothing is sent twice")
		assert.Equal(t, []string{"web001", "web002", "web003"}, h.emu.Members("weblb01", 80, 8080))
	})
	t.Run("a lost deregister reply is read back", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: deregister, AfterApply: true, Status: 504}))
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web002"}, "state": "absent"}))
		assert.Equal(t, true, res["changed"])
		assert.Equal(t, []string{describe, deregister, describe}, h.actions())
	})
	t.Run("a server error on a change is retried after a fresh read", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: register, Status: 503, Code: "Server.InternalError", Message: "An error has occurred. Please try again later."}))
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}}))
		assert.Equal(t, true, res["changed"])
		assert.Equal(t, []string{describe, register, describe, register}, h.actions())
	})
	t.Run("a transient read failure is retried", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: describe, Times: 2, Status: 503}))
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web001"}}))
		assert.Equal(t, false, res["changed"])
		assert.Equal(t, []string{describe, describe, describe}, h.actions())
	})
	t.Run("already registered by someone else means done", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: register, AfterApply: true,
			Code: "Client.Inoperable.LoadBalancer.HavingRegisteredInstance", Message: "The instance ID 'web003' already exists with this LoadBalancer."}))
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, []string{describe, register, describe}, h.actions())
		assert.Equal(t, []string{"web001", "web002", "web003"}, h.emu.Members("weblb01", 80, 8080))
	})
}

func TestWait(t *testing.T) {
	seedWithHealth := func() nifcloudtest.Options {
		o := testSeed()
		o.Health = nifcloudtest.Health{Appear: 5 * time.Second, InService: 20 * time.Second}
		return o
	}
	t.Run("waits until the registered servers are InService", func(t *testing.T) {
		h := newHarness(t, seedWithHealth())
		start := h.clk.Now()
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web001", "web003"}, "wait": true}))
		require.Equal(t, 0, code, "%v", res)
		assert.Equal(t, []any{map[string]any{"instance_id": "web003", "state": "InService", "reason_code": "", "description": ""}}, res["instance_health"])
		assert.Equal(t, []string{describe, register, health, health, health, health, health}, h.actions(), "polls every 5 s, half the 10 s health-check interval")
		assert.Equal(t, 20*time.Second, h.clk.Now().Sub(start))
	})
	t.Run("times out naming the servers not in service", func(t *testing.T) {
		h := newHarness(t, seedWithHealth())
		require.NoError(t, h.emu.PinUnhealthy("web004"))
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003", "web004"}, "wait": true, "wait_timeout": 60}))
		assert.Equal(t, 1, code)
		assert.Equal(t, true, res["failed"])
		assert.Equal(t, true, res["changed"], "the registration happened")
		assert.Equal(t, "timed out after 1m0s waiting for weblb01 (80->8080) to report InService: web004 OutOfService", res["msg"])
		assert.Equal(t, []any{
			map[string]any{"instance_id": "web003", "state": "InService", "reason_code": "", "description": ""},
			map[string]any{"instance_id": "web004", "state": "OutOfService", "reason_code": "", "description": ""},
		}, res["instance_health"])
	})
	t.Run("nothing registered means nothing to wait for", func(t *testing.T) {
		h := newHarness(t, seedWithHealth())
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web001"}, "wait": true}))
		assert.Equal(t, []any{}, res["instance_health"])
		assert.Equal(t, []string{describe}, h.actions())
	})
	t.Run("check mode does not wait", func(t *testing.T) {
		h := newHarness(t, seedWithHealth())
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}, "wait": true, "_ansible_check_mode": true}))
		assert.Equal(t, true, res["changed"])
		assert.Equal(t, []string{describe}, h.actions())
	})
	t.Run("wait with absent only warns", func(t *testing.T) {
		h := newHarness(t, seedWithHealth())
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web001"}, "wait": true, "state": "absent"}))
		assert.Equal(t, 0, code)
		assert.Equal(t, []any{"wait has no effect with state=absent: nothing is registered, so there is nothing to wait for"}, res["warnings"])
	})
}

func TestAPIFailures(t *testing.T) {
	tests := []struct {
		name   string
		args   map[string]any
		msg    string
		code   string
		calls  []string
		setup  func(t *testing.T, h *harness)
		noCode bool
	}{
		{
			name: "unknown server", args: map[string]any{"instance_ids": []string{"web004", "web009"}},
			msg:  "register web004, web009 with weblb01 (80->8080): RegisterInstancesWithLoadBalancer: Client.InvalidParameterNotFound.Instance: The instance ID 'web009' does not exist.",
			code: "Client.InvalidParameterNotFound.Instance", calls: []string{describe, register},
		},
		{
			name: "unknown load balancer", args: map[string]any{"loadbalancer_name": "nolb", "instance_ids": []string{"web001"}},
			msg:  "load balancer nolb does not exist: DescribeLoadBalancers: Client.InvalidParameterNotFound.LoadBalancer: The LoadBalancerName 'nolb' does not exist.",
			code: "Client.InvalidParameterNotFound.LoadBalancer", calls: []string{describe},
		},
		{
			name: "unknown port definition", args: map[string]any{"instance_port": 80, "instance_ids": []string{"web001"}},
			msg:  "load balancer weblb01 has no port definition 80->80: DescribeLoadBalancers: Client.InvalidParameterNotFound.LoadBalancerPort:",
			code: "Client.InvalidParameterNotFound.LoadBalancerPort", calls: []string{describe},
		},
		{
			name: "wrong secret", args: map[string]any{"secret_access_key": "wrong-secret-value-1234", "instance_ids": []string{"web001"}},
			msg:  "describe weblb01 (80->8080): DescribeLoadBalancers: Client.AuthFailure:",
			code: "Client.AuthFailure", calls: []string{describe},
		},
		{
			name: "persistent server error", args: map[string]any{"instance_ids": []string{"web001"}},
			setup: func(t *testing.T, h *harness) {
				require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: describe, Times: nifcloudtest.Forever, Status: 503, Code: "Server.InternalError", Message: "An error has occurred. Please try again later."}))
			},
			msg:  "describe weblb01 (80->8080): ",
			code: "Server.InternalError", calls: []string{describe, describe, describe, describe, describe},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testSeed())
			if tt.setup != nil {
				tt.setup(t, h)
			}
			before := h.emu.State()
			res, code, out := h.run(t, h.args(tt.args))
			assert.Equal(t, 1, code)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, false, res["changed"])
			assert.Contains(t, res["msg"], tt.msg)
			assert.Equal(t, tt.code, res["error_code"])
			assert.NotEmpty(t, res["request_id"])
			assert.NotEmpty(t, res["error_message"])
			assert.Equal(t, tt.calls, h.actions())
			assert.Equal(t, before, h.emu.State(), "a failed run changes nothing")
			assert.NotContains(t, out, "wrong-secret-value-1234")
		})
	}
}

func TestBadInputMakesNoCall(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		env  map[string]string
		msg  string
	}{
		{name: "missing instance_ids", args: map[string]any{}, msg: "missing required arguments: instance_ids"},
		{name: "missing credentials", args: map[string]any{"access_key": nil, "secret_access_key": nil, "instance_ids": "web001"},
			msg: "missing required arguments: access_key, secret_access_key"},
		{name: "neither region nor endpoint", args: map[string]any{"endpoint": nil, "instance_ids": "web001"},
			msg: "one of the following is required: region, endpoint"},
		{name: "unknown region", args: map[string]any{"endpoint": nil, "region": "jp-north-9", "instance_ids": "web001"},
			msg: "value of region must be one of: jp-east-1, jp-east-2, jp-east-3, jp-east-4, jp-west-1, jp-west-2, us-east-1, got: jp-north-9"},
		{name: "unknown region from the environment", args: map[string]any{"endpoint": nil, "instance_ids": "web001"}, env: map[string]string{"NIFCLOUD_DEFAULT_REGION": "tokyo"},
			msg: "value of region must be one of: jp-east-1, jp-east-2, jp-east-3, jp-east-4, jp-west-1, jp-west-2, us-east-1, got: tokyo"},
		{name: "bad endpoint", args: map[string]any{"endpoint": "ftp://example.com", "instance_ids": "web001"},
			msg: "value of endpoint is not a usable API endpoint: "},
		{name: "bad load balancer name", args: map[string]any{"loadbalancer_name": "web-lb_01", "instance_ids": "web001"},
			msg: "value of loadbalancer_name must be 1 to 15 letters and digits, optionally prefixed by a sharing NIFCLOUD ID (ABC12345.name), got: web-lb_01"},
		{name: "too long load balancer name", args: map[string]any{"loadbalancer_name": "abcdefghijklmnop", "instance_ids": "web001"},
			msg: "value of loadbalancer_name must be 1 to 15 letters and digits"},
		{name: "ports out of range", args: map[string]any{"loadbalancer_port": 0, "instance_port": 65536, "instance_ids": "web001"},
			msg: "value of loadbalancer_port must be between 1 and 65535, got: 0; value of instance_port must be between 1 and 65535, got: 65536"},
		{name: "port that is not a number", args: map[string]any{"loadbalancer_port": "http", "instance_ids": "web001"},
			msg: "argument 'loadbalancer_port' is of type <class 'str'> and we were unable to convert to int"},
		{name: "empty server name", args: map[string]any{"instance_ids": []string{"web001", ""}},
			msg: "value of instance_ids must not contain empty elements"},
		{name: "server name with a blank", args: map[string]any{"instance_ids": "web001, web002"},
			msg: `value of instance_ids must be server names without blanks, control or format characters, got: " web002" (U+0020 at character 1)`},
		{name: "null servers with purge", args: map[string]any{"instance_ids": jsonNull, "purge_instance_ids": true},
			msg: "missing required arguments: instance_ids"},
		{name: "null servers under an alias with purge", args: map[string]any{"instance_id": jsonNull, "purge_instance_ids": true},
			msg: "missing required arguments: instance_ids"},
		{name: "an empty list of servers with purge", args: map[string]any{"instance_ids": []string{}, "purge_instance_ids": true},
			msg: "value of instance_ids must not be empty"},
		{name: "an empty string of servers", args: map[string]any{"instance_ids": "", "purge_instance_ids": true},
			msg: "value of instance_ids must not contain empty elements"},
		{name: "no-break space", args: map[string]any{"instance_ids": "web\u00a0001"},
			msg: `got: "web\u00a0001" (U+00A0 at character 4)`},
		{name: "ideographic space", args: map[string]any{"instance_ids": []string{"web001\u3000"}},
			msg: `got: "web001\u3000" (U+3000 at character 7)`},
		{name: "line separator", args: map[string]any{"instance_ids": []string{"web\u2028001"}},
			msg: `(U+2028 at character 4)`},
		{name: "byte order mark", args: map[string]any{"instance_ids": []string{"\ufeffweb001"}},
			msg: `got: "\ufeffweb001" (U+FEFF at character 1)`},
		{name: "NUL", args: map[string]any{"instance_ids": []string{"web\x00001"}},
			msg: `got: "web\x00001" (U+0000 at character 4)`},
		{name: "BEL", args: map[string]any{"instance_ids": []string{"web001\a"}},
			msg: `got: "web001\a" (U+0007 at character 7)`},
		{name: "a name of 10 MB", args: map[string]any{"instance_ids": []string{strings.Repeat("w", 10<<20)}},
			msg: `value of instance_ids must be server names of at most 64 characters, got one of 10485760 characters: "wwwwwwwwwwwwwwwwwwww"...`},
		{name: "CA bundle that never ends", args: map[string]any{"instance_ids": "web001", "ca_bundle": "/dev/zero"},
			msg: "value of ca_bundle cannot be used: transport: read CA bundle /dev/zero: not a regular file"},
		{name: "bad state", args: map[string]any{"instance_ids": "web001", "state": "gone"},
			msg: "value of state must be one of: present, absent, got: gone"},
		{name: "bad boolean", args: map[string]any{"instance_ids": "web001", "wait": "maybe"},
			msg: "argument 'wait' is of type <class 'str'> and we were unable to convert to bool"},
		{name: "wait_timeout out of range", args: map[string]any{"instance_ids": "web001", "wait_timeout": 0},
			msg: "value of wait_timeout must be between 1 and 3600, got: 0"},
		{name: "ports without a name", args: map[string]any{"loadbalancer_name": nil, "instance_ids": "web001", "state": "absent"},
			msg: "parameters are required together: loadbalancer_name, loadbalancer_port, instance_port"},
		{name: "present without a load balancer", args: map[string]any{"loadbalancer_name": nil, "loadbalancer_port": nil, "instance_port": nil, "instance_ids": "web001"},
			msg: "state is present but all of the following are missing: loadbalancer_name, loadbalancer_port, instance_port"},
		{name: "purge with absent", args: map[string]any{"instance_ids": "web001", "state": "absent", "purge_instance_ids": true},
			msg: "purge_instance_ids=true is only valid with state=present, got state=absent"},
		{name: "unknown option", args: map[string]any{"instance_ids": "web001", "purge": true},
			msg: "Unsupported parameters for (nifcloud_lb) module: purge. Supported parameters include: access_key, batch, ca_bundle, endpoint, instance_ids, instance_port, loadbalancer_name, loadbalancer_port, purge_instance_ids, region, secret_access_key, state, validate_certs, wait, wait_timeout (access_key_id, instance_id, instances, load_balancer_name, load_balancer_port, name, secret_key)."},
		{name: "empty access key", args: map[string]any{"access_key": "", "instance_ids": "web001"},
			msg: "access_key and secret_access_key must not be empty"},
		{name: "missing CA bundle", args: map[string]any{"instance_ids": "web001", "ca_bundle": "/nonexistent/ca.pem"},
			msg: "value of ca_bundle cannot be used: transport: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testSeed())
			maps.Copy(h.env, tt.env)
			res, code, _ := h.run(t, h.args(tt.args))
			assert.Equal(t, 1, code)
			assert.Equal(t, true, res["failed"])
			assert.Contains(t, res["msg"], tt.msg)
			assert.Empty(t, h.actions(), "bad input makes no API call")
		})
	}
}

func TestCredentials(t *testing.T) {
	t.Run("from the environment", func(t *testing.T) {
		h := newHarness(t, testSeed())
		maps.Copy(h.env, map[string]string{"NIFCLOUD_ACCESS_KEY_ID": testAccessKey, "NIFCLOUD_SECRET_ACCESS_KEY": testSecret})
		res, code, _ := h.run(t, h.args(map[string]any{"access_key": nil, "secret_access_key": nil, "instance_ids": "web001"}))
		require.Equal(t, 0, code, "%v", res)
		inv := res["invocation"].(map[string]any)["module_args"].(map[string]any)
		assert.Equal(t, ansible.NoLogPlaceholder, inv["secret_access_key"])
		assert.Equal(t, testAccessKey, inv["access_key"])
	})
	t.Run("through the aliases", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, code, _ := h.run(t, h.args(map[string]any{"access_key": nil, "secret_access_key": nil, "access_key_id": testAccessKey, "secret_key": testSecret, "instance_ids": "web001"}))
		require.Equal(t, 0, code, "%v", res)
		inv := res["invocation"].(map[string]any)["module_args"].(map[string]any)
		assert.Equal(t, ansible.NoLogPlaceholder, inv["secret_key"])
	})
}

func TestSecretNeverPrinted(t *testing.T) {
	// The secret is echoed wherever a module could leak it: as a server
	// name (into error messages), as a load balancer name and at -vvv with
	// the API calls listed.
	h := newHarness(t, testSeed())
	for _, extra := range []map[string]any{
		{"instance_ids": []string{testSecret}, "_ansible_verbosity": 4},
		{"loadbalancer_name": "weblb01", "instance_ids": []string{"web001"}, "_ansible_verbosity": 4, "_ansible_debug": true},
		{"endpoint": "https://" + testSecret + ".invalid/api/", "instance_ids": "web001"},
	} {
		_, _, out := h.run(t, h.args(extra))
		assert.NotContains(t, out, testSecret)
		assert.NotContains(t, out, "Signature=")
	}
}

func TestAPICallsAtHighVerbosity(t *testing.T) {
	h := newHarness(t, testSeed())
	res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": "web003", "_ansible_verbosity": 3}))
	calls := res["api_calls"].([]any)
	require.Len(t, calls, 2)
	first := calls[0].(map[string]any)
	assert.Equal(t, describe, first["action"])
	assert.EqualValues(t, 200, first["status"])
	assert.NotEmpty(t, first["request_id"])

	res, _, _ = h.run(t, h.args(map[string]any{"instance_ids": "web003"}))
	assert.NotContains(t, res, "api_calls", "only at -vvv")
}

func TestTLS(t *testing.T) {
	emu, err := nifcloudtest.New(testSeed())
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(emu)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600))

	h := &harness{emu: emu, endpoint: ts.URL + "/api/", clk: nifcloudtest.NewClock(time.Now()), env: map[string]string{"NIFCLOUD_LB_LOCK_DIR": t.TempDir()}}
	t.Run("an unknown certificate is refused at once", func(t *testing.T) {
		emu.ResetRequests()
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": "web001"}))
		assert.Equal(t, 1, code)
		assert.Contains(t, res["msg"], "certificate")
		assert.Empty(t, h.actions(), "the TLS handshake fails before any request")
	})
	t.Run("ca_bundle trusts it", func(t *testing.T) {
		emu.ResetRequests()
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": "web001", "ca_bundle": caFile}))
		assert.Equal(t, 0, code, "%v", res)
		assert.Equal(t, []string{describe}, h.actions())
	})
	t.Run("validate_certs=false skips verification", func(t *testing.T) {
		emu.ResetRequests()
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": "web001", "validate_certs": false}))
		assert.Equal(t, 0, code, "%v", res)
	})
}

func TestProtocol(t *testing.T) {
	h := newHarness(t, testSeed())
	t.Run("an args file captured from ansible-core 2.14 with check and diff mode", func(t *testing.T) {
		data, err := json.Marshal(h.args(map[string]any{
			"instance_ids": []string{"web003"}, "_ansible_check_mode": true, "_ansible_no_log": false, "_ansible_debug": false,
			"_ansible_diff": true, "_ansible_verbosity": 0, "_ansible_version": "2.14.18", "_ansible_module_name": "nifcloud_lb",
			"_ansible_syslog_facility": "LOG_USER", "_ansible_selinux_special_fs": []string{"fuse", "nfs"}, "_ansible_string_conversion_action": "warn",
			"_ansible_socket": nil, "_ansible_shell_executable": "/bin/sh", "_ansible_keep_remote_files": false,
			"_ansible_tmpdir": "/root/.ansible/tmp/ansible-tmp-1/", "_ansible_remote_tmp": "~/.ansible/tmp", "_ansible_target_log_info": "future key",
		}))
		require.NoError(t, err)
		res, code, _ := h.runFile(t, data)
		assert.Equal(t, 0, code, "%v", res)
		assert.Equal(t, true, res["changed"])
		assert.Contains(t, res, "diff")
		assert.Equal(t, []string{"web001", "web002"}, h.emu.Members("weblb01", 80, 8080))
	})
	t.Run("a broken args file is a JSON failure", func(t *testing.T) {
		res, code, _ := h.runFile(t, []byte(`{"instance_ids": [`))
		assert.Equal(t, 1, code)
		assert.Equal(t, true, res["failed"])
		assert.NotEmpty(t, res["msg"])
	})
}

// TestFailedRunsReportTheLastMembersRead checks that instances, on failure,
// holds the members as last read, or null when nothing was read: never an
// empty list that claims the listener has no members.
func TestFailedRunsReportTheLastMembersRead(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault nifcloudtest.Fault
		args  map[string]any
		want  any
	}{
		{name: "a register refused by the API", args: map[string]any{"instance_ids": []string{"web009"}},
			want: []any{"web001", "web002"}},
		{name: "an auth failure after the read", fault: nifcloudtest.Fault{Action: register, Status: 401, Code: "Client.AuthFailure", Message: "no"},
			args: map[string]any{"instance_ids": []string{"web003"}}, want: []any{"web001", "web002"}},
		{name: "a deregister refused for good", fault: nifcloudtest.Fault{Action: deregister, Code: "Client.Unknown.Refusal", Message: "no"},
			args: map[string]any{"instance_ids": []string{"web001"}, "state": "absent"}, want: []any{"web001", "web002"}},
		{name: "nothing read", fault: nifcloudtest.Fault{Action: describe, Status: 401, Code: "Client.AuthFailure", Message: "no"},
			args: map[string]any{"instance_ids": []string{"web003"}}, want: nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testSeed())
			if tt.fault.Action != "" {
				require.NoError(t, h.emu.Inject(tt.fault))
			}
			res, code, _ := h.run(t, h.args(tt.args))
			assert.Equal(t, 1, code)
			assert.Contains(t, res, "instances")
			assert.Equal(t, tt.want, res["instances"])
			assert.Equal(t, false, res["changed"])
		})
	}
}

// TestAbsentKeepsWhatALostReplyMayHaveDone: a deregister applied but
// answered with a 504, the port definition then deleted by someone else,
// the re-read says "missing": the deregistration is this run's change.
func TestAbsentKeepsWhatALostReplyMayHaveDone(t *testing.T) {
	h := newHarness(t, testSeed())
	require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: deregister, AfterApply: true, Status: 504}))
	h.after = func(r nifcloudtest.Request) {
		if r.Action == deregister {
			h.after = nil
			h.otherClient(t, "DeleteLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"}})
		}
	}
	res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web002"}, "state": "absent"}))
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, true, res["changed"])
	assert.Equal(t, []string{"web002"}, list(t, res["deregistered"]))
	assert.Equal(t, []string{describe, deregister, describe}, h.actions())
}

func TestChangeRefusedEveryTime(t *testing.T) {
	t.Run("a server error on every register names the API's error, backs off, blames nobody", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Status: 500,
			Code: "Server.InternalError", Message: "An error has occurred. Please try again later."}))
		start := h.clk.Now()
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}}))
		assert.Equal(t, 1, code)
		assert.Equal(t, "Server.InternalError", res["error_code"])
		assert.Equal(t, "An error has occurred. Please try again later.", res["error_message"])
		assert.NotEmpty(t, res["request_id"])
		assert.NotContains(t, res["msg"], "kept changing")
		assert.Contains(t, res["msg"], "register web003 did not go through in 5 attempts, and the members did not change in between")
		assert.GreaterOrEqual(t, h.clk.Now().Sub(start), 7500*time.Millisecond, "jittered exponential backoff between rounds")
		assert.Equal(t, []any{"web001", "web002"}, res["instances"])
	})
	t.Run("an error reply that cannot be parsed says so, with the HTTP status", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Status: 502,
			Body: "<html><body><h1>502 Bad Gateway</h1></body></html>", ContentType: "text/html"}))
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}}))
		assert.Equal(t, true, res["failed"])
		assert.EqualValues(t, 502, res["http_status"])
		assert.Contains(t, res["msg"], "The API endpoint answered HTTP 502 without a NIFCLOUD error reply")
		assert.Contains(t, res["msg"], `unexpected response body: "<html><body><h1>502 Bad Gateway</h1></body></html>" (HTTP 502)`)
	})
	t.Run("a register whose connection always breaks says so", func(t *testing.T) {
		h := newHarness(t, testSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Drop: true}))
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"web003"}}))
		assert.Equal(t, true, res["failed"])
		assert.Contains(t, res["msg"], "The connection to the NIFCLOUD API broke before it answered")
		assert.Contains(t, res["msg"], "EOF")
	})
}

func TestFailureMessagesSayWhatToCheck(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		h := newHarness(t, testSeed())
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		closed := "http://" + l.Addr().String() + "/api/"
		require.NoError(t, l.Close())
		res, code, _ := h.run(t, h.args(map[string]any{"endpoint": closed, "instance_ids": "web001"}))
		assert.Equal(t, 1, code)
		msg := res["msg"].(string)
		assert.Regexp(t, `^Cannot reach the NIFCLOUD API \(DescribeLoadBalancers: 5 attempts over [0-9.]+m?s\)\. Check that region or endpoint names the right API endpoint, that the proxy variables \(HTTPS_PROXY, HTTP_PROXY, NO_PROXY\) suit this network, and that no firewall blocks HTTPS to the endpoint\. Cause: `, msg)
		assert.True(t, strings.HasSuffix(msg, "connection refused"), "the raw cause comes last: %s", msg)
		assert.NotContains(t, msg, "exceeded maximum number of attempts")
	})
	t.Run("authentication refused", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, _, out := h.run(t, h.args(map[string]any{"secret_access_key": "wrong-secret-value-1234", "instance_ids": "web001"}))
		assert.Contains(t, res["msg"], "The API refused the request's authentication. Check that access_key and secret_access_key are the two halves of one NIFCLOUD key pair, and that this machine's clock is right")
		assert.Contains(t, res["msg"], "Cause: describe weblb01 (80->8080): DescribeLoadBalancers: Client.AuthFailure")
		assert.NotContains(t, out, "wrong-secret-value-1234")
	})
	t.Run("a unique id instead of a server name", func(t *testing.T) {
		h := newHarness(t, testSeed())
		res, _, _ := h.run(t, h.args(map[string]any{"instance_ids": []string{"i-0a1b2c3d"}}))
		assert.Contains(t, res["msg"], "NIFCLOUD names servers by their server name (such as web001), not by their unique id (such as i-0a1b2c3d): give server names in instance_ids instead of i-0a1b2c3d.")
		assert.Equal(t, "Client.InvalidParameterNotFound.Instance", res["error_code"])
	})
}

// TestEchoedSignaturesNeverLeak runs the module against a server that echoes
// each request's signature back in every encoding a server might use, in
// the error code, message and request id: none of it may reach the output.
func TestEchoedSignaturesNeverLeak(t *testing.T) {
	var (
		mu   sync.Mutex
		sigs []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		sig := r.PostForm.Get("Signature")
		mu.Lock()
		sigs = append(sigs, sig)
		mu.Unlock()
		half := len(sig) / 2
		xmlRefs := strings.NewReplacer("+", "&#43;", "/", "&#47;", "=", "&#61;").Replace(sig)
		lower := regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(sig), strings.ToLower)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>Client.SignatureDoesNotMatch.%s</Code><Message>got %s and %s and <![CDATA[%s]]><![CDATA[%s]]> for %s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			xmlRefs, lower, xmlRefs, sig[:half], sig[half:], testSecret, url.QueryEscape(sig))
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t, testSeed())
	res, code, out := h.run(t, h.args(map[string]any{"endpoint": srv.URL + "/api/", "instance_ids": "web001", "_ansible_verbosity": 4}))
	assert.Equal(t, 1, code)
	assert.Equal(t, true, res["failed"])
	assert.NotEmpty(t, res["api_calls"])
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, sigs)
	for _, sig := range sigs {
		for _, form := range []string{sig, url.QueryEscape(sig), regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(sig), strings.ToLower),
			strings.NewReplacer("+", "&#43;", "/", "&#47;", "=", "&#61;").Replace(sig), sig[:len(sig)/2+4], sig[len(sig)/2-4:]} {
			assert.NotContains(t, out, form)
		}
	}
	assert.NotContains(t, out, testSecret)
	assert.Contains(t, out, "********")
}

// TestBatchedRunsNeverReportAnotherRunsSignature: a run served by another
// run of its batch reports that run's failure, which carries that run's
// signature when the server echoes it. The holder masks it before writing
// it for the others: their own scrubbing does not know it.
func TestBatchedRunsNeverReportAnotherRunsSignature(t *testing.T) {
	h := newHarness(t, testSeed())
	var (
		mu       sync.Mutex
		sigs     []string
		first    = make(chan struct{})
		register int
	)
	queued := func() int {
		reqs, _ := filepath.Glob(filepath.Join(h.env["NIFCLOUD_LB_LOCK_DIR"], "*", "*.req"))
		return len(reqs)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form.Get("Action") != nifcloud.ActionRegisterInstancesWithLoadBalancer {
			h.emu.ServeHTTP(w, r)
			return
		}
		mu.Lock()
		register++
		n := register
		sigs = append(sigs, form.Get("Signature"))
		mu.Unlock()
		if n == 1 { // the first run's own change: hold it until the two others are queued
			close(first)
			require.Eventually(t, func() bool { return queued() == 2 }, 10*time.Second, 5*time.Millisecond)
			h.emu.ServeHTTP(w, r)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>Client.InvalidParameter</Code><Message>refused %s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			form.Get("Signature"), url.QueryEscape(form.Get("Signature")))
	}))
	t.Cleanup(srv.Close)
	run := func(server string) (map[string]any, string) {
		res, _, out := h.run(t, h.args(map[string]any{"endpoint": srv.URL + "/api/", "instance_ids": server}))
		return res, out
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); run("web005") }()
	<-first
	outs := make([]string, 2)
	results := make([]map[string]any, 2)
	for i, server := range []string{"web003", "web004"} {
		wg.Add(1)
		go func() { defer wg.Done(); results[i], outs[i] = run(server) }()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, sigs, 2, "web003 and web004 went in one call")
	for i, out := range outs {
		assert.Equal(t, true, results[i]["failed"])
		assert.Contains(t, results[i]["error_message"], "refused ********")
		assert.NotContains(t, out, sigs[1], "the holder's signature, in %s", out)
		assert.NotContains(t, out, url.QueryEscape(sigs[1]))
	}
}

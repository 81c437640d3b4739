package membership

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

var (
	testCred = nifcloudtest.Credential{AccessKeyID: "TESTACCESSKEY0000001", SecretAccessKey: "test-secret-do-not-print"}
	// otherCred signs the calls of the competing client.
	otherCred = nifcloudtest.Credential{AccessKeyID: "OTHERACCESSKEY000001", SecretAccessKey: "other-secret"}
)

// env is one test's emulator, client and reconciler.
type env struct {
	emu    *nifcloudtest.Server
	clk    *nifcloudtest.Clock
	rec    *Reconciler
	client *nifcloud.Client
	url    string
	hook   func() // runs after each API reply, when set
	sleeps []time.Duration
}

// recordingClock is the env's clock, recording the waits.
type recordingClock struct{ e *env }

func (c recordingClock) Now() time.Time { return c.e.clk.Now() }

func (c recordingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.e.sleeps = append(c.e.sleeps, d)
	return c.e.clk.Sleep(ctx, d)
}

// classic is the port definition as a Listener of the env's client.
func (e *env) classic(p PortDefinition) Classic { return Classic{Client: e.client, Port: p} }

// seed returns the usual test state: weblb01 with 80->8080 (web001, web002)
// and 443->8443 (web001), weblb02 with 80->80 (web003), and servers
// web001-web005.
func seed() nifcloudtest.Options {
	return nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{testCred, otherCred},
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

func newEnv(t *testing.T, opts nifcloudtest.Options) *env {
	t.Helper()
	e := &env{clk: nifcloudtest.NewClock(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC))}
	opts.Now = e.clk.Now
	emu, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	e.emu = emu
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		emu.ServeHTTP(w, r)
		if e.hook != nil {
			e.hook()
		}
	}))
	t.Cleanup(ts.Close)
	e.url = ts.URL + "/api/"

	u, err := url.Parse(e.url)
	require.NoError(t, err)
	c, err := nifcloud.New(u, aws.Credentials{AccessKeyID: testCred.AccessKeyID, SecretAccessKey: testCred.SecretAccessKey})
	require.NoError(t, err)
	c.Clock = e.clk
	c.Retryer = nifcloud.NewRetryer(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
	e.client = c
	e.rec = &Reconciler{Clock: recordingClock{e}, Jitter: func() float64 { return 1 }}
	return e
}

// actions returns the actions the emulator received from the client under
// test, in order.
func (e *env) actions() []string {
	var out []string
	for _, r := range e.emu.Requests() {
		if r.AccessKeyID == testCred.AccessKeyID {
			out = append(out, r.Action)
		}
	}
	return out
}

// competitor makes another client's signed call straight into the emulator,
// as if a second Ansible fork changed the port definition.
func (e *env) competitor(t *testing.T, action string, params url.Values) {
	t.Helper()
	params.Set("Action", action)
	params.Set("Version", "3.0")
	req, err := nifcloudtest.NewSignedRequest(http.MethodPost, e.url, params, otherCred, e.clk.Now())
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	e.emu.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}

// competeAfter makes the competing client call action with params, once,
// right after the emulator first answers after (an action) to the client
// under test: the other client acts between this run's read and write.
func (e *env) competeAfter(t *testing.T, after, action string, params url.Values) {
	t.Helper()
	done := false
	e.hook = func() {
		log := e.emu.Requests()
		if last := log[len(log)-1]; !done && last.Action == after && last.AccessKeyID == testCred.AccessKeyID {
			done = true
			e.competitor(t, action, params)
		}
	}
}

func instancesParams(lb string, lbPort, instPort string, ids ...string) url.Values {
	v := url.Values{"LoadBalancerName": {lb}, "LoadBalancerPort": {lbPort}, "InstancePort": {instPort}}
	for i, id := range ids {
		v.Set("Instances.member."+string(rune('1'+i))+".InstanceId", id)
	}
	return v
}

var (
	web80  = PortDefinition{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}
	web443 = PortDefinition{LoadBalancerName: "weblb01", LoadBalancerPort: 443, InstancePort: 8443}
)

const (
	describe   = "DescribeLoadBalancers"
	register   = "RegisterInstancesWithLoadBalancer"
	deregister = "DeregisterInstancesFromLoadBalancer"
	health     = "DescribeInstanceHealth"
)

func TestPresent(t *testing.T) {
	tests := []struct {
		name      string
		instances []string
		purge     bool
		check     bool
		want      Change
		calls     []string
		members   []string
	}{
		{
			name: "no-op makes one call", instances: []string{"web002", "web001"},
			want:  Change{Before: []string{"web001", "web002"}, After: []string{"web001", "web002"}, Registered: []string{}, Deregistered: []string{}},
			calls: []string{describe}, members: []string{"web001", "web002"},
		},
		{
			name: "register the missing ones in one call", instances: []string{"web004", "web001", "web003", "web004"},
			want:  Change{Before: []string{"web001", "web002"}, After: []string{"web001", "web002", "web003", "web004"}, Registered: []string{"web003", "web004"}, Deregistered: []string{}},
			calls: []string{describe, register}, members: []string{"web001", "web002", "web004", "web003"},
		},
		{
			name: "purge swap registers before it deregisters", instances: []string{"web003"}, purge: true,
			want:  Change{Before: []string{"web001", "web002"}, After: []string{"web003"}, Registered: []string{"web003"}, Deregistered: []string{"web001", "web002"}},
			calls: []string{describe, register, deregister}, members: []string{"web003"},
		},
		{
			name: "purge with nothing to add only deregisters", instances: []string{"web002"}, purge: true,
			want:  Change{Before: []string{"web001", "web002"}, After: []string{"web002"}, Registered: []string{}, Deregistered: []string{"web001"}},
			calls: []string{describe, deregister}, members: []string{"web002"},
		},
		{
			name: "check mode predicts and changes nothing", instances: []string{"web003"}, purge: true, check: true,
			want:  Change{Before: []string{"web001", "web002"}, After: []string{"web003"}, Registered: []string{"web003"}, Deregistered: []string{"web001", "web002"}},
			calls: []string{describe}, members: []string{"web001", "web002"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, seed())
			e.rec.CheckMode = tt.check
			got, err := e.rec.Present(t.Context(), e.classic(web80), tt.instances, tt.purge)
			require.NoError(t, err)
			tt.want.Listener = e.classic(web80)
			tt.want.Members = tt.want.Before
			tt.want.HealthCheckInterval = 10
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want.Changed(), got.Changed())
			assert.Equal(t, tt.calls, e.actions())
			assert.Equal(t, tt.members, e.emu.Members("weblb01", 80, 8080))
			assert.Equal(t, []string{"web001"}, e.emu.Members("weblb01", 443, 8443), "other port definitions are never touched")
		})
	}
}

func TestPresentFailures(t *testing.T) {
	tests := []struct {
		name    string
		port    PortDefinition
		ids     []string
		code    string
		missing bool
		msg     string
	}{
		{name: "unknown server", port: web80, ids: []string{"web004", "web009"}, code: "Client.InvalidParameterNotFound.Instance",
			msg: "register web004, web009 with weblb01 (80->8080): RegisterInstancesWithLoadBalancer: Client.InvalidParameterNotFound.Instance: The instance ID 'web009' does not exist."},
		{name: "unknown load balancer", port: PortDefinition{LoadBalancerName: "nolb", LoadBalancerPort: 80, InstancePort: 80}, ids: []string{"web001"},
			code: "Client.InvalidParameterNotFound.LoadBalancer", missing: true, msg: "load balancer nolb does not exist: "},
		{name: "unknown port definition", port: PortDefinition{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 80}, ids: []string{"web001"},
			code: "Client.InvalidParameterNotFound.LoadBalancerPort", missing: true, msg: "load balancer weblb01 has no port definition 80->80: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, seed())
			before := e.emu.State()
			_, err := e.rec.Present(t.Context(), e.classic(tt.port), tt.ids, false)
			require.Error(t, err)
			assert.Equal(t, tt.code, nifcloud.ErrorCode(err))
			assert.Contains(t, err.Error(), tt.msg)
			assert.Equal(t, tt.missing, isMissing(err))
			assert.Equal(t, before, e.emu.State(), "a failed run changes nothing")
			assert.NotContains(t, err.Error(), testCred.SecretAccessKey)
		})
	}
}

func TestAbsent(t *testing.T) {
	t.Run("deregisters only the named members", func(t *testing.T) {
		e := newEnv(t, seed())
		got, err := e.rec.Absent(t.Context(), e.classic(web80), []string{"web002", "web004"})
		require.NoError(t, err)
		assert.Equal(t, Change{Listener: e.classic(web80), Before: []string{"web001", "web002"}, Members: []string{"web001", "web002"}, After: []string{"web001"}, Registered: []string{}, Deregistered: []string{"web002"}, HealthCheckInterval: 10}, got)
		assert.Equal(t, []string{describe, deregister}, e.actions())
		assert.Equal(t, []string{"web001"}, e.emu.Members("weblb01", 80, 8080))
	})
	t.Run("nothing to do makes one call", func(t *testing.T) {
		e := newEnv(t, seed())
		got, err := e.rec.Absent(t.Context(), e.classic(web443), []string{"web002"})
		require.NoError(t, err)
		assert.False(t, got.Changed())
		assert.Equal(t, []string{describe}, e.actions())
	})
	for _, port := range []PortDefinition{{LoadBalancerName: "nolb", LoadBalancerPort: 80, InstancePort: 80}, {LoadBalancerName: "weblb01", LoadBalancerPort: 81, InstancePort: 81}} {
		t.Run("missing "+port.String()+" has nothing to deregister", func(t *testing.T) {
			e := newEnv(t, seed())
			got, err := e.rec.Absent(t.Context(), e.classic(port), []string{"web001"})
			var missing *MissingError
			require.ErrorAs(t, err, &missing)
			assert.Contains(t, []string{"load balancer nolb does not exist", "load balancer weblb01 has no port definition 81->81"}, missing.Summary())
			assert.False(t, got.Changed())
			assert.Equal(t, []string{describe}, e.actions())
		})
	}
}

func TestRacesConverge(t *testing.T) {
	t.Run("a server registered by someone else between read and write", func(t *testing.T) {
		e := newEnv(t, seed())
		e.competeAfter(t, describe, register, instancesParams("weblb01", "80", "8080", "web003"))
		got, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003", "web004"}, false)
		require.NoError(t, err)
		assert.Equal(t, []string{"web004"}, got.Registered, "web003 was registered by the other client")
		assert.Equal(t, []string{"web001", "web002", "web003", "web004"}, got.After)
		assert.Equal(t, []string{describe, register, describe, register}, e.actions())
		assert.Equal(t, []string{"web001", "web002", "web003", "web004"}, e.emu.Members("weblb01", 80, 8080))
	})
	t.Run("a server deregistered by someone else between read and write", func(t *testing.T) {
		e := newEnv(t, seed())
		e.competeAfter(t, describe, deregister, instancesParams("weblb01", "80", "8080", "web001"))
		got, err := e.rec.Absent(t.Context(), e.classic(web80), []string{"web001", "web002"})
		require.NoError(t, err)
		assert.Equal(t, []string{"web002"}, got.Deregistered)
		assert.Equal(t, []string{describe, deregister, describe, deregister}, e.actions())
		assert.Empty(t, e.emu.Members("weblb01", 80, 8080))
	})
	t.Run("a purge swap whose member left in between keeps what it registered", func(t *testing.T) {
		e := newEnv(t, seed())
		e.competeAfter(t, register, deregister, instancesParams("weblb01", "80", "8080", "web001"))
		got, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, true)
		require.NoError(t, err)
		assert.Equal(t, []string{"web003"}, got.Registered)
		assert.Equal(t, []string{"web002"}, got.Deregistered, "web001 was removed by the other client")
		assert.Equal(t, []string{"web003"}, got.After)
		assert.Equal(t, []string{describe, register, deregister, describe, deregister}, e.actions())
		assert.Equal(t, []string{"web003"}, e.emu.Members("weblb01", 80, 8080))
	})
	t.Run("a lost register reply is read back, not sent twice", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, AfterApply: true, Drop: true}))
		got, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.NoError(t, err)
		assert.Equal(t, []string{"web003"}, got.Registered, "the change happened, so the run reports it")
		assert.Equal(t, []string{describe, register, describe}, e.actions())
		assert.Equal(t, []string{"web001", "web002", "web003"}, e.emu.Members("weblb01", 80, 8080))
	})
	t.Run("a lost deregister reply is read back, not sent twice", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: deregister, AfterApply: true, Status: 503, Code: "Server.InternalError", Message: "try again"}))
		got, err := e.rec.Absent(t.Context(), e.classic(web80), []string{"web002"})
		require.NoError(t, err)
		assert.Equal(t, []string{"web002"}, got.Deregistered)
		assert.Equal(t, []string{describe, deregister, describe}, e.actions())
	})
	t.Run("a server error before applying is retried after a fresh read", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, Status: 503, Code: "Server.InternalError", Message: "busy"}))
		got, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.NoError(t, err)
		assert.Equal(t, []string{"web003"}, got.Registered)
		assert.Equal(t, []string{describe, register, describe, register}, e.actions())
	})
	t.Run("a change refused every time gives up with the API error, blaming nobody", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Code: "Client.Inoperable.LoadBalancer.HavingRegisteredInstance", Message: "The instance ID 'web003' already exists with this LoadBalancer."}))
		e.rec.MaxRounds = 3
		_, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.Error(t, err)
		assert.Regexp(t, `^weblb01 \(80->8080\): register web003 did not go through in 3 attempts, and the members did not change in between; last error: RegisterInstancesWithLoadBalancer: Client.Inoperable.LoadBalancer.HavingRegisteredInstance: The instance ID 'web003' already exists with this LoadBalancer. \(HTTP 500, request ID .*\)$`, err.Error())
		assert.Equal(t, "Client.Inoperable.LoadBalancer.HavingRegisteredInstance", nifcloud.ErrorCode(err), "the API's code is kept")
		assert.Equal(t, []string{describe, register, describe, register, describe, register, describe}, e.actions())
	})
}

func TestWaitInService(t *testing.T) {
	newWaitEnv := func(t *testing.T) *env {
		opts := seed()
		opts.Health = nifcloudtest.Health{Appear: 5 * time.Second, InService: 20 * time.Second}
		return newEnv(t, opts)
	}
	t.Run("polls until every registered server is InService", func(t *testing.T) {
		e := newWaitEnv(t)
		c, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003", "web004"}, false)
		require.NoError(t, err)
		got, err := e.rec.WaitInService(t.Context(), e.classic(web80), c.Registered, PollInterval(c.HealthCheckInterval), time.Minute)
		require.NoError(t, err)
		assert.Equal(t, []Health{{InstanceID: "web003", State: "InService"}, {InstanceID: "web004", State: "InService"}}, got)
		// Polls every 5 s (half the 10 s health-check interval): 0 s (not
		// listed yet), 5, 10, 15 s (OutOfService), 20 s (InService).
		assert.Equal(t, []string{describe, register, health, health, health, health, health}, e.actions())
	})
	t.Run("times out naming the servers and their last state", func(t *testing.T) {
		e := newWaitEnv(t)
		require.NoError(t, e.emu.PinUnhealthy("web004"))
		c, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003", "web004", "web005"}, false)
		require.NoError(t, err)
		got, err := e.rec.WaitInService(t.Context(), e.classic(web80), c.Registered, 30*time.Second, 3*time.Second)
		var timeout *WaitTimeoutError
		require.ErrorAs(t, err, &timeout)
		assert.Equal(t, "timed out after 3s waiting for weblb01 (80->8080) to report InService: web003 (no health result yet), web004 (no health result yet), web005 (no health result yet)", err.Error())
		assert.Len(t, got, 3)

		got, err = e.rec.WaitInService(t.Context(), e.classic(web80), c.Registered, 30*time.Second, 25*time.Second)
		require.ErrorAs(t, err, &timeout)
		assert.Equal(t, []Health{{InstanceID: "web004", State: "OutOfService"}}, timeout.NotInService)
		assert.Equal(t, "InService", got[0].State)
	})
	t.Run("nothing to wait for makes no call", func(t *testing.T) {
		e := newWaitEnv(t)
		got, err := e.rec.WaitInService(t.Context(), e.classic(web80), nil, time.Second, time.Second)
		require.NoError(t, err)
		assert.Empty(t, got)
		assert.Empty(t, e.actions())
	})
	t.Run("a server that is not registered fails at once", func(t *testing.T) {
		e := newWaitEnv(t)
		_, err := e.rec.WaitInService(t.Context(), e.classic(web80), []string{"web005"}, time.Second, time.Minute)
		require.Error(t, err)
		assert.Equal(t, "Client.InvalidParameterNotFound.Instance", nifcloud.ErrorCode(err))
		assert.Equal(t, []string{health}, e.actions())
	})
}

func TestPollInterval(t *testing.T) {
	for _, tt := range []struct {
		seconds int
		want    time.Duration
	}{{0, 5 * time.Second}, {-1, 5 * time.Second}, {1, 2 * time.Second}, {5, 2500 * time.Millisecond}, {10, 5 * time.Second}, {60, 30 * time.Second}, {300, 30 * time.Second}} {
		assert.Equal(t, tt.want, PollInterval(tt.seconds), "%d s", tt.seconds)
	}
}

func TestRefusedEveryTime(t *testing.T) {
	t.Run("a server error on every register names the API's error and backs off", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Status: 500,
			Code: "Server.InternalError", Message: "An error has occurred. Please try again later."}))
		c, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.Error(t, err)
		assert.Equal(t, "Server.InternalError", nifcloud.ErrorCode(err))
		var apiErr *nifcloud.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.NotEmpty(t, apiErr.RequestID)
		assert.NotContains(t, err.Error(), "kept changing", "nobody else changed the members")
		assert.Contains(t, err.Error(), "register web003 did not go through in 5 attempts, and the members did not change in between")
		assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}, e.sleeps,
			"exponential backoff between rounds (jitter pinned to its top)")
		assert.Equal(t, []string{describe, register, describe, register, describe, register, describe, register, describe, register, describe}, e.actions())
		assert.Equal(t, []string{"web001", "web002"}, c.Members, "the members as last read")
		assert.False(t, c.Changed(), "the reads showed nothing applied")
	})
	t.Run("the jitter spreads the waits over the upper half", func(t *testing.T) {
		e := newEnv(t, seed())
		e.rec.Jitter = func() float64 { return 0 }
		e.rec.MaxRounds = 3
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Drop: true}))
		_, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.Error(t, err)
		assert.Equal(t, []time.Duration{500 * time.Millisecond, time.Second}, e.sleeps)
		assert.Contains(t, err.Error(), "EOF", "a register that never answers says so")
		assert.True(t, nifcloud.IsAmbiguous(err))
	})
	t.Run("an error reply that cannot be parsed keeps its HTTP status", func(t *testing.T) {
		e := newEnv(t, seed())
		e.rec.MaxRounds = 2
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Status: 502,
			Body: "<html><body>Bad Gateway</body></html>", ContentType: "text/html"}))
		_, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.Error(t, err)
		var apiErr *nifcloud.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 502, apiErr.StatusCode)
		assert.Contains(t, err.Error(), `unexpected response body: "<html><body>Bad Gateway</body></html>" (HTTP 502)`)
	})
	t.Run("members changed by someone else every round are blamed", func(t *testing.T) {
		e := newEnv(t, seed())
		e.rec.MaxRounds = 2
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, Times: nifcloudtest.Forever, Status: 503, Code: "Server.InternalError", Message: "busy"}))
		n := 0
		e.hook = func() {
			log := e.emu.Requests()
			if last := log[len(log)-1]; last.Action == register && last.AccessKeyID == testCred.AccessKeyID {
				n++
				e.competitor(t, deregister, instancesParams("weblb01", "80", "8080", []string{"web001", "web002"}[n-1]))
			}
		}
		_, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "weblb01 (80->8080): the members kept changing under this run (another client is changing them too); gave up after 2 rounds with register web003 still to do; last error: ")
		assert.Equal(t, "Server.InternalError", nifcloud.ErrorCode(err))
	})
}

func TestAmbiguousChangesAreCountedOnEveryPath(t *testing.T) {
	t.Run("a deregister applied without an answer, then the port definition deleted", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: deregister, AfterApply: true, Status: 504}))
		e.competeAfter(t, deregister, "DeleteLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"}})
		c, err := e.rec.Absent(t.Context(), e.classic(web80), []string{"web002"})
		var missing *MissingError
		require.ErrorAs(t, err, &missing)
		assert.True(t, c.Changed(), "the lost deregister may have applied: it is this run's change")
		assert.Equal(t, []string{"web002"}, c.Deregistered)
		assert.Equal(t, "load balancer weblb01 has no port definition 80->8080", missing.Summary())
		assert.Equal(t, []string{describe, deregister, describe}, e.actions())
	})
	t.Run("a register applied without an answer, then no read succeeds", func(t *testing.T) {
		e := newEnv(t, seed())
		// A 504 rather than a dropped connection: the competitor must act
		// before the client sees the failure.
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, AfterApply: true, Status: 504}))
		e.competeAfter(t, register, "DeleteLoadBalancer", url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"}})
		c, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.Error(t, err)
		assert.True(t, isMissing(err))
		assert.Equal(t, []string{"web003"}, c.Registered, "counted: nothing can tell it was not applied")
		assert.Equal(t, []string{"web001", "web002"}, c.Members, "the last members actually read")
	})
	t.Run("a failed read after an unknown outcome counts the change", func(t *testing.T) {
		e := newEnv(t, seed())
		require.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: register, AfterApply: true, Status: 503, Code: "Server.InternalError", Message: "lost"}))
		e.hook = func() {
			if log := e.emu.Requests(); log[len(log)-1].Action == register {
				assert.NoError(t, e.emu.Inject(nifcloudtest.Fault{Action: describe, Times: nifcloudtest.Forever, Code: "Client.Unknown", Message: "no"}))
			}
		}
		c, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web003"}, false)
		require.Error(t, err)
		assert.Equal(t, "Client.Unknown", nifcloud.ErrorCode(err))
		assert.Equal(t, []string{"web003"}, c.Registered)
		assert.True(t, c.Changed())
	})
}

func TestLastReadOnFailure(t *testing.T) {
	e := newEnv(t, seed())
	c, err := e.rec.Present(t.Context(), e.classic(web80), []string{"web009"}, false)
	require.Error(t, err)
	assert.Equal(t, []string{"web001", "web002"}, c.Members, "the members as last read, not an empty list")
	assert.Nil(t, c.After)

	c, err = e.rec.Present(t.Context(), e.classic(PortDefinition{LoadBalancerName: "nolb", LoadBalancerPort: 80, InstancePort: 80}), []string{"web001"}, false)
	require.Error(t, err)
	assert.Nil(t, c.Members, "nothing was read")
}

func TestEmptyListIsNeverADesiredState(t *testing.T) {
	e := newEnv(t, seed())
	for _, purge := range []bool{false, true} {
		_, err := e.rec.Present(t.Context(), e.classic(web80), nil, purge)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the list of servers is empty")
	}
	assert.Empty(t, e.actions(), "refused before any call")
	assert.Equal(t, []string{"web001", "web002"}, e.emu.Members("weblb01", 80, 8080))
}

func TestBatches(t *testing.T) {
	opts := seed()
	var names []string
	for i := range 250 {
		name := fmt.Sprintf("srv%03d", i)
		names = append(names, name)
		opts.Instances = append(opts.Instances, nifcloudtest.Instance{InstanceID: name})
	}
	e := newEnv(t, opts)
	c, err := e.rec.Present(t.Context(), e.classic(web80), names, true)
	require.NoError(t, err)
	assert.Len(t, c.Registered, 250)
	assert.Equal(t, []string{"web001", "web002"}, c.Deregistered)
	assert.Equal(t, []string{describe, register, register, register, deregister}, e.actions(), "batches of 100")
	var sizes []int
	for _, r := range e.emu.Requests() {
		if r.Action == register {
			n := 0
			for k := range r.Params {
				if strings.HasPrefix(k, "Instances.member.") {
					n++
				}
			}
			sizes = append(sizes, n)
		}
	}
	assert.Equal(t, []int{100, 100, 50}, sizes)
	assert.Len(t, e.emu.Members("weblb01", 80, 8080), 250)
}

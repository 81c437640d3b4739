package modules

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

var updateInfo = flag.Bool("update-lb-info", false, "rewrite the golden files under testdata/lb_info")

const (
	elasticDescribe = "NiftyDescribeElasticLoadBalancers"
	lbInfoName      = "nifcloud_lb_info"
)

// infoSeed is testSeed with web002 OutOfService on weblb01 80->8080, and
// Multi Load Balancer webelb01: TCP 80->8080 with web001 (InService) and
// web002 (no result yet), and HTTPS 443->8443 without servers and with an
// HTTP health check.
func infoSeed() nifcloudtest.Options {
	o := testSeed()
	o.LoadBalancers[0].Ports[0].Members[1].Health = nifcloudtest.HealthOutOfService
	o.LoadBalancers[0].Ports[1].Filter = nifcloudtest.Filter{FilterType: 2, IPAddresses: []string{"203.0.113.0/24", "192.0.2.10"}}
	o.LoadBalancers[1].AccountingType = "1"
	o.LoadBalancers[1].Ports[0].BalancingType = 2
	o.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{{
		Name: "webelb01", ID: "elb-0a1b2c3d", NetworkVolume: 100,
		Listeners: []nifcloudtest.ElasticListener{
			{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080,
				Members: []nifcloudtest.Member{{InstanceID: "web002", Health: nifcloudtest.HealthPending}, {InstanceID: "web001"}}},
			{Protocol: "HTTPS", ElasticLoadBalancerPort: 443, InstancePort: 8443, BalancingType: 2, SSLCertificateID: "5678",
				HealthCheck: nifcloudtest.ElasticHealthCheck{Target: "HTTP:8443", Interval: 30, UnhealthyThreshold: 3, Path: "/healthz", Expectation: []string{"200"}}},
		},
	}}
	return o
}

// infoArgs are the options of a nifcloud_lb_info task against h: the
// connection options of h.args merged with extra (a nil value removes an
// option).
func infoArgs(h *harness, extra map[string]any) map[string]any {
	a := map[string]any{"_ansible_module_name": lbInfoName, "loadbalancer_name": nil, "loadbalancer_port": nil, "instance_port": nil}
	maps.Copy(a, extra)
	return h.args(a)
}

// runInfo runs nifcloud_lb_info and requires it to succeed unchanged.
func runInfo(t *testing.T, h *harness, extra map[string]any) map[string]any {
	t.Helper()
	res, code, _ := h.run(t, infoArgs(h, extra))
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, false, res["changed"], "a read never changes anything")
	assert.Equal(t, false, res["failed"])
	return res
}

// counts counts the actions of the module's calls.
func counts(h *harness) map[string]int {
	out := map[string]int{}
	for _, a := range h.actions() {
		out[a]++
	}
	return out
}

// summary is load_balancers in short: "kind name lbPort->instPort/protocol
// [members] [states]" per listener.
func summary(t *testing.T, res map[string]any) []string {
	t.Helper()
	lbs, ok := res["load_balancers"].([]any)
	require.True(t, ok, "load_balancers is a list: %#v", res["load_balancers"])
	out := []string{}
	for _, lb := range lbs {
		lb := lb.(map[string]any)
		if len(lb["listeners"].([]any)) == 0 { // never returned: shown so that a test sees it
			out = append(out, fmt.Sprintf("%s %s without listeners", lb["kind"], lb["name"]))
		}
		for _, l := range lb["listeners"].([]any) {
			l := l.(map[string]any)
			var states []string
			for _, h := range l["instance_health"].([]any) {
				h := h.(map[string]any)
				states = append(states, fmt.Sprintf("%s=%s", h["instance_id"], h["state"]))
			}
			out = append(out, fmt.Sprintf("%s %s %v->%v/%s %v %v", lb["kind"], lb["name"], l["loadbalancer_port"], l["instance_port"],
				l["protocol"], l["instances"], states))
		}
	}
	return out
}

// The listeners of infoSeed, as summary writes them.
const (
	weblb01HTTP  = "classic weblb01 80->8080/HTTP [web001 web002] [web001=InService web002=OutOfService]"
	weblb01HTTPS = "classic weblb01 443->8443/HTTPS [web001] [web001=InService]"
	weblb02HTTP  = "classic weblb02 80->80/HTTP [web003] [web003=InService]"
	webelb01TCP  = "elastic webelb01 80->8080/TCP [web001 web002] [web001=InService web002=Unknown]"
	webelb01TLS  = "elastic webelb01 443->8443/HTTPS [] []"
)

// golden compares got, as indented JSON, with testdata/lb_info/NAME.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	path := filepath.Join("testdata", "lb_info", name)
	if *updateInfo {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, append(data, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update-lb-info to write it")
	assert.JSONEq(t, string(want), string(data))
}

func TestLBInfoReadsBothFamilies(t *testing.T) {
	h := newHarness(t, infoSeed())
	res := runInfo(t, h, nil)
	golden(t, "emulator.json", res["load_balancers"])
	assert.Equal(t, map[string]int{describe: 1, elasticDescribe: 1, health: 3}, counts(h),
		"one read per family and one health call per classic listener with members")
	assert.NotContains(t, res, "api_calls", "only at -vvv")
}

func TestLBInfoOptions(t *testing.T) {
	for _, tt := range []struct {
		name  string
		args  map[string]any
		want  []string
		calls map[string]int
	}{
		{name: "names, unknown ones among them, never hide each other",
			args:  map[string]any{"names": []string{"nosuch", "weblb02", "webelb01", "gone1"}},
			want:  []string{weblb02HTTP, webelb01TCP, webelb01TLS},
			calls: map[string]int{describe: 1, elasticDescribe: 1, health: 1}},
		{name: "only unknown names", args: map[string]any{"names": []string{"nosuch"}},
			want: []string{}, calls: map[string]int{describe: 1, elasticDescribe: 1}},
		{name: "a name given twice counts once", args: map[string]any{"names": []string{"weblb02", "weblb02"}, "kind": "classic"},
			want: []string{weblb02HTTP}, calls: map[string]int{describe: 1, health: 1}},
		{name: "alias name with one string", args: map[string]any{"name": "weblb01"},
			want: []string{weblb01HTTP, weblb01HTTPS}, calls: map[string]int{describe: 1, elasticDescribe: 1, health: 2}},
		{name: "alias loadbalancer_names", args: map[string]any{"loadbalancer_names": []string{"webelb01"}, "kind": "elastic"},
			want: []string{webelb01TCP, webelb01TLS}, calls: map[string]int{elasticDescribe: 1}},
		{name: "alias loadbalancer_name, free-form comma list", args: map[string]any{"loadbalancer_name": "weblb02,webelb01", "kind": "classic"},
			want: []string{weblb02HTTP}, calls: map[string]int{describe: 1, health: 1}},
		{name: "names null means every load balancer", args: map[string]any{"names": jsonNull, "kind": "classic"},
			want: []string{weblb01HTTP, weblb01HTTPS, weblb02HTTP}, calls: map[string]int{describe: 1, health: 3}},
		{name: "kind classic reads only the classic family", args: map[string]any{"kind": "classic"},
			want: []string{weblb01HTTP, weblb01HTTPS, weblb02HTTP}, calls: map[string]int{describe: 1, health: 3}},
		{name: "kind elastic reads only the elastic family", args: map[string]any{"kind": "elastic"},
			want: []string{webelb01TCP, webelb01TLS}, calls: map[string]int{elasticDescribe: 1}},
		{name: "loadbalancer_port keeps the listeners on that port", args: map[string]any{"loadbalancer_port": 443},
			want: []string{weblb01HTTPS, webelb01TLS}, calls: map[string]int{describe: 1, elasticDescribe: 1, health: 1}},
		{name: "a port pair; a load balancer left without listeners is not returned",
			args: map[string]any{"loadbalancer_port": "80", "instance_port": "8080"},
			want: []string{weblb01HTTP, webelb01TCP}, calls: map[string]int{describe: 1, elasticDescribe: 1, health: 1}},
		{name: "instance_port alone", args: map[string]any{"instance_port": 80},
			want: []string{weblb02HTTP}, calls: map[string]int{describe: 1, elasticDescribe: 1, health: 1}},
		{name: "a port nothing listens on", args: map[string]any{"loadbalancer_port": 8888},
			want: []string{}, calls: map[string]int{describe: 1, elasticDescribe: 1}},
		{name: "health false makes no health call", args: map[string]any{"health": "no"},
			want: []string{
				"classic weblb01 80->8080/HTTP [web001 web002] []", "classic weblb01 443->8443/HTTPS [web001] []",
				"classic weblb02 80->80/HTTP [web003] []", "elastic webelb01 80->8080/TCP [web001 web002] []", webelb01TLS,
			},
			calls: map[string]int{describe: 1, elasticDescribe: 1}},
		{name: "check mode makes the same reads", args: map[string]any{"_ansible_check_mode": true, "names": "weblb02"},
			want: []string{weblb02HTTP}, calls: map[string]int{describe: 1, elasticDescribe: 1, health: 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, infoSeed())
			res := runInfo(t, h, tt.args)
			assert.Equal(t, tt.want, summary(t, res))
			assert.Equal(t, tt.calls, counts(h))
			assert.Empty(t, res["warnings"])
		})
	}
}

// TestLBInfoNamesTheCallsItCan checks what each describe call asks for: one
// name narrows both families' calls to it (an unknown one is then absent);
// several names, which one unknown name would fail together, make one call
// without names per family.
func TestLBInfoNamesTheCallsItCan(t *testing.T) {
	describes := func(h *harness) []string {
		var out []string
		for _, r := range h.emu.Requests() {
			if r.Action == describe || r.Action == elasticDescribe {
				out = append(out, fmt.Sprintf("%s %s%s", r.Action,
					r.Params.Get("LoadBalancerNames.member.1"), r.Params.Get("ElasticLoadBalancers.ElasticLoadBalancerName.1")))
			}
		}
		slices.Sort(out)
		return out
	}
	for _, tt := range []struct {
		names []string
		want  []string
		calls []string
	}{
		{names: []string{"webelb01"}, want: []string{webelb01TCP, webelb01TLS},
			calls: []string{describe + " webelb01", elasticDescribe + " webelb01"}},
		{names: []string{"weblb02"}, want: []string{weblb02HTTP},
			calls: []string{describe + " weblb02", elasticDescribe + " weblb02"}},
		{names: []string{"nosuch"}, want: []string{},
			calls: []string{describe + " nosuch", elasticDescribe + " nosuch"}},
		{names: []string{"weblb02", "webelb01"}, want: []string{weblb02HTTP, webelb01TCP, webelb01TLS},
			calls: []string{describe + " ", elasticDescribe + " "}},
		{names: []string{"weblb02", "ABC12345.weblb01"}, want: []string{weblb02HTTP},
			calls: []string{describe + " ABC12345.weblb01", describe + " weblb02", elasticDescribe + " weblb02"}},
	} {
		t.Run(strings.Join(tt.names, ","), func(t *testing.T) {
			h := newHarness(t, infoSeed())
			res := runInfo(t, h, map[string]any{"names": tt.names})
			assert.Equal(t, tt.want, summary(t, res))
			assert.Equal(t, tt.calls, describes(h))
		})
	}
}

func TestLBInfoEmptyListenersGetNoHealthCall(t *testing.T) {
	opts := infoSeed()
	opts.LoadBalancers[1].Ports[0].Members = nil
	h := newHarness(t, opts)
	res := runInfo(t, h, map[string]any{"kind": "classic"})
	assert.Equal(t, []string{weblb01HTTP, weblb01HTTPS, "classic weblb02 80->80/HTTP [] []"}, summary(t, res))
	assert.Equal(t, map[string]int{describe: 1, health: 2}, counts(h))
	for _, r := range h.emu.Requests() {
		if r.Action == health {
			assert.Equal(t, "weblb01", r.Params.Get("LoadBalancerName"))
		}
	}
}

func TestLBInfoHealthWithoutResultIsUnknown(t *testing.T) {
	opts := infoSeed()
	// web004 has just joined weblb01 80->8080: the API lists no result
	// for it yet.
	opts.LoadBalancers[0].Ports[0].Members = append(opts.LoadBalancers[0].Ports[0].Members,
		nifcloudtest.Member{InstanceID: "web004", Health: nifcloudtest.HealthPending})
	h := newHarness(t, opts)
	res := runInfo(t, h, map[string]any{"names": "weblb01", "loadbalancer_port": 80})
	assert.Equal(t, []string{
		"classic weblb01 80->8080/HTTP [web001 web002 web004] [web001=InService web002=OutOfService web004=Unknown]",
	}, summary(t, res))
}

func TestLBInfoSharedNames(t *testing.T) {
	t.Run("a shared name the API does not know is absent, after one call of its own", func(t *testing.T) {
		h := newHarness(t, infoSeed())
		res := runInfo(t, h, map[string]any{"names": []string{"ABC12345.weblb01"}})
		assert.Equal(t, []string{}, summary(t, res))
		assert.Equal(t, []string{describe}, h.actions(), "no call without names, no elastic call: Multi Load Balancers are never shared")
		assert.Equal(t, "ABC12345.weblb01", h.emu.Requests()[0].Params.Get("LoadBalancerNames.member.1"))
	})
	t.Run("with own names: one call for them all and one per shared name", func(t *testing.T) {
		h := newHarness(t, infoSeed())
		res := runInfo(t, h, map[string]any{"names": []string{"XYZ00001.other", "weblb02", "ABC12345.weblb01"}, "kind": "classic"})
		assert.Equal(t, []string{weblb02HTTP}, summary(t, res))
		assert.Equal(t, map[string]int{describe: 3, health: 1}, counts(h))
	})
	t.Run("a shared load balancer the API describes is returned under the name as given", func(t *testing.T) {
		ref := newReferenceAPI(t)
		h := newHarness(t, testSeed())
		h.endpoint = ref.url
		res := runInfo(t, h, map[string]any{"names": []string{"ABC12345.weblb01"}})
		assert.Equal(t, []string{
			"classic ABC12345.weblb01 80->8080/HTTP [web001 web002] [web001=InService web002=OutOfService]",
			"classic ABC12345.weblb01 443->8443/HTTPS [web001] [web001=InService]",
		}, summary(t, res))
		assert.Equal(t, []string{
			"DescribeLoadBalancers LoadBalancerNames.member.1=ABC12345.weblb01",
			"DescribeInstanceHealth LoadBalancerName=ABC12345.weblb01",
			"DescribeInstanceHealth LoadBalancerName=ABC12345.weblb01",
		}, ref.calls())
	})
}

func TestLBInfoDecodesTheReferenceSamples(t *testing.T) {
	ref := newReferenceAPI(t)
	h := newHarness(t, testSeed())
	h.endpoint = ref.url
	res := runInfo(t, h, nil)
	golden(t, "reference.json", res["load_balancers"])
	assert.Equal(t, []string{
		"DescribeInstanceHealth LoadBalancerName=weblb01", "DescribeInstanceHealth LoadBalancerName=weblb01",
		"DescribeLoadBalancers ", "NiftyDescribeElasticLoadBalancers ",
	}, slices.Sorted(slices.Values(ref.calls())))
}

// referenceAPI serves the sample replies of the shared references
// (nifcloud/testdata/responses, the client's golden files) whatever the
// request, and records the calls.
type referenceAPI struct {
	url string
	mu  sync.Mutex
	log []string
}

func newReferenceAPI(t *testing.T) *referenceAPI {
	t.Helper()
	ref := &referenceAPI{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		action := r.PostForm.Get("Action")
		body, err := os.ReadFile(filepath.Join("..", "testdata", "responses", action+".xml"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var keys []string
		for k := range r.PostForm {
			if strings.HasPrefix(k, "LoadBalancerName") {
				keys = append(keys, k+"="+r.PostForm.Get(k))
			}
		}
		slices.Sort(keys)
		ref.mu.Lock()
		ref.log = append(ref.log, action+" "+strings.Join(keys, " "))
		ref.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	ref.url = srv.URL + "/api/"
	return ref
}

// calls returns the calls so far: the action and the load balancer
// parameters, health calls in the order they came.
func (ref *referenceAPI) calls() []string {
	ref.mu.Lock()
	defer ref.mu.Unlock()
	return slices.Clone(ref.log)
}

func TestLBInfoFailures(t *testing.T) {
	refusal := func(action string) nifcloudtest.Fault {
		return nifcloudtest.Fault{Action: action, Status: 400, Code: "Client.Unknown.Refusal", Message: "Refused."}
	}
	for _, tt := range []struct {
		name  string
		fault nifcloudtest.Fault
		args  map[string]any
		msg   string
	}{
		{name: "the classic read", fault: refusal(describe),
			msg: "read classic load balancers: describe load balancers: DescribeLoadBalancers: Client.Unknown.Refusal: Refused."},
		{name: "the elastic read", fault: refusal(elasticDescribe),
			msg: "read elastic load balancers: describe elastic load balancers: NiftyDescribeElasticLoadBalancers: Client.Unknown.Refusal: Refused."},
		{name: "a one-name classic read", fault: refusal(describe), args: map[string]any{"names": "weblb02"},
			msg: "read classic load balancers: describe load balancer weblb02: DescribeLoadBalancers: Client.Unknown.Refusal: Refused."},
		{name: "a one-name elastic read", fault: refusal(elasticDescribe), args: map[string]any{"names": "webelb01"},
			msg: "read elastic load balancers: describe elastic load balancers: NiftyDescribeElasticLoadBalancers: Client.Unknown.Refusal: Refused."},
		{name: "a health read", fault: refusal(health), args: map[string]any{"names": "weblb02"},
			msg: "read classic load balancers: describe instance health of weblb02 (80->80): DescribeInstanceHealth: Client.Unknown.Refusal: Refused."},
		{name: "a shared name's read", fault: refusal(describe), args: map[string]any{"names": "ABC12345.weblb01"},
			msg: "read classic load balancers: describe load balancer ABC12345.weblb01: DescribeLoadBalancers: Client.Unknown.Refusal: Refused."},
	} {
		t.Run(tt.name+" fails the run with its error, and no list", func(t *testing.T) {
			h := newHarness(t, infoSeed())
			require.NoError(t, h.emu.Inject(tt.fault))
			res, code, _ := h.run(t, infoArgs(h, tt.args))
			assert.Equal(t, 1, code)
			assert.Equal(t, true, res["failed"])
			assert.Equal(t, false, res["changed"])
			assert.Contains(t, res, "load_balancers")
			assert.Nil(t, res["load_balancers"], "never a partial list that looks complete")
			assert.Equal(t, "Client.Unknown.Refusal", res["error_code"])
			assert.Equal(t, "Refused.", res["error_message"])
			assert.EqualValues(t, 400, res["http_status"])
			assert.NotEmpty(t, res["request_id"])
			assert.Contains(t, res["msg"], tt.msg)
		})
	}
	t.Run("server errors are retried as in nifcloud_lb", func(t *testing.T) {
		h := newHarness(t, infoSeed())
		require.NoError(t, h.emu.Inject(
			nifcloudtest.Fault{Action: describe, Status: 503, Code: "Server.InternalError"},
			nifcloudtest.Fault{Action: elasticDescribe, Drop: true},
			nifcloudtest.Fault{Action: health, Status: 503}))
		res := runInfo(t, h, nil)
		assert.Equal(t, []string{weblb01HTTP, weblb01HTTPS, weblb02HTTP, webelb01TCP, webelb01TLS}, summary(t, res))
		assert.Equal(t, map[string]int{describe: 2, elasticDescribe: 2, health: 4}, counts(h))
	})
	t.Run("a server error every time fails after 5 attempts", func(t *testing.T) {
		h := newHarness(t, infoSeed())
		require.NoError(t, h.emu.Inject(nifcloudtest.Fault{Action: elasticDescribe, Times: nifcloudtest.Forever, Status: 503,
			Code: "Server.InternalError", Message: "An error has occurred. Please try again later."}))
		res, code, _ := h.run(t, infoArgs(h, map[string]any{"kind": "elastic"}))
		assert.Equal(t, 1, code)
		assert.Equal(t, "Server.InternalError", res["error_code"])
		assert.Nil(t, res["load_balancers"])
		assert.Equal(t, map[string]int{elasticDescribe: 5}, counts(h))
	})
	t.Run("authentication refused says what to check", func(t *testing.T) {
		h := newHarness(t, infoSeed())
		res, _, out := h.run(t, infoArgs(h, map[string]any{"secret_access_key": "wrong-secret-value-1234", "kind": "classic"}))
		assert.Contains(t, res["msg"], "The API refused the request's authentication.")
		assert.Contains(t, res["msg"], "Cause: read classic load balancers: describe load balancers: DescribeLoadBalancers: Client.AuthFailure")
		assert.NotContains(t, out, "wrong-secret-value-1234")
	})
}

func TestLBInfoPortDefinitionGoneBeforeItsHealthRead(t *testing.T) {
	notFound := func(code string) nifcloudtest.Fault {
		return nifcloudtest.Fault{Action: health, Code: code, Message: "Not found."}
	}
	t.Run("the port definition is left out, its load balancer stays", func(t *testing.T) {
		h := newHarness(t, infoSeed())
		require.NoError(t, h.emu.Inject(notFound(nifcloud.CodeLoadBalancerPortNotFound)))
		res := runInfo(t, h, map[string]any{"names": "weblb01"})
		got := summary(t, res)
		require.Len(t, got, 1, "one of the two listeners is gone: %v", got)
		assert.Contains(t, []string{weblb01HTTP, weblb01HTTPS}, got[0])
	})
	t.Run("a load balancer left without listeners is left out", func(t *testing.T) {
		h := newHarness(t, infoSeed())
		require.NoError(t, h.emu.Inject(notFound(nifcloud.CodeLoadBalancerNotFound)))
		res := runInfo(t, h, map[string]any{"names": []string{"weblb02", "webelb01"}})
		assert.Equal(t, []string{webelb01TCP, webelb01TLS}, summary(t, res))
	})
}

// TestLBInfoSortsAndFilters reads load balancers the API describes out of
// order: they come back sorted by name, their listeners by port; names
// picks among several Multi Load Balancers too.
func TestLBInfoSortsAndFilters(t *testing.T) {
	o := testSeed()
	member := []nifcloudtest.Member{{InstanceID: "web001"}}
	o.LoadBalancers = []nifcloudtest.LoadBalancer{
		{Name: "zlb", Ports: []nifcloudtest.Port{{LoadBalancerPort: 443, InstancePort: 443}, {LoadBalancerPort: 80, InstancePort: 80}}},
		{Name: "alb", Ports: []nifcloudtest.Port{{LoadBalancerPort: 80, InstancePort: 8080}}},
	}
	o.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{
		{Name: "zelb", ID: "elb-00000002", Listeners: []nifcloudtest.ElasticListener{{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 80, Members: member}}},
		{Name: "aelb", ID: "elb-00000001", Listeners: []nifcloudtest.ElasticListener{{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 80}}},
	}
	h := newHarness(t, o)
	res := runInfo(t, h, map[string]any{"health": false})
	assert.Equal(t, []string{
		"classic alb 80->8080/HTTP [] []", "classic zlb 80->80/HTTP [] []", "classic zlb 443->443/HTTPS [] []",
		"elastic aelb 80->80/TCP [] []", "elastic zelb 80->80/TCP [web001] []",
	}, summary(t, res))
	res = runInfo(t, h, map[string]any{"names": []string{"zelb", "zlb"}, "health": false})
	assert.Equal(t, []string{"classic zlb 80->80/HTTP [] []", "classic zlb 443->443/HTTPS [] []", "elastic zelb 80->80/TCP [web001] []"}, summary(t, res))
}

// TestLBInfoHealthCallsRunEightAtATime reads 8 load balancers with 3
// listeners each, all with members, through an API that takes latency per
// call: the 24 health calls run at most 8 at a time, so the run takes about
// 1 + 24/8 = 4 call latencies, not 25.
func TestLBInfoHealthCallsRunEightAtATime(t *testing.T) {
	const latency = 50 * time.Millisecond
	opts := testSeed()
	opts.Latency = latency
	opts.LoadBalancers = nil
	for i := range 8 {
		opts.LoadBalancers = append(opts.LoadBalancers, nifcloudtest.LoadBalancer{Name: fmt.Sprintf("lb%02d", i), Ports: []nifcloudtest.Port{
			{LoadBalancerPort: 80, InstancePort: 8080, Members: []nifcloudtest.Member{{InstanceID: "web001"}}},
			{LoadBalancerPort: 443, InstancePort: 8443, Members: []nifcloudtest.Member{{InstanceID: "web002"}, {InstanceID: "web003"}}},
			{LoadBalancerPort: 8000, InstancePort: 9000, Members: []nifcloudtest.Member{{InstanceID: "web004"}}},
		}})
	}
	h := newHarness(t, opts)
	var inFlight, most atomic.Int32
	gauge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		h.emu.ServeHTTP(w, r)
	}))
	t.Cleanup(gauge.Close)
	h.endpoint = gauge.URL + "/api/"

	start := time.Now()
	res := runInfo(t, h, map[string]any{"kind": "classic"})
	elapsed := time.Since(start)
	assert.Len(t, summary(t, res), 24)
	assert.Equal(t, map[string]int{describe: 1, health: 24}, counts(h))
	assert.EqualValues(t, maxCallsInFlight, most.Load(), "at most 8 calls in flight, and 8 reached")
	assert.GreaterOrEqual(t, elapsed, 4*latency)
	assert.Less(t, elapsed, 10*latency, "about 4 call latencies, not 25")
	t.Logf("24 health calls at %s per call: %s (%.1f call latencies), at most %d in flight", latency, elapsed, float64(elapsed)/float64(latency), most.Load())
}

func TestLBInfoBadInputMakesNoCall(t *testing.T) {
	for _, tt := range []struct {
		name string
		args map[string]any
		msg  string
	}{
		{name: "empty names", args: map[string]any{"names": []string{}},
			msg: "value of names must not be empty: leave names out (or null) to read every load balancer"},
		{name: "an empty name", args: map[string]any{"names": []string{"weblb01", ""}}, msg: "value of names must not contain empty elements"},
		{name: "a name that is not one", args: map[string]any{"names": []string{"web lb"}},
			msg: `value of names must be 1 to 15 letters and digits, optionally prefixed by a sharing NIFCLOUD ID (ABC12345.name), got: "web lb"`},
		{name: "a bad sharing prefix", args: map[string]any{"name": "AB1.weblb01"},
			msg: "value of names must be 1 to 15 letters and digits, optionally prefixed by a sharing NIFCLOUD ID (ABC12345.name), got: AB1.weblb01"},
		{name: "kind", args: map[string]any{"kind": "both"}, msg: "value of kind must be one of: classic, elastic, all, got: both"},
		{name: "port", args: map[string]any{"loadbalancer_port": 0}, msg: "value of loadbalancer_port must be between 1 and 65535, got: 0"},
		{name: "instance port", args: map[string]any{"instance_port": 70000}, msg: "value of instance_port must be between 1 and 65535, got: 70000"},
		{name: "health", args: map[string]any{"health": "maybe"}, msg: "health"},
		{name: "no endpoint", args: map[string]any{"endpoint": nil}, msg: "one of the following is required: region, endpoint"},
		{name: "an option of nifcloud_lb", args: map[string]any{"instance_ids": "web001"},
			msg: "Unsupported parameters for (nifcloud_lb_info) module: instance_ids. Supported parameters include: access_key, ca_bundle, endpoint, health, instance_port, kind, loadbalancer_port, names, region, secret_access_key, validate_certs (access_key_id, loadbalancer_name, loadbalancer_names, name, secret_key)."},
		{name: "missing CA bundle", args: map[string]any{"ca_bundle": "/nonexistent/ca.pem"}, msg: "value of ca_bundle cannot be used: transport: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, infoSeed())
			res, code, _ := h.run(t, infoArgs(h, tt.args))
			assert.Equal(t, 1, code)
			assert.Equal(t, true, res["failed"])
			assert.Contains(t, res["msg"], tt.msg)
			assert.Empty(t, h.actions(), "bad input makes no API call")
		})
	}
}

func TestLBInfoSecretsAndCallsAtHighVerbosity(t *testing.T) {
	h := newHarness(t, infoSeed())
	res, _, out := h.run(t, infoArgs(h, map[string]any{"_ansible_verbosity": 4, "_ansible_debug": true}))
	assert.NotContains(t, out, testSecret)
	assert.NotContains(t, out, "Signature=")
	calls := res["api_calls"].([]any)
	var actions []string
	for _, c := range calls {
		c := c.(map[string]any)
		actions = append(actions, c["action"].(string))
		assert.EqualValues(t, 200, c["status"])
		assert.NotEmpty(t, c["request_id"])
	}
	assert.ElementsMatch(t, []string{describe, elasticDescribe, health, health, health}, actions)
	inv := res["invocation"].(map[string]any)["module_args"].(map[string]any)
	assert.Equal(t, "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", inv["secret_access_key"])
}

func TestLBInfoTLS(t *testing.T) {
	emu, err := nifcloudtest.New(infoSeed())
	require.NoError(t, err)
	ts := httptest.NewUnstartedServer(emu)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	h := &harness{emu: emu, endpoint: ts.URL + "/api/", clk: nifcloudtest.NewClock(time.Now()), env: map[string]string{}}

	res, code, _ := h.run(t, infoArgs(h, nil))
	assert.Equal(t, 1, code)
	assert.Contains(t, res["msg"], "The API endpoint's TLS certificate could not be verified")
	assert.Nil(t, res["load_balancers"])
	assert.Empty(t, h.actions(), "the TLS handshake fails before any request")

	res = runInfo(t, h, map[string]any{"validate_certs": false})
	assert.Len(t, summary(t, res), 5)
}

// TestLBInfoDocumentsEveryKey checks that library/nifcloud_lb_info.yml
// documents exactly the keys load_balancers has, at every level, as
// ansible-doc reads it.
func TestLBInfoDocumentsEveryKey(t *testing.T) {
	ansibleDoc := requireTool(t, "ansible-doc")
	lib := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(lib, lbInfoName), []byte("\x7fELF\x02\x01\x01"), 0o755))
	doc, err := os.ReadFile(filepath.Join("..", "..", "library", lbInfoName+".yml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(lib, lbInfoName+".yml"), doc, 0o644))
	out, err := exec.Command(ansibleDoc, "-M", lib, "--json", lbInfoName).Output()
	require.NoError(t, err)
	var rendered map[string]struct {
		Return map[string]documentedReturn `json:"return"`
	}
	require.NoError(t, json.Unmarshal(out, &rendered))
	documented := rendered[lbInfoName].Return["load_balancers"]

	h := newHarness(t, infoSeed())
	res := runInfo(t, h, nil)
	lbs := res["load_balancers"].([]any)
	require.Len(t, lbs, 3)
	for _, lb := range lbs {
		assert.Equal(t, documented.keys(), keysOf(lb), "load balancer keys")
		for _, l := range lb.(map[string]any)["listeners"].([]any) {
			listener := documented.Contains["listeners"]
			assert.Equal(t, listener.keys(), keysOf(l), "listener keys")
			l := l.(map[string]any)
			assert.Equal(t, listener.Contains["health_check"].keys(), keysOf(l["health_check"]))
			if l["filter"] != nil {
				assert.Equal(t, listener.Contains["filter"].keys(), keysOf(l["filter"]))
			}
			for _, s := range l["instance_health"].([]any) {
				assert.Equal(t, listener.Contains["instance_health"].keys(), keysOf(s))
			}
		}
	}
	for _, key := range []string{"error_code", "error_message", "request_id", "http_status", "api_calls"} {
		assert.Contains(t, rendered[lbInfoName].Return, key)
	}
}

// documentedReturn is a return value as ansible-doc --json renders it.
type documentedReturn struct {
	Contains map[string]documentedReturn `json:"contains"`
}

func (d documentedReturn) keys() []string { return slices.Sorted(maps.Keys(d.Contains)) }

func keysOf(v any) []string {
	m, _ := v.(map[string]any)
	return slices.Sorted(maps.Keys(m))
}

func TestForEach(t *testing.T) {
	t.Run("calls each index once, at most limit at a time", func(t *testing.T) {
		var (
			mu         sync.Mutex
			seen       []int
			now, most  int
			release    = make(chan struct{})
			allStarted = make(chan struct{})
		)
		go func() {
			<-allStarted
			close(release)
		}()
		err := forEach(t.Context(), 10, 3, func(_ context.Context, i int) error {
			mu.Lock()
			seen = append(seen, i)
			now++
			most = max(most, now)
			if now == 3 && len(seen) == 3 {
				close(allStarted)
			}
			mu.Unlock()
			<-release
			mu.Lock()
			now--
			mu.Unlock()
			return nil
		})
		require.NoError(t, err)
		slices.Sort(seen)
		assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, seen)
		assert.Equal(t, 3, most)
	})
	t.Run("the first error cancels the others and is returned", func(t *testing.T) {
		boom := errors.New("boom")
		var calls atomic.Int32
		err := forEach(t.Context(), 100, 2, func(ctx context.Context, i int) error {
			calls.Add(1)
			if i == 0 {
				return boom
			}
			<-ctx.Done()
			return ctx.Err()
		})
		assert.Same(t, boom, err)
		assert.Less(t, calls.Load(), int32(100), "no call starts after the error")
	})
	t.Run("a context that ends before every call started", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := forEach(ctx, 3, 1, func(context.Context, int) error { return nil })
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("nothing to do", func(t *testing.T) {
		assert.NoError(t, forEach(t.Context(), 0, 8, func(context.Context, int) error { panic("called") }))
	})
}

func TestLBInfoCodeNames(t *testing.T) {
	assert.Equal(t, "monthly", *accountingTypes.name("1"))
	assert.Equal(t, "pay_per_use", *accountingTypes.name("2"))
	assert.Equal(t, "3", *accountingTypes.name("3"), "an undocumented value as the API gives it")
	assert.Nil(t, accountingTypes.name(""))
	assert.Equal(t, "least_connection", *balancingType(2))
	assert.Equal(t, "9", *balancingType(9))
	assert.Nil(t, balancingType(0))
	assert.Equal(t, "deny", *filterTypes.name("2"))
	assert.Equal(t, []string{}, ipAddresses([]string{"*.*.*.*"}))
	assert.Equal(t, []string{}, ipAddresses(nil))
	assert.Equal(t, []string{"*.*.*.*", "192.0.2.1"}, ipAddresses([]string{"*.*.*.*", "192.0.2.1"}), "kept as listed")
}

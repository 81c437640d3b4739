// Command nifcloud_lb is an Ansible module that registers and deregisters
// servers on a NIFCLOUD load balancer, idempotently, through the signed
// Computing API.
//
// Ansible runs it with one argument, the path of a JSON file holding the
// task's options; it prints one JSON object and exits. It runs the same way
// by hand: nifcloud_lb args.json. See library/nifcloud_lb.yml (ansible-doc)
// and README.md for the options and the results.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/membership"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

// moduleName is the module's name, as users call it in playbooks.
const moduleName = "nifcloud_lb"

// apiBudget bounds the API work of one run (reads, changes and their
// retries), not counting the wait for health, which wait_timeout bounds.
const apiBudget = 5 * time.Minute

func main() {
	os.Exit(ansible.Main(program(runtime{}), os.Args, os.Stdout, os.LookupEnv))
}

// runtime holds what tests replace: the clock, the sleep between health
// polls and the client's retry backoff. The zero value is the real thing.
type runtime struct {
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
	retryer func() aws.RetryerV2
}

// program is the module for ansible.Main.
func program(rt runtime) ansible.Program {
	return ansible.Program{
		Name:    moduleName,
		Version: version,
		Spec:    argumentSpec(),
		Run:     rt.run,
	}
}

// loadBalancerName is 1-15 letters and digits, optionally prefixed by the
// NIFCLOUD ID that shares the load balancer.
var loadBalancerName = regexp.MustCompile(`^([A-Za-z]{3}[0-9]{5}\.)?[A-Za-z0-9]{1,15}$`)

// argumentSpec is the module's options; library/nifcloud_lb.yml documents
// the same options (a test keeps the two equal).
func argumentSpec() ansible.Spec {
	regions := make([]any, 0, len(nifcloud.Regions()))
	for _, r := range nifcloud.Regions() {
		regions = append(regions, r)
	}
	port := []ansible.Check{ansible.IntRange(1, 65535)}
	return ansible.Spec{
		Options: []ansible.Option{
			{Name: "access_key", Required: true, Aliases: []string{"access_key_id"}, EnvFallback: []string{"NIFCLOUD_ACCESS_KEY_ID"}},
			{Name: "secret_access_key", Required: true, NoLog: true, Aliases: []string{"secret_key"}, EnvFallback: []string{"NIFCLOUD_SECRET_ACCESS_KEY"}},
			{Name: "region", Choices: regions, EnvFallback: []string{"NIFCLOUD_DEFAULT_REGION"}},
			{Name: "endpoint"},
			{Name: "loadbalancer_name", Aliases: []string{"name", "load_balancer_name"},
				Checks: []ansible.Check{ansible.MatchRegexp(loadBalancerName, "1 to 15 letters and digits, optionally prefixed by a sharing NIFCLOUD ID (ABC12345.name)")}},
			{Name: "loadbalancer_port", Type: ansible.TypeInt, Aliases: []string{"load_balancer_port"}, Checks: port},
			{Name: "instance_port", Type: ansible.TypeInt, Checks: port},
			{Name: "instance_ids", Type: ansible.TypeList, Elements: ansible.TypeStr, Required: true, Aliases: []string{"instance_id", "instances"},
				Checks: []ansible.Check{ansible.NonEmpty(), ansible.NonEmptyElements(), serverNames()}},
			{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
			{Name: "purge_instance_ids", Type: ansible.TypeBool, Default: false},
			{Name: "wait", Type: ansible.TypeBool, Default: false},
			{Name: "wait_timeout", Type: ansible.TypeInt, Default: 300, Checks: []ansible.Check{ansible.IntRange(1, 3600)}},
			{Name: "validate_certs", Type: ansible.TypeBool, Default: true},
			{Name: "ca_bundle", Type: ansible.TypePath},
		},
		RequiredTogether: [][]string{{"loadbalancer_name", "loadbalancer_port", "instance_port"}},
		RequiredOneOf:    [][]string{{"region", "endpoint"}},
		RequiredIf: []ansible.RequiredIf{
			{Name: "state", Value: "present", Requires: []string{"loadbalancer_name", "loadbalancer_port", "instance_port"}},
		},
		SupportsCheckMode: true,
		NullMeansAbsent:   true,
	}
}

// options are the validated options of one run.
type options struct {
	port       membership.PortDefinition
	everywhere bool // state=absent without loadbalancer_name
	instances  []string
	present    bool
	purge      bool
	wait       bool
	waitFor    time.Duration
}

// run is the module: validate what the spec cannot, build the client, then
// reconcile and report.
func (rt runtime) run(m *ansible.Module) ansible.Result {
	p := m.Params
	o := options{
		port: membership.PortDefinition{
			LoadBalancerName: p.Str("loadbalancer_name"),
			LoadBalancerPort: p.Int("loadbalancer_port"),
			InstancePort:     p.Int("instance_port"),
		},
		everywhere: p.Str("loadbalancer_name") == "",
		instances:  p.List("instance_ids"),
		present:    p.Str("state") == "present",
		purge:      p.Bool("purge_instance_ids"),
		wait:       p.Bool("wait"),
		waitFor:    time.Duration(p.Int("wait_timeout")) * time.Second,
	}
	if o.purge && !o.present {
		return ansible.Failf("purge_instance_ids=true is only valid with state=present, got state=absent; " +
			"to remove servers, list them in instance_ids with state=absent")
	}
	if o.wait && !o.present {
		m.Warn("wait has no effect with state=absent: nothing is registered, so there is nothing to wait for")
	}

	client, err := rt.client(m)
	if err != nil {
		return ansible.Failf("%v", err)
	}
	client.OnSecret = m.AddNoLogValue
	var calls []map[string]any
	if m.Internal.Verbosity >= 3 || m.Internal.Debug {
		client.OnAttempt = func(a nifcloud.Attempt) { calls = append(calls, attemptInfo(a)) }
	}

	budget := apiBudget
	if o.wait {
		budget += o.waitFor
	}
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	rec := &membership.Reconciler{CheckMode: m.Internal.CheckMode, Now: rt.now, Sleep: rt.sleep}
	var res ansible.Result
	if o.everywhere {
		res = absentEverywhere(ctx, rec, client, o)
	} else {
		res = onePort(ctx, m, rec, membership.Classic{Client: client, Port: o.port}, o)
	}
	if calls != nil {
		res.Data["api_calls"] = calls
	}
	return res
}

// client builds the API client from the options.
func (rt runtime) client(m *ansible.Module) (*nifcloud.Client, error) {
	p := m.Params
	endpoint, err := nifcloud.ResolveEndpoint(p.Str("region"), p.Str("endpoint"))
	if err != nil {
		if p.Str("endpoint") != "" {
			return nil, fmt.Errorf("value of endpoint is not a usable API endpoint: %w", err)
		}
		return nil, err
	}
	httpClient, err := nifcloud.NewHTTPClient(nifcloud.TransportOptions{
		CABundle:           p.Str("ca_bundle"),
		InsecureSkipVerify: !p.Bool("validate_certs"),
	})
	if err != nil {
		return nil, fmt.Errorf("value of ca_bundle cannot be used: %w", err)
	}
	client, err := nifcloud.New(endpoint, aws.Credentials{
		AccessKeyID:     p.Str("access_key"),
		SecretAccessKey: p.Str("secret_access_key"),
	})
	if err != nil {
		return nil, fmt.Errorf("access_key and secret_access_key must not be empty: %w", err)
	}
	client.HTTPClient = httpClient
	client.UserAgent = nifcloud.DefaultUserAgent(version)
	client.Now = rt.now
	if rt.retryer != nil {
		client.Retryer = rt.retryer()
	}
	return client, nil
}

// onePort reconciles one port definition and waits for health if asked.
func onePort(ctx context.Context, m *ansible.Module, rec *membership.Reconciler, l membership.Classic, o options) ansible.Result {
	var (
		c   membership.Change
		err error
	)
	if o.present {
		c, err = rec.Present(ctx, l, o.instances, o.purge)
	} else {
		c, err = rec.Absent(ctx, l, o.instances)
	}
	res := ansible.Result{
		Changed: c.Changed(),
		Data: map[string]any{
			"loadbalancer_name": o.port.LoadBalancerName,
			"loadbalancer_port": o.port.LoadBalancerPort,
			"instance_port":     o.port.InstancePort,
			"instances":         c.After,
			"registered":        orEmpty(c.Registered),
			"deregistered":      orEmpty(c.Deregistered),
		},
	}
	if err != nil {
		// The members as last read, or null when no read succeeded:
		// never an empty list that would claim "no members".
		res.Data["instances"] = c.Members
		return failure(res, err, o.instances)
	}
	if c.Missing != "" {
		m.Warn(c.Missing + "; there is nothing to deregister")
	}
	res.Diff = &ansible.Diff{Before: membersDiff(o.port, c.Before), After: membersDiff(o.port, c.After)}
	if !o.wait || !o.present {
		return res
	}
	if m.Internal.CheckMode {
		res.Data["instance_health"] = []map[string]any{}
		return res
	}
	health, err := rec.WaitInService(ctx, l, c.Registered, membership.PollInterval(c.HealthCheckInterval), o.waitFor)
	res.Data["instance_health"] = healthInfo(health)
	if err != nil {
		return failure(res, err, o.instances)
	}
	return res
}

// absentEverywhere removes the servers from every port definition that has
// them.
func absentEverywhere(ctx context.Context, rec *membership.Reconciler, client *nifcloud.Client, o options) ansible.Result {
	changes, err := rec.AbsentEverywhere(ctx, client, o.instances)
	updated := make([]map[string]any, 0, len(changes))
	var deregistered []string
	before, after := map[string]any{}, map[string]any{}
	for _, c := range changes {
		updated = append(updated, map[string]any{
			"loadbalancer_name": c.Port.LoadBalancerName,
			"loadbalancer_port": c.Port.LoadBalancerPort,
			"instance_port":     c.Port.InstancePort,
			"deregistered":      c.Deregistered,
		})
		deregistered = append(deregistered, c.Deregistered...)
		before[c.Port.String()] = c.Before
		after[c.Port.String()] = orEmpty(c.After)
	}
	slices.Sort(deregistered)
	res := ansible.Result{
		Changed: len(changes) > 0,
		Diff:    &ansible.Diff{Before: before, After: after},
		Data: map[string]any{
			"loadbalancer_name": nil,
			"loadbalancer_port": nil,
			"instance_port":     nil,
			// Several port definitions: no one list of members.
			"instances":    nil,
			"registered":   []string{},
			"deregistered": orEmpty(slices.Compact(deregistered)),
			"updated":      updated,
		},
	}
	if err != nil {
		return failure(res, err, o.instances)
	}
	return res
}

// failure turns res into a failed result for err, keeping what the run did
// before it failed (changed stays true if something changed), and adds the
// API's error code, message and request id when there are some. instances
// are the servers the task named, for the hints of the message.
func failure(res ansible.Result, err error, instances []string) ansible.Result {
	res.Failed = true
	res.Msg = explain(err, instances)
	var apiErr *nifcloud.APIError
	if errors.As(err, &apiErr) {
		res.Data["error_code"] = apiErr.Code
		res.Data["error_message"] = apiErr.Message
		res.Data["request_id"] = apiErr.RequestID
		res.Data["http_status"] = apiErr.StatusCode
	}
	return res
}

// membersDiff is one side of the diff of a port definition.
func membersDiff(port membership.PortDefinition, members []string) map[string]any {
	return map[string]any{
		"loadbalancer_name": port.LoadBalancerName,
		"loadbalancer_port": port.LoadBalancerPort,
		"instance_port":     port.InstancePort,
		"instances":         orEmpty(members),
	}
}

// healthInfo is the instance_health result.
func healthInfo(health []membership.Health) []map[string]any {
	out := make([]map[string]any, 0, len(health))
	for _, h := range health {
		out = append(out, map[string]any{
			"instance_id": h.InstanceID,
			"state":       h.State,
			"reason_code": h.ReasonCode,
			"description": h.Description,
		})
	}
	return out
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
	return s
}

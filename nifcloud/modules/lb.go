package modules

import (
	"context"
	"errors"
	"slices"
	"time"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/membership"
)

// apiBudget bounds the API work of one run (reads, changes and their
// retries), not counting the wait for health, which wait_timeout bounds.
const apiBudget = 5 * time.Minute

// lbOptions are the options of nifcloud_lb.
type lbOptions struct {
	Connection
	LoadBalancerName string   `ansible:"loadbalancer_name"`
	LoadBalancerPort int      `ansible:"loadbalancer_port"`
	InstancePort     int      `ansible:"instance_port"`
	InstanceIDs      []string `ansible:"instance_ids"`
	State            string   `ansible:"state"`
	Purge            bool     `ansible:"purge_instance_ids"`
	Wait             bool     `ansible:"wait"`
	WaitTimeout      int      `ansible:"wait_timeout"`
}

// lbProgram is nifcloud_lb: the members of a classic load balancer's port
// definition. library/nifcloud_lb.yml documents the same options (a test
// keeps the two equal).
func lbProgram(env Env) ansible.Program {
	port := []ansible.Check{portRange}
	spec := ansible.Spec{
		Options: connectionOptions(
			ansible.Option{Name: "loadbalancer_name", Aliases: []string{"name", "load_balancer_name"},
				Checks: []ansible.Check{classicName}},
			ansible.Option{Name: "loadbalancer_port", Type: ansible.TypeInt, Aliases: []string{"load_balancer_port"}, Checks: port},
			ansible.Option{Name: "instance_port", Type: ansible.TypeInt, Checks: port},
			ansible.Option{Name: "instance_ids", Type: ansible.TypeList, Elements: ansible.TypeStr, Required: true, Aliases: []string{"instance_id", "instances"},
				Checks: []ansible.Check{ansible.NonEmpty(), ansible.NonEmptyElements(), serverNames()}},
			ansible.Option{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
			ansible.Option{Name: "purge_instance_ids", Type: ansible.TypeBool, Default: false},
			ansible.Option{Name: "wait", Type: ansible.TypeBool, Default: false},
			ansible.Option{Name: "wait_timeout", Type: ansible.TypeInt, Default: 300, Checks: []ansible.Check{ansible.IntRange(1, 3600)}},
		),
		RequiredTogether: [][]string{{"loadbalancer_name", "loadbalancer_port", "instance_port"}},
		RequiredOneOf:    connectionConstraint,
		RequiredIf: []ansible.RequiredIf{
			{Name: "state", Value: "present", Requires: []string{"loadbalancer_name", "loadbalancer_port", "instance_port"}},
		},
		SupportsCheckMode: true,
		NullMeansAbsent:   true,
	}
	return ansible.NewProgram("nifcloud_lb", spec, func(ctx context.Context, m *ansible.Module, o lbOptions) ansible.Result {
		return (&lbRun{env: env, m: m, o: o}).run(ctx)
	})
}

// lbRun is one run of nifcloud_lb.
type lbRun struct {
	env Env
	m   *ansible.Module
	o   lbOptions
	log callLog
}

// run validates what the spec cannot, builds the client, then reconciles
// and reports.
func (r *lbRun) run(ctx context.Context) ansible.Result {
	o := r.o
	present := o.State == "present"
	if o.Purge && !present {
		return ansible.Failf("purge_instance_ids=true is only valid with state=present, got state=absent; " +
			"to remove servers, list them in instance_ids with state=absent")
	}
	if o.Wait && !present {
		r.m.Warn("wait has no effect with state=absent: nothing is registered, so there is nothing to wait for")
	}
	client, err := o.client(r.m, r.env, &r.log)
	if err != nil {
		return ansible.Failf("%v", err)
	}
	budget := apiBudget
	if o.Wait {
		budget += time.Duration(o.WaitTimeout) * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	rec := &membership.Reconciler{CheckMode: r.m.Internal.CheckMode, Clock: r.env.Clock, Jitter: r.env.Jitter}
	var res ansible.Result
	if o.LoadBalancerName == "" {
		res = r.absentEverywhere(ctx, rec, client)
	} else {
		res = r.onePort(ctx, rec, membership.Classic{Client: client, Port: r.port()})
	}
	r.log.addTo(res.Data)
	return res
}

// port is the port definition of the options.
func (r *lbRun) port() membership.PortDefinition {
	return membership.PortDefinition{LoadBalancerName: r.o.LoadBalancerName, LoadBalancerPort: r.o.LoadBalancerPort, InstancePort: r.o.InstancePort}
}

// onePort reconciles one port definition and waits for health if asked.
func (r *lbRun) onePort(ctx context.Context, rec *membership.Reconciler, l membership.Classic) ansible.Result {
	o, port := r.o, r.port()
	var (
		c   membership.Change
		err error
	)
	if o.State == "present" {
		c, err = rec.Present(ctx, l, o.InstanceIDs, o.Purge)
	} else {
		c, err = rec.Absent(ctx, l, o.InstanceIDs)
	}
	res := ansible.Result{Changed: c.Changed(), Data: membersData(port, c)}
	if err != nil {
		// The members as last read, or null when no read succeeded:
		// never an empty list that would claim "no members".
		res.Data["instances"] = c.Members
		return failure(ctx, res, err, o.InstanceIDs)
	}
	if c.Missing != "" {
		r.m.Warn(c.Missing + "; there is nothing to deregister")
	}
	res.Diff = &ansible.Diff{Before: membersDiff(port, c.Before), After: membersDiff(port, c.After)}
	if !o.Wait || o.State != "present" {
		return res
	}
	if r.m.Internal.CheckMode {
		res.Data["instance_health"] = []map[string]any{}
		return res
	}
	health, err := rec.WaitInService(ctx, l, c.Registered, membership.PollInterval(c.HealthCheckInterval), time.Duration(o.WaitTimeout)*time.Second)
	res.Data["instance_health"] = healthInfo(health)
	if err != nil {
		return failure(ctx, res, err, o.InstanceIDs)
	}
	return res
}

// membersData is the result data of a run on one port definition.
func membersData(port membership.PortDefinition, c membership.Change) map[string]any {
	return map[string]any{
		"loadbalancer_name": port.LoadBalancerName,
		"loadbalancer_port": port.LoadBalancerPort,
		"instance_port":     port.InstancePort,
		"instances":         c.After,
		"registered":        orEmpty(c.Registered),
		"deregistered":      orEmpty(c.Deregistered),
	}
}

// absentEverywhere removes the servers from every port definition that has
// them.
func (r *lbRun) absentEverywhere(ctx context.Context, rec *membership.Reconciler, client *nifcloud.Client) ansible.Result {
	changes, err := rec.AbsentEverywhere(ctx, client, r.o.InstanceIDs)
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
		return failure(ctx, res, err, r.o.InstanceIDs)
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

// failure turns res into a failed result for err, keeping what the run did
// before it failed (changed stays true if something changed), and adds the
// API's error code, message, request id and HTTP status when there are
// some. instances are the servers the task named, for the hints of the
// message. A run interrupted by a signal says so and what it had changed.
func failure(ctx context.Context, res ansible.Result, err error, instances []string) ansible.Result {
	res.Failed = true
	res.Msg = explain(err, instances)
	if ie, ok := ansible.Interrupted(ctx); ok {
		res.Msg = interruptedMsg(ie, res) + " Cause: " + err.Error()
	}
	var apiErr *nifcloud.APIError
	if errors.As(err, &apiErr) {
		res.Data["error_code"] = apiErr.Code
		res.Data["error_message"] = apiErr.Message
		res.Data["request_id"] = apiErr.RequestID
		res.Data["http_status"] = apiErr.StatusCode
	}
	return res
}

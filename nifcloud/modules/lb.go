package modules

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/batch"
	"nifcloud_lb/nifcloud/membership"
)

// apiBudget bounds the API work of one run (reads, changes and their
// retries), not counting the wait for health, which wait_timeout bounds.
const apiBudget = 5 * time.Minute

// lbOptions are the options of nifcloud_lb.
type lbOptions struct {
	Connection
	memberOptions
	LoadBalancerName string `ansible:"loadbalancer_name"`
	LoadBalancerPort int    `ansible:"loadbalancer_port"`
	InstancePort     int    `ansible:"instance_port"`
}

// lbProgram is nifcloud_lb: the members of a classic load balancer's port
// definition. library/nifcloud_lb.yml documents the same options (a test
// keeps the two equal).
func lbProgram(env Env) ansible.Program {
	port := []ansible.Check{portRange}
	own := append([]ansible.Option{
		{Name: "loadbalancer_name", Aliases: []string{"name", "load_balancer_name"}, Checks: []ansible.Check{classicName}},
		{Name: "loadbalancer_port", Type: ansible.TypeInt, Aliases: []string{"load_balancer_port"}, Checks: port},
		{Name: "instance_port", Type: ansible.TypeInt, Checks: port},
	}, memberOptionSpecs()...)
	spec := ansible.Spec{
		Options:          connectionOptions(own...),
		RequiredTogether: [][]string{{"loadbalancer_name", "loadbalancer_port", "instance_port"}},
		RequiredOneOf:    connectionConstraint,
		RequiredIf: []ansible.RequiredIf{
			{Name: "state", Value: "present", Requires: []string{"loadbalancer_name", "loadbalancer_port", "instance_port"}},
		},
		SupportsCheckMode: true,
		NullMeansAbsent:   true,
	}
	return ansible.NewProgram("nifcloud_lb", spec, func(ctx context.Context, m *ansible.Module, o lbOptions) ansible.Result {
		return runMembers(ctx, m, env, o.Connection, o.memberOptions, func(ctx context.Context, r *memberRun) ansible.Result {
			if o.LoadBalancerName == "" {
				return r.classicEverywhere(ctx)
			}
			return r.classicPort(ctx, membership.PortDefinition{LoadBalancerName: o.LoadBalancerName, LoadBalancerPort: o.LoadBalancerPort, InstancePort: o.InstancePort})
		})
	})
}

// classicTarget is a port definition as a target of a run.
func (r *memberRun) classicTarget(p membership.PortDefinition) target {
	key := r.key("classic", nifcloud.BareLoadBalancerName(p.LoadBalancerName))
	return target{
		listener: membership.Classic{Client: r.client, Port: p},
		id:       batch.Listener{LoadBalancerName: p.LoadBalancerName, LoadBalancerPort: p.LoadBalancerPort, InstancePort: p.InstancePort},
		build: func(l batch.Listener) membership.Listener {
			return membership.Classic{Client: r.client, Port: membership.PortDefinition{LoadBalancerName: l.LoadBalancerName, LoadBalancerPort: l.LoadBalancerPort, InstancePort: l.InstancePort}}
		},
		queue: key,
		stamp: batch.ReadStamp(r.root, key),
	}
}

// classicPort reconciles one port definition and waits for health if
// asked.
func (r *memberRun) classicPort(ctx context.Context, p membership.PortDefinition) ansible.Result {
	t := r.classicTarget(p)
	data := map[string]any{
		"loadbalancer_name": p.LoadBalancerName, "loadbalancer_port": p.LoadBalancerPort, "instance_port": p.InstancePort,
		"instances": nil, "registered": []string{}, "deregistered": []string{},
	}
	res, ok := r.read(ctx, &t, data)
	if !ok {
		return res
	}
	out, err := r.change(ctx, t)
	if err != nil {
		data["instances"] = t.snap.Members
		return failure(ctx, ansible.Result{Data: data}, err, r.o.InstanceIDs)
	}
	return r.waitHealth(ctx, t.listener, out, r.report(ctx, t, out, data))
}

// read reads a target's listener into t.snap. When the read ends the run
// (a failure, or a listener that is missing with state=absent), it returns
// the result and false.
func (r *memberRun) read(ctx context.Context, t *target, data map[string]any) (ansible.Result, bool) {
	snap, err := t.listener.Describe(ctx)
	if err == nil {
		t.snap = snap
		return ansible.Result{}, true
	}
	var missing *membership.MissingError
	if errors.As(err, &missing) && r.o.State != "present" {
		r.m.Warn(missing.Summary() + "; there is nothing to deregister")
		data["instances"] = []string{}
		return ansible.Result{Data: data, Diff: &ansible.Diff{Before: r.diffSide(data, nil), After: r.diffSide(data, nil)}}, false
	}
	return failure(ctx, ansible.Result{Data: data}, err, r.o.InstanceIDs), false
}

// classicEverywhere removes the servers from every port definition of every
// classic load balancer that has them: one DescribeLoadBalancers call, then
// one change per port definition touched, one after the other.
func (r *memberRun) classicEverywhere(ctx context.Context) ansible.Result {
	data := map[string]any{
		"loadbalancer_name": nil, "loadbalancer_port": nil, "instance_port": nil,
		// Several port definitions: no one list of members.
		"instances": nil, "registered": []string{}, "deregistered": []string{}, "updated": []map[string]any{},
	}
	stamps := batch.Stamps(r.root) // before the read they guard
	out, err := r.client.DescribeLoadBalancers(ctx, nil)
	if err != nil {
		return failure(ctx, ansible.Result{Data: data}, fmt.Errorf("describe load balancers: %w", err), r.o.InstanceIDs)
	}
	var targets []target
	seen := map[membership.PortDefinition]bool{}
	for _, d := range out.LoadBalancerDescriptions {
		lbPort, instPort := d.Ports()
		p := membership.PortDefinition{LoadBalancerName: d.LoadBalancerName, LoadBalancerPort: lbPort, InstancePort: instPort}
		if seen[p] || len(membership.Intersection(d.InstanceIDs(), r.o.InstanceIDs)) == 0 {
			continue
		}
		seen[p] = true
		t := r.classicTarget(p)
		t.snap, t.stamp = membership.Snapshot{Members: d.InstanceIDs(), HealthCheckInterval: d.HealthCheck.Interval}, stamps(t.queue)
		targets = append(targets, t)
	}
	slices.SortFunc(targets, func(a, b target) int { return compareListeners(a.id, b.id) })
	return r.everywhere(ctx, targets, data)
}

// everywhere changes each target in turn and reports them in "updated".
func (r *memberRun) everywhere(ctx context.Context, targets []target, data map[string]any) ansible.Result {
	var updated []map[string]any
	var deregistered []string
	before, after := map[string]any{}, map[string]any{}
	res := ansible.Result{Data: data, Diff: &ansible.Diff{Before: before, After: after}}
	for _, t := range targets {
		out, err := r.change(ctx, t)
		if err == nil && out.Err != nil && out.Missing == "" {
			err = errors.New(out.Err.Msg)
		}
		if len(out.Deregistered) > 0 {
			u := map[string]any{"loadbalancer_name": cmp.Or(t.name, t.id.LoadBalancerName), "loadbalancer_port": t.id.LoadBalancerPort,
				"instance_port": t.id.InstancePort, "deregistered": out.Deregistered}
			if t.id.LoadBalancerID != "" {
				u["loadbalancer_id"], u["protocol"] = t.id.LoadBalancerID, t.id.Protocol
			}
			updated = append(updated, u)
			deregistered = membership.Union(deregistered, out.Deregistered)
			before[t.listener.String()], after[t.listener.String()] = membership.Sorted(t.snap.Members), orEmpty(out.Instances)
		}
		if err != nil {
			res.Changed, data["updated"], data["deregistered"] = len(updated) > 0, orMaps(updated), membership.Sorted(deregistered)
			if out.Err != nil {
				return failed(ctx, res, out.Err)
			}
			return failure(ctx, res, err, r.o.InstanceIDs)
		}
	}
	res.Changed, data["updated"], data["deregistered"] = len(updated) > 0, orMaps(updated), membership.Sorted(deregistered)
	return res
}

// orMaps returns maps, or an empty list instead of nil.
func orMaps(maps []map[string]any) []map[string]any {
	if maps == nil {
		return []map[string]any{}
	}
	return maps
}

// compareListeners orders listeners by load balancer name or id, then
// ports, then protocol.
func compareListeners(a, b batch.Listener) int {
	return cmp.Or(
		strings.Compare(cmp.Or(a.LoadBalancerName, a.LoadBalancerID), cmp.Or(b.LoadBalancerName, b.LoadBalancerID)),
		cmp.Compare(a.LoadBalancerPort, b.LoadBalancerPort),
		cmp.Compare(a.InstancePort, b.InstancePort),
		strings.Compare(a.Protocol, b.Protocol),
	)
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

package modules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/batch"
	"nifcloud_lb/nifcloud/membership"
)

// memberOptions are the options nifcloud_lb and nifcloud_elb share: which
// servers, present or absent, and how.
type memberOptions struct {
	InstanceIDs []string `ansible:"instance_ids"`
	State       string   `ansible:"state"`
	Purge       bool     `ansible:"purge_instance_ids"`
	Wait        bool     `ansible:"wait"`
	WaitTimeout int      `ansible:"wait_timeout"`
	Batch       bool     `ansible:"batch"`
}

// memberOptionSpecs are the spec of memberOptions.
func memberOptionSpecs() []ansible.Option {
	return []ansible.Option{
		{Name: "instance_ids", Type: ansible.TypeList, Elements: ansible.TypeStr, Required: true, Aliases: []string{"instance_id", "instances"},
			Checks: []ansible.Check{ansible.NonEmpty(), ansible.NonEmptyElements(), serverNames()}},
		{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
		{Name: "purge_instance_ids", Type: ansible.TypeBool, Default: false},
		{Name: "wait", Type: ansible.TypeBool, Default: false},
		{Name: "wait_timeout", Type: ansible.TypeInt, Default: 300, Checks: []ansible.Check{ansible.IntRange(1, 3600)}},
		{Name: "batch", Type: ansible.TypeBool, Default: true},
	}
}

// check reports the combinations the spec cannot refuse, and warns about
// those that only make no sense.
func (o memberOptions) check(m *ansible.Module) error {
	if o.Purge && o.State != "present" {
		return errors.New("purge_instance_ids=true is only valid with state=present, got state=absent; " +
			"to remove servers, list them in instance_ids with state=absent")
	}
	if o.Wait && o.State != "present" {
		m.Warn("wait has no effect with state=absent: nothing is registered, so there is nothing to wait for")
	}
	return nil
}

// memberRun is one run of a membership module.
type memberRun struct {
	m        *ansible.Module
	env      Env
	o        memberOptions
	client   *nifcloud.Client
	rec      *membership.Reconciler
	deadline time.Time // of every wait: the lock, a busy load balancer, health
	root     string    // of the lock folders
	// creds tell apart the endpoint and the credentials in a queue's key.
	creds []string
	// stamps are the queues' change counters right after this run's own
	// changes: a later change of the same load balancer in this run
	// trusts its read unless someone else changed it since.
	stamps map[string]batch.Stamp
}

// newMemberRun builds the client and the reconciler of a run.
func newMemberRun(m *ansible.Module, env Env, conn Connection, o memberOptions, log *callLog) (*memberRun, error) {
	if err := o.check(m); err != nil {
		return nil, err
	}
	client, err := conn.client(m, env, log)
	if err != nil {
		return nil, err
	}
	return &memberRun{
		m: m, env: env, o: o, client: client,
		rec:      &membership.Reconciler{CheckMode: m.Internal.CheckMode, Clock: env.Clock, Jitter: env.Jitter},
		deadline: env.Clock.Now().Add(time.Duration(o.WaitTimeout) * time.Second),
		root:     batch.Root(m.Getenv),
		creds:    []string{client.Endpoint.String(), conn.AccessKey, conn.SecretAccessKey},
		stamps:   map[string]batch.Stamp{},
	}, nil
}

// key returns the name of a queue folder for parts of a load balancer's
// identity, hashed with the endpoint and the credentials.
func (r *memberRun) key(parts ...string) string {
	return batch.Key(append(slices.Clone(r.creds), parts...)...)
}

// target is one listener a run changes.
type target struct {
	// listener reaches it; snap is this run's own read of it.
	listener membership.Listener
	snap     membership.Snapshot
	// id identifies it in requests; build reaches the listener of another
	// run's request on the same load balancer. name is its load balancer's
	// name, for the result.
	id    batch.Listener
	name  string
	build func(batch.Listener) membership.Listener
	// queue and aliases are the keys of its load balancer's queue folder;
	// stamp is the change counter taken before the read.
	queue   string
	aliases []string
	stamp   batch.Stamp
}

// plan is the run's own plan on members.
func (r *memberRun) plan(members []string) (add, remove []string) {
	if r.o.State != "present" {
		return nil, membership.Intersection(members, r.o.InstanceIDs)
	}
	add = membership.Difference(membership.Union(nil, r.o.InstanceIDs), members)
	if r.o.Purge {
		remove = membership.Difference(members, r.o.InstanceIDs)
	}
	return add, remove
}

// change brings one listener to the run's plan: nothing to do, or check
// mode, needs no lock; otherwise the request goes through the load
// balancer's queue, where this run or another applies it.
func (r *memberRun) change(ctx context.Context, t target) (batch.Outcome, error) {
	add, remove := r.plan(t.snap.Members)
	if len(add) == 0 && len(remove) == 0 || r.m.Internal.CheckMode {
		after := membership.Sorted(membership.Union(membership.Difference(t.snap.Members, remove), add))
		return batch.Outcome{Result: batch.Result{Registered: orEmpty(add), Deregistered: orEmpty(remove), Instances: after,
			HealthCheckInterval: t.snap.HealthCheckInterval}}, nil
	}
	q, err := batch.Open(r.root, t.queue, t.aliases...)
	if err != nil {
		return batch.Outcome{}, fmt.Errorf("%w (set %s to a folder of your own)", err, batch.EnvDir)
	}
	req := batch.Request{Listener: t.id, Present: r.o.State == "present", Instances: r.o.InstanceIDs,
		Purge: r.o.Purge, Alone: !r.o.Batch, Add: add, Remove: remove}
	if s, ok := r.stamps[t.queue]; ok {
		t.stamp = s
	}
	out, err := q.Do(ctx, req, t.stamp, r.deadline.Sub(r.env.Clock.Now()), r.serve(t))
	r.stamps[t.queue] = q.StampAfter(out)
	if err != nil || !out.Unknown {
		return out, err
	}
	return r.unknown(ctx, t, add, remove)
}

// unknown settles an outcome this run could not learn (it stopped waiting
// while another run applied its request) by reading the listener again:
// what of its own plan the read shows applied counts as its change. When
// the read fails, its whole plan counts: it may have been applied.
func (r *memberRun) unknown(ctx context.Context, t target, add, remove []string) (batch.Outcome, error) {
	snap, err := t.listener.Describe(ctx)
	if err != nil {
		info := errorInfo(ctx, err, nil)
		info.Msg = fmt.Sprintf("%s: another run on this machine was applying this run's change when the wait ended, and reading it again failed, so the change may or may not have been made: %s", t.listener, info.Msg)
		return batch.Outcome{Result: batch.Result{Registered: orEmpty(add), Deregistered: orEmpty(remove), Instances: t.snap.Members, Err: info}}, nil
	}
	out := batch.Outcome{Result: batch.Result{
		Registered: membership.Intersection(add, snap.Members), Deregistered: membership.Difference(remove, snap.Members),
		Instances: membership.Sorted(snap.Members), HealthCheckInterval: snap.HealthCheckInterval,
	}}
	if a, rm := r.plan(snap.Members); len(a) > 0 || len(rm) > 0 {
		out.Err = &batch.Error{Msg: fmt.Sprintf("%s: another run on this machine was still applying this run's change when wait_timeout ran out; the state read afterwards still needs this change: %s",
			t.listener, membership.DescribePlan(a, rm))}
	}
	return out, nil
}

// serve is the batch.Serve of a run holding a load balancer's lock: it
// applies the requests of one listener, its own and other runs', as one
// change. Its own read stands for the listener's state unless the load
// balancer may have changed since (fresh).
func (r *memberRun) serve(t target) batch.Serve {
	return func(ctx context.Context, id batch.Listener, reqs []batch.Request, fresh bool) batch.Result {
		l := t.listener
		var known *membership.Snapshot
		if id != t.id {
			l = t.build(id)
		} else if !fresh {
			known = &t.snap
		}
		c, err := r.rec.Apply(ctx, l, known, combined(reqs))
		res := batch.Result{Registered: orEmpty(c.Registered), Deregistered: orEmpty(c.Deregistered),
			Instances: c.After, HealthCheckInterval: c.HealthCheckInterval, State: stateOf(l)}
		if err == nil {
			return res
		}
		res.Instances = c.Members
		var missing *membership.MissingError
		if errors.As(err, &missing) {
			res.Missing = missing.Summary()
		}
		res.Err = r.scrubbed(errorInfo(ctx, err, reqs))
		return res
	}
}

// runMembers runs a membership module: do, with the run of its options,
// within the API budget plus wait_timeout, and the API calls it made in the
// result.
func runMembers(ctx context.Context, m *ansible.Module, env Env, conn Connection, o memberOptions, do func(context.Context, *memberRun) ansible.Result) ansible.Result {
	var log callLog
	r, err := newMemberRun(m, env, conn, o, &log)
	if err != nil {
		return ansible.Failf("%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, apiBudget+time.Duration(o.WaitTimeout)*time.Second)
	defer cancel()
	res := do(ctx, r)
	log.addTo(res.Data)
	return res
}

// combined is the plan of several requests of one listener, which the queue
// lets go together: no server is both registered and deregistered, and a
// request with purge is alone.
func combined(reqs []batch.Request) membership.Plan {
	return func(members []string) (add, remove []string) {
		for _, q := range reqs {
			if !q.Present {
				remove = membership.Union(remove, membership.Intersection(members, q.Instances))
				continue
			}
			add = membership.Union(add, membership.Difference(q.Instances, members))
			if q.Purge {
				remove = membership.Union(remove, membership.Difference(members, q.Instances))
			}
		}
		return add, remove
	}
}

// stateOf returns the state of a listener's load balancer, when it has one.
func stateOf(l membership.Listener) string {
	if e, ok := l.(*membership.Elastic); ok {
		return e.State()
	}
	return ""
}

// scrubbed masks this run's secrets (its signatures above all) in what it
// writes for the other runs of a batch to report: their own scrubbing does
// not know them.
func (r *memberRun) scrubbed(e *batch.Error) *batch.Error {
	e.Msg, e.Message, e.RequestID = r.m.Scrub(e.Msg), r.m.Scrub(e.Message), r.m.Scrub(e.RequestID)
	e.Code = r.m.Scrub(e.Code)
	return e
}

// errorInfo turns the failure of a change into what every run of the batch
// reports: the message with its hints, and the API's error.
func errorInfo(ctx context.Context, err error, reqs []batch.Request) *batch.Error {
	var names []string
	for _, q := range reqs {
		names = membership.Union(names, q.Instances)
	}
	info := &batch.Error{Msg: explain(err, names)}
	if ie, ok := ansible.Interrupted(ctx); ok {
		info.Msg = fmt.Sprintf("Interrupted by %s while it changed the load balancer. Cause: %v", ie.Name(), err)
	}
	var apiErr *nifcloud.APIError
	if errors.As(err, &apiErr) {
		info.Code, info.Message, info.RequestID, info.HTTPStatus = apiErr.Code, apiErr.Message, apiErr.RequestID, apiErr.StatusCode
	}
	return info
}

// report turns the outcome of one listener into the module's result data
// (the keys data already holds stay), its diff and its failure.
func (r *memberRun) report(ctx context.Context, t target, out batch.Outcome, data map[string]any) ansible.Result {
	data["instances"] = out.Instances
	data["registered"] = orEmpty(out.Registered)
	data["deregistered"] = orEmpty(out.Deregistered)
	res := ansible.Result{Changed: len(out.Registered)+len(out.Deregistered) > 0, Data: data}
	absentMissing := r.o.State != "present" && out.Missing != ""
	if out.Err != nil && !absentMissing {
		return failed(ctx, res, out.Err)
	}
	if absentMissing {
		r.m.Warn(out.Missing + "; there is nothing to deregister")
		data["instances"] = []string{}
	}
	res.Diff = &ansible.Diff{Before: r.diffSide(data, t.snap.Members), After: r.diffSide(data, out.Instances)}
	return res
}

// diffSide is one side of the diff of a listener: its identity from data,
// and its members.
func (r *memberRun) diffSide(data map[string]any, members []string) map[string]any {
	side := map[string]any{"instances": orEmpty(members)}
	for _, k := range []string{"loadbalancer_name", "loadbalancer_id", "loadbalancer_port", "instance_port", "protocol"} {
		if v, ok := data[k]; ok {
			side[k] = v
		}
	}
	return side
}

// failed turns res into the failure of a run whose change failed as info
// says.
func failed(ctx context.Context, res ansible.Result, info *batch.Error) ansible.Result {
	res.Failed, res.Msg = true, info.Msg
	if ie, ok := ansible.Interrupted(ctx); ok {
		res.Msg = interruptedMsg(ie, res) + " Cause: " + info.Msg
	}
	if info.Code != "" || info.HTTPStatus != 0 {
		res.Data["error_code"] = info.Code
		res.Data["error_message"] = info.Message
		res.Data["request_id"] = info.RequestID
		res.Data["http_status"] = info.HTTPStatus
	}
	return res
}

// waitHealth waits, with wait, until the servers this run registered are
// in service, within the run's deadline.
func (r *memberRun) waitHealth(ctx context.Context, l membership.Listener, out batch.Outcome, res ansible.Result) ansible.Result {
	if !r.o.Wait || r.o.State != "present" || res.Failed {
		return res
	}
	if r.m.Internal.CheckMode {
		res.Data["instance_health"] = []map[string]any{}
		return res
	}
	left := r.deadline.Sub(r.env.Clock.Now())
	health, err := r.rec.WaitInService(ctx, l, out.Registered, membership.PollInterval(out.HealthCheckInterval), max(left, 0))
	res.Data["instance_health"] = healthInfo(health)
	if err != nil {
		return failure(ctx, res, err, r.o.InstanceIDs)
	}
	return res
}

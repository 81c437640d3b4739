package modules

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/batch"
	"nifcloud_lb/nifcloud/membership"
)

// elbOptions are the options of nifcloud_elb.
type elbOptions struct {
	Connection
	memberOptions
	LoadBalancerName string `ansible:"loadbalancer_name"`
	LoadBalancerID   string `ansible:"loadbalancer_id"`
	Protocol         string `ansible:"protocol"`
	LoadBalancerPort int    `ansible:"loadbalancer_port"`
	InstancePort     int    `ansible:"instance_port"`
}

// elasticID is the form of a Multi Load Balancer's id ("elb-0a1b2c3d"):
// the length of its tail is not documented, so any is accepted.
var elasticID = regexp.MustCompile(`^elb-[0-9A-Za-z]{1,60}$`)

// elbProgram is nifcloud_elb: the members of a Multi Load Balancer's
// listener. library/nifcloud_elb.yml documents the same options.
func elbProgram(env Env) ansible.Program {
	port := []ansible.Check{portRange}
	own := append([]ansible.Option{
		{Name: "loadbalancer_name", Aliases: []string{"name", "elb_name"}, Checks: []ansible.Check{elasticName}},
		{Name: "loadbalancer_id", Aliases: []string{"elb_id"}, Checks: []ansible.Check{ansible.MatchRegexp(elasticID, "a Multi Load Balancer id such as elb-0a1b2c3d")}},
		{Name: "protocol", Choices: []any{nifcloud.ProtocolTCP, nifcloud.ProtocolUDP, nifcloud.ProtocolHTTP, nifcloud.ProtocolHTTPS}},
		{Name: "loadbalancer_port", Type: ansible.TypeInt, Aliases: []string{"elb_port"}, Checks: port},
		{Name: "instance_port", Type: ansible.TypeInt, Checks: port},
	}, memberOptionSpecs()...)
	spec := ansible.Spec{
		Options:           connectionOptions(own...),
		MutuallyExclusive: [][]string{{"loadbalancer_name", "loadbalancer_id"}},
		RequiredTogether:  [][]string{{"loadbalancer_port", "instance_port"}},
		RequiredOneOf:     connectionConstraint,
		RequiredIf: []ansible.RequiredIf{
			{Name: "state", Value: "present", Requires: []string{"loadbalancer_name", "loadbalancer_id"}, AnyOf: true},
			{Name: "state", Value: "present", Requires: []string{"loadbalancer_port", "instance_port"}},
		},
		RequiredBy: map[string][]string{
			"loadbalancer_name": {"loadbalancer_port", "instance_port"},
			"loadbalancer_id":   {"loadbalancer_port", "instance_port"},
		},
		SupportsCheckMode: true,
		NullMeansAbsent:   true,
	}
	return ansible.NewProgram("nifcloud_elb", spec, func(ctx context.Context, m *ansible.Module, o elbOptions) ansible.Result {
		everywhere := o.LoadBalancerName == "" && o.LoadBalancerID == ""
		if everywhere && (o.Protocol != "" || o.LoadBalancerPort != 0) {
			return ansible.Failf("protocol, loadbalancer_port and instance_port need loadbalancer_name or loadbalancer_id; " +
				"without a load balancer, state=absent removes the servers from every Multi Load Balancer listener that has them")
		}
		return runMembers(ctx, m, env, o.Connection, o.memberOptions, func(ctx context.Context, r *memberRun) ansible.Result {
			if everywhere {
				return r.elasticEverywhere(ctx)
			}
			return r.elasticListener(ctx, membership.ElasticTarget{Name: o.LoadBalancerName, ID: o.LoadBalancerID,
				Protocol: o.Protocol, Port: o.LoadBalancerPort, InstancePort: o.InstancePort})
		})
	})
}

// elastic returns the listener of a Multi Load Balancer.
func (r *memberRun) elastic(t membership.ElasticTarget) *membership.Elastic {
	return &membership.Elastic{Client: r.client, Target: t, Clock: r.env.Clock, Jitter: r.env.Jitter, Deadline: r.deadline}
}

// elasticQueue completes a target with the queue of its load balancer,
// known by id and name: it is keyed by id, with the name as an alias.
func (r *memberRun) elasticQueue(t *target, id, name, protocol string, port, instancePort int) {
	t.id = batch.Listener{LoadBalancerID: id, Protocol: protocol, LoadBalancerPort: port, InstancePort: instancePort}
	t.name = name
	t.queue, t.aliases = r.key("elastic-id", id), []string{r.key("elastic-name", name)}
	t.build = func(bl batch.Listener) membership.Listener {
		return r.elastic(membership.ElasticTarget{ID: bl.LoadBalancerID, Protocol: bl.Protocol, Port: bl.LoadBalancerPort, InstancePort: bl.InstancePort})
	}
}

// elasticListener reconciles one listener of a Multi Load Balancer and
// waits for health if asked.
func (r *memberRun) elasticListener(ctx context.Context, et membership.ElasticTarget) ansible.Result {
	l := r.elastic(et)
	key := r.key("elastic-name", et.Name)
	if et.ID != "" {
		key = r.key("elastic-id", et.ID)
	}
	t := target{listener: l, stamp: batch.ReadStamp(r.root, key)}
	data := map[string]any{
		"loadbalancer_name": orNull(et.Name), "loadbalancer_id": orNull(et.ID), "protocol": orNull(et.Protocol),
		"loadbalancer_port": et.Port, "instance_port": et.InstancePort, "state": nil,
		"instances": nil, "registered": []string{}, "deregistered": []string{},
	}
	res, ok := r.read(ctx, &t, data)
	data["loadbalancer_name"], data["loadbalancer_id"] = orNull(cmp.Or(l.Name(), et.Name)), orNull(cmp.Or(l.ID(), et.ID))
	data["protocol"], data["state"] = orNull(cmp.Or(l.Protocol(), et.Protocol)), orNull(l.State())
	if !ok {
		return res
	}
	r.elasticQueue(&t, l.ID(), l.Name(), l.Protocol(), et.Port, et.InstancePort)
	out, err := r.change(ctx, t)
	if out.State != "" {
		data["state"] = out.State
	}
	if err != nil {
		data["instances"] = t.snap.Members
		return failure(ctx, ansible.Result{Data: data}, err, r.o.InstanceIDs)
	}
	return r.waitHealth(ctx, l, out, r.report(ctx, t, out, data))
}

// elasticEverywhere removes the servers from every listener of every Multi
// Load Balancer that has them: one NiftyDescribeElasticLoadBalancers call,
// then one change per listener touched, one after the other, each waiting
// for its load balancer to be available.
func (r *memberRun) elasticEverywhere(ctx context.Context) ansible.Result {
	data := map[string]any{
		"loadbalancer_name": nil, "loadbalancer_id": nil, "protocol": nil, "loadbalancer_port": nil, "instance_port": nil, "state": nil,
		"instances": nil, "registered": []string{}, "deregistered": []string{}, "updated": []map[string]any{},
	}
	stamps := batch.Stamps(r.root) // before the read they guard
	out, err := r.client.NiftyDescribeElasticLoadBalancers(ctx, nil)
	if err != nil {
		return failure(ctx, ansible.Result{Data: data}, fmt.Errorf("describe Multi Load Balancers: %w", err), r.o.InstanceIDs)
	}
	var targets []target
	for _, d := range out.ElasticLoadBalancerDescriptions {
		for _, x := range d.Listeners {
			if len(membership.Intersection(x.InstanceIDs(), r.o.InstanceIDs)) == 0 {
				continue
			}
			l := r.elastic(membership.ElasticTarget{ID: d.ElasticLoadBalancerID, Protocol: x.Protocol, Port: x.ElasticLoadBalancerPort, InstancePort: x.InstancePort})
			t := target{listener: l, snap: membership.Snapshot{Members: x.InstanceIDs(), HealthCheckInterval: x.HealthCheck.Interval,
				Busy: d.State != nifcloud.ElasticLoadBalancerStateAvailable}}
			r.elasticQueue(&t, d.ElasticLoadBalancerID, d.ElasticLoadBalancerName, x.Protocol, x.ElasticLoadBalancerPort, x.InstancePort)
			t.stamp = stamps(t.queue)
			targets = append(targets, t)
		}
	}
	slices.SortFunc(targets, func(a, b target) int { return compareListeners(a.id, b.id) })
	return r.everywhere(ctx, targets, data)
}

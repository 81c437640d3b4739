package modules

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/membership"
)

// The kinds of load balancer: the values of nifcloud_lb_info's kind option
// and of the kind of each load balancer it returns.
const (
	kindClassic = "classic"
	kindElastic = "elastic"
	kindAll     = "all"
)

// maxCallsInFlight bounds the API calls nifcloud_lb_info makes at once
// within one family: the DescribeInstanceHealth calls, and the
// DescribeLoadBalancers calls of the names.
const maxCallsInFlight = 8

// lbInfoOptions are the options of nifcloud_lb_info.
type lbInfoOptions struct {
	Connection
	Names            []string `ansible:"names"`
	LoadBalancerPort *int     `ansible:"loadbalancer_port"`
	InstancePort     *int     `ansible:"instance_port"`
	Kind             string   `ansible:"kind"`
	Health           bool     `ansible:"health"`
}

// lbInfoProgram is nifcloud_lb_info: a read-only view of the classic and
// the Multi Load Balancers, their listeners, members and health.
// library/nifcloud_lb_info.yml documents the same options and results.
func lbInfoProgram(env Env) ansible.Program {
	port := []ansible.Check{portRange}
	spec := ansible.Spec{
		Options: connectionOptions(
			// One list serves both kinds, so the names are checked with
			// the classic rule, the wider one (it allows the sharing
			// prefix).
			ansible.Option{Name: "names", Type: ansible.TypeList, Elements: ansible.TypeStr,
				Aliases: []string{"name", "loadbalancer_names", "loadbalancer_name"},
				Checks:  []ansible.Check{namesGiven, ansible.NonEmptyElements(), classicName}},
			ansible.Option{Name: "loadbalancer_port", Type: ansible.TypeInt, Checks: port},
			ansible.Option{Name: "instance_port", Type: ansible.TypeInt, Checks: port},
			ansible.Option{Name: "kind", Default: kindAll, Choices: []any{kindClassic, kindElastic, kindAll}},
			ansible.Option{Name: "health", Type: ansible.TypeBool, Default: true},
		),
		RequiredOneOf:     connectionConstraint,
		SupportsCheckMode: true,
		NullMeansAbsent:   true,
	}
	return ansible.NewProgram("nifcloud_lb_info", spec, func(ctx context.Context, m *ansible.Module, o lbInfoOptions) ansible.Result {
		slices.Sort(o.Names)
		o.Names = slices.Compact(o.Names)
		return (&lbInfoRun{env: env, m: m, o: o}).run(ctx)
	})
}

// namesGiven refuses an empty list of names: a list that came out empty
// (an empty variable) must not turn into "every load balancer".
func namesGiven(name string, value any) error {
	if items, _ := value.([]any); len(items) == 0 {
		return fmt.Errorf("value of %s must not be empty: leave %s out (or null) to read every load balancer", name, name)
	}
	return nil
}

// lbInfoRun is one run of nifcloud_lb_info.
type lbInfoRun struct {
	env    Env
	m      *ansible.Module
	o      lbInfoOptions
	log    callLog
	client *nifcloud.Client
}

// run builds the client, reads, and reports. Check mode makes the same
// reads: nothing here changes anything.
func (r *lbInfoRun) run(ctx context.Context) ansible.Result {
	client, err := r.o.client(r.m, r.env, &r.log)
	if err != nil {
		return ansible.Failf("%v", err)
	}
	r.client = client
	ctx, cancel := context.WithTimeout(ctx, apiBudget)
	defer cancel()
	lbs, err := r.read(ctx)
	res := ansible.Result{Data: map[string]any{"load_balancers": lbs}}
	if err != nil {
		// Never a partial list that would look complete.
		res.Data["load_balancers"] = nil
		res = failure(ctx, res, err, nil)
	}
	r.log.addTo(res.Data)
	return res
}

// read reads the families the kind option names, at the same time, and
// returns their load balancers sorted by kind, then name, each with its
// listeners sorted by ports, then protocol. The first family that fails
// fails the read.
func (r *lbInfoRun) read(ctx context.Context) ([]lbInfo, error) {
	var readers []func(context.Context) ([]lbInfo, error)
	if r.o.Kind != kindElastic {
		readers = append(readers, r.classic)
	}
	if r.o.Kind != kindClassic {
		readers = append(readers, r.elastic)
	}
	found := make([][]lbInfo, len(readers))
	err := forEach(ctx, len(readers), len(readers), func(ctx context.Context, i int) error {
		var err error
		found[i], err = readers[i](ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	lbs := []lbInfo{}
	for _, f := range found {
		lbs = append(lbs, f...)
	}
	for _, lb := range lbs {
		slices.SortFunc(lb.Listeners, func(a, b listenerInfo) int {
			return cmp.Or(cmp.Compare(a.LoadBalancerPort, b.LoadBalancerPort), cmp.Compare(a.InstancePort, b.InstancePort),
				cmp.Compare(a.Protocol, b.Protocol))
		})
	}
	slices.SortFunc(lbs, func(a, b lbInfo) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name)) })
	return lbs, nil
}

// wanted reports whether the names option asks for the load balancer.
func (r *lbInfoRun) wanted(name string) bool {
	return len(r.o.Names) == 0 || slices.Contains(r.o.Names, name)
}

// portWanted reports whether the port options ask for the listener.
func (r *lbInfoRun) portWanted(lbPort, instPort int) bool {
	return (r.o.LoadBalancerPort == nil || *r.o.LoadBalancerPort == lbPort) &&
		(r.o.InstancePort == nil || *r.o.InstancePort == instPort)
}

// ownScope says how to read a family's own load balancers (those not
// named in the shared form "ABC12345.name"): call reports whether a
// describe call is needed at all (no names are given, or some not in the
// shared form), and name is the name to narrow it to when exactly one such
// name is given; "" reads them all. The API fails a describe call that names
// one unknown load balancer among several, so several names are read with
// one call without names, filtered here; one name is read with a call
// narrowed to it, whose "not found" means absent.
func (r *lbInfoRun) ownScope() (call bool, name string) {
	var own []string
	for _, n := range r.o.Names {
		if !isShared(n) {
			own = append(own, n)
		}
	}
	if len(own) == 1 {
		return true, own[0]
	}
	return len(r.o.Names) == 0 || len(own) > 0, ""
}

// isShared reports a name in the shared form "ABC12345.name", the form of
// a classic load balancer shared by another NIFCLOUD ID.
func isShared(name string) bool { return strings.Contains(name, ".") }

// classic reads the classic load balancers: their port definitions, then
// the health of each one with members.
func (r *lbInfoRun) classic(ctx context.Context) ([]lbInfo, error) {
	descs, err := r.classicDescriptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("read classic load balancers: %w", err)
	}
	lbs := r.groupClassic(descs)
	if r.o.Health {
		if lbs, err = r.classicHealth(ctx, lbs); err != nil {
			return nil, fmt.Errorf("read classic load balancers: %w", err)
		}
	}
	return lbs, nil
}

// classicDescriptions returns the port definitions to read: the account's
// own ones as ownScope says, and those of each shared name, with a call of
// its own (a call without names lists only the account's own load
// balancers).
func (r *lbInfoRun) classicDescriptions(ctx context.Context) ([]nifcloud.LoadBalancerDescription, error) {
	var calls []*string // nil: every load balancer of the account
	if call, name := r.ownScope(); call {
		calls = append(calls, optional(name))
	}
	for _, n := range r.o.Names {
		if isShared(n) {
			calls = append(calls, &n)
		}
	}
	found := make([][]nifcloud.LoadBalancerDescription, len(calls))
	err := forEach(ctx, len(calls), maxCallsInFlight, func(ctx context.Context, i int) error {
		var err error
		found[i], err = r.describeClassic(ctx, calls[i])
		return err
	})
	return slices.Concat(found...), err
}

// describeClassic makes one DescribeLoadBalancers call: without names when
// name is nil, else narrowed to the load balancer, which is then absent
// when the API does not know it. A shared load balancer's descriptions are
// returned under the name as given (the API may answer with the bare name;
// see membership.Classic).
func (r *lbInfoRun) describeClassic(ctx context.Context, name *string) ([]nifcloud.LoadBalancerDescription, error) {
	if name == nil {
		out, err := r.client.DescribeLoadBalancers(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("describe load balancers: %w", err)
		}
		return out.LoadBalancerDescriptions, nil
	}
	out, err := r.client.DescribeLoadBalancers(ctx, &nifcloud.DescribeLoadBalancersInput{
		LoadBalancers: nifcloud.LoadBalancerSelectors{{Name: *name}},
	})
	if nifcloud.ErrorCode(err) == nifcloud.CodeLoadBalancerNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe load balancer %s: %w", *name, err)
	}
	_, bare, _ := strings.Cut(*name, ".")
	var descs []nifcloud.LoadBalancerDescription
	for _, d := range out.LoadBalancerDescriptions {
		if d.LoadBalancerName == *name || bare != "" && d.LoadBalancerName == bare {
			d.LoadBalancerName = *name
			descs = append(descs, d)
		}
	}
	return descs, nil
}

// groupClassic turns the port definitions the options ask for into load
// balancers, in the order of descs: one per name, with one listener per
// port definition (a repeated one is kept once). A load balancer none of
// whose port definitions is asked for is left out.
func (r *lbInfoRun) groupClassic(descs []nifcloud.LoadBalancerDescription) []lbInfo {
	index := map[string]int{}
	var lbs []lbInfo
	for _, d := range descs {
		lbPort, instPort := d.Ports()
		if !r.wanted(d.LoadBalancerName) || !r.portWanted(lbPort, instPort) {
			continue
		}
		i, seen := index[d.LoadBalancerName]
		if !seen {
			i = len(lbs)
			index[d.LoadBalancerName] = i
			lbs = append(lbs, classicInfo(d))
		}
		if !slices.ContainsFunc(lbs[i].Listeners, func(l listenerInfo) bool {
			return l.LoadBalancerPort == lbPort && l.InstancePort == instPort
		}) {
			lbs[i].Listeners = append(lbs[i].Listeners, classicListener(d))
		}
	}
	return lbs
}

// classicHealth sets the health of every listener with members, with one
// DescribeInstanceHealth call each, at most maxCallsInFlight at a time. A
// port definition the API no longer knows (deleted since it was described)
// is left out, and so is a load balancer left without listeners.
func (r *lbInfoRun) classicHealth(ctx context.Context, lbs []lbInfo) ([]lbInfo, error) {
	var todo []*listenerInfo
	names := map[*listenerInfo]string{}
	for i := range lbs {
		for j := range lbs[i].Listeners {
			if l := &lbs[i].Listeners[j]; len(l.Instances) > 0 {
				todo = append(todo, l)
				names[l] = lbs[i].Name
			}
		}
	}
	err := forEach(ctx, len(todo), maxCallsInFlight, func(ctx context.Context, i int) error {
		l := todo[i]
		out, err := r.client.DescribeInstanceHealth(ctx, &nifcloud.DescribeInstanceHealthInput{
			LoadBalancerName: names[l], LoadBalancerPort: l.LoadBalancerPort, InstancePort: l.InstancePort,
		})
		switch {
		case nifcloud.ErrorCode(err) == nifcloud.CodeLoadBalancerNotFound || nifcloud.ErrorCode(err) == nifcloud.CodeLoadBalancerPortNotFound:
			l.gone = true
		case err != nil:
			return fmt.Errorf("describe instance health of %s (%d->%d): %w", names[l], l.LoadBalancerPort, l.InstancePort, err)
		default:
			l.InstanceHealth = memberHealth(l.Instances, out.InstanceStates)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	kept := lbs[:0]
	for _, lb := range lbs {
		lb.Listeners = slices.DeleteFunc(lb.Listeners, func(l listenerInfo) bool { return l.gone })
		if len(lb.Listeners) > 0 {
			kept = append(kept, lb)
		}
	}
	return kept, nil
}

// elastic reads the Multi Load Balancers with one
// NiftyDescribeElasticLoadBalancers call, as ownScope says (Multi Load
// Balancers are never shared). The health comes from the InstanceStates
// of that reply: it carries them per listener, with the fields of
// NiftyDescribeInstanceElasticLoadBalancerHealth, from the same moment as
// the members; a call per listener would add calls for the same data.
func (r *lbInfoRun) elastic(ctx context.Context) ([]lbInfo, error) {
	call, name := r.ownScope()
	if !call {
		return nil, nil
	}
	in := &nifcloud.NiftyDescribeElasticLoadBalancersInput{}
	if name != "" {
		in.ElasticLoadBalancers = nifcloud.ElasticLoadBalancerSelectors{{Name: name}}
	}
	out, err := r.client.NiftyDescribeElasticLoadBalancers(ctx, in)
	if name != "" && nifcloud.ErrorCode(err) == nifcloud.CodeElasticLoadBalancerNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read elastic load balancers: describe elastic load balancers: %w", err)
	}
	var lbs []lbInfo
	for _, d := range out.ElasticLoadBalancerDescriptions {
		if !r.wanted(d.ElasticLoadBalancerName) {
			continue
		}
		lb := elasticInfo(d)
		for _, l := range d.Listeners {
			if r.portWanted(l.ElasticLoadBalancerPort, l.InstancePort) {
				lb.Listeners = append(lb.Listeners, elasticListener(l, r.o.Health))
			}
		}
		if len(lb.Listeners) > 0 {
			lbs = append(lbs, lb)
		}
	}
	return lbs, nil
}

// forEach calls f for 0 to n-1 concurrently, at most limit calls at a
// time, and returns the first error. That error cancels the context of the
// calls still running, and no call starts after it.
func forEach(ctx context.Context, n, limit int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		once    sync.Once
		first   error
		started int
	)
	slots := make(chan struct{}, limit)
	for ; started < n; started++ {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		i := started
		wg.Go(func() {
			defer func() { <-slots }()
			if err := f(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		})
	}
	wg.Wait()
	if first == nil && started < n {
		return ctx.Err() // the caller's context ended before every call started
	}
	return first
}

// lbInfo is one load balancer of load_balancers. Keys the API does not
// give for a kind are null (nil pointers and slices).
type lbInfo struct {
	Kind           string         `json:"kind"`
	Name           string         `json:"name"`
	ID             *string        `json:"id"`
	DNSName        string         `json:"dns_name"`
	State          *string        `json:"state"`
	NetworkVolume  int            `json:"network_volume"`
	AccountingType *string        `json:"accounting_type"`
	Listeners      []listenerInfo `json:"listeners"`
}

// listenerInfo is one listener (port definition) of a load balancer.
type listenerInfo struct {
	Protocol         string           `json:"protocol"`
	LoadBalancerPort int              `json:"loadbalancer_port"`
	InstancePort     int              `json:"instance_port"`
	BalancingType    *string          `json:"balancing_type"`
	HealthCheck      healthCheckInfo  `json:"health_check"`
	Filter           *filterInfo      `json:"filter"`
	Instances        []string         `json:"instances"`
	InstanceHealth   []map[string]any `json:"instance_health"`

	gone bool // the API no longer knows it (classic health)
}

// healthCheckInfo is the health check of a listener, with the keys of both
// kinds.
type healthCheckInfo struct {
	Target             string   `json:"target"`
	Interval           int      `json:"interval"`
	UnhealthyThreshold int      `json:"unhealthy_threshold"`
	HealthyThreshold   *int     `json:"healthy_threshold"`
	Path               *string  `json:"path"`
	Expectation        []string `json:"expectation"`
}

// filterInfo is the source address filter of a classic port definition.
type filterInfo struct {
	Type        *string  `json:"type"`
	IPAddresses []string `json:"ip_addresses"`
}

// classicInfo is a classic load balancer as one of its port definitions
// describes it, without listeners yet.
func classicInfo(d nifcloud.LoadBalancerDescription) lbInfo {
	return lbInfo{
		Kind:           kindClassic,
		Name:           d.LoadBalancerName,
		DNSName:        d.DNSName,
		NetworkVolume:  d.NetworkVolume,
		AccountingType: accountingTypes.name(d.AccountingType),
	}
}

// classicListener is the listener of a classic port definition, with no
// health yet.
func classicListener(d nifcloud.LoadBalancerDescription) listenerInfo {
	hc := d.HealthCheck
	return listenerInfo{
		Protocol:         d.Listener.Protocol,
		LoadBalancerPort: d.Listener.LoadBalancerPort,
		InstancePort:     d.Listener.InstancePort,
		BalancingType:    balancingType(d.Listener.BalancingType),
		HealthCheck: healthCheckInfo{
			Target: hc.Target, Interval: hc.Interval, UnhealthyThreshold: hc.UnhealthyThreshold,
			HealthyThreshold: ptr(hc.HealthyThreshold),
		},
		Filter:         &filterInfo{Type: filterTypes.name(d.Filter.FilterType), IPAddresses: ipAddresses(d.Filter.IPAddresses)},
		Instances:      members(d.InstanceIDs()),
		InstanceHealth: []map[string]any{},
	}
}

// ipAddresses are the addresses of a filter: [] when the API lists only
// "*.*.*.*" (every address), as listed otherwise.
func ipAddresses(addrs []string) []string {
	if len(addrs) == 1 && addrs[0] == nifcloud.FilterAllAddresses {
		return []string{}
	}
	return orEmpty(addrs)
}

// elasticInfo is a Multi Load Balancer, without listeners yet.
func elasticInfo(d nifcloud.ElasticLoadBalancerDescription) lbInfo {
	return lbInfo{
		Kind:           kindElastic,
		Name:           d.ElasticLoadBalancerName,
		ID:             optional(d.ElasticLoadBalancerID),
		DNSName:        d.DNSName,
		State:          optional(d.State),
		NetworkVolume:  d.NetworkVolume,
		AccountingType: accountingTypes.name(d.AccountingType),
	}
}

// elasticListener is a listener of a Multi Load Balancer, with the health
// of its reply when health is set.
func elasticListener(l nifcloud.ElasticLoadBalancerListener, health bool) listenerInfo {
	hc := l.HealthCheck
	info := listenerInfo{
		Protocol:         l.Protocol,
		LoadBalancerPort: l.ElasticLoadBalancerPort,
		InstancePort:     l.InstancePort,
		BalancingType:    balancingType(l.BalancingType),
		HealthCheck: healthCheckInfo{
			Target: hc.Target, Interval: hc.Interval, UnhealthyThreshold: hc.UnhealthyThreshold,
			Path: optional(hc.Path), Expectation: orEmpty(hc.Expectation),
		},
		Instances:      members(l.InstanceIDs()),
		InstanceHealth: []map[string]any{},
	}
	if health {
		info.InstanceHealth = memberHealth(info.Instances, hc.InstanceStates)
	}
	return info
}

// members returns server names sorted, each once.
func members(ids []string) []string {
	slices.Sort(ids)
	return orEmpty(slices.Compact(ids))
}

// memberHealth is the instance_health of a listener: one entry per member,
// in the order of members, with its state from states; a member missing
// from states, or listed with an empty state, has no result yet and is
// membership.StateUnknown, as in nifcloud_lb. Servers in states that are
// not members (registered after the describe) are left out.
func memberHealth(members []string, states []nifcloud.InstanceState) []map[string]any {
	byID := make(map[string]nifcloud.InstanceState, len(states))
	for _, s := range states {
		byID[s.InstanceID] = s
	}
	health := make([]membership.Health, 0, len(members))
	for _, id := range members {
		h := membership.Health{InstanceID: id, State: membership.StateUnknown}
		if s, ok := byID[id]; ok && s.State != "" {
			h = membership.Health{InstanceID: id, State: s.State, ReasonCode: s.ReasonCode, Description: s.Description}
		}
		health = append(health, h)
	}
	return healthInfo(health)
}

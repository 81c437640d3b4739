package modules

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/listener"
)

// listenerOptions are the options of nifcloud_lb_listener. The settings
// are zero (nil for the dicts) when not given: left alone on an existing
// load balancer and port definition, defaults on new ones.
type listenerOptions struct {
	Connection
	LoadBalancerName  string             `ansible:"loadbalancer_name"`
	LoadBalancerPort  int                `ansible:"loadbalancer_port"`
	InstancePort      int                `ansible:"instance_port"`
	State             string             `ansible:"state"`
	BalancingType     string             `ansible:"balancing_type"`
	NetworkVolume     int                `ansible:"network_volume"`
	AccountingType    string             `ansible:"accounting_type"`
	IPVersion         string             `ansible:"ip_version"`
	PolicyType        string             `ansible:"policy_type"`
	HealthCheck       *healthCheckOption `ansible:"health_check"`
	Filter            *filterOption      `ansible:"filter"`
	SessionStickiness *stickinessOption  `ansible:"session_stickiness"`
	SorryPage         *sorryPageOption   `ansible:"sorry_page"`
	Force             bool               `ansible:"force"`
}

// healthCheckOption is the health_check dict; zero fields are not given.
type healthCheckOption struct {
	Target             string `ansible:"target"`
	Interval           int    `ansible:"interval"`
	UnhealthyThreshold int    `ansible:"unhealthy_threshold"`
	HealthyThreshold   int    `ansible:"healthy_threshold"`
}

// filterOption is the filter dict; IPAddresses is nil when not given.
type filterOption struct {
	Type        string   `ansible:"type"`
	IPAddresses []string `ansible:"ip_addresses"`
	Purge       bool     `ansible:"purge"`
}

// stickinessOption is the session_stickiness dict.
type stickinessOption struct {
	Enabled          bool `ansible:"enabled"`
	ExpirationPeriod int  `ansible:"expiration_period"`
}

// sorryPageOption is the sorry_page dict.
type sorryPageOption struct {
	Enabled    bool `ansible:"enabled"`
	StatusCode int  `ansible:"status_code"`
}

// settingNames are the options that change settings, which state=absent
// does not use.
var settingNames = []string{"balancing_type", "network_volume", "accounting_type", "ip_version", "policy_type",
	"health_check", "filter", "session_stickiness", "sorry_page"}

// lbListenerProgram is nifcloud_lb_listener: a classic load balancer's port
// definition and the load balancer itself. library/nifcloud_lb_listener.yml
// documents the same options (a test keeps the two equal).
func lbListenerProgram(env Env) ansible.Program {
	port := []ansible.Check{portRange}
	spec := ansible.Spec{
		Options: connectionOptions(append([]ansible.Option{
			{Name: "loadbalancer_name", Required: true, Aliases: []string{"name", "load_balancer_name"}, Checks: []ansible.Check{classicName}},
			{Name: "loadbalancer_port", Type: ansible.TypeInt, Required: true, Aliases: []string{"load_balancer_port"}, Checks: port},
			{Name: "instance_port", Type: ansible.TypeInt, Required: true, Checks: port},
			{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
			{Name: "force", Type: ansible.TypeBool, Default: false},
		}, listenerSettingOptions()...)...),
		RequiredOneOf:     connectionConstraint,
		SupportsCheckMode: true,
		NullMeansAbsent:   true,
	}
	return ansible.NewProgram("nifcloud_lb_listener", spec, func(ctx context.Context, m *ansible.Module, o listenerOptions) ansible.Result {
		return (&listenerRun{env: env, m: m, o: o}).run(ctx)
	})
}

// listenerSettingOptions are the spec of the settings.
func listenerSettingOptions() []ansible.Option {
	threshold := []ansible.Check{ansible.IntRange(nifcloud.MinHealthCheckThreshold, nifcloud.MaxHealthCheckThreshold)}
	return []ansible.Option{
		{Name: "balancing_type", Choices: balancingTypes.choices()},
		{Name: "network_volume", Type: ansible.TypeInt, Checks: []ansible.Check{networkVolume}},
		{Name: "accounting_type", Choices: accountingTypes.choices()},
		{Name: "ip_version", Choices: []any{nifcloud.IPVersion4, nifcloud.IPVersion6}},
		{Name: "policy_type", Choices: []any{nifcloud.PolicyTypeStandard, nifcloud.PolicyTypeATS}},
		{Name: "health_check", Type: ansible.TypeDict, Options: []ansible.Option{
			{Name: "target", Checks: []ansible.Check{healthCheckTarget}},
			{Name: "interval", Type: ansible.TypeInt, Checks: []ansible.Check{ansible.IntRange(nifcloud.MinHealthCheckInterval, nifcloud.MaxHealthCheckInterval)}},
			{Name: "unhealthy_threshold", Type: ansible.TypeInt, Checks: threshold},
			{Name: "healthy_threshold", Type: ansible.TypeInt, Checks: threshold},
		}},
		{Name: "filter", Type: ansible.TypeDict, Options: []ansible.Option{
			{Name: "type", Choices: filterTypes.choices()},
			{Name: "ip_addresses", Type: ansible.TypeList, Elements: ansible.TypeStr, Checks: []ansible.Check{ansible.NonEmptyElements(), filterAddresses}},
			{Name: "purge", Type: ansible.TypeBool, Default: false},
		}},
		{Name: "session_stickiness", Type: ansible.TypeDict, Options: []ansible.Option{
			{Name: "enabled", Type: ansible.TypeBool, Required: true},
			{Name: "expiration_period", Type: ansible.TypeInt, Checks: []ansible.Check{ansible.IntRange(listener.MinStickinessPeriod, listener.MaxStickinessPeriod)}},
		}},
		{Name: "sorry_page", Type: ansible.TypeDict, Options: []ansible.Option{
			{Name: "enabled", Type: ansible.TypeBool, Required: true},
			{Name: "status_code", Type: ansible.TypeInt, Default: nifcloud.SorryPageStatusOK,
				Choices: []any{nifcloud.SorryPageStatusOK, nifcloud.SorryPageStatusServiceUnavailable}},
		}},
	}
}

// networkVolume checks network_volume against the bandwidths the API offers.
func networkVolume(name string, value any) error {
	if n, _ := value.(int); !listener.ValidNetworkVolume(n) {
		return fmt.Errorf("value of %s must be 10, 20, 30, 40, or 100 to 2000 in steps of 100, got: %v", name, value)
	}
	return nil
}

// healthCheckTarget checks health_check.target.
func healthCheckTarget(name string, value any) error {
	if s, _ := value.(string); !nifcloud.ValidHealthCheckTarget(s) {
		return fmt.Errorf("value of %s must be TCP:<port> or ICMP, got: %s", name, shown(fmt.Sprint(value)))
	}
	return nil
}

// filterAddresses checks filter.ip_addresses: addresses or CIDR blocks,
// "*.*.*.*" alone, and no more than a filter holds.
func filterAddresses(name string, value any) error {
	items, _ := value.([]any)
	distinct := map[string]bool{} // by canonical form, as the filter holds them
	for _, item := range items {
		s, _ := item.(string)
		c, ok := listener.CanonicalAddress(s)
		if !ok && s != nifcloud.FilterAllAddresses {
			return fmt.Errorf("value of %s must be IPv4 or IPv6 addresses or CIDR blocks, got: %s", name, shown(s))
		}
		distinct[cmp.Or(c, s)] = true
	}
	if distinct[nifcloud.FilterAllAddresses] && len(distinct) > 1 {
		return fmt.Errorf("value of %s must not list %s (all addresses) with other addresses", name, nifcloud.FilterAllAddresses)
	}
	if len(distinct) > listener.MaxFilterAddresses {
		return fmt.Errorf("value of %s must have at most %d addresses, got %d", name, listener.MaxFilterAddresses, len(distinct))
	}
	return nil
}

// listenerRun is one run of nifcloud_lb_listener.
type listenerRun struct {
	env Env
	m   *ansible.Module
	o   listenerOptions
	log callLog
}

// run checks what the spec cannot, builds the client, then reconciles and
// reports.
func (r *listenerRun) run(ctx context.Context) ansible.Result {
	d, err := r.desired()
	if err != nil {
		return ansible.Failf("%v", err)
	}
	client, err := r.o.client(r.m, r.env, &r.log)
	if err != nil {
		return ansible.Failf("%v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, apiBudget)
	defer cancel()
	rec := &listener.Reconciler{Client: client, CheckMode: r.m.Internal.CheckMode, Clock: r.env.Clock, Jitter: r.env.Jitter}
	var c listener.Change
	if r.o.State == "present" {
		c, err = rec.Present(ctx, d)
	} else {
		c, err = rec.Absent(ctx, d.Key, r.o.Force)
	}
	res := listenerResult(c, r.o.State)
	if err != nil {
		res = listenerFailure(ctx, res, err)
	} else if c.Missing != "" {
		r.m.Warn(c.Missing + "; there is nothing to delete")
	}
	r.log.addTo(res.Data)
	return res
}

// desired turns the options into the request of the run, refusing (with
// state=present) the combinations the spec cannot tell, and warns about
// options that have no effect.
func (r *listenerRun) desired() (listener.Desired, error) {
	o := r.o
	d := listener.Desired{
		Key:           listener.Key{LoadBalancerName: o.LoadBalancerName, LoadBalancerPort: o.LoadBalancerPort, InstancePort: o.InstancePort},
		NetworkVolume: o.NetworkVolume, AccountingType: accountingTypes.code(o.AccountingType), IPVersion: o.IPVersion, PolicyType: o.PolicyType,
		BalancingType: balancingCode(o.BalancingType),
	}
	if h := o.HealthCheck; h != nil {
		d.HealthCheck = listener.HealthCheck{Target: h.Target, Interval: h.Interval, UnhealthyThreshold: h.UnhealthyThreshold, HealthyThreshold: h.HealthyThreshold}
	}
	if f := o.Filter; f != nil {
		d.Filter = &listener.FilterChange{Type: filterTypes.code(f.Type), Addresses: f.IPAddresses, Purge: f.Purge}
	}
	if s := o.SessionStickiness; s != nil {
		d.Stickiness = &nifcloud.SessionStickinessPolicy{Enabled: s.Enabled, ExpirationPeriod: s.ExpirationPeriod}
	}
	if p := o.SorryPage; p != nil {
		d.SorryPage = &nifcloud.SorryPage{Enabled: p.Enabled, StatusCode: p.StatusCode}
	}
	if o.State == "absent" {
		r.warnUnused() // the settings are ignored, even those that do not fit together
		return d, nil
	}
	if err := r.checkCombinations(); err != nil {
		return listener.Desired{}, err
	}
	if o.Force {
		r.m.Warn("force has no effect with state=present: it only allows deleting a port definition that has servers")
	}
	return d, d.Validate()
}

// checkCombinations refuses the combinations of options that make no sense
// or that the API refuses, naming the options.
func (r *listenerRun) checkCombinations() error {
	o := r.o
	var errs []string
	if s := o.SessionStickiness; s != nil && s.Enabled && s.ExpirationPeriod == 0 {
		errs = append(errs, "session_stickiness.expiration_period is required when session_stickiness.enabled is true (the API has no default period)")
	}
	if p := o.SorryPage; p != nil && p.Enabled && o.LoadBalancerPort != listener.SorryPagePort {
		errs = append(errs, fmt.Sprintf("sorry_page.enabled=true needs loadbalancer_port %d (the API has a sorry page on port %d only), got loadbalancer_port %d",
			listener.SorryPagePort, listener.SorryPagePort, o.LoadBalancerPort))
	}
	if o.PolicyType == nifcloud.PolicyTypeATS && o.IPVersion == nifcloud.IPVersion6 {
		errs = append(errs, "policy_type=ats needs ip_version=v4, got ip_version=v6")
	}
	if f := o.Filter; f != nil && f.Purge && f.IPAddresses == nil {
		errs = append(errs, "filter.ip_addresses is required when filter.purge is true (give [] to remove every address)")
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// warnUnused warns about the settings given with state=absent.
func (r *listenerRun) warnUnused() {
	var given []string
	for _, name := range settingNames {
		if r.m.Params.IsSet(name) {
			given = append(given, name)
		}
	}
	switch len(given) {
	case 0:
	case 1:
		r.m.Warn(given[0] + " has no effect with state=absent")
	default:
		r.m.Warn(strings.Join(given, ", ") + " have no effect with state=absent")
	}
}

// listenerFailure turns res into a failed result for err, with what to do
// about a port definition that still has servers.
func listenerFailure(ctx context.Context, res ansible.Result, err error) ansible.Result {
	res = failure(ctx, res, err, nil)
	var inUse *listener.InUseError
	if errors.As(err, &inUse) {
		res.Msg = err.Error() + ". Deregister them first (nifcloud_lb with state=absent), or set force=true to delete the port definition with its servers."
	}
	return res
}

// listenerResult is the result of a run: the load balancer and the port
// definition after it (in check mode, as they would be; on failure, as
// last read, or null when nothing was read), and the actions.
func listenerResult(c listener.Change, state string) ansible.Result {
	st := c.After
	if st == nil {
		st = c.Last
	}
	if st == nil {
		st = &listener.State{}
	}
	res := ansible.Result{
		Changed: c.Changed(),
		Data: map[string]any{
			"load_balancer": loadBalancerData(st.LoadBalancer),
			"listener":      listenerData(st.Listener),
			"actions":       orEmpty(c.Actions),
		},
		Diff: &ansible.Diff{Before: settingsDiff(c.Before), After: settingsDiff(c.After)},
	}
	if state == "absent" {
		res.Data["deleted_load_balancer"] = c.DeletedLoadBalancer
	}
	return res
}

// loadBalancerData is the load_balancer result: null when there is none.
func loadBalancerData(lb *listener.LoadBalancer) map[string]any {
	if lb == nil {
		return nil
	}
	return map[string]any{
		"name":            lb.Name,
		"dns_name":        orNull(lb.DNSName),
		"network_volume":  lb.NetworkVolume,
		"accounting_type": accountingTypes.name(lb.AccountingType),
		"ip_version":      orNull(lb.IPVersion),
		"policy_type":     lb.PolicyType,
	}
}

// listenerData is the listener result: null when there is none.
func listenerData(l *listener.Listener) map[string]any {
	if l == nil {
		return nil
	}
	data := listenerSettings(l)
	data["instances"] = orEmpty(l.Instances)
	health := make([]map[string]any, 0, len(l.InstanceStates))
	for _, s := range l.InstanceStates {
		health = append(health, map[string]any{"instance_id": s.InstanceID, "state": s.State, "reason_code": s.ReasonCode, "description": s.Description})
	}
	data["instance_health"] = health
	return data
}

// listenerSettings are the settings of a port definition, as the listener
// result and the diff show them.
func listenerSettings(l *listener.Listener) map[string]any {
	h := l.HealthCheck
	return map[string]any{
		"protocol":          l.Protocol,
		"loadbalancer_port": l.LoadBalancerPort,
		"instance_port":     l.InstancePort,
		"balancing_type":    balancingType(l.BalancingType),
		"health_check": map[string]any{
			"target": orNull(h.Target), "interval": orNull(h.Interval),
			"unhealthy_threshold": orNull(h.UnhealthyThreshold), "healthy_threshold": orNull(h.HealthyThreshold),
			// The keys of a Multi Load Balancer's health check, as in
			// nifcloud_lb_info: null for a classic one.
			"path": nil, "expectation": nil,
		},
		"filter":             map[string]any{"type": filterTypes.name(l.Filter.FilterType), "ip_addresses": orEmpty(l.Filter.IPAddresses)},
		"session_stickiness": map[string]any{"enabled": l.Stickiness.Enabled, "expiration_period": orNull(l.Stickiness.ExpirationPeriod)},
		"sorry_page":         map[string]any{"enabled": l.SorryPage.Enabled, "status_code": orNull(l.SorryPage.StatusCode)},
	}
}

// settingsDiff is one side of the diff: the load balancer and the settings
// of the port definition that exist.
func settingsDiff(st *listener.State) map[string]any {
	out := map[string]any{}
	if st == nil {
		return out
	}
	if st.LoadBalancer != nil {
		out["load_balancer"] = loadBalancerData(st.LoadBalancer)
	}
	if st.Listener != nil {
		out["listener"] = listenerSettings(st.Listener)
	}
	return out
}

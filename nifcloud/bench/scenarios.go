package main

import (
	"fmt"
	"slices"
	"time"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

// scenario is one module run from a known state; a new module's scenario
// is one more row of scenarios.
type scenario struct {
	name string
	seed func() nifcloudtest.Options // credentials and latency are set by the benchmark
	args map[string]any              // besides endpoint, credentials and ca_bundle
	// calls is the number of API calls the run must make, changed the
	// "changed" it must report; state, if set, checks the state it leaves.
	calls   int
	changed bool
	state   func(*nifcloudtest.Server) error
}

// concurrent is a round of module processes started at once, as Ansible
// starts one per host: process i of n runs with args(i, n) on seed(n); each
// must report changed, the round must make at most maxCalls(n) calls of
// each action it names (the batching bounds), and leave a state that
// state(n) accepts.
type concurrent struct {
	name     string
	seed     func(n int) nifcloudtest.Options
	args     func(i, n int) map[string]any
	changed  bool
	maxCalls func(n int) map[string]int
	state    func(n int) func(*nifcloudtest.Server) error
}

// Actions the batching bounds count.
const (
	register        = nifcloud.ActionRegisterInstancesWithLoadBalancer
	deregister      = nifcloud.ActionDeregisterInstancesFromLoadBalancer
	elasticRegister = nifcloud.ActionNiftyRegisterInstancesWithElasticLoadBalancer
	elasticDereg    = nifcloud.ActionNiftyDeregisterInstancesFromElasticLoadBalancer
	// elasticBusy is how long the Multi Load Balancer stays busy after a
	// change in the elastic rounds.
	elasticBusy = 2 * time.Second
)

// big is the size of the large listener.
const big = 10000

// scenarios are the per-run scenarios.
func scenarios() []scenario {
	return []scenario{
		{name: "no-op", seed: basic, args: on(server(1)), calls: 1, state: membersAre(server(1), server(2))},
		{name: "register one", seed: basic, args: on(server(3)), calls: 2, changed: true, state: membersAre(servers(1, 4)...)},
		{name: "purge swap", seed: basic, args: with(on(server(3), server(4)), "purge_instance_ids", true), calls: 3, changed: true,
			state: membersAre(server(3), server(4))},
		// server 1 is on three port definitions of weblb01 and weblb02.
		{name: "absent everywhere, 3 load balancers", seed: basic, args: map[string]any{"state": "absent", "instance_ids": []string{server(1)}},
			calls: 1 + 3, changed: true},
		{name: "10,000 members, no-op", seed: large, args: on(server(1)), calls: 1},
		{name: "10,000 members, register one", seed: large, args: on(server(big)), calls: 2, changed: true},
	}
}

// concurrents are the rounds of processes started at once.
func concurrents() []concurrent {
	const original = 100
	bound := func(action string, max int) func(int) map[string]int {
		return func(int) map[string]int { return map[string]int{action: max} }
	}
	return []concurrent{
		{name: "classic: each registers its own server on one listener of 100",
			seed: func(n int) nifcloudtest.Options {
				return seed(original+n, lb("weblb01", port(80, 8080, servers(0, original)...)))
			},
			args: func(i, _ int) map[string]any { return on(server(original + i)) }, changed: true, maxCalls: bound(register, 5),
			state: func(n int) func(*nifcloudtest.Server) error { return membersAre(servers(0, original+n)...) }},
		{name: "classic: each deregisters its own server",
			seed: func(n int) nifcloudtest.Options {
				return seed(original+n, lb("weblb01", port(80, 8080, servers(0, original+n)...)))
			},
			args:    func(i, _ int) map[string]any { return with(on(server(original+i)), "state", "absent") },
			changed: true, maxCalls: bound(deregister, 5),
			state: func(n int) func(*nifcloudtest.Server) error { return membersAre(servers(0, original)...) }},
		{name: "elastic, busy 2 s after each change: each registers its own server",
			seed:    func(n int) nifcloudtest.Options { return elastic(original+n, servers(0, original)) },
			args:    func(i, _ int) map[string]any { return onElastic(server(original + i)) },
			changed: true, maxCalls: bound(elasticRegister, 3),
			state: func(n int) func(*nifcloudtest.Server) error { return elasticMembersAre(servers(0, original+n)...) }},
		{name: "elastic, busy 2 s after each change: each deregisters its own server",
			seed:    func(n int) nifcloudtest.Options { return elastic(original+n, servers(0, original+n)) },
			args:    func(i, _ int) map[string]any { return with(onElastic(server(original+i)), "state", "absent") },
			changed: true, maxCalls: bound(elasticDereg, 3),
			state: func(n int) func(*nifcloudtest.Server) error { return elasticMembersAre(servers(0, original)...) }},
		{name: "elastic, busy 2 s after each change: half register their server, half deregister another",
			// Servers 100 to 100+n/2 are members: the first half of the
			// processes deregisters them, the second half registers
			// 100+n/2 to 100+n.
			seed: func(n int) nifcloudtest.Options { return elastic(original+n, servers(0, original+n/2)) },
			args: func(i, n int) map[string]any {
				a := onElastic(server(original + i))
				if i < n/2 {
					a["state"] = "absent"
				}
				return a
			},
			changed:  true,
			maxCalls: func(int) map[string]int { return map[string]int{elasticRegister: 3, elasticDereg: 3} },
			state: func(n int) func(*nifcloudtest.Server) error {
				return elasticMembersAre(append(servers(0, original), servers(original+n/2, original+n)...)...)
			}},
	}
}

// elastic: the Multi Load Balancer webelb01, busy elasticBusy after each
// change, whose listener TCP 80->8080 holds members, with servers 0 to
// known-1.
func elastic(known int, members []string) nifcloudtest.Options {
	o := seed(known)
	l := nifcloudtest.ElasticListener{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080}
	for _, id := range members {
		l.Members = append(l.Members, nifcloudtest.Member{InstanceID: id})
	}
	o.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{{Name: "webelb01", Listeners: []nifcloudtest.ElasticListener{l}}}
	o.ElasticBusy = elasticBusy
	return o
}

// onElastic returns the args of nifcloud_elb that name servers on webelb01
// TCP 80->8080.
func onElastic(ids ...string) map[string]any {
	return map[string]any{"_ansible_module_name": "nifcloud_elb", "loadbalancer_name": "webelb01", "protocol": "TCP",
		"loadbalancer_port": 80, "instance_port": 8080, "instance_ids": ids, "wait_timeout": 120}
}

// elasticMembersAre checks that webelb01 TCP 80->8080 holds exactly ids.
func elasticMembersAre(ids ...string) func(*nifcloudtest.Server) error {
	want := slices.Sorted(slices.Values(ids))
	return func(s *nifcloudtest.Server) error {
		if got := slices.Sorted(slices.Values(s.ElasticMembers("webelb01", "TCP", 80, 8080))); !slices.Equal(got, want) {
			return fmt.Errorf("webelb01 TCP 80->8080 holds %d members %q, want %d %q", len(got), brief(got), len(want), brief(want))
		}
		return nil
	}
}

// basic: weblb01 80->8080 holds servers 1 and 2; weblb02 80->8080 server 1
// and 443->8443 servers 1 and 3; weblb03 80->8080 servers 2 and 3.
func basic() nifcloudtest.Options {
	return seed(5,
		lb("weblb01", port(80, 8080, server(1), server(2))),
		lb("weblb02", port(80, 8080, server(1)), port(443, 8443, server(1), server(3))),
		lb("weblb03", port(80, 8080, server(2), server(3))))
}

// large: weblb01 80->8080 holds servers 0 to big-1.
func large() nifcloudtest.Options {
	return seed(big+1, lb("weblb01", port(80, 8080, servers(0, big)...)))
}

// on returns the args that name servers on weblb01 80->8080.
func on(ids ...string) map[string]any {
	return map[string]any{"loadbalancer_name": "weblb01", "loadbalancer_port": 80, "instance_port": 8080, "instance_ids": ids}
}

// with returns args with one more option.
func with(args map[string]any, key string, value any) map[string]any {
	args[key] = value
	return args
}

// server is the name of server i.
func server(i int) string { return fmt.Sprintf("web%05d", i) }

// servers returns the names of servers first to last-1.
func servers(first, last int) []string {
	var out []string
	for i := first; i < last; i++ {
		out = append(out, server(i))
	}
	return out
}

// seed is a state with servers 0 to known-1 and the load balancers.
func seed(known int, lbs ...nifcloudtest.LoadBalancer) nifcloudtest.Options {
	o := nifcloudtest.Options{LoadBalancers: lbs}
	for _, id := range servers(0, known) {
		o.Instances = append(o.Instances, nifcloudtest.Instance{InstanceID: id})
	}
	return o
}

// lb is a load balancer.
func lb(name string, ports ...nifcloudtest.Port) nifcloudtest.LoadBalancer {
	return nifcloudtest.LoadBalancer{Name: name, Ports: ports}
}

// port is a port definition holding the servers.
func port(lbPort, instPort int, ids ...string) nifcloudtest.Port {
	p := nifcloudtest.Port{LoadBalancerPort: lbPort, InstancePort: instPort}
	for _, id := range ids {
		p.Members = append(p.Members, nifcloudtest.Member{InstanceID: id})
	}
	return p
}

// membersAre checks that weblb01 80->8080 holds exactly ids, in any order.
func membersAre(ids ...string) func(*nifcloudtest.Server) error {
	want := slices.Sorted(slices.Values(ids))
	return func(s *nifcloudtest.Server) error {
		if got := slices.Sorted(slices.Values(s.Members("weblb01", 80, 8080))); !slices.Equal(got, want) {
			return fmt.Errorf("weblb01 80->8080 holds %d members %q, want %d %q", len(got), brief(got), len(want), brief(want))
		}
		return nil
	}
}

// brief shortens a long list of names for a message.
func brief(ids []string) []string {
	if len(ids) > 5 {
		return append(ids[:4:4], "...")
	}
	return ids
}

package main

import (
	"fmt"
	"slices"
	"strings"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// scenario is one module run from a known state: the options of the task,
// the API calls it must make and the state it must leave.
type scenario struct {
	// name labels the scenario in the report.
	name string
	// state is the emulator state before every run.
	state func() nifcloudtest.Options
	// options are the task's options besides endpoint, credentials and
	// ca_bundle.
	options map[string]any
	// calls is the number of API calls the run must make.
	calls int
	// changed is the "changed" the run must report.
	changed bool
	// check inspects the state after the run.
	check func(*nifcloudtest.Server) error
}

// portOptions are the options that name the benchmark's port definition.
func portOptions(instances []string, extra map[string]any) map[string]any {
	o := map[string]any{
		"loadbalancer_name": benchLB,
		"loadbalancer_port": benchPort[0],
		"instance_port":     benchPort[1],
		"instance_ids":      instances,
	}
	for k, v := range extra {
		o[k] = v
	}
	return o
}

// membersAre checks that the benchmark's port definition holds exactly
// want, in any order.
func membersAre(want []string) func(*nifcloudtest.Server) error {
	want = slices.Sorted(slices.Values(want))
	return func(s *nifcloudtest.Server) error {
		got := slices.Sorted(slices.Values(s.Members(benchLB, benchPort[0], benchPort[1])))
		if !slices.Equal(got, want) {
			return fmt.Errorf("members of %s %d->%d: got %s, want %s", benchLB, benchPort[0], benchPort[1], summarizeNames(got), summarizeNames(want))
		}
		return nil
	}
}

// registeredNowhere checks that no port definition holds id.
func registeredNowhere(id string) func(*nifcloudtest.Server) error {
	return func(s *nifcloudtest.Server) error {
		for _, lb := range s.State().LoadBalancers {
			for _, p := range lb.Ports {
				for _, m := range p.Members {
					if m.InstanceID == id {
						return fmt.Errorf("%s is still registered on %s %d->%d", id, lb.Name, p.LoadBalancerPort, p.InstancePort)
					}
				}
			}
		}
		return nil
	}
}

// summarizeNames lists a few names and how many there are, for messages.
func summarizeNames(ids []string) string {
	const show = 6
	if len(ids) <= show {
		return "[" + strings.Join(ids, " ") + "]"
	}
	return fmt.Sprintf("[%s ... %s] (%d)", strings.Join(ids[:show-1], " "), ids[len(ids)-1], len(ids))
}

// perRunScenarios are the everyday runs: a no-op, a register, a purge swap
// and a removal from every port definition.
func perRunScenarios(cred nifcloudtest.Credential) []scenario {
	state := func() nifcloudtest.Options { return basicState(cred) }
	return []scenario{
		{
			name:  "no-op",
			state: state, options: portOptions([]string{serverName(1)}, nil),
			calls: 1, changed: false, check: membersAre(names(1, 3)),
		},
		{
			name:  "register one",
			state: state, options: portOptions([]string{serverName(3)}, nil),
			calls: 2, changed: true, check: membersAre(names(1, 4)),
		},
		{
			name:  "purge swap",
			state: state, options: portOptions(names(3, 5), map[string]any{"purge_instance_ids": true}),
			calls: 3, changed: true, check: membersAre(names(3, 5)),
		},
		{
			// web00001 is on three port definitions of two load balancers.
			name:  "absent everywhere",
			state: state, options: map[string]any{"state": "absent", "instance_ids": []string{serverName(1)}},
			calls: 1 + 3, changed: true, check: registeredNowhere(serverName(1)),
		},
	}
}

// membersScenario registers one more server on a port definition of n
// members.
func membersScenario(cred nifcloudtest.Credential, n int) scenario {
	return scenario{
		name:    fmt.Sprintf("register one, %d members", n),
		state:   func() nifcloudtest.Options { return membersState(cred, n, 1) },
		options: portOptions([]string{serverName(n)}, nil),
		calls:   2, changed: true, check: membersAre(names(0, n+1)),
	}
}

// manyLBsScenario removes web00001 from n load balancers.
func manyLBsScenario(cred nifcloudtest.Credential, n int) scenario {
	return scenario{
		name:    fmt.Sprintf("absent everywhere, %d load balancers", n),
		state:   func() nifcloudtest.Options { return manyLBsState(cred, n) },
		options: map[string]any{"state": "absent", "instance_ids": []string{serverName(1)}},
		calls:   1 + n, changed: true, check: registeredNowhere(serverName(1)),
	}
}

package main

import (
	"fmt"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// The states the scenarios start from. Every member is seeded as
// registered long ago, so it is InService and listed in InstanceStates, as
// on a busy listener.

// benchLB is the load balancer of the one-port scenarios, and benchPort its
// port definition.
const benchLB = "weblb01"

var benchPort = [2]int{80, 8080}

// serverName is the name of server i in the generated states.
func serverName(i int) string {
	return fmt.Sprintf("web%05d", i)
}

// names returns the server names from first to last-1.
func names(first, last int) []string {
	out := make([]string, 0, last-first)
	for i := first; i < last; i++ {
		out = append(out, serverName(i))
	}
	return out
}

// instancesOf makes the servers known.
func instancesOf(ids []string) []nifcloudtest.Instance {
	out := make([]nifcloudtest.Instance, len(ids))
	for i, id := range ids {
		out[i] = nifcloudtest.Instance{InstanceID: id}
	}
	return out
}

// membersOf registers the servers.
func membersOf(ids []string) []nifcloudtest.Member {
	out := make([]nifcloudtest.Member, len(ids))
	for i, id := range ids {
		out[i] = nifcloudtest.Member{InstanceID: id}
	}
	return out
}

// basicState is weblb01 with 80->8080 holding web00001 and web00002, and
// weblb02 with 80->8080 holding web00001 and 443->8443 holding web00001 and
// web00003; web00001 to web00004 are known.
func basicState(cred nifcloudtest.Credential) nifcloudtest.Options {
	return nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{cred},
		Instances:   instancesOf(names(1, 5)),
		LoadBalancers: []nifcloudtest.LoadBalancer{
			{Name: benchLB, Ports: []nifcloudtest.Port{
				{LoadBalancerPort: benchPort[0], InstancePort: benchPort[1], Members: membersOf(names(1, 3))},
			}},
			{Name: "weblb02", Ports: []nifcloudtest.Port{
				{LoadBalancerPort: 80, InstancePort: 8080, Members: membersOf(names(1, 2))},
				{LoadBalancerPort: 443, InstancePort: 8443, Members: membersOf([]string{serverName(1), serverName(3)})},
			}},
		},
	}
}

// membersState is weblb01 with 80->8080 holding the servers 0 to n-1;
// servers 0 to n+extra-1 are known.
func membersState(cred nifcloudtest.Credential, n, extra int) nifcloudtest.Options {
	return nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{cred},
		Instances:   instancesOf(names(0, n+extra)),
		LoadBalancers: []nifcloudtest.LoadBalancer{{Name: benchLB, Ports: []nifcloudtest.Port{
			{LoadBalancerPort: benchPort[0], InstancePort: benchPort[1], Members: membersOf(names(0, n))},
		}}},
	}
}

// manyLBsState is n load balancers lb00001... with 80->8080 holding
// web00001 and web00002.
func manyLBsState(cred nifcloudtest.Credential, n int) nifcloudtest.Options {
	o := nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{cred},
		Instances:   instancesOf(names(1, 3)),
	}
	for i := 1; i <= n; i++ {
		o.LoadBalancers = append(o.LoadBalancers, nifcloudtest.LoadBalancer{
			Name:  fmt.Sprintf("lb%05d", i),
			Ports: []nifcloudtest.Port{{LoadBalancerPort: 80, InstancePort: 8080, Members: membersOf(names(1, 3))}},
		})
	}
	return o
}

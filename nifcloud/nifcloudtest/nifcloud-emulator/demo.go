package main

import "nifcloud_lb/nifcloud/nifcloudtest"

// Demo credentials, fixed so that demos and documentation can use them.
const (
	demoAccessKey = "DEMOACCESSKEY00000001"
	demoSecretKey = "demoSecretAccessKey0000000000000000000001"
)

// demoOptions is the default state: load balancer demolb with 80->8080 and
// 443->8443, web001 and web002 registered on both; Multi Load Balancer
// demoelb (id elb-0d3e0e1b) with TCP 80->8080 and HTTPS 443->8443, web001
// and web002 registered on both; web001-web004 known.
func demoOptions() nifcloudtest.Options {
	members := func() []nifcloudtest.Member {
		return []nifcloudtest.Member{{InstanceID: "web001"}, {InstanceID: "web002"}}
	}
	return nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{{AccessKeyID: demoAccessKey, SecretAccessKey: demoSecretKey}},
		Instances: []nifcloudtest.Instance{
			{InstanceID: "web001"}, {InstanceID: "web002"}, {InstanceID: "web003"}, {InstanceID: "web004"},
		},
		LoadBalancers: []nifcloudtest.LoadBalancer{{
			Name:        "demolb",
			Description: "nifcloud-emulator demo",
			Ports: []nifcloudtest.Port{
				{LoadBalancerPort: 80, InstancePort: 8080, Members: members()},
				{LoadBalancerPort: 443, InstancePort: 8443, Members: members()},
			},
		}},
		ElasticLoadBalancers: []nifcloudtest.ElasticLoadBalancer{{
			Name:          "demoelb",
			ID:            "elb-0d3e0e1b",
			NetworkVolume: 100,
			Listeners: []nifcloudtest.ElasticListener{
				{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, Members: members()},
				{Protocol: "HTTPS", ElasticLoadBalancerPort: 443, InstancePort: 8443, SSLCertificateID: "1234",
					Description: "nifcloud-emulator demo", Members: members(),
					HealthCheck: nifcloudtest.ElasticHealthCheck{Target: "HTTP:8443", Path: "/healthz", Expectation: []string{"200"}}},
			},
		}},
	}
}

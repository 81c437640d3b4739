package nifcloudtest

import (
	"net/url"
	"slices"
	"time"
)

// action is one implemented API action: the parameters it accepts and the
// handler that validates them, changes the state and returns the Result
// element of the reply. Handlers run with the server's lock held and change
// nothing when they return an error.
type action struct {
	spec paramSpec
	run  func(s *Server, v url.Values, now time.Time) (any, *apiError)
}

// instancesList is the Instances.member.N.InstanceId parameter.
var instancesList = listSpec{Prefix: "Instances.member", Fields: []string{"InstanceId"}}

// listenersList is the Listeners.member.N.* parameter of Create and
// RegisterPort.
var listenersList = listSpec{Prefix: "Listeners.member", Fields: []string{"Protocol", "LoadBalancerPort", "InstancePort", "BalancingType"}}

// actions are the implemented actions by name.
var actions = map[string]action{
	"DescribeLoadBalancers": {
		spec: paramSpec{Names: []string{"Owner"}, Lists: []listSpec{
			{Prefix: "LoadBalancerNames.member"},
			{Prefix: "LoadBalancerNames.LoadBalancerPort"},
			{Prefix: "LoadBalancerNames.InstancePort"},
		}},
		run: (*Server).describeLoadBalancers,
	},
	"RegisterInstancesWithLoadBalancer": {
		spec: paramSpec{Names: targetNames, Lists: []listSpec{instancesList}},
		run:  (*Server).registerInstances,
	},
	"DeregisterInstancesFromLoadBalancer": {
		spec: paramSpec{Names: targetNames, Lists: []listSpec{instancesList}},
		run:  (*Server).deregisterInstances,
	},
	"DescribeInstanceHealth": {
		spec: paramSpec{Names: targetNames, Lists: []listSpec{instancesList}},
		run:  (*Server).describeInstanceHealth,
	},
	"CreateLoadBalancer": {
		spec: paramSpec{
			Names: []string{"LoadBalancerName", "NetworkVolume", "IpVersion", "AccountingType", "PolicyType"},
			Lists: []listSpec{listenersList, {Prefix: "AvailabilityZones.member"}},
		},
		run: (*Server).createLoadBalancer,
	},
	"RegisterPortWithLoadBalancer": {
		spec: paramSpec{Names: []string{"LoadBalancerName"}, Lists: []listSpec{listenersList}},
		run:  (*Server).registerPort,
	},
	"DeleteLoadBalancer": {
		spec: paramSpec{Names: targetNames},
		run:  (*Server).deleteLoadBalancer,
	},
	"ConfigureHealthCheck": {
		spec: paramSpec{Names: append([]string{
			"HealthCheck.Target", "HealthCheck.Interval", "HealthCheck.Timeout",
			"HealthCheck.UnhealthyThreshold", "HealthCheck.HealthyThreshold",
		}, targetNames...)},
		run: (*Server).configureHealthCheck,
	},
	"SetFilterForLoadBalancer": {
		spec: paramSpec{
			Names: append([]string{"FilterType"}, targetNames...),
			Lists: []listSpec{{Prefix: "IPAddresses.member", Fields: []string{"IPAddress", "AddOnFilter"}}},
		},
		run: (*Server).setFilter,
	},
	"NiftyDescribeElasticLoadBalancers": {
		spec: elasticDescribeSpec,
		run:  (*Server).describeElasticLoadBalancers,
	},
	"NiftyRegisterInstancesWithElasticLoadBalancer": {
		spec: paramSpec{Names: elasticTargetNames, Lists: []listSpec{elasticInstancesList}},
		run:  (*Server).registerElastic,
	},
	"NiftyDeregisterInstancesFromElasticLoadBalancer": {
		spec: paramSpec{Names: elasticTargetNames, Lists: []listSpec{elasticInstancesList}},
		run:  (*Server).deregisterElastic,
	},
	"NiftyDescribeInstanceElasticLoadBalancerHealth": {
		spec: paramSpec{Names: elasticTargetNames, Lists: []listSpec{elasticInstancesList}},
		run:  (*Server).describeElasticHealth,
	},
	"UpdateLoadBalancer": {
		spec: paramSpec{Names: append([]string{
			"LoadBalancerName", "LoadBalancerNameUpdate", "NetworkVolumeUpdate", "AccountingTypeUpdate",
			"ListenerUpdate.LoadBalancerPort", "ListenerUpdate.InstancePort",
		}, listenerUpdateNames...)},
		run: (*Server).updateLoadBalancer,
	},
	"UpdateLoadBalancerOption": {
		spec: paramSpec{Names: append([]string{
			"SessionStickinessPolicyUpdate.Enable", "SessionStickinessPolicyUpdate.ExpirationPeriod",
			"SorryPageUpdate.Enable", "SorryPageUpdate.StatusCode",
		}, targetNames...)},
		run: (*Server).updateLoadBalancerOption,
	},
}

// Actions returns the names of the implemented actions.
func Actions() []string {
	names := make([]string, 0, len(actions))
	for name := range actions {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

package nifcloudtest

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The list parameters of NiftyDescribeElasticLoadBalancers ("bare" lists
// without member).
const (
	elasticNamesList     = "ElasticLoadBalancers.ElasticLoadBalancerName"
	elasticIDsList       = "ElasticLoadBalancers.ElasticLoadBalancerId"
	elasticProtocolsList = "ElasticLoadBalancers.Protocol"
	elasticPortsList     = "ElasticLoadBalancers.ElasticLoadBalancerPort"
	elasticInstPortsList = "ElasticLoadBalancers.InstancePort"
)

// elasticDescribeSpec lists the parameters of
// NiftyDescribeElasticLoadBalancers.
var elasticDescribeSpec = paramSpec{Lists: []listSpec{
	{Prefix: elasticNamesList}, {Prefix: elasticIDsList},
	{Prefix: elasticProtocolsList}, {Prefix: elasticPortsList}, {Prefix: elasticInstPortsList},
	{Prefix: "Filter", Fields: []string{"Name"}, SubLists: []string{"Value"}},
}}

// elasticFilterFields are the filters the emulator implements, with the
// value each one compares (exactly) with the filter's values. The live
// API also knows "description"; the emulator refuses it.
var elasticFilterFields = map[string]func(elb *elbState, now time.Time) string{
	"availability-zone":         func(elb *elbState, _ time.Time) string { return elb.zone },
	"state":                     func(elb *elbState, now time.Time) string { return elb.state(now) },
	"elastic-loadbalancer-id":   func(elb *elbState, _ time.Time) string { return elb.id },
	"elastic-loadbalancer-name": func(elb *elbState, _ time.Time) string { return elb.name },
	"accounting-type":           func(elb *elbState, _ time.Time) string { return elb.accountingType },
	"ip-address":                func(elb *elbState, _ time.Time) string { return elb.dnsName },
	"version":                   func(elb *elbState, _ time.Time) string { return elb.version },
}

// elasticFilter is one Filter.N: a load balancer matches when its field
// equals one of the values.
type elasticFilter struct {
	field  func(elb *elbState, now time.Time) string
	values []string
}

// describeElasticLoadBalancers implements NiftyDescribeElasticLoadBalancers:
// one description per elastic load balancer with its listeners. Without
// entries it describes every elastic load balancer; entry N names one by
// ElasticLoadBalancers.ElasticLoadBalancerName.N or
// ElasticLoadBalancers.ElasticLoadBalancerId.N (not both) and may narrow it
// to one listener with ElasticLoadBalancers.Protocol.N,
// .ElasticLoadBalancerPort.N and .InstancePort.N (all three). Load
// balancers appear in request order, each once, with the union of what
// their entries ask for. An unknown name or id, or a missing listener,
// fails the whole call. Filter.N.Name / Filter.N.Value.M then keep the
// load balancers that match every filter (any of its values).
func (s *Server) describeElasticLoadBalancers(v url.Values, now time.Time) (any, *apiError) {
	filters, apiErr := readElasticFilters(v)
	if apiErr != nil {
		return nil, apiErr
	}
	picks, apiErr := s.elasticPicks(v)
	if apiErr != nil {
		return nil, apiErr
	}
	res := &elasticDescribeResult{}
	for _, pk := range picks {
		if matchAll(filters, pk.elb, now) {
			res.Descriptions.Items = append(res.Descriptions.Items, s.describeElastic(pk.elb, pk.listeners(), now))
		}
	}
	return res, nil
}

// matchAll reports whether elb matches every filter at now.
func matchAll(filters []elasticFilter, elb *elbState, now time.Time) bool {
	for _, f := range filters {
		if !slices.Contains(f.values, f.field(elb, now)) {
			return false
		}
	}
	return true
}

// readElasticFilters reads Filter.N.Name and Filter.N.Value.M.
func readElasticFilters(v url.Values) ([]elasticFilter, *apiError) {
	var out []elasticFilter
	for _, e := range list(v, "Filter") {
		nameParam := listName("Filter", e.Index, "Name")
		name := e.Fields["Name"]
		if name == "" {
			return nil, errMissing(nameParam)
		}
		field, ok := elasticFilterFields[name]
		if !ok {
			return nil, errIllegal(nameParam, name,
				"the emulator implements the filters "+strings.Join(slices.Sorted(maps.Keys(elasticFilterFields)), ", "))
		}
		f := elasticFilter{field: field}
		for _, m := range subList(e.Fields, "Value") {
			if m.Fields[""] == "" {
				return nil, errMissing(listName("Filter", e.Index, "Value."+strconv.Itoa(m.Index)))
			}
			f.values = append(f.values, m.Fields[""])
		}
		if len(f.values) == 0 {
			return nil, errMissing(listName("Filter", e.Index, "Value.1"))
		}
		out = append(out, f)
	}
	return out, nil
}

// elasticPick is an elastic load balancer chosen by Describe: all its
// listeners, or those chosen.
type elasticPick struct {
	elb    *elbState
	all    bool
	chosen map[*elbListenerState]bool
}

// listeners returns the listeners of the pick in the load balancer's
// order.
func (pk *elasticPick) listeners() []*elbListenerState {
	if pk.all {
		return pk.elb.listeners
	}
	var out []*elbListenerState
	for _, l := range pk.elb.listeners {
		if pk.chosen[l] {
			out = append(out, l)
		}
	}
	return out
}

// elasticPicks returns what the entries of a Describe call ask for.
func (s *Server) elasticPicks(v url.Values) ([]*elasticPick, *apiError) {
	names, ids := scalarList(v, elasticNamesList), scalarList(v, elasticIDsList)
	narrowing := map[string]map[int]string{
		elasticProtocolsList: scalarList(v, elasticProtocolsList),
		elasticPortsList:     scalarList(v, elasticPortsList),
		elasticInstPortsList: scalarList(v, elasticInstPortsList),
	}
	given := map[int]bool{}
	for n := range names {
		given[n] = true
	}
	for n := range ids {
		given[n] = true
	}
	indexes := slices.Sorted(maps.Keys(given))
	entries := make([]listEntry, 0, len(indexes))
	for _, n := range indexes {
		entries = append(entries, listEntry{Index: n})
	}
	if apiErr := requireEntries(entries, elasticNamesList, narrowing); apiErr != nil {
		return nil, apiErr
	}
	if len(indexes) == 0 {
		picks := make([]*elasticPick, 0, len(s.elbs))
		for _, elb := range s.elbs {
			picks = append(picks, &elasticPick{elb: elb, all: true})
		}
		return picks, nil
	}
	var picks []*elasticPick
	byELB := map[*elbState]*elasticPick{}
	for _, n := range indexes {
		elb, l, apiErr := s.elasticEntry(n, names, ids, narrowing)
		if apiErr != nil {
			return nil, apiErr
		}
		pk := byELB[elb]
		if pk == nil {
			pk = &elasticPick{elb: elb, chosen: map[*elbListenerState]bool{}}
			byELB[elb] = pk
			picks = append(picks, pk)
		}
		if l == nil {
			pk.all = true
		} else {
			pk.chosen[l] = true
		}
	}
	return picks, nil
}

// elasticEntry looks up entry n of a Describe call: the load balancer and,
// when the entry narrows it, the listener (nil otherwise).
func (s *Server) elasticEntry(n int, names, ids map[int]string, narrowing map[string]map[int]string) (*elbState, *elbListenerState, *apiError) {
	name, hasName := names[n]
	id, hasID := ids[n]
	ref := elbRef{label: "ElasticLoadBalancers_ElasticLoadBalancerName", value: name}
	switch {
	case hasName && hasID:
		return nil, nil, errorf(CodeIllegalInput, "Give %s or %s, not both.", listName(elasticNamesList, n, ""), listName(elasticIDsList, n, ""))
	case hasID:
		ref = elbRef{label: "ElasticLoadBalancers_ElasticLoadBalancerId", value: id, byID: true}
		if id == "" {
			return nil, nil, errMissing(listName(elasticIDsList, n, ""))
		}
	case name == "":
		return nil, nil, errMissing(listName(elasticNamesList, n, ""))
	}
	proto, port, inst := narrowing[elasticProtocolsList][n], narrowing[elasticPortsList][n], narrowing[elasticInstPortsList][n]
	var key elbKey
	narrowed := proto != "" || port != "" || inst != ""
	if narrowed {
		var apiErr *apiError
		key, apiErr = readElasticKey(listName(elasticProtocolsList, n, ""), proto, listName(elasticPortsList, n, ""), port,
			listName(elasticInstPortsList, n, ""), inst)
		if apiErr != nil {
			return nil, nil, apiErr
		}
	}
	elb := s.findELB(ref)
	if elb == nil {
		return nil, nil, errElasticNotFound(ref)
	}
	if !narrowed {
		return elb, nil, nil
	}
	l := elb.findListener(key)
	if l == nil {
		return nil, nil, errElasticListenerNotFound(ref, key)
	}
	return elb, l, nil
}

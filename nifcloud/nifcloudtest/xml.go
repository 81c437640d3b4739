package nifcloudtest

import (
	"encoding/xml"
	"fmt"
	"slices"
	"time"
)

// Namespace is the XML namespace of every success reply.
const Namespace = "https://computing.api.nifcloud.com/api/"

// xmlHeader starts every reply, as in the live captures.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// createdTimeLayout renders CreatedTime as the live API does (milliseconds,
// +09:00).
const createdTimeLayout = "2006-01-02T15:04:05.000-07:00"

// jst is the zone of CreatedTime values.
var jst = time.FixedZone("JST", 9*60*60)

// members renders a list as <member> children; an empty list is an empty
// element.
type members[T any] struct {
	Items []T `xml:"member"`
}

// response is the success envelope: <ActionResponse xmlns=...> with the
// action's Result element (named by the result's XMLName) and metadata.
type response struct {
	XMLName  xml.Name
	Xmlns    string           `xml:"xmlns,attr"`
	Result   any              // a *…Result value with its own XMLName
	Metadata responseMetadata `xml:"ResponseMetadata"`
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// errorResponse is the error envelope (no namespace).
type errorResponse struct {
	XMLName   xml.Name     `xml:"Response"`
	Errors    []errorEntry `xml:"Errors>Error"`
	RequestID string       `xml:"RequestID"`
}

type errorEntry struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// renderSuccess renders the reply of action with its result.
func renderSuccess(action string, result any, requestID string) ([]byte, error) {
	return render(response{
		XMLName:  xml.Name{Local: action + "Response"},
		Xmlns:    Namespace,
		Result:   result,
		Metadata: responseMetadata{RequestID: requestID},
	})
}

// renderError renders the error envelope for e.
func renderError(e *apiError, requestID string) []byte {
	out, err := render(errorResponse{Errors: []errorEntry{{Code: e.code, Message: e.message}}, RequestID: requestID})
	if err != nil {
		// The envelope holds only strings; encoding/xml cannot fail on it.
		panic(fmt.Sprintf("render error envelope: %v", err))
	}
	return out
}

func render(v any) ([]byte, error) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal reply: %w", err)
	}
	return append([]byte(xmlHeader), append(body, '\n')...), nil
}

// instanceRef is {InstanceId, InstanceUniqueId}.
type instanceRef struct {
	InstanceID       string `xml:"InstanceId"`
	InstanceUniqueID string `xml:"InstanceUniqueId"`
}

// instanceStateXML is one InstanceStates member.
type instanceStateXML struct {
	InstanceID       string `xml:"InstanceId"`
	InstanceUniqueID string `xml:"InstanceUniqueId"`
	State            string `xml:"State"`
	ReasonCode       string `xml:"ReasonCode"`
	Description      string `xml:"Description"`
}

// registerResult and the following types are the Result elements.
type registerResult struct {
	XMLName   xml.Name             `xml:"RegisterInstancesWithLoadBalancerResult"`
	Instances members[instanceRef] `xml:"Instances"`
}

type deregisterResult struct {
	XMLName   xml.Name             `xml:"DeregisterInstancesFromLoadBalancerResult"`
	Instances members[instanceRef] `xml:"Instances"`
}

type describeInstanceHealthResult struct {
	XMLName        xml.Name                  `xml:"DescribeInstanceHealthResult"`
	InstanceStates members[instanceStateXML] `xml:"InstanceStates"`
}

type createResult struct {
	XMLName xml.Name `xml:"CreateLoadBalancerResult"`
	DNSName string   `xml:"DNSName"`
}

type deleteResult struct {
	XMLName xml.Name `xml:"DeleteLoadBalancerResult"`
}

type registerPortResult struct {
	XMLName   xml.Name             `xml:"RegisterPortWithLoadBalancerResult"`
	Listeners members[listenerXML] `xml:"Listeners"`
}

type configureHealthCheckResult struct {
	XMLName     xml.Name `xml:"ConfigureHealthCheckResult"`
	HealthCheck struct {
		Target             string `xml:"Target"`
		Interval           int    `xml:"Interval"`
		UnhealthyThreshold int    `xml:"UnhealthyThreshold"`
		HealthyThreshold   int    `xml:"HealthyThreshold"`
	} `xml:"HealthCheck"`
}

type setFilterResult struct {
	XMLName xml.Name  `xml:"SetFilterForLoadBalancerResult"`
	Filter  filterXML `xml:"Filter"`
}

type describeLoadBalancersResult struct {
	XMLName      xml.Name                `xml:"DescribeLoadBalancersResult"`
	Descriptions members[descriptionXML] `xml:"LoadBalancerDescriptions"`
}

// listenerXML is a listener; SSLCertificateId only when set.
type listenerXML struct {
	Protocol         string `xml:"Protocol"`
	LoadBalancerPort int    `xml:"LoadBalancerPort"`
	InstancePort     int    `xml:"InstancePort"`
	BalancingType    int    `xml:"BalancingType"`
	SSLCertificateID string `xml:"SSLCertificateId,omitempty"`
}

type filterXML struct {
	FilterType  int                   `xml:"FilterType"`
	IPAddresses members[ipAddressXML] `xml:"IPAddresses"`
}

type ipAddressXML struct {
	IPAddress string `xml:"IPAddress"`
}

// descriptionXML is one LoadBalancerDescriptions member, i.e. one port
// definition, in the element order of the live captures.
type descriptionXML struct {
	LoadBalancerName     string                  `xml:"LoadBalancerName"`
	DNSName              string                  `xml:"DNSName"`
	NetworkVolume        int                     `xml:"NetworkVolume"`
	PolicyType           string                  `xml:"PolicyType"`
	ListenerDescriptions members[listenerMember] `xml:"ListenerDescriptions"`
	Policies             policiesXML             `xml:"Policies"`
	AvailabilityZones    members[string]         `xml:"AvailabilityZones"`
	Instances            members[instanceRef]    `xml:"Instances"`
	HealthCheck          healthCheckXML          `xml:"HealthCheck"`
	Filter               filterXML               `xml:"Filter"`
	CreatedTime          string                  `xml:"CreatedTime"`
	AccountingType       string                  `xml:"AccountingType"`
	NextMonthAccount     string                  `xml:"NextMonthAccountingType"`
	Option               *optionXML              `xml:"Option,omitempty"`
	Description          string                  `xml:"Description"`
}

type listenerMember struct {
	Listener listenerXML `xml:"Listener"`
}

// policiesXML is the AWS-compatibility vestige the live API always sends
// with empty values.
type policiesXML struct {
	AppCookie members[appCookiePolicy] `xml:"AppCookieStickinessPolicies"`
	LBCookie  members[lbCookiePolicy]  `xml:"LBCookieStickinessPolicies"`
}

type appCookiePolicy struct {
	PolicyName string `xml:"PolicyName"`
	CookieName string `xml:"CookieName"`
}

type lbCookiePolicy struct {
	PolicyName             string `xml:"PolicyName"`
	CookieExpirationPeriod string `xml:"CookieExpirationPeriod"`
}

type healthCheckXML struct {
	Target             string                    `xml:"Target"`
	Interval           int                       `xml:"Interval"`
	Timeout            int                       `xml:"Timeout"`
	UnhealthyThreshold int                       `xml:"UnhealthyThreshold"`
	HealthyThreshold   int                       `xml:"HealthyThreshold"`
	InstanceStates     members[instanceStateXML] `xml:"InstanceStates"`
}

type optionXML struct {
	SessionStickinessPolicy struct {
		Enabled          bool `xml:"Enabled"`
		ExpirationPeriod int  `xml:"ExpirationPeriod"`
	} `xml:"SessionStickinessPolicy"`
	SorryPage struct {
		Enabled    bool `xml:"Enabled"`
		StatusCode int  `xml:"StatusCode"`
	} `xml:"SorryPage"`
}

// emptyPolicies is the Policies element of every description.
var emptyPolicies = policiesXML{
	AppCookie: members[appCookiePolicy]{Items: []appCookiePolicy{{}}},
	LBCookie:  members[lbCookiePolicy]{Items: []lbCookiePolicy{{}}},
}

// listenerOf is the listener of port definition p.
func listenerOf(p *portState) listenerXML {
	return listenerXML{
		Protocol:         p.protocol,
		LoadBalancerPort: p.lbPort,
		InstancePort:     p.instPort,
		BalancingType:    p.balancingType,
		SSLCertificateID: p.sslCertID,
	}
}

// filterOf is the filter of p; no address means all ("*.*.*.*").
func filterOf(p *portState) filterXML {
	f := filterXML{FilterType: p.filterType}
	if len(p.filterAddrs) == 0 {
		f.IPAddresses.Items = []ipAddressXML{{IPAddress: allAddresses}}
		return f
	}
	for _, a := range p.filterAddrs {
		f.IPAddresses.Items = append(f.IPAddresses.Items, ipAddressXML{IPAddress: a})
	}
	return f
}

// instanceStatesOf lists the health results of the given members of p at
// now; members without a result yet are left out.
func (s *Server) instanceStatesOf(ms []*memberState, now time.Time) []instanceStateXML {
	out := []instanceStateXML{}
	for _, m := range ms {
		state := s.healthOf(m, now)
		if state == HealthPending {
			continue
		}
		out = append(out, instanceStateXML{InstanceID: m.id, InstanceUniqueID: s.uniqueID(m.id), State: state})
	}
	return out
}

// describe renders port definition p of lb at now.
func (s *Server) describe(lb *lbState, p *portState, now time.Time) descriptionXML {
	d := descriptionXML{
		LoadBalancerName:     lb.name,
		DNSName:              lb.dnsName,
		NetworkVolume:        lb.networkVolume,
		PolicyType:           lb.policyType,
		ListenerDescriptions: members[listenerMember]{Items: []listenerMember{{Listener: listenerOf(p)}}},
		Policies:             emptyPolicies,
		AvailabilityZones:    members[string]{Items: slices.Clone(lb.zones)},
		HealthCheck: healthCheckXML{
			Target:             p.health.Target,
			Interval:           p.health.Interval,
			Timeout:            p.health.Timeout,
			UnhealthyThreshold: p.health.UnhealthyThreshold,
			HealthyThreshold:   p.health.HealthyThreshold,
			InstanceStates:     members[instanceStateXML]{Items: s.instanceStatesOf(p.members, now)},
		},
		Filter:           filterOf(p),
		CreatedTime:      p.createdTime.In(jst).Format(createdTimeLayout),
		AccountingType:   lb.accountingType,
		NextMonthAccount: lb.nextMonthAccountingType,
		Description:      lb.description,
	}
	for _, m := range p.members {
		d.Instances.Items = append(d.Instances.Items, instanceRef{InstanceID: m.id, InstanceUniqueID: s.uniqueID(m.id)})
	}
	if p.option != nil {
		o := &optionXML{}
		o.SessionStickinessPolicy.Enabled = p.option.SessionStickiness.Enabled
		o.SessionStickinessPolicy.ExpirationPeriod = p.option.SessionStickiness.ExpirationPeriod
		o.SorryPage.Enabled = p.option.SorryPage.Enabled
		o.SorryPage.StatusCode = p.option.SorryPage.StatusCode
		d.Option = o
	}
	return d
}

package nifcloudtest

import (
	"encoding/xml"
	"strings"
	"time"
)

// elasticCreatedTimeLayout renders the CreatedTime of an elastic load
// balancer as the captures do (seconds, +09:00).
const elasticCreatedTimeLayout = "2006-01-02T15:04:05-07:00"

// cdataXML is text sent as a CDATA section, as the live API sends
// descriptions (an empty one as <![CDATA[]]>).
type cdataXML struct {
	Inner string `xml:",innerxml"`
}

// cdata wraps s in a CDATA section; "]]>" inside s is split across two
// sections, so any text round-trips.
func cdata(s string) cdataXML {
	return cdataXML{Inner: "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"}
}

type elasticRegisterResult struct {
	XMLName xml.Name `xml:"NiftyRegisterInstancesWithElasticLoadBalancerResult"`
}

type elasticDeregisterResult struct {
	XMLName xml.Name `xml:"NiftyDeregisterInstancesFromElasticLoadBalancerResult"`
}

// elasticHealthResult lists {InstanceId, InstanceUniqueId, State,
// ReasonCode, Description}, the element order of the classic reply.
type elasticHealthResult struct {
	XMLName        xml.Name                  `xml:"NiftyDescribeInstanceElasticLoadBalancerHealthResult"`
	InstanceStates members[instanceStateXML] `xml:"InstanceStates"`
}

type elasticDescribeResult struct {
	XMLName      xml.Name                       `xml:"NiftyDescribeElasticLoadBalancersResult"`
	Descriptions members[elasticDescriptionXML] `xml:"ElasticLoadBalancerDescriptions"`
}

// elasticDescriptionXML is one ElasticLoadBalancerDescriptions member, in
// the element order of reference next §1.2.
type elasticDescriptionXML struct {
	ID                      string                         `xml:"ElasticLoadBalancerId"`
	Name                    string                         `xml:"ElasticLoadBalancerName"`
	DNSName                 string                         `xml:"DNSName"`
	NetworkVolume           int                            `xml:"NetworkVolume"`
	State                   string                         `xml:"State"`
	AccountingType          string                         `xml:"AccountingType"`
	NextMonthAccountingType string                         `xml:"NextMonthAccountingType"`
	Listeners               members[elasticListenerMember] `xml:"ElasticLoadBalancerListenerDescriptions"`
	AvailabilityZones       members[string]                `xml:"AvailabilityZones"`
	NetworkInterfaces       members[nicXML]                `xml:"NetworkInterfaces"`
	VersionInformation      versionXML                     `xml:"VersionInformation"`
	CreatedTime             string                         `xml:"CreatedTime"`
}

type elasticListenerMember struct {
	Listener elasticListenerXML `xml:"Listener"`
}

type elasticListenerXML struct {
	Protocol                string                      `xml:"Protocol"`
	ElasticLoadBalancerPort int                         `xml:"ElasticLoadBalancerPort"`
	InstancePort            int                         `xml:"InstancePort"`
	BalancingType           int                         `xml:"BalancingType"`
	Description             cdataXML                    `xml:"Description"`
	SSLCertificateID        string                      `xml:"SSLCertificateId"`
	SessionStickinessPolicy stickinessXML               `xml:"SessionStickinessPolicy"`
	SorryPage               sorryPageXML                `xml:"SorryPage"`
	Instances               members[elasticInstanceRef] `xml:"Instances"`
	HealthCheck             elasticHealthCheckXML       `xml:"HealthCheck"`
}

// stickinessXML shows Method and ExpirationPeriod only when enabled.
type stickinessXML struct {
	Enabled          bool `xml:"Enabled"`
	Method           int  `xml:"Method,omitempty"`
	ExpirationPeriod int  `xml:"ExpirationPeriod,omitempty"`
}

// sorryPageXML shows RedirectUrl only when enabled.
type sorryPageXML struct {
	Enabled     bool   `xml:"Enabled"`
	RedirectURL string `xml:"RedirectUrl,omitempty"`
}

// elasticInstanceRef is {InstanceUniqueId, InstanceId}: the elastic
// Describe puts the unique id first.
type elasticInstanceRef struct {
	InstanceUniqueID string `xml:"InstanceUniqueId"`
	InstanceID       string `xml:"InstanceId"`
}

type elasticInstanceState struct {
	InstanceUniqueID string `xml:"InstanceUniqueId"`
	InstanceID       string `xml:"InstanceId"`
	State            string `xml:"State"`
	ReasonCode       string `xml:"ReasonCode"`
	Description      string `xml:"Description"`
}

// elasticHealthCheckXML shows Path and Expectation only when set.
type elasticHealthCheckXML struct {
	Target             string                        `xml:"Target"`
	Interval           int                           `xml:"Interval"`
	UnhealthyThreshold int                           `xml:"UnhealthyThreshold"`
	Path               string                        `xml:"Path,omitempty"`
	Expectation        *members[httpCodeXML]         `xml:"Expectation,omitempty"`
	InstanceStates     members[elasticInstanceState] `xml:"InstanceStates"`
}

type httpCodeXML struct {
	HTTPCode string `xml:"HttpCode"`
}

type nicXML struct {
	NetworkID         string               `xml:"NetworkId"`
	NetworkName       string               `xml:"NetworkName"`
	DeviceIndex       int                  `xml:"DeviceIndex"`
	IPAddress         string               `xml:"IpAddress"`
	IsVIPNetwork      bool                 `xml:"IsVipNetwork"`
	Description       cdataXML             `xml:"Description"`
	SystemIPAddresses members[systemIPXML] `xml:"SystemIpAddresses"`
}

type systemIPXML struct {
	SystemIPAddress string `xml:"SystemIpAddress"`
}

type versionXML struct {
	IsLatest bool   `xml:"IsLatest"`
	Version  string `xml:"Version"`
}

// elasticHealthOf is the State an elastic reply shows for m at now: the
// health of healthOf, with no result yet as an empty string.
func (s *Server) elasticHealthOf(m *memberState, now time.Time) string {
	if st := s.healthOf(m, now); st != HealthPending {
		return st
	}
	return ""
}

// describeElastic renders elb with the given listeners at now.
func (s *Server) describeElastic(elb *elbState, ls []*elbListenerState, now time.Time) elasticDescriptionXML {
	d := elasticDescriptionXML{
		ID:                      elb.id,
		Name:                    elb.name,
		DNSName:                 elb.dnsName,
		NetworkVolume:           elb.networkVolume,
		State:                   elb.state(now),
		AccountingType:          elb.accountingType,
		NextMonthAccountingType: elb.nextMonthAccountingType,
		AvailabilityZones:       members[string]{Items: []string{elb.zone}},
		VersionInformation:      versionXML{IsLatest: !elb.versionOutdated, Version: elb.version},
		CreatedTime:             elb.createdTime.In(jst).Format(elasticCreatedTimeLayout),
	}
	for _, l := range ls {
		d.Listeners.Items = append(d.Listeners.Items, elasticListenerMember{Listener: s.elasticListenerOf(l, now)})
	}
	for _, n := range elb.nics {
		x := nicXML{NetworkID: n.NetworkID, NetworkName: n.NetworkName, DeviceIndex: n.DeviceIndex,
			IPAddress: n.IPAddress, IsVIPNetwork: n.IsVIPNetwork, Description: cdata(n.Description)}
		for _, a := range n.SystemIPAddresses {
			x.SystemIPAddresses.Items = append(x.SystemIPAddresses.Items, systemIPXML{SystemIPAddress: a})
		}
		d.NetworkInterfaces.Items = append(d.NetworkInterfaces.Items, x)
	}
	return d
}

// elasticListenerOf renders listener l at now.
func (s *Server) elasticListenerOf(l *elbListenerState, now time.Time) elasticListenerXML {
	x := elasticListenerXML{
		Protocol:                l.key.protocol,
		ElasticLoadBalancerPort: l.key.elbPort,
		InstancePort:            l.key.instPort,
		BalancingType:           l.balancingType,
		Description:             cdata(l.description),
		SSLCertificateID:        l.sslCertID,
		SessionStickinessPolicy: stickinessXML{Enabled: l.stickiness.Enabled},
		SorryPage:               sorryPageXML{Enabled: l.sorryPage.Enabled},
		HealthCheck: elasticHealthCheckXML{
			Target:             l.health.Target,
			Interval:           l.health.Interval,
			UnhealthyThreshold: l.health.UnhealthyThreshold,
			Path:               l.health.Path,
		},
	}
	if l.stickiness.Enabled {
		x.SessionStickinessPolicy.Method = l.stickiness.Method
		x.SessionStickinessPolicy.ExpirationPeriod = l.stickiness.ExpirationPeriod
	}
	if l.sorryPage.Enabled {
		x.SorryPage.RedirectURL = l.sorryPage.RedirectURL
	}
	if len(l.health.Expectation) > 0 {
		x.HealthCheck.Expectation = &members[httpCodeXML]{}
		for _, c := range l.health.Expectation {
			x.HealthCheck.Expectation.Items = append(x.HealthCheck.Expectation.Items, httpCodeXML{HTTPCode: c})
		}
	}
	for _, m := range l.members {
		uid := s.uniqueID(m.id)
		x.Instances.Items = append(x.Instances.Items, elasticInstanceRef{InstanceUniqueID: uid, InstanceID: m.id})
		x.HealthCheck.InstanceStates.Items = append(x.HealthCheck.InstanceStates.Items,
			elasticInstanceState{InstanceUniqueID: uid, InstanceID: m.id, State: s.elasticHealthOf(m, now)})
	}
	return x
}

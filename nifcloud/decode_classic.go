package nifcloud

import (
	"encoding/xml"
	"strings"
	"time"
)

// Replies of the classic load balancer actions.

type xmlDescribeLoadBalancersResponse struct {
	XMLName      xml.Name                     `xml:"DescribeLoadBalancersResponse"`
	Descriptions []xmlLoadBalancerDescription `xml:"DescribeLoadBalancersResult>LoadBalancerDescriptions>member"`
	responseMetadata
}

type xmlLoadBalancerDescription struct {
	LoadBalancerName        string         `xml:"LoadBalancerName"`
	DNSName                 string         `xml:"DNSName"`
	NetworkVolume           xmlInt         `xml:"NetworkVolume"`
	PolicyType              string         `xml:"PolicyType"`
	Listener                xmlListener    `xml:"ListenerDescriptions>member>Listener"`
	AvailabilityZones       []string       `xml:"AvailabilityZones>member"`
	Instances               []Instance     `xml:"Instances>member"`
	HealthCheck             xmlHealthCheck `xml:"HealthCheck"`
	Filter                  Filter         `xml:"Filter"`
	CreatedTime             xmlTime        `xml:"CreatedTime"`
	AccountingType          string         `xml:"AccountingType"`
	NextMonthAccountingType string         `xml:"NextMonthAccountingType"`
	Option                  *xmlOption     `xml:"Option"`
	Description             string         `xml:"Description"`
}

type xmlListener struct {
	Protocol         string `xml:"Protocol"`
	LoadBalancerPort xmlInt `xml:"LoadBalancerPort"`
	InstancePort     xmlInt `xml:"InstancePort"`
	BalancingType    xmlInt `xml:"BalancingType"`
}

type xmlHealthCheck struct {
	Target             string          `xml:"Target"`
	Interval           xmlInt          `xml:"Interval"`
	Timeout            xmlInt          `xml:"Timeout"`
	UnhealthyThreshold xmlInt          `xml:"UnhealthyThreshold"`
	HealthyThreshold   xmlInt          `xml:"HealthyThreshold"`
	InstanceStates     []InstanceState `xml:"InstanceStates>member"`
}

type xmlOption struct {
	StickinessEnabled xmlBool `xml:"SessionStickinessPolicy>Enabled"`
	ExpirationPeriod  xmlInt  `xml:"SessionStickinessPolicy>ExpirationPeriod"`
	SorryPageEnabled  xmlBool `xml:"SorryPage>Enabled"`
	SorryPageStatus   xmlInt  `xml:"SorryPage>StatusCode"`
}

type xmlRegisterInstancesResponse struct {
	XMLName   xml.Name   `xml:"RegisterInstancesWithLoadBalancerResponse"`
	Instances []Instance `xml:"RegisterInstancesWithLoadBalancerResult>Instances>member"`
	responseMetadata
}

type xmlDeregisterInstancesResponse struct {
	XMLName   xml.Name   `xml:"DeregisterInstancesFromLoadBalancerResponse"`
	Instances []Instance `xml:"DeregisterInstancesFromLoadBalancerResult>Instances>member"`
	responseMetadata
}

type xmlDescribeInstanceHealthResponse struct {
	XMLName        xml.Name        `xml:"DescribeInstanceHealthResponse"`
	InstanceStates []InstanceState `xml:"DescribeInstanceHealthResult>InstanceStates>member"`
	responseMetadata
}

type xmlCreateLoadBalancerResponse struct {
	XMLName xml.Name `xml:"CreateLoadBalancerResponse"`
	DNSName string   `xml:"CreateLoadBalancerResult>DNSName"`
	responseMetadata
}

type xmlRegisterPortResponse struct {
	XMLName   xml.Name      `xml:"RegisterPortWithLoadBalancerResponse"`
	Listeners []xmlListener `xml:"RegisterPortWithLoadBalancerResult>Listeners>member"`
	responseMetadata
}

type xmlConfigureHealthCheckResponse struct {
	XMLName     xml.Name       `xml:"ConfigureHealthCheckResponse"`
	HealthCheck xmlHealthCheck `xml:"ConfigureHealthCheckResult>HealthCheck"`
	responseMetadata
}

type xmlSetFilterResponse struct {
	XMLName xml.Name `xml:"SetFilterForLoadBalancerResponse"`
	Filter  Filter   `xml:"SetFilterForLoadBalancerResult>Filter"`
	responseMetadata
}

// output converts the reply to the public type.
func (r *xmlDescribeLoadBalancersResponse) output() *DescribeLoadBalancersOutput {
	out := &DescribeLoadBalancersOutput{
		LoadBalancerDescriptions: make([]LoadBalancerDescription, len(r.Descriptions)),
		RequestID:                r.requestID(),
	}
	for i := range r.Descriptions {
		out.LoadBalancerDescriptions[i] = r.Descriptions[i].description()
	}
	return out
}

// description converts one member to the public type.
func (x *xmlLoadBalancerDescription) description() LoadBalancerDescription {
	return LoadBalancerDescription{
		LoadBalancerName:        x.LoadBalancerName,
		DNSName:                 x.DNSName,
		NetworkVolume:           int(x.NetworkVolume),
		PolicyType:              x.PolicyType,
		Listener:                x.Listener.listener(),
		AvailabilityZones:       x.AvailabilityZones,
		Instances:               x.Instances,
		HealthCheck:             x.HealthCheck.healthCheck(),
		Filter:                  x.Filter,
		CreatedTime:             time.Time(x.CreatedTime),
		AccountingType:          x.AccountingType,
		NextMonthAccountingType: x.NextMonthAccountingType,
		Option:                  x.Option.option(),
		Description:             x.Description,
	}
}

// listener converts a listener to the public type.
func (x xmlListener) listener() Listener {
	return Listener{
		Protocol:         x.Protocol,
		LoadBalancerPort: int(x.LoadBalancerPort),
		InstancePort:     int(x.InstancePort),
		BalancingType:    int(x.BalancingType),
	}
}

// healthCheck converts a health check to the public type.
func (x *xmlHealthCheck) healthCheck() HealthCheck {
	return HealthCheck{
		Target:             x.Target,
		Interval:           int(x.Interval),
		Timeout:            int(x.Timeout),
		UnhealthyThreshold: int(x.UnhealthyThreshold),
		HealthyThreshold:   int(x.HealthyThreshold),
		InstanceStates:     x.InstanceStates,
	}
}

// option converts an Option element to the public type; nil stays nil.
func (x *xmlOption) option() *Option {
	if x == nil {
		return nil
	}
	return &Option{
		SessionStickinessPolicy: SessionStickinessPolicy{
			Enabled:          bool(x.StickinessEnabled),
			ExpirationPeriod: int(x.ExpirationPeriod),
		},
		SorryPage: SorryPage{
			Enabled:    bool(x.SorryPageEnabled),
			StatusCode: int(x.SorryPageStatus),
		},
	}
}

// listeners converts the echoed listeners to the public type, with the
// protocol in upper case as DescribeLoadBalancers spells it.
func (r *xmlRegisterPortResponse) listeners() []Listener {
	out := make([]Listener, len(r.Listeners))
	for i, l := range r.Listeners {
		out[i] = l.listener()
		out[i].Protocol = strings.ToUpper(out[i].Protocol)
	}
	return out
}

package nifcloud

import "encoding/xml"

// Replies of the Multi Load Balancer (Nifty*ElasticLoadBalancer*) actions.

type xmlDescribeElasticLoadBalancersResponse struct {
	XMLName      xml.Name                            `xml:"NiftyDescribeElasticLoadBalancersResponse"`
	Descriptions []xmlElasticLoadBalancerDescription `xml:"NiftyDescribeElasticLoadBalancersResult>ElasticLoadBalancerDescriptions>member"`
	responseMetadata
}

type xmlElasticLoadBalancerDescription struct {
	ID                      string               `xml:"ElasticLoadBalancerId"`
	Name                    string               `xml:"ElasticLoadBalancerName"`
	DNSName                 string               `xml:"DNSName"`
	NetworkVolume           xmlInt               `xml:"NetworkVolume"`
	State                   string               `xml:"State"`
	AccountingType          string               `xml:"AccountingType"`
	NextMonthAccountingType string               `xml:"NextMonthAccountingType"`
	Listeners               []xmlElasticListener `xml:"ElasticLoadBalancerListenerDescriptions>member>Listener"`
}

type xmlElasticListener struct {
	Protocol                string                `xml:"Protocol"`
	ElasticLoadBalancerPort xmlInt                `xml:"ElasticLoadBalancerPort"`
	InstancePort            xmlInt                `xml:"InstancePort"`
	BalancingType           xmlInt                `xml:"BalancingType"`
	Description             string                `xml:"Description"`
	Instances               []Instance            `xml:"Instances>member"`
	HealthCheck             xmlElasticHealthCheck `xml:"HealthCheck"`
}

type xmlElasticHealthCheck struct {
	Target             string          `xml:"Target"`
	Interval           xmlInt          `xml:"Interval"`
	UnhealthyThreshold xmlInt          `xml:"UnhealthyThreshold"`
	Path               string          `xml:"Path"`
	Expectation        []string        `xml:"Expectation>member>HttpCode"`
	InstanceStates     []InstanceState `xml:"InstanceStates>member"`
}

type xmlElasticHealthResponse struct {
	XMLName        xml.Name        `xml:"NiftyDescribeInstanceElasticLoadBalancerHealthResponse"`
	InstanceStates []InstanceState `xml:"NiftyDescribeInstanceElasticLoadBalancerHealthResult>InstanceStates>member"`
	responseMetadata
}

// output converts the reply to the public type.
func (r *xmlDescribeElasticLoadBalancersResponse) output() *NiftyDescribeElasticLoadBalancersOutput {
	out := &NiftyDescribeElasticLoadBalancersOutput{
		ElasticLoadBalancerDescriptions: make([]ElasticLoadBalancerDescription, len(r.Descriptions)),
		RequestID:                       r.requestID(),
	}
	for i := range r.Descriptions {
		out.ElasticLoadBalancerDescriptions[i] = r.Descriptions[i].description()
	}
	return out
}

// description converts one member to the public type.
func (x *xmlElasticLoadBalancerDescription) description() ElasticLoadBalancerDescription {
	d := ElasticLoadBalancerDescription{
		ElasticLoadBalancerID:   x.ID,
		ElasticLoadBalancerName: x.Name,
		DNSName:                 x.DNSName,
		NetworkVolume:           int(x.NetworkVolume),
		State:                   x.State,
		AccountingType:          x.AccountingType,
		NextMonthAccountingType: x.NextMonthAccountingType,
	}
	if len(x.Listeners) > 0 {
		d.Listeners = make([]ElasticLoadBalancerListener, len(x.Listeners))
		for i := range x.Listeners {
			d.Listeners[i] = x.Listeners[i].listener()
		}
	}
	return d
}

// listener converts one listener to the public type.
func (x *xmlElasticListener) listener() ElasticLoadBalancerListener {
	return ElasticLoadBalancerListener{
		Protocol:                x.Protocol,
		ElasticLoadBalancerPort: int(x.ElasticLoadBalancerPort),
		InstancePort:            int(x.InstancePort),
		BalancingType:           int(x.BalancingType),
		Description:             x.Description,
		Instances:               x.Instances,
		HealthCheck: ElasticLoadBalancerHealthCheck{
			Target:             x.HealthCheck.Target,
			Interval:           int(x.HealthCheck.Interval),
			UnhealthyThreshold: int(x.HealthCheck.UnhealthyThreshold),
			Path:               x.HealthCheck.Path,
			Expectation:        x.HealthCheck.Expectation,
			InstanceStates:     x.HealthCheck.InstanceStates,
		},
	}
}

package nifcloud

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The types below mirror the XML replies. Tags name elements without a
// namespace, so they match the current namespace, the historic ones and
// none. Numbers, booleans and times use the xml* scalar types, which read an
// empty element as absent (zero) instead of failing.

// responseMetadata holds the request id of a success reply.
type responseMetadata struct {
	RequestID string `xml:"ResponseMetadata>RequestId"`
	// RequestIDLower accepts the lower-case spelling of EC2-style
	// replies.
	RequestIDLower string `xml:"ResponseMetadata>requestId"`
}

func (m responseMetadata) requestID() string {
	if m.RequestID != "" {
		return strings.TrimSpace(m.RequestID)
	}
	return strings.TrimSpace(m.RequestIDLower)
}

type xmlDescribeLoadBalancersResponse struct {
	XMLName      xml.Name                     `xml:"DescribeLoadBalancersResponse"`
	Descriptions []xmlLoadBalancerDescription `xml:"DescribeLoadBalancersResult>LoadBalancerDescriptions>member"`
	responseMetadata
}

type xmlLoadBalancerDescription struct {
	LoadBalancerName        string                      `xml:"LoadBalancerName"`
	DNSName                 string                      `xml:"DNSName"`
	NetworkVolume           xmlInt                      `xml:"NetworkVolume"`
	PolicyType              string                      `xml:"PolicyType"`
	Listeners               []xmlListener               `xml:"ListenerDescriptions>member>Listener"`
	AppCookiePolicies       []AppCookieStickinessPolicy `xml:"Policies>AppCookieStickinessPolicies>member"`
	LBCookiePolicies        []xmlLBCookiePolicy         `xml:"Policies>LBCookieStickinessPolicies>member"`
	AvailabilityZones       []string                    `xml:"AvailabilityZones>member"`
	Instances               []Instance                  `xml:"Instances>member"`
	HealthCheck             xmlHealthCheck              `xml:"HealthCheck"`
	FilterType              string                      `xml:"Filter>FilterType"`
	IPAddresses             []string                    `xml:"Filter>IPAddresses>member>IPAddress"`
	CreatedTime             xmlTime                     `xml:"CreatedTime"`
	AccountingType          string                      `xml:"AccountingType"`
	NextMonthAccountingType string                      `xml:"NextMonthAccountingType"`
	Option                  *xmlOption                  `xml:"Option"`
	Description             string                      `xml:"Description"`
}

type xmlListener struct {
	Protocol         string     `xml:"Protocol"`
	LoadBalancerPort xmlInt     `xml:"LoadBalancerPort"`
	InstancePort     xmlInt     `xml:"InstancePort"`
	BalancingType    xmlInt     `xml:"BalancingType"`
	SSLCertificateID string     `xml:"SSLCertificateId"`
	SSLPolicy        *SSLPolicy `xml:"SSLPolicy"`
}

type xmlLBCookiePolicy struct {
	PolicyName             string `xml:"PolicyName"`
	CookieExpirationPeriod xmlInt `xml:"CookieExpirationPeriod"`
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
	d := LoadBalancerDescription{
		LoadBalancerName: x.LoadBalancerName,
		DNSName:          x.DNSName,
		NetworkVolume:    int(x.NetworkVolume),
		PolicyType:       x.PolicyType,
		Policies: Policies{
			AppCookieStickinessPolicies: x.AppCookiePolicies,
		},
		AvailabilityZones: x.AvailabilityZones,
		Instances:         x.Instances,
		HealthCheck: HealthCheck{
			Target:             x.HealthCheck.Target,
			Interval:           int(x.HealthCheck.Interval),
			Timeout:            int(x.HealthCheck.Timeout),
			UnhealthyThreshold: int(x.HealthCheck.UnhealthyThreshold),
			HealthyThreshold:   int(x.HealthCheck.HealthyThreshold),
			InstanceStates:     x.HealthCheck.InstanceStates,
		},
		Filter:                  Filter{FilterType: x.FilterType, IPAddresses: x.IPAddresses},
		CreatedTime:             time.Time(x.CreatedTime),
		AccountingType:          x.AccountingType,
		NextMonthAccountingType: x.NextMonthAccountingType,
		Description:             x.Description,
	}
	if len(x.Listeners) > 0 {
		d.ListenerDescriptions = make([]ListenerDescription, len(x.Listeners))
		for i, l := range x.Listeners {
			d.ListenerDescriptions[i] = ListenerDescription{Listener: Listener{
				Protocol:         l.Protocol,
				LoadBalancerPort: int(l.LoadBalancerPort),
				InstancePort:     int(l.InstancePort),
				BalancingType:    int(l.BalancingType),
				SSLCertificateID: l.SSLCertificateID,
				SSLPolicy:        l.SSLPolicy,
			}}
		}
	}
	if len(x.LBCookiePolicies) > 0 {
		d.Policies.LBCookieStickinessPolicies = make([]LBCookieStickinessPolicy, len(x.LBCookiePolicies))
		for i, p := range x.LBCookiePolicies {
			d.Policies.LBCookieStickinessPolicies[i] = LBCookieStickinessPolicy{
				PolicyName:             p.PolicyName,
				CookieExpirationPeriod: int(p.CookieExpirationPeriod),
			}
		}
	}
	if x.Option != nil {
		d.Option = &Option{
			SessionStickinessPolicy: SessionStickinessPolicy{
				Enabled:          bool(x.Option.StickinessEnabled),
				ExpirationPeriod: int(x.Option.ExpirationPeriod),
			},
			SorryPage: SorryPage{
				Enabled:    bool(x.Option.SorryPageEnabled),
				StatusCode: int(x.Option.SorryPageStatus),
			},
		}
	}
	return d
}

// xmlInt is an integer element; an empty element is absent (zero).
type xmlInt int

// UnmarshalXML implements xml.Unmarshaler.
func (n *xmlInt) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s, err := elementText(d, start)
	if err != nil {
		return err
	}
	return n.set(start.Name.Local, s)
}

// set reads the trimmed text s of the element name; empty text leaves n
// as it is.
func (n *xmlInt) set(name, s string) error {
	if s == "" {
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%s: invalid integer %s", name, quoteShort(s))
	}
	*n = xmlInt(v)
	return nil
}

// xmlBool is a boolean element ("true", "false", any case, or 1/0); an
// empty element is absent (false).
type xmlBool bool

// UnmarshalXML implements xml.Unmarshaler.
func (b *xmlBool) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s, err := elementText(d, start)
	if err != nil {
		return err
	}
	return b.set(start.Name.Local, s)
}

// set reads the trimmed text s of the element name; empty text leaves b
// as it is.
func (b *xmlBool) set(name, s string) error {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		return fmt.Errorf("%s: invalid boolean %s", name, quoteShort(s))
	}
	*b = xmlBool(v)
	return nil
}

// xmlTime is a timestamp element in RFC 3339 form, with or without
// fractional seconds, with an offset or Z (or, leniently, no zone, read as
// UTC); an empty element is absent (the zero time).
type xmlTime time.Time

// timeLayouts are tried in order by xmlTime.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

// UnmarshalXML implements xml.Unmarshaler.
func (t *xmlTime) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	s, err := elementText(d, start)
	if err != nil {
		return err
	}
	return t.set(start.Name.Local, s)
}

// set reads the trimmed text s of the element name; empty text leaves t
// as it is.
func (t *xmlTime) set(name, s string) error {
	if s == "" {
		return nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = xmlTime(v)
			return nil
		}
	}
	return fmt.Errorf("%s: invalid timestamp %s", name, quoteShort(s))
}

// elementText reads the text of the element that start opened, trimmed.
func elementText(d *xml.Decoder, start xml.StartElement) (string, error) {
	var s string
	if err := d.DecodeElement(&s, &start); err != nil {
		return "", err
	}
	return strings.TrimSpace(s), nil
}

// quoteShort quotes s for an error message; a value of more than 40 bytes
// is cut between words (see truncate) and its length given, so that a
// secret echoed in a reply is never quoted in part.
func quoteShort(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%s (%d bytes)", strconv.Quote(truncate(s, 40, unicode.IsSpace)), len(s))
	}
	return strconv.Quote(s)
}

package nifcloudtest_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// FuzzRequest sends arbitrary form bodies, raw or signed after parsing, and
// checks that the emulator answers with a well-formed document, that a
// refused call changes nothing, that the state stays consistent, and that
// neither the secret nor the signature is echoed.
func FuzzRequest(f *testing.F) {
	seeds := []string{
		"Action=DescribeLoadBalancers",
		"Action=DescribeLoadBalancers&LoadBalancerNames.member.1=weblb01&LoadBalancerNames.LoadBalancerPort.1=80&LoadBalancerNames.InstancePort.1=8080",
		"Action=DescribeLoadBalancers&LoadBalancerNames.member=&Owner=other",
		"Action=RegisterInstancesWithLoadBalancer&LoadBalancerName=weblb01&LoadBalancerPort=80&InstancePort=8080&Instances.member.1.InstanceId=web003",
		"Action=RegisterInstancesWithLoadBalancer&LoadBalancerName=weblb01&LoadBalancerPort=80&InstancePort=8080&Instances.member.1.InstanceId=web003&Instances.member.2.InstanceId=web003",
		"Action=DeregisterInstancesFromLoadBalancer&LoadBalancerName=weblb01&LoadBalancerPort=80&InstancePort=8080&Instances.member.1.InstanceId=web001",
		"Action=DescribeInstanceHealth&LoadBalancerName=weblb01&LoadBalancerPort=443&InstancePort=8443",
		"Action=CreateLoadBalancer&LoadBalancerName=lb2&Listeners.member.1.Protocol=HTTP&AvailabilityZones.member.1=east-12",
		"Action=RegisterPortWithLoadBalancer&LoadBalancerName=weblb01&Listeners.member.1.LoadBalancerPort=21&Listeners.member.2.LoadBalancerPort=22",
		"Action=DeleteLoadBalancer&LoadBalancerName=weblb01&LoadBalancerPort=443&InstancePort=8443",
		"Action=ConfigureHealthCheck&LoadBalancerName=weblb01&LoadBalancerPort=80&InstancePort=8080&HealthCheck.Target=TCP%3A80&HealthCheck.Interval=5&HealthCheck.UnhealthyThreshold=10",
		"Action=SetFilterForLoadBalancer&LoadBalancerName=weblb01&LoadBalancerPort=80&InstancePort=8080&FilterType=2&IPAddresses.member.1.IPAddress=203.0.113.0%2F24&IPAddresses.member.2.IPAddress=::1&IPAddresses.member.2.AddOnFilter=false",
		"Action=UpdateLoadBalancer&LoadBalancerName=weblb01&LoadBalancerNameUpdate=web2&ListenerUpdate.LoadBalancerPort=80&ListenerUpdate.InstancePort=8080&ListenerUpdate.Listener.Protocol=FTP",
		"Action=UpdateLoadBalancerOption&LoadBalancerName=weblb01&LoadBalancerPort=80&InstancePort=8080&SorryPageUpdate.Enable=true&SorryPageUpdate.StatusCode=503",
		"Action=NiftyDescribeElasticLoadBalancers&ElasticLoadBalancers.ElasticLoadBalancerId.1=elb-0a1b2c3d&ElasticLoadBalancers.Protocol.1=TCP&ElasticLoadBalancers.ElasticLoadBalancerPort.1=80&ElasticLoadBalancers.InstancePort.1=8080&Filter.1.Name=state&Filter.1.Value.1=available",
		"Action=NiftyRegisterInstancesWithElasticLoadBalancer&ElasticLoadBalancerName=webelb01&Protocol=TCP&ElasticLoadBalancerPort=80&InstancePort=8080&Instances.member.1.InstanceUniqueId=i-8c9d0e1f",
		"Action=NiftyDeregisterInstancesFromElasticLoadBalancer&ElasticLoadBalancerId=elb-0a1b2c3d&Protocol=tcp&ElasticLoadBalancerPort=80&InstancePort=8080&Instances.member.1.InstanceId=web001&Instances.member.2.InstanceId=web002",
		"Action=NiftyDescribeInstanceElasticLoadBalancerHealth&ElasticLoadBalancerName=webelb01&Protocol=HTTPS&ElasticLoadBalancerPort=443&InstancePort=8443",
		"Action=Nope&x=%zz",
		"Action=DescribeLoadBalancers&Action=DescribeLoadBalancers",
		"Instances.member.1001.InstanceId=x&Instances.member.01.InstanceId=y",
		"",
		"%",
		"a=b;c=d",
	}
	for _, s := range seeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, sign bool) {
		opts := referenceOptions()
		opts.Credentials = []nifcloudtest.Credential{testCred}
		c := newClock()
		opts.Now = c.Now
		srv, err := nifcloudtest.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		signature := ""
		if params, err := url.ParseQuery(body); err == nil && sign {
			p := signedBody(testCred, "fuzz.example", params, c.Now())
			signature = p.Get("Signature")
			body = p.Encode()
		}
		before := srv.State()
		req := httptest.NewRequest(http.MethodPost, "http://fuzz.example/api/", strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:1"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)

		out := rec.Body.String()
		if !strings.HasPrefix(out, "<?xml") {
			t.Fatalf("status %d: reply is not an XML document: %q", rec.Code, out)
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), new(struct{})); err != nil {
			t.Fatalf("status %d: reply does not parse: %v\n%s", rec.Code, err, out)
		}
		if strings.Contains(out, testCred.SecretAccessKey) || (signature != "" && strings.Contains(out, signature)) {
			t.Fatalf("the reply echoes the secret or the signature:\n%s", out)
		}
		after := srv.State()
		if rec.Code != http.StatusOK && !reflect.DeepEqual(before, after) {
			t.Fatalf("a refused call (status %d) changed the state", rec.Code)
		}
		if err := checkInvariants(after); err != nil {
			t.Fatalf("inconsistent state after %q: %v", body, err)
		}
	})
}

// checkInvariants checks the rules of the model on a snapshot.
func checkInvariants(st nifcloudtest.State) error {
	known := map[string]bool{}
	for _, in := range st.Instances {
		known[in.InstanceID] = true
	}
	if err := checkElasticInvariants(st, known); err != nil {
		return err
	}
	names, vips := map[string]bool{}, map[string]bool{}
	for _, lb := range st.LoadBalancers {
		if names[lb.Name] || vips[lb.DNSName] {
			return fmt.Errorf("load balancer %q: name or VIP %q used twice", lb.Name, lb.DNSName)
		}
		names[lb.Name], vips[lb.DNSName] = true, true
		if len(lb.Ports) < 1 || len(lb.Ports) > 3 {
			return fmt.Errorf("load balancer %q has %d ports", lb.Name, len(lb.Ports))
		}
		ports := map[int]bool{}
		for _, p := range lb.Ports {
			if ports[p.LoadBalancerPort] {
				return fmt.Errorf("load balancer %q: port %d twice", lb.Name, p.LoadBalancerPort)
			}
			ports[p.LoadBalancerPort] = true
			members := map[string]bool{}
			for _, m := range p.Members {
				if !known[m.InstanceID] || members[m.InstanceID] {
					return fmt.Errorf("port %d: member %q unknown or twice", p.LoadBalancerPort, m.InstanceID)
				}
				members[m.InstanceID] = true
			}
			if len(p.Filter.IPAddresses) > 30 {
				return fmt.Errorf("port %d: %d filter addresses", p.LoadBalancerPort, len(p.Filter.IPAddresses))
			}
		}
	}
	return nil
}

// checkElasticInvariants checks the rules of the elastic model.
func checkElasticInvariants(st nifcloudtest.State, known map[string]bool) error {
	for _, elb := range st.ElasticLoadBalancers {
		if len(elb.Listeners) < 1 || len(elb.Listeners) > 3 {
			return fmt.Errorf("elastic load balancer %q has %d listeners", elb.Name, len(elb.Listeners))
		}
		for _, l := range elb.Listeners {
			members := map[string]bool{}
			for _, m := range l.Members {
				if !known[m.InstanceID] || members[m.InstanceID] {
					return fmt.Errorf("listener %s %d: member %q unknown or twice", l.Protocol, l.ElasticLoadBalancerPort, m.InstanceID)
				}
				members[m.InstanceID] = true
			}
		}
	}
	return nil
}

package nifcloud_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"nifcloud_lb/nifcloud"
)

// goldenAPI starts a local stand-in for the API that answers every action
// with its reply under testdata/responses, and returns a client for it.
func goldenAPI() (*nifcloud.Client, func()) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		reply, err := os.ReadFile("testdata/responses/" + r.PostForm.Get("Action") + ".xml")
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		_, _ = w.Write(reply)
	}))
	endpoint, err := nifcloud.ResolveEndpoint("jp-east-1", api.URL)
	if err != nil {
		log.Fatal(err)
	}
	c, err := nifcloud.New(endpoint, aws.Credentials{AccessKeyID: "NIFCLOUDACCESSKEY001", SecretAccessKey: "secret"})
	if err != nil {
		log.Fatal(err)
	}
	return c, api.Close
}

// One listener of an elastic load balancer, by name and listener.
func ExampleClient_NiftyDescribeElasticLoadBalancers() {
	c, stop := goldenAPI()
	defer stop()

	out, err := c.NiftyDescribeElasticLoadBalancers(context.Background(), &nifcloud.NiftyDescribeElasticLoadBalancersInput{
		ElasticLoadBalancers: nifcloud.ElasticLoadBalancerSelectors{
			{Name: "webelb01", Protocol: nifcloud.ProtocolTCP, ElasticLoadBalancerPort: 80, InstancePort: 8080},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	d := out.ElasticLoadBalancerDescriptions[0]
	l, ok := d.Listener(nifcloud.ProtocolTCP, 80, 8080)
	fmt.Println(d.ElasticLoadBalancerName, d.ElasticLoadBalancerID, d.State, ok, l.InstanceIDs())
	for _, s := range l.HealthCheck.InstanceStates {
		fmt.Printf("%s %q\n", s.InstanceID, s.State)
	}
	// Output:
	// webelb01 elb-0a1b2c3d available true [web001 web002]
	// web001 "InService"
	// web002 ""
}

// Replace addresses of a filter in one call: the removals are sent with
// AddOnFilter=false, the additions with AddOnFilter=true.
func ExampleClient_SetFilterForLoadBalancer() {
	c, stop := goldenAPI()
	defer stop()

	out, err := c.SetFilterForLoadBalancer(context.Background(), &nifcloud.SetFilterForLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
		FilterType:  nifcloud.FilterTypeAllow,
		IPAddresses: nifcloud.FilterChanges{Add: []string{"203.0.113.0/24", "192.0.2.10"}, Remove: []string{"198.51.100.7"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Filter.FilterType, out.Filter.IPAddresses)
	// Output:
	// 1 [203.0.113.0/24 192.0.2.10]
}

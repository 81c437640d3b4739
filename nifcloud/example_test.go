package nifcloud_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"nifcloud_lb/nifcloud"
)

// A DescribeLoadBalancers call against a local stand-in for the API that
// serves the reply of testdata/responses/DescribeLoadBalancers.xml.
func ExampleClient_DescribeLoadBalancers() {
	reply, err := os.ReadFile("testdata/responses/DescribeLoadBalancers.xml")
	if err != nil {
		log.Fatal(err)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(reply)
	}))
	defer api.Close()

	// An explicit endpoint wins over the region.
	endpoint, err := nifcloud.ResolveEndpoint("jp-east-1", api.URL)
	if err != nil {
		log.Fatal(err)
	}
	c, err := nifcloud.New(endpoint, aws.Credentials{AccessKeyID: "NIFCLOUDACCESSKEY001", SecretAccessKey: "secret"})
	if err != nil {
		log.Fatal(err)
	}
	c.UserAgent = nifcloud.DefaultUserAgent("1.0.0")

	out, err := c.DescribeLoadBalancers(context.Background(), &nifcloud.DescribeLoadBalancersInput{
		LoadBalancers: []nifcloud.LoadBalancerSelector{{Name: "weblb01"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range out.LoadBalancerDescriptions {
		lbPort, instPort := d.Ports()
		fmt.Printf("%s %s %d->%d %v\n", d.LoadBalancerName, d.DNSName, lbPort, instPort, d.InstanceIDs())
	}
	fmt.Println("request id:", out.RequestID)
	// Output:
	// weblb01 198.51.100.20 80->8080 [web001 web002]
	// weblb01 198.51.100.20 443->8443 [web001]
	// request id: 3f1c2a9e-6b7d-4c10-9a55-0d2e8b7f4a61
}

// A mutating call whose reply is lost is not retried: IsAmbiguous reports
// it, and reading the state again tells whether it was applied.
func ExampleIsAmbiguous() {
	describeReply, err := os.ReadFile("testdata/responses/DescribeLoadBalancers.xml")
	if err != nil {
		log.Fatal(err)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.PostForm.Get("Action") == nifcloud.ActionRegisterInstancesWithLoadBalancer {
			// The API applies the change, then the connection drops.
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		_, _ = w.Write(describeReply)
	}))
	defer api.Close()

	endpoint, err := url.Parse(api.URL)
	if err != nil {
		log.Fatal(err)
	}
	c, err := nifcloud.New(endpoint, aws.Credentials{AccessKeyID: "NIFCLOUDACCESSKEY001", SecretAccessKey: "secret"})
	if err != nil {
		log.Fatal(err)
	}
	var calls int
	c.OnAttempt = func(nifcloud.Attempt) { calls++ }

	ctx := context.Background()
	_, err = c.RegisterInstancesWithLoadBalancer(ctx, &nifcloud.RegisterInstancesWithLoadBalancerInput{
		LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web002"},
	})
	fmt.Println("ambiguous:", nifcloud.IsAmbiguous(err), "attempts:", calls)

	out, err := c.DescribeLoadBalancers(ctx, &nifcloud.DescribeLoadBalancersInput{
		LoadBalancers: []nifcloud.LoadBalancerSelector{{Name: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("registered now:", out.LoadBalancerDescriptions[0].InstanceIDs())
	// Output:
	// ambiguous: true attempts: 1
	// registered now: [web001 web002]
}

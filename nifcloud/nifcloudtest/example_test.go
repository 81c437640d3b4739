package nifcloudtest_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// Seed a load balancer, register a server through a signed POST, and look
// at the state.
func Example() {
	cred := nifcloudtest.Credential{AccessKeyID: "EXAMPLEACCESSKEY0001", SecretAccessKey: "example-secret"}
	srv, err := nifcloudtest.New(nifcloudtest.Options{
		Credentials: []nifcloudtest.Credential{cred},
		Instances:   []nifcloudtest.Instance{{InstanceID: "web001"}, {InstanceID: "web002"}},
		LoadBalancers: []nifcloudtest.LoadBalancer{{
			Name: "lb001",
			Ports: []nifcloudtest.Port{{
				LoadBalancerPort: 80, InstancePort: 8080,
				Members: []nifcloudtest.Member{{InstanceID: "web001"}},
			}},
		}},
	})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	// Sign the call as any SigV2 client does: the host includes the port.
	endpoint, err := url.Parse(ts.URL + "/api/")
	if err != nil {
		log.Fatal(err)
	}
	params := url.Values{
		"Action":                        {"RegisterInstancesWithLoadBalancer"},
		"Version":                       {"3.0"},
		"LoadBalancerName":              {"lb001"},
		"LoadBalancerPort":              {"80"},
		"InstancePort":                  {"8080"},
		"Instances.member.1.InstanceId": {"web002"},
		"AccessKeyId":                   {cred.AccessKeyID},
		"SignatureMethod":               {"HmacSHA256"},
		"SignatureVersion":              {"2"},
		"Timestamp":                     {time.Now().UTC().Format("2006-01-02T15:04:05Z")},
	}
	params.Set("Signature", nifcloudtest.Sign(params, http.MethodPost, endpoint.Host, endpoint.Path, cred.SecretAccessKey))
	resp, err := http.PostForm(endpoint.String(), params)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var reply struct {
		Registered []string `xml:"RegisterInstancesWithLoadBalancerResult>Instances>member>InstanceId"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&reply); err != nil {
		log.Fatal(err)
	}

	fmt.Println(resp.Status, reply.Registered)
	fmt.Println(srv.Members("lb001", 80, 8080))
	fmt.Println(srv.State().LoadBalancers[0].DNSName)
	fmt.Println(srv.CountActions())
	// Output:
	// 200 OK [web002]
	// [web001 web002]
	// 198.51.100.20
	// map[RegisterInstancesWithLoadBalancer:1]
}

// A lost reply: the registration is applied, then the connection is
// closed without an answer.
func ExampleServer_Inject() {
	cred := nifcloudtest.Credential{AccessKeyID: "EXAMPLEACCESSKEY0001", SecretAccessKey: "example-secret"}
	srv, err := nifcloudtest.New(nifcloudtest.Options{
		Credentials:   []nifcloudtest.Credential{cred},
		Instances:     []nifcloudtest.Instance{{InstanceID: "web001"}},
		LoadBalancers: []nifcloudtest.LoadBalancer{{Name: "lb001", Ports: []nifcloudtest.Port{{LoadBalancerPort: 80}}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	err = srv.Inject(nifcloudtest.Fault{Action: "RegisterInstancesWithLoadBalancer", Drop: true, AfterApply: true})
	if err != nil {
		log.Fatal(err)
	}
	register := url.Values{
		"Action":           {"RegisterInstancesWithLoadBalancer"},
		"LoadBalancerName": {"lb001"}, "LoadBalancerPort": {"80"}, "InstancePort": {"80"},
		"Instances.member.1.InstanceId": {"web001"},
	}
	for i := 0; i < 2; i++ {
		req, err := nifcloudtest.NewSignedRequest(http.MethodPost, ts.URL+"/api/", register, cred, time.Now())
		if err != nil {
			log.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println("no reply")
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct {
			Code string `xml:"Errors>Error>Code"`
		}
		_ = xml.Unmarshal(body, &e)
		fmt.Println(resp.StatusCode, e.Code)
	}
	fmt.Println(srv.Members("lb001", 80, 80))
	// Output:
	// no reply
	// 500 Client.Inoperable.LoadBalancer.HavingRegisteredInstance
	// [web001]
}

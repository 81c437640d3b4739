package nifcloudtest_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// BenchmarkServeHTTP measures the handler alone (no network): one signed
// call per iteration, verified, handled and rendered.
func BenchmarkServeHTTP(b *testing.B) {
	for _, bc := range []struct {
		name   string
		params url.Values
	}{
		{"DescribeLoadBalancers", url.Values{"Action": {"DescribeLoadBalancers"}}},
		{"DescribeInstanceHealth", with(target("weblb01", 80, 8080), "Action", "DescribeInstanceHealth")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := referenceOptions()
			opts.Credentials = []nifcloudtest.Credential{testCred}
			c := newClock()
			opts.Now = c.Now
			srv, err := nifcloudtest.New(opts)
			if err != nil {
				b.Fatal(err)
			}
			body := signedBody(testCred, "bench.example", bc.params, c.Now()).Encode()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "http://bench.example/api/", strings.NewReader(body))
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				srv.ResetRequests()
			}
		})
	}
}

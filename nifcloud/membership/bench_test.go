package membership_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/membership"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

// BenchmarkReconcile measures one Present run on a port definition of
// 10,000 members, every member listed with its health: encoding and
// signing the calls, decoding the 10,000-member reply and computing the
// change. The emulator answers each action once; its reply is then
// replayed, so that the figure is the reconciler's and the client's CPU
// time, not the emulator's. nifcloud/bench reports it in BENCHMARKS.md.
func BenchmarkReconcile(b *testing.B) {
	const members = 10000
	tests := []struct {
		name     string
		instance string
		calls    int
	}{
		{"members=10000/noop", "web00001", 1},
		{"members=10000/register", fmt.Sprintf("web%05d", members), 2},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			rt := newReplay(b, members)
			rec := &membership.Reconciler{}
			port := membership.Classic{Client: newReplayClient(b, rt),
				Port: membership.PortDefinition{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}}
			b.ReportAllocs()
			for b.Loop() {
				c, err := rec.Present(context.Background(), port, []string{tt.instance}, false)
				if err != nil {
					b.Fatal(err)
				}
				if c.Changed() != (tt.calls > 1) || len(c.Before) != members {
					b.Fatalf("changed=%t with %d members before", c.Changed(), len(c.Before))
				}
			}
			if rt.calls != tt.calls*b.N {
				b.Fatalf("%d API calls in %d runs, want %d a run", rt.calls, b.N, tt.calls)
			}
		})
	}
}

var benchCred = nifcloudtest.Credential{AccessKeyID: "BENCHACCESSKEY000001", SecretAccessKey: "bench-secret"}

// replay answers each action with the emulator's first reply to it.
type replay struct {
	emu     *nifcloudtest.Server
	replies map[string][]byte
	calls   int
}

// newReplay seeds an emulator with weblb01 80->8080 holding web00000 to
// web(members-1), and web(members) known.
func newReplay(b *testing.B, members int) *replay {
	opts := nifcloudtest.Options{Credentials: []nifcloudtest.Credential{benchCred}}
	port := nifcloudtest.Port{LoadBalancerPort: 80, InstancePort: 8080}
	for i := range members + 1 {
		id := fmt.Sprintf("web%05d", i)
		opts.Instances = append(opts.Instances, nifcloudtest.Instance{InstanceID: id})
		if i < members {
			port.Members = append(port.Members, nifcloudtest.Member{InstanceID: id})
		}
	}
	opts.LoadBalancers = []nifcloudtest.LoadBalancer{{Name: "weblb01", Ports: []nifcloudtest.Port{port}}}
	emu, err := nifcloudtest.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	return &replay{emu: emu, replies: map[string][]byte{}}
}

// RoundTrip answers req; one benchmark loop calls it from one goroutine.
func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	r.calls++
	reply, ok := r.replies[form.Get("Action")]
	if !ok {
		w := httptest.NewRecorder()
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.emu.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			return nil, fmt.Errorf("replay: %s: HTTP %d: %s", form.Get("Action"), w.Code, w.Body)
		}
		reply = w.Body.Bytes()
		r.replies[form.Get("Action")] = reply
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"text/xml; charset=UTF-8"}},
		Body:          io.NopCloser(bytes.NewReader(reply)),
		ContentLength: int64(len(reply)),
		Request:       req,
	}, nil
}

// newReplayClient returns a client whose requests rt answers.
func newReplayClient(b *testing.B, rt http.RoundTripper) *nifcloud.Client {
	u, err := url.Parse("https://127.0.0.1/api/")
	if err != nil {
		b.Fatal(err)
	}
	c, err := nifcloud.New(u, aws.Credentials{AccessKeyID: benchCred.AccessKeyID, SecretAccessKey: benchCred.SecretAccessKey})
	if err != nil {
		b.Fatal(err)
	}
	c.HTTPClient = &http.Client{Transport: rt}
	return c
}

package nifcloudtest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestElasticSeedDefaults(t *testing.T) {
	opts := nifcloudtest.Options{
		Instances: []nifcloudtest.Instance{{InstanceID: "web001"}},
		ElasticLoadBalancers: []nifcloudtest.ElasticLoadBalancer{
			{Name: "elb1", Listeners: []nifcloudtest.ElasticListener{{Protocol: "http", ElasticLoadBalancerPort: 80,
				SessionStickiness: nifcloudtest.ElasticStickiness{Enabled: true}}}},
			{Name: "elb2", NetworkInterfaces: []nifcloudtest.NetworkInterface{
				{NetworkID: "net-COMMON_PRIVATE", IPAddress: "10.0.0.5"},
				{NetworkID: "net-COMMON_GLOBAL", IsVIPNetwork: true, IPAddress: "198.51.100.40", SystemIPAddresses: []string{"198.51.100.20"}},
			}, Listeners: []nifcloudtest.ElasticListener{{Protocol: "UDP", ElasticLoadBalancerPort: 53, InstancePort: 5353}}},
		},
	}
	e := newEnv(t, opts)
	st := e.srv.State()
	require.Len(t, st.ElasticLoadBalancers, 2)
	elb1 := st.ElasticLoadBalancers[0]
	assert.Regexp(t, `^elb-[0-9a-z]{8}$`, elb1.ID)
	assert.Equal(t, "198.51.100.21", elb1.DNSName, "allocated after the explicit addresses, system ones included")
	assert.Equal(t, []nifcloudtest.NetworkInterface{{NetworkID: "net-COMMON_GLOBAL", DeviceIndex: 1, IPAddress: "198.51.100.21", IsVIPNetwork: true}},
		elb1.NetworkInterfaces)
	assert.Equal(t, [6]any{10, "2", "2", "east-11", "v2.0", nifcloudtest.ElasticStateAvailable},
		[6]any{elb1.NetworkVolume, elb1.AccountingType, elb1.NextMonthAccountingType, elb1.AvailabilityZone, elb1.Version, elb1.State})
	assert.Equal(t, t0, elb1.CreatedTime)
	assert.Equal(t, nifcloudtest.ElasticListener{
		Protocol: "HTTP", ElasticLoadBalancerPort: 80, InstancePort: 80, BalancingType: 1,
		SessionStickiness: nifcloudtest.ElasticStickiness{Enabled: true, Method: 1, ExpirationPeriod: 3},
		HealthCheck:       nifcloudtest.ElasticHealthCheck{Target: "TCP:80", Interval: 10, UnhealthyThreshold: 1},
	}, elb1.Listeners[0])

	elb2 := st.ElasticLoadBalancers[1]
	assert.Equal(t, "198.51.100.40", elb2.DNSName, "from the VIP interface")
	assert.Equal(t, 2, elb2.NetworkInterfaces[1].DeviceIndex)
	assert.Equal(t, "TCP:5353", elb2.Listeners[0].HealthCheck.Target)
}

func TestNewRefusesBadElasticOptions(t *testing.T) {
	elb := func(f func(*nifcloudtest.ElasticLoadBalancer)) func(*nifcloudtest.Options) {
		return func(o *nifcloudtest.Options) { f(&o.ElasticLoadBalancers[0]) }
	}
	tcp := func(f func(*nifcloudtest.ElasticListener)) func(*nifcloudtest.Options) {
		return func(o *nifcloudtest.Options) { f(&o.ElasticLoadBalancers[0].Listeners[0]) }
	}
	https := func(f func(*nifcloudtest.ElasticListener)) func(*nifcloudtest.Options) {
		return func(o *nifcloudtest.Options) { f(&o.ElasticLoadBalancers[0].Listeners[1]) }
	}
	nic := func(f func(*nifcloudtest.NetworkInterface)) func(*nifcloudtest.Options) {
		return func(o *nifcloudtest.Options) { f(&o.ElasticLoadBalancers[0].NetworkInterfaces[0]) }
	}
	tests := []struct {
		name   string
		change func(*nifcloudtest.Options)
		want   string
	}{
		{"negative busy", func(o *nifcloudtest.Options) { o.ElasticBusy = -time.Second }, "elastic busy duration"},
		{"busy state available", func(o *nifcloudtest.Options) { o.ElasticBusyState = "available" }, `must not be "available"`},
		{"busy code", func(o *nifcloudtest.Options) { o.ElasticBusyCode = "Busy" }, `elastic busy code "Busy"`},
		{"negative visibility delay", func(o *nifcloudtest.Options) { o.CreateVisibilityDelay = -1 }, "visibility delay"},
		{"bad name", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.Name = "web-elb" }), `name "web-elb"`},
		{"name twice", func(o *nifcloudtest.Options) {
			o.ElasticLoadBalancers = append(o.ElasticLoadBalancers, referenceElastic())
		}, `name "webelb01": given twice`},
		{"id twice", func(o *nifcloudtest.Options) {
			other := referenceElastic()
			other.Name, other.DNSName, other.NetworkInterfaces = "other", "", nil
			o.ElasticLoadBalancers = append(o.ElasticLoadBalancers, other)
		}, `id "elb-0a1b2c3d": used by "webelb01"`},
		{"bad id", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.ID = "elb-0A1B2C3D" }), `id "elb-0A1B2C3D"`},
		{"network volume", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.NetworkVolume = 1000 }), "network volume 1000"},
		{"accounting type", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.NextMonthAccountingType = "0" }), `accounting type "0"`},
		{"until without a state", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.StateUntil = t0 }), "state_until needs"},
		{"VIP used by a classic load balancer", elb(func(e *nifcloudtest.ElasticLoadBalancer) {
			e.DNSName, e.NetworkInterfaces = "198.51.100.20", nil
		}), `used by load balancer "weblb01"`},
		{"VIP not IPv4", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.DNSName = "2001:db8::1" }), "want an IPv4 address"},
		{"VIP differs from the interface", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.DNSName = "198.51.100.99" }), "differs"},
		{"interface without network", nic(func(n *nifcloudtest.NetworkInterface) { n.NetworkID = "" }), "empty network id"},
		{"interface address", nic(func(n *nifcloudtest.NetworkInterface) { n.IPAddress = "x" }), `address "x"`},
		{"system address", nic(func(n *nifcloudtest.NetworkInterface) { n.SystemIPAddresses = []string{"::1"} }), "system address"},
		{"no VIP network", nic(func(n *nifcloudtest.NetworkInterface) { n.IsVIPNetwork = false }), "no network interface is the VIP network"},
		{"two VIP networks", elb(func(e *nifcloudtest.ElasticLoadBalancer) {
			e.NetworkInterfaces = append(e.NetworkInterfaces, nifcloudtest.NetworkInterface{NetworkID: "net-x", IsVIPNetwork: true})
		}), "a second VIP network"},
		{"device index twice", elb(func(e *nifcloudtest.ElasticLoadBalancer) {
			e.NetworkInterfaces = append(e.NetworkInterfaces, nifcloudtest.NetworkInterface{NetworkID: "net-x", DeviceIndex: 1})
		}), "device index 1"},
		{"no listeners", elb(func(e *nifcloudtest.ElasticLoadBalancer) { e.Listeners = nil }), "0 listeners"},
		{"four listeners", elb(func(e *nifcloudtest.ElasticLoadBalancer) {
			e.Listeners = append(e.Listeners, nifcloudtest.ElasticListener{Protocol: "UDP", ElasticLoadBalancerPort: 1},
				nifcloudtest.ElasticListener{Protocol: "UDP", ElasticLoadBalancerPort: 2})
		}), "4 listeners"},
		{"same protocol and port twice", https(func(l *nifcloudtest.ElasticListener) {
			*l = nifcloudtest.ElasticListener{Protocol: "tcp", ElasticLoadBalancerPort: 80, InstancePort: 81}
		}), "listener TCP 80: given twice"},
		{"protocol", tcp(func(l *nifcloudtest.ElasticListener) { l.Protocol = "FTP" }), `protocol "FTP"`},
		{"port", tcp(func(l *nifcloudtest.ElasticListener) { l.ElasticLoadBalancerPort = 0 }), "want 1-65535"},
		{"instance port", tcp(func(l *nifcloudtest.ElasticListener) { l.InstancePort = 65536 }), "want 1-65535"},
		{"balancing type", tcp(func(l *nifcloudtest.ElasticListener) { l.BalancingType = 3 }), "balancing type 3"},
		{"description", tcp(func(l *nifcloudtest.ElasticListener) { l.Description = strings.Repeat("x", 501) }), "501 characters"},
		{"certificate on TCP", tcp(func(l *nifcloudtest.ElasticListener) { l.SSLCertificateID = "1" }), "SSL certificate"},
		{"HTTPS without certificate", https(func(l *nifcloudtest.ElasticListener) { l.SSLCertificateID = "" }), "SSL certificate"},
		{"sorry page on TCP", tcp(func(l *nifcloudtest.ElasticListener) {
			l.SorryPage = nifcloudtest.ElasticSorryPage{Enabled: true, RedirectURL: "https://x.example/"}
		}), "needs an HTTP or HTTPS listener"},
		{"sorry page URL", https(func(l *nifcloudtest.ElasticListener) { l.SorryPage.RedirectURL = "ftp://x.example/" }), "redirect url"},
		{"stickiness method", tcp(func(l *nifcloudtest.ElasticListener) { l.SessionStickiness.Method = 3 }), "stickiness method 3"},
		{"stickiness period", https(func(l *nifcloudtest.ElasticListener) { l.SessionStickiness.ExpirationPeriod = 1441 }), "period 1441"},
		{"health target", tcp(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.Target = "UDP:53" }), `target "UDP:53"`},
		{"health interval", tcp(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.Interval = 301 }), "interval 301"},
		{"unhealthy threshold", tcp(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.UnhealthyThreshold = 11 }), "threshold 11"},
		{"path on a TCP check", tcp(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.Path = "/" }), `path "/"`},
		{"relative path", https(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.Path = "healthz" }), `path "healthz"`},
		{"codes on a TCP check", tcp(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.Expectation = []string{"200"} }), "need an HTTP"},
		{"too many codes", https(func(l *nifcloudtest.ElasticListener) {
			l.HealthCheck.Expectation = strings.Split("200 201 202 203 204 205 206 207 208 226 2xx", " ")
		}), "11 expected HTTP codes"},
		{"bad code", https(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.Expectation = []string{"6xx"} }), `code "6xx"`},
		{"code twice", https(func(l *nifcloudtest.ElasticListener) { l.HealthCheck.Expectation = []string{"2xx", "2xx"} }), `code "2xx"`},
		{"unknown member", tcp(func(l *nifcloudtest.ElasticListener) {
			l.Members = []nifcloudtest.Member{{InstanceID: "web009"}}
		}), `member "web009": not a known instance`},
		{"member health", tcp(func(l *nifcloudtest.ElasticListener) {
			l.Members = []nifcloudtest.Member{{InstanceID: "web001", Health: "Healthy"}}
		}), `health "Healthy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := referenceOptions()
			opts.Credentials = []nifcloudtest.Credential{testCred}
			tt.change(&opts)
			_, err := nifcloudtest.New(opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestElasticCodesAndClasses(t *testing.T) {
	opts := referenceOptions()
	opts.ElasticLoadBalancers[0].Listeners[1].HealthCheck.Expectation = []string{"200", "3xx", "404"}
	opts.ElasticLoadBalancers[0].Listeners[1].HealthCheck.Target = "HTTPS:8443"
	e := newEnv(t, opts)
	assert.Equal(t, []string{"200", "3xx", "404"}, e.srv.State().ElasticLoadBalancers[0].Listeners[1].HealthCheck.Expectation)
}

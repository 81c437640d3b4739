package nifcloud

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Valid inputs that the refused calls below break one field at a time.
func validCreate() *CreateLoadBalancerInput {
	return &CreateLoadBalancerInput{LoadBalancerName: "weblb02", Listener: Listener{Protocol: ProtocolHTTP}}
}

func validConfigure() *ConfigureHealthCheckInput {
	return &ConfigureHealthCheckInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
		Target: "TCP:8080", Interval: 10, UnhealthyThreshold: 1}
}

func validOption() *UpdateLoadBalancerOptionInput {
	return &UpdateLoadBalancerOptionInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}
}

func create(change func(*CreateLoadBalancerInput)) func(context.Context, *Client) error {
	in := validCreate()
	change(in)
	return func(ctx context.Context, c *Client) error { _, err := c.CreateLoadBalancer(ctx, in); return err }
}

func configure(change func(*ConfigureHealthCheckInput)) func(context.Context, *Client) error {
	in := validConfigure()
	change(in)
	return func(ctx context.Context, c *Client) error { _, err := c.ConfigureHealthCheck(ctx, in); return err }
}

func option(change func(*UpdateLoadBalancerOptionInput)) func(context.Context, *Client) error {
	in := validOption()
	change(in)
	return func(ctx context.Context, c *Client) error { _, err := c.UpdateLoadBalancerOption(ctx, in); return err }
}

func registerPort(name string, l Listener) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.RegisterPortWithLoadBalancer(ctx, &RegisterPortWithLoadBalancerInput{LoadBalancerName: name, Listener: l})
		return err
	}
}

func setFilter(filterType string, changes FilterChanges) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error {
		_, err := c.SetFilterForLoadBalancer(ctx, &SetFilterForLoadBalancerInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
			FilterType: filterType, IPAddresses: changes})
		return err
	}
}

func updateLB(in *UpdateLoadBalancerInput) func(context.Context, *Client) error {
	return func(ctx context.Context, c *Client) error { _, err := c.UpdateLoadBalancer(ctx, in); return err }
}

func TestLifecycleInputValidation(t *testing.T) {
	t.Parallel()
	checkRefused(t, []refusedCall{
		{"create: empty name", create(func(in *CreateLoadBalancerInput) { in.LoadBalancerName = "" }),
			"CreateLoadBalancer: invalid input: empty LoadBalancerName"},
		{"create: shared name", create(func(in *CreateLoadBalancerInput) { in.LoadBalancerName = "ABC12345.weblb02" }),
			`CreateLoadBalancer: invalid input: LoadBalancerName "ABC12345.weblb02": want 1-15 ASCII letters and digits`},
		{"create: name too long", create(func(in *CreateLoadBalancerInput) { in.LoadBalancerName = "weblb0123456789a" }),
			`LoadBalancerName "weblb0123456789a": want 1-15 ASCII letters and digits`},
		{"create: no listener", create(func(in *CreateLoadBalancerInput) { in.Listener = Listener{} }),
			"CreateLoadBalancer: invalid input: the listener needs a Protocol or a LoadBalancerPort"},
		{"create: only an instance port", create(func(in *CreateLoadBalancerInput) { in.Listener = Listener{InstancePort: 80} }),
			"the listener needs a Protocol or a LoadBalancerPort"},
		{"create: unknown protocol", create(func(in *CreateLoadBalancerInput) { in.Listener.Protocol = "TCP" }),
			`invalid input: Listener Protocol "TCP": want one of "", "HTTP", "HTTPS", "FTP"`},
		{"create: lower-case protocol", create(func(in *CreateLoadBalancerInput) { in.Listener.Protocol = "http" }),
			`Listener Protocol "http"`},
		{"create: custom protocol", create(func(in *CreateLoadBalancerInput) { in.Listener.Protocol = ProtocolCustom }),
			`Listener Protocol "custom"`},
		{"create: port out of range", create(func(in *CreateLoadBalancerInput) { in.Listener.LoadBalancerPort = 65536 }),
			"invalid input: Listener LoadBalancerPort 65536 out of range 1-65535"},
		{"create: negative port", create(func(in *CreateLoadBalancerInput) { in.Listener.LoadBalancerPort = -80 }),
			"invalid input: Listener LoadBalancerPort -80 out of range 1-65535"},
		{"create: instance port out of range", create(func(in *CreateLoadBalancerInput) { in.Listener.InstancePort = 70000 }),
			"invalid input: Listener InstancePort 70000 out of range 1-65535"},
		{"create: balancing type", create(func(in *CreateLoadBalancerInput) { in.Listener.BalancingType = 3 }),
			"invalid input: Listener BalancingType 3: want one of 0, 1, 2"},
		{"create: empty zone", create(func(in *CreateLoadBalancerInput) { in.AvailabilityZones = []string{"east-11", ""} }),
			"invalid input: empty availability zone at position 2"},
		{"create: negative network volume", create(func(in *CreateLoadBalancerInput) { in.NetworkVolume = -10 }),
			"invalid input: NetworkVolume -10 is negative"},
		{"create: IP version", create(func(in *CreateLoadBalancerInput) { in.IPVersion = "4" }),
			`invalid input: IpVersion "4": want one of "", "v4", "v6"`},
		{"create: accounting type", create(func(in *CreateLoadBalancerInput) { in.AccountingType = "monthly" }),
			`invalid input: AccountingType "monthly": want one of "", "1", "2"`},
		{"create: policy type", create(func(in *CreateLoadBalancerInput) { in.PolicyType = "ATS" }),
			`invalid input: PolicyType "ATS": want one of "", "standard", "ats"`},
		{"create: ats over IPv6", create(func(in *CreateLoadBalancerInput) { in.PolicyType, in.IPVersion = PolicyTypeATS, IPVersion6 }),
			`invalid input: PolicyType "ats" needs IpVersion "v4"`},

		{"register port: bad name", registerPort("web_lb", Listener{Protocol: ProtocolHTTP}),
			`RegisterPortWithLoadBalancer: invalid input: LoadBalancerName "web_lb"`},
		{"register port: no listener", registerPort("weblb01", Listener{BalancingType: 1}),
			"RegisterPortWithLoadBalancer: invalid input: the listener needs a Protocol or a LoadBalancerPort"},
		{"register port: port 0 with a protocol is not sent, a negative one is refused", registerPort("weblb01", Listener{Protocol: ProtocolFTP, InstancePort: -1}),
			"Listener InstancePort -1 out of range"},

		{"delete: bad shared name", func(ctx context.Context, c *Client) error {
			_, err := c.DeleteLoadBalancer(ctx, &DeleteLoadBalancerInput{LoadBalancerName: "AB12345.weblb01", LoadBalancerPort: 80, InstancePort: 80})
			return err
		}, `DeleteLoadBalancer: invalid input: LoadBalancerName "AB12345.weblb01"`},
		{"delete: no ports", func(ctx context.Context, c *Client) error {
			_, err := c.DeleteLoadBalancer(ctx, &DeleteLoadBalancerInput{LoadBalancerName: "weblb01"})
			return err
		}, "DeleteLoadBalancer: invalid input: LoadBalancerPort 0 out of range 1-65535"},

		{"health check: no target", configure(func(in *ConfigureHealthCheckInput) { in.Target = "" }),
			`ConfigureHealthCheck: invalid input: HealthCheck.Target "": want "ICMP" or "TCP:<port>"`},
		{"health check: HTTP target", configure(func(in *ConfigureHealthCheckInput) { in.Target = "HTTP:80" }), `HealthCheck.Target "HTTP:80"`},
		{"health check: TCP port out of range", configure(func(in *ConfigureHealthCheckInput) { in.Target = "TCP:65536" }), `HealthCheck.Target "TCP:65536"`},
		{"health check: interval too short", configure(func(in *ConfigureHealthCheckInput) { in.Interval = 4 }),
			"invalid input: HealthCheck.Interval 4 out of range 5-300"},
		{"health check: interval too long", configure(func(in *ConfigureHealthCheckInput) { in.Interval = 301 }),
			"invalid input: HealthCheck.Interval 301 out of range 5-300"},
		{"health check: no unhealthy threshold", configure(func(in *ConfigureHealthCheckInput) { in.UnhealthyThreshold = 0 }),
			"invalid input: HealthCheck.UnhealthyThreshold 0 out of range 1-10"},
		{"health check: healthy threshold", configure(func(in *ConfigureHealthCheckInput) { in.HealthyThreshold = 11 }),
			"invalid input: HealthCheck.HealthyThreshold 11 out of range 1-10"},
		{"health check: bad port definition", configure(func(in *ConfigureHealthCheckInput) { in.InstancePort = 0 }),
			"invalid input: InstancePort 0 out of range"},

		{"filter: nothing to change", setFilter("", FilterChanges{}), "SetFilterForLoadBalancer: invalid input: nothing to change"},
		{"filter: type", setFilter("3", FilterChanges{}), `invalid input: FilterType "3": want one of "", "1", "2"`},
		{"filter: empty address", setFilter("", FilterChanges{Add: []string{""}}), "invalid input: empty IP address in the filter changes"},
		{"filter: address added twice", setFilter("", FilterChanges{Add: []string{"192.0.2.1", "192.0.2.1"}}),
			`invalid input: IP address "192.0.2.1" given twice in the filter changes`},
		{"filter: address added and removed", setFilter("", FilterChanges{Add: []string{"192.0.2.1"}, Remove: []string{"192.0.2.1"}}),
			`IP address "192.0.2.1" given twice`},

		{"update: nothing", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01"}), "UpdateLoadBalancer: invalid input: nothing to update"},
		{"update: bad name", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "web lb", NetworkVolumeUpdate: 10}), `invalid input: LoadBalancerName "web lb"`},
		{"update: negative network volume", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01", NetworkVolumeUpdate: -1}),
			"invalid input: NetworkVolumeUpdate -1 is negative"},
		{"update: accounting type", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01", AccountingTypeUpdate: "3"}),
			`invalid input: AccountingTypeUpdate "3"`},
		{"update: listener without ports", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01",
			ListenerUpdate: &ListenerUpdate{Listener: Listener{BalancingType: 2}}}), "invalid input: ListenerUpdate.LoadBalancerPort 0 out of range"},
		{"update: listener without instance port", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01",
			ListenerUpdate: &ListenerUpdate{LoadBalancerPort: 80, Listener: Listener{BalancingType: 2}}}), "invalid input: ListenerUpdate.InstancePort 0 out of range"},
		{"update: listener without change", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01",
			ListenerUpdate: &ListenerUpdate{LoadBalancerPort: 80, InstancePort: 8080}}), "invalid input: ListenerUpdate changes nothing"},
		{"update: listener protocol", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01",
			ListenerUpdate: &ListenerUpdate{LoadBalancerPort: 80, InstancePort: 8080, Listener: Listener{Protocol: "UDP"}}}),
			`invalid input: Listener Protocol "UDP": want one of "", "HTTP", "HTTPS", "FTP", "custom"`},
		{"update: listener new port", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01",
			ListenerUpdate: &ListenerUpdate{LoadBalancerPort: 80, InstancePort: 8080, Listener: Listener{InstancePort: 65536}}}),
			"invalid input: Listener InstancePort 65536 out of range"},
		{"update: listener balancing type", updateLB(&UpdateLoadBalancerInput{LoadBalancerName: "weblb01",
			ListenerUpdate: &ListenerUpdate{LoadBalancerPort: 80, InstancePort: 8080, Listener: Listener{BalancingType: -1}}}),
			"invalid input: Listener BalancingType -1"},

		{"option: nothing", option(func(*UpdateLoadBalancerOptionInput) {}), "UpdateLoadBalancerOption: invalid input: nothing to update"},
		{"option: bad port definition", option(func(in *UpdateLoadBalancerOptionInput) {
			in.LoadBalancerPort, in.SorryPageUpdate = 0, &SorryPage{}
		}), "invalid input: LoadBalancerPort 0 out of range"},
		{"option: stickiness without period", option(func(in *UpdateLoadBalancerOptionInput) {
			in.SessionStickinessPolicyUpdate = &SessionStickinessPolicy{Enabled: true}
		}), "invalid input: SessionStickinessPolicyUpdate.ExpirationPeriod 0: want a positive period (required when enabling)"},
		{"option: negative period", option(func(in *UpdateLoadBalancerOptionInput) {
			in.SessionStickinessPolicyUpdate = &SessionStickinessPolicy{ExpirationPeriod: -5}
		}), "SessionStickinessPolicyUpdate.ExpirationPeriod -5"},
		{"option: sorry page without status", option(func(in *UpdateLoadBalancerOptionInput) {
			in.SorryPageUpdate = &SorryPage{Enabled: true}
		}), "invalid input: SorryPageUpdate.StatusCode 0: want one of 200, 503"},
		{"option: sorry page status", option(func(in *UpdateLoadBalancerOptionInput) {
			in.SessionStickinessPolicyUpdate = &SessionStickinessPolicy{}
			in.SorryPageUpdate = &SorryPage{StatusCode: 404}
		}), "invalid input: SorryPageUpdate.StatusCode 404: want one of 200, 503"},
	})
}

func TestOptionalParametersKeepRealZeroValues(t *testing.T) {
	t.Parallel()
	// false must reach the API where it means "off" or "remove"; zero
	// numbers and empty strings mean "not set" and are left out.
	v, err := encodeParams(&UpdateLoadBalancerOptionInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
		SessionStickinessPolicyUpdate: &SessionStickinessPolicy{Enabled: false, ExpirationPeriod: 5}, SorryPageUpdate: &SorryPage{}})
	require.NoError(t, err)
	assert.Equal(t, values("LoadBalancerName", "weblb01", "LoadBalancerPort", "80", "InstancePort", "8080",
		"SessionStickinessPolicyUpdate.Enable", "false", "SessionStickinessPolicyUpdate.ExpirationPeriod", "5",
		"SorryPageUpdate.Enable", "false"), v)

	v, err = encodeParams(&SetFilterForLoadBalancerInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080,
		IPAddresses: FilterChanges{Remove: []string{"192.0.2.10"}}})
	require.NoError(t, err)
	assert.Equal(t, "false", v.Get("IPAddresses.member.1.AddOnFilter"))
	assert.NotContains(t, v, "FilterType")

	v, err = encodeParams(&CreateLoadBalancerInput{LoadBalancerName: "weblb02", Listener: Listener{LoadBalancerPort: 80}})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"LoadBalancerName": {"weblb02"}, "Listeners.member.1.LoadBalancerPort": {"80"}}, v)
}

func TestRegisterPortEchoIsUpperCased(t *testing.T) {
	t.Parallel()
	// The golden reply spells the protocol "https", as the live API does.
	var resp xmlRegisterPortResponse
	require.NoError(t, decodeReply(readTestdata(t, "responses/RegisterPortWithLoadBalancer.xml"), &resp))
	require.Len(t, resp.Listeners, 1)
	assert.Equal(t, "https", resp.Listeners[0].Protocol)
	assert.Equal(t, []Listener{{Protocol: ProtocolHTTPS, LoadBalancerPort: 443, InstancePort: 8443, BalancingType: 2}}, resp.listeners())
}

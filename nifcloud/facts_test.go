package nifcloud

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidPort(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []int{1, 65535}, []int{MinPort, MaxPort})
	for port, want := range map[int]bool{-1: false, 0: false, 1: true, 80: true, 65535: true, 65536: false} {
		assert.Equal(t, want, ValidPort(port), "%d", port)
	}
}

func TestValidLoadBalancerNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		classic, elastc bool
	}{
		{"weblb01", true, true},
		{"a", true, true},
		{"0", true, true},
		{"WEBLB01", true, true},
		{strings.Repeat("a", 15), true, true},
		{strings.Repeat("a", 16), false, false},
		{"", false, false},
		{"web-lb", false, false},
		{"web_lb", false, false},
		{"web lb", false, false},
		{"ウェブ", false, false},
		{"weblb０1", false, false},
		{"ABC12345.weblb01", true, false},
		{"abc12345.weblb01", true, false},
		{"ABC12345." + strings.Repeat("a", 15), true, false},
		{"ABC12345." + strings.Repeat("a", 16), false, false},
		{"ABC12345.", false, false},
		{".weblb01", false, false},
		{"AB123456.weblb01", false, false},
		{"ABCD1234.weblb01", false, false},
		{"ABC1234.weblb01", false, false},
		{"ABC123456.weblb01", false, false},
		{"ABC12345.web.lb01", false, false},
		{"ABC12345.ABC12345.weblb01", false, false},
		{"AB-12345.weblb01", false, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.classic, ValidLoadBalancerName(tt.name), "classic %q", tt.name)
		assert.Equal(t, tt.elastc, ValidElasticLoadBalancerName(tt.name), "elastic %q", tt.name)
	}
}

func TestValidHealthCheckTarget(t *testing.T) {
	t.Parallel()
	for target, want := range map[string]bool{
		"ICMP": true, "TCP:1": true, "TCP:80": true, "TCP:65535": true, "TCP:08080": true,
		"": false, "icmp": false, "TCP:": false, "TCP:0": false, "TCP:65536": false, "TCP:123456": false, "TCP:-1": false,
		"TCP:+80": false, "TCP:8 0": false, "tcp:80": false, "HTTP:80": false, "TCP:80 ": false, "TCP80": false,
	} {
		assert.Equal(t, want, ValidHealthCheckTarget(target), "%q", target)
	}
}

func TestCheckHelpers(t *testing.T) {
	t.Parallel()
	assert.NoError(t, checkName("LoadBalancerName", "ABC12345.weblb01", true))
	assert.EqualError(t, checkName("LoadBalancerName", "", true), "invalid input: empty LoadBalancerName")
	assert.EqualError(t, checkName("ElasticLoadBalancerName", "ABC12345.weblb01", false),
		`invalid input: ElasticLoadBalancerName "ABC12345.weblb01": want 1-15 ASCII letters and digits`)
	assert.EqualError(t, checkName("LoadBalancerName", strings.Repeat("x", 50), true),
		`invalid input: LoadBalancerName "..." (50 bytes): want 1-15 ASCII letters and digits, optionally prefixed by a sharing NIFCLOUD ID such as "ABC12345."`)
	assert.NoError(t, checkOneOf("Protocol", "TCP", "TCP", "UDP"))
	assert.EqualError(t, checkOneOf("Protocol", "tcp", "TCP", "UDP"), `invalid input: Protocol "tcp": want one of "TCP", "UDP"`)
	assert.EqualError(t, checkOneOf("BalancingType", 3, 1, 2), `invalid input: BalancingType 3: want one of 1, 2`)
	assert.NoError(t, checkRange("Interval", 5, 5, 300))
	assert.NoError(t, checkRange("Interval", 300, 5, 300))
	assert.EqualError(t, checkRange("Interval", 301, 5, 300), "invalid input: Interval 301 out of range 5-300")
	assert.ErrorIs(t, checkPort("InstancePort", 0), ErrInvalidInput)
}

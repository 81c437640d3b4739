package nifcloud

import (
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type testIPAddress struct {
	IPAddress   string `url:"IPAddress"`
	AddOnFilter bool   `url:"AddOnFilter,omitempty"`
}

type testMembersInput struct {
	Name      string                   `url:"Name,omitempty"`
	Addresses Members[testIPAddress]   `url:"IPAddresses,omitempty"`
	Pointers  Members[*testIPAddress]  `url:"Pointers,omitempty"`
	Zones     Members[string]          `url:"AvailabilityZones,omitempty"`
	Ports     Members[int]             `url:"Ports,omitempty"`
	Always    Members[testIPAddress]   `url:"Always"`
	Nested    Members[Members[string]] `url:"Nested,omitempty"`
	Slices    Members[[]string]        `url:"Slices,omitempty"`
	Encoders  Members[testEncoder]     `url:"Encoders,omitempty"`
}

// testEncoder encodes itself as key=value, key.Twice=valuevalue.
type testEncoder string

func (e testEncoder) EncodeValues(key string, v *url.Values) error {
	v.Add(key, string(e))
	v.Add(key+".Twice", string(e+e))
	return nil
}

func TestMembers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      testMembersInput
		want    url.Values
		wantErr string
	}{
		{name: "empty lists send nothing", in: testMembersInput{}, want: url.Values{}},
		{name: "struct elements", in: testMembersInput{Addresses: Members[testIPAddress]{
			{IPAddress: "203.0.113.0/24", AddOnFilter: true}, {IPAddress: "192.0.2.10"},
		}}, want: url.Values{
			"IPAddresses.member.1.IPAddress":   {"203.0.113.0/24"},
			"IPAddresses.member.1.AddOnFilter": {"true"},
			"IPAddresses.member.2.IPAddress":   {"192.0.2.10"},
		}},
		{name: "pointer elements", in: testMembersInput{Pointers: Members[*testIPAddress]{{IPAddress: "a"}}},
			want: url.Values{"Pointers.member.1.IPAddress": {"a"}}},
		{name: "nil pointer element", in: testMembersInput{Pointers: Members[*testIPAddress]{nil}},
			wantErr: "Pointers.member.1: nil element"},
		{name: "scalar elements", in: testMembersInput{Zones: Members[string]{"east-11", "east-12"}, Ports: Members[int]{80}},
			want: url.Values{"AvailabilityZones.member.1": {"east-11"}, "AvailabilityZones.member.2": {"east-12"}, "Ports.member.1": {"80"}}},
		{name: "list without omitempty but empty", in: testMembersInput{Always: Members[testIPAddress]{}}, want: url.Values{}},
		{name: "elements that encode themselves", in: testMembersInput{Encoders: Members[testEncoder]{"a", "b"}},
			want: url.Values{"Encoders.member.1": {"a"}, "Encoders.member.1.Twice": {"aa"}, "Encoders.member.2": {"b"}, "Encoders.member.2.Twice": {"bb"}}},
		{name: "list of Members", in: testMembersInput{Nested: Members[Members[string]]{{"a", "b"}}},
			want: url.Values{"Nested.member.1.member.1": {"a"}, "Nested.member.1.member.2": {"b"}}},
		{name: "list of plain slices is refused", in: testMembersInput{Slices: Members[[]string]{{"a"}}},
			wantErr: "Slices.member.1: unsupported element type []string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := query.Values(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMembersTenElements(t *testing.T) {
	t.Parallel()
	var m Members[string]
	for range 10 {
		m = append(m, "x")
	}
	v := url.Values{}
	require.NoError(t, m.EncodeValues("L", &v))
	assert.Len(t, v, 10)
	assert.Equal(t, "x", v.Get("L.member.10"))
	assert.Equal(t, "L.member.1=x&L.member.10=x&L.member.2=x", url.Values{
		"L.member.1": v["L.member.1"], "L.member.10": v["L.member.10"], "L.member.2": v["L.member.2"],
	}.Encode(), "byte order puts member.10 before member.2, which the API does not mind")
}

func TestEncodeInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      any
		want    url.Values
		wantErr string
	}{
		{name: "describe all", in: &DescribeLoadBalancersInput{}, want: url.Values{}},
		{name: "describe by name", in: &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "weblb01"}}},
			want: url.Values{"LoadBalancerNames.member.1": {"weblb01"}}},
		{name: "describe by name and ports", in: &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{
			{Name: "lb001", LoadBalancerPort: 80, InstancePort: 80},
		}}, want: url.Values{
			"LoadBalancerNames.member.1":           {"lb001"},
			"LoadBalancerNames.LoadBalancerPort.1": {"80"},
			"LoadBalancerNames.InstancePort.1":     {"80"},
		}},
		{name: "describe mixed", in: &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{
			{Name: "a"}, {Name: "b", LoadBalancerPort: 443, InstancePort: 8443}, {Name: "c"},
		}}, want: url.Values{
			"LoadBalancerNames.member.1":           {"a"},
			"LoadBalancerNames.member.2":           {"b"},
			"LoadBalancerNames.LoadBalancerPort.2": {"443"},
			"LoadBalancerNames.InstancePort.2":     {"8443"},
			"LoadBalancerNames.member.3":           {"c"},
		}},
		{name: "describe empty name", in: &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{LoadBalancerPort: 80, InstancePort: 80}}},
			wantErr: "LoadBalancerNames entry 1: invalid input: empty name"},
		{name: "describe bad name", in: &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "a"}, {Name: "web-lb"}}},
			wantErr: `LoadBalancerNames entry 2: invalid input: name "web-lb": want 1-15 ASCII letters and digits, optionally prefixed by a sharing NIFCLOUD ID such as "ABC12345."`},
		{name: "describe one port only", in: &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "a", LoadBalancerPort: 80}}},
			wantErr: "InstancePort 0 out of range 1-65535"},
		{name: "describe port out of range", in: &DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "a", LoadBalancerPort: 65536, InstancePort: 80}}},
			wantErr: "LoadBalancerPort 65536 out of range"},
		{name: "register", in: &RegisterInstancesWithLoadBalancerInput{
			LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001", "web002"},
		}, want: url.Values{
			"LoadBalancerName":              {"weblb01"},
			"LoadBalancerPort":              {"80"},
			"InstancePort":                  {"8080"},
			"Instances.member.1.InstanceId": {"web001"},
			"Instances.member.2.InstanceId": {"web002"},
		}},
		{name: "register duplicate instance", in: &RegisterInstancesWithLoadBalancerInput{
			LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001", "web001"},
		}, wantErr: `instance "web001" given twice`},
		{name: "register empty instance", in: &RegisterInstancesWithLoadBalancerInput{
			LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080, Instances: []string{"web001", ""},
		}, wantErr: "empty instance name at position 2"},
		{name: "health without instances", in: &DescribeInstanceHealthInput{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080},
			want: url.Values{"LoadBalancerName": {"weblb01"}, "LoadBalancerPort": {"80"}, "InstancePort": {"8080"}}},
		{name: "reserved parameter", in: &struct {
			Action string `url:"Action"`
		}{"x"}, wantErr: `parameter "Action" is set by the client`},
		{name: "duplicate parameter", in: &struct {
			A []string `url:"A"`
		}{[]string{"1", "2"}}, wantErr: `parameter "A" has 2 values`},
		{name: "not a struct", in: "x", wantErr: "encode request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := encodeParams(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestEncodeInputErrorsAreInvalidInput(t *testing.T) {
	t.Parallel()
	for _, in := range []any{
		&DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{}}},
		&DescribeLoadBalancersInput{LoadBalancers: []LoadBalancerSelector{{Name: "a", InstancePort: 1}}},
		&DeregisterInstancesFromLoadBalancerInput{Instances: []string{""}},
	} {
		_, err := encodeParams(in)
		assert.True(t, errors.Is(err, ErrInvalidInput), "%v", err)
	}
}

package nifcloud

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"

	"github.com/google/go-querystring/query"
)

// APIVersion is the Computing API version sent with every request.
const APIVersion = "3.0"

// Members is a list parameter in the query style of the Computing API. As a
// field of a request struct with the tag `url:"Name,omitempty"`, element i
// (counting from 1) is encoded as Name.member.i when T is a bool, number or
// string; by its own EncodeValues with the key Name.member.i when T
// implements query.Encoder; and as Name.member.i.Field for every field of
// the go-querystring encoding of T when T is another struct (or a pointer to
// one). Other element types and nil pointers are errors. An empty list
// encodes nothing.
type Members[T any] []T

// EncodeValues implements query.Encoder.
func (m Members[T]) EncodeValues(key string, v *url.Values) error {
	for i, elem := range m {
		prefix := key + ".member." + strconv.Itoa(i+1)
		if err := encodeElement(prefix, elem, v); err != nil {
			return err
		}
	}
	return nil
}

// encodeElement adds one list element or nested structure under key.
func encodeElement(key string, elem any, v *url.Values) error {
	rv := reflect.ValueOf(elem)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return fmt.Errorf("%s: nil element", key)
		}
		rv = rv.Elem()
	}
	if enc, ok := rv.Interface().(query.Encoder); ok {
		return enc.EncodeValues(key, v)
	}
	switch rv.Kind() {
	case reflect.Struct:
		return encodeStruct(key, rv.Interface(), v)
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		v.Add(key, fmt.Sprint(rv.Interface()))
		return nil
	}
	return fmt.Errorf("%s: unsupported element type %s", key, rv.Type())
}

// encodeStruct adds the go-querystring encoding of the struct s, each
// parameter name prefixed with key and a dot: the dotted naming of nested
// structures in the Computing API (go-querystring itself would write
// key[Field]). A type that uses it in its own EncodeValues does not recurse,
// since go-querystring encodes the fields of the struct it is given.
func encodeStruct(key string, s any, v *url.Values) error {
	fields, err := query.Values(s)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	for _, name := range sortedKeys(fields) {
		for _, val := range fields[name] {
			v.Add(key+"."+name, val)
		}
	}
	return nil
}

// instanceRef is one element of an Instances.member.N list.
type instanceRef struct {
	InstanceID string `url:"InstanceId"`
}

// InstanceIDs is a list of server names (the InstanceId of the API, e.g.
// "web001"), encoded as Instances.member.N.InstanceId. Names must not be
// empty or repeated.
type InstanceIDs []string

// EncodeValues implements query.Encoder.
func (ids InstanceIDs) EncodeValues(key string, v *url.Values) error {
	refs := make(Members[instanceRef], len(ids))
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if id == "" {
			return fmt.Errorf("%w: %s: empty instance name at position %d", ErrInvalidInput, key, i+1)
		}
		if seen[id] {
			return fmt.Errorf("%w: %s: instance %q given twice", ErrInvalidInput, key, id)
		}
		seen[id] = true
		refs[i] = instanceRef{InstanceID: id}
	}
	return refs.EncodeValues(key, v)
}

// LoadBalancerSelector names one load balancer in a DescribeLoadBalancers
// request, optionally narrowed to one port definition by giving both ports.
type LoadBalancerSelector struct {
	// Name is the load balancer name (required).
	Name string
	// LoadBalancerPort and InstancePort select one port definition; leave
	// both zero to select every port definition of the load balancer.
	LoadBalancerPort int
	InstancePort     int
}

// LoadBalancerSelectors is the load balancer filter of DescribeLoadBalancers.
// Entry N (counting from 1) is encoded as LoadBalancerNames.member.N, and,
// when it has ports, LoadBalancerNames.LoadBalancerPort.N and
// LoadBalancerNames.InstancePort.N; an entry without ports sends no port keys.
type LoadBalancerSelectors []LoadBalancerSelector

// EncodeValues implements query.Encoder. The key is the list name,
// "LoadBalancerNames".
func (s LoadBalancerSelectors) EncodeValues(key string, v *url.Values) error {
	for i, sel := range s {
		n := strconv.Itoa(i + 1)
		if err := checkName("name", sel.Name, true); err != nil {
			return fmt.Errorf("%s entry %s: %w", key, n, err)
		}
		v.Add(key+".member."+n, sel.Name)
		if sel.LoadBalancerPort == 0 && sel.InstancePort == 0 {
			continue
		}
		if err := checkPort("LoadBalancerPort", sel.LoadBalancerPort); err != nil {
			return fmt.Errorf("%s entry %s (%q): %w", key, n, sel.Name, err)
		}
		if err := checkPort("InstancePort", sel.InstancePort); err != nil {
			return fmt.Errorf("%s entry %s (%q): %w", key, n, sel.Name, err)
		}
		v.Add(key+".LoadBalancerPort."+n, strconv.Itoa(sel.LoadBalancerPort))
		v.Add(key+".InstancePort."+n, strconv.Itoa(sel.InstancePort))
	}
	return nil
}

// reservedParams are set by the client itself and may not come from an input.
var reservedParams = []string{
	"AccessKeyId", "Action", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp", "Version",
}

// encodeParams encodes an input struct with go-querystring. A parameter with
// more than one value, or one that the client sets itself, is an error: the
// API must never see duplicate keys.
func encodeParams(in any) (url.Values, error) {
	v, err := query.Values(in)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	for _, k := range sortedKeys(v) {
		if n := len(v[k]); n != 1 {
			return nil, fmt.Errorf("encode request: parameter %q has %d values, want exactly 1", k, n)
		}
		if slices.Contains(reservedParams, k) {
			return nil, fmt.Errorf("encode request: parameter %q is set by the client", k)
		}
	}
	return v, nil
}

// sortedKeys returns the keys of v in byte order.
func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

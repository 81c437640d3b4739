package nifcloudtest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// maxBodyBytes bounds the size of a request body.
const maxBodyBytes = 1 << 20

// maxListIndex bounds N in X.member.N parameters.
const maxListIndex = 1000

// commonParams are accepted by every action.
var commonParams = map[string]bool{
	"Action": true, "Version": true,
	"AccessKeyId": true, "Signature": true, "SignatureMethod": true, "SignatureVersion": true, "Timestamp": true,
}

// readParams returns the request parameters: the query of a GET, the body
// of a POST parsed as a form whatever its Content-Type ("+" is a space).
// The body of other methods is drained and an error returned.
// The query string of a POST is returned separately so that it can be
// refused as unknown parameters after authentication.
func readParams(w http.ResponseWriter, r *http.Request) (params, postQuery url.Values, err error) {
	switch r.Method {
	case http.MethodGet:
		params, err = url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, nil, fmt.Errorf("parse query: %w", err)
		}
		return params, nil, nil
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			return nil, nil, fmt.Errorf("read body: %w", err)
		}
		params, err = url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, fmt.Errorf("parse form body: %w", err)
		}
		postQuery, err = url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, nil, fmt.Errorf("parse query: %w", err)
		}
		return params, postQuery, nil
	default:
		_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxBodyBytes))
		return nil, nil, fmt.Errorf("method %s is not supported", r.Method)
	}
}

// listSpec describes a list parameter "<Prefix>.N" (Fields empty) or
// "<Prefix>.N.<Field>"; N counts from 1. The bare "<Prefix>" with an empty
// value, which the official Go SDK sends for an empty list, is tolerated.
type listSpec struct {
	Prefix string
	Fields []string
	// SubLists are scalar lists inside each entry, "<Prefix>.N.<Sub>.M"
	// (e.g. Filter.N.Value.M).
	SubLists []string
}

// paramSpec lists the parameters an action accepts besides commonParams.
type paramSpec struct {
	Names []string
	Lists []listSpec
}

// check refuses repeated, unknown and malformed list parameters. Names are
// checked in sorted order so that the error is deterministic.
func (ps paramSpec) check(action string, v url.Values) *apiError {
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if len(v[name]) > 1 {
			return errorf(CodeDuplicateParameter, "The parameter '%s' is given more than once.", clip(name))
		}
	}
	for _, name := range names {
		if commonParams[name] || ps.hasName(name) {
			continue
		}
		known, err := ps.matchList(name, v.Get(name))
		if err != nil {
			return err
		}
		if !known {
			return errorf(CodeUnknownParameter, "The parameter '%s' is not accepted by %s.", clip(name), action)
		}
	}
	return nil
}

func (ps paramSpec) hasName(name string) bool {
	for _, n := range ps.Names {
		if n == name {
			return true
		}
	}
	return false
}

// matchList reports whether name belongs to one of the list parameters.
func (ps paramSpec) matchList(name, value string) (bool, *apiError) {
	for _, l := range ps.Lists {
		if name == l.Prefix {
			if value != "" {
				return true, errIllegal(name, value, "an empty list parameter takes no value")
			}
			return true, nil
		}
		rest, ok := strings.CutPrefix(name, l.Prefix+".")
		if !ok {
			continue
		}
		index, field, hasField := strings.Cut(rest, ".")
		if _, ok := parseIndex(index); !ok {
			continue
		}
		if len(l.Fields) == 0 && !hasField {
			return true, nil
		}
		for _, f := range l.Fields {
			if hasField && field == f {
				return true, nil
			}
		}
		for _, sub := range l.SubLists {
			m, ok := strings.CutPrefix(field, sub+".")
			if _, isIndex := parseIndex(m); hasField && ok && isIndex {
				return true, nil
			}
		}
	}
	return false, nil
}

// parseIndex parses the N of a list parameter: a decimal number from 1 to
// maxListIndex without sign or leading zeros.
func parseIndex(s string) (int, bool) {
	if s == "" || s[0] == '0' || len(s) > 4 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxListIndex {
		return 0, false
	}
	return n, true
}

// listEntry is one N of a list parameter with its fields (or, for a scalar
// list, the value under the key "").
type listEntry struct {
	Index  int
	Fields map[string]string
}

// list collects the entries of the list prefix, sorted by N. Keys that do
// not parse as list entries were already refused by paramSpec.check.
func list(v url.Values, prefix string) []listEntry {
	byIndex := map[int]map[string]string{}
	for name := range v {
		rest, ok := strings.CutPrefix(name, prefix+".")
		if !ok {
			continue
		}
		index, field, _ := strings.Cut(rest, ".")
		n, ok := parseIndex(index)
		if !ok {
			continue
		}
		if byIndex[n] == nil {
			byIndex[n] = map[string]string{}
		}
		byIndex[n][field] = v.Get(name)
	}
	entries := make([]listEntry, 0, len(byIndex))
	for n, fields := range byIndex {
		entries = append(entries, listEntry{Index: n, Fields: fields})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Index < entries[j].Index })
	return entries
}

// subList collects the entries "<sub>.M" of the fields of one list entry
// (see listSpec.SubLists), sorted by M, each with its value under "".
func subList(fields map[string]string, sub string) []listEntry {
	var entries []listEntry
	for name, value := range fields {
		m, ok := strings.CutPrefix(name, sub+".")
		if n, isIndex := parseIndex(m); ok && isIndex {
			entries = append(entries, listEntry{Index: n, Fields: map[string]string{"": value}})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Index < entries[j].Index })
	return entries
}

// listName is the full parameter name of a field of list entry n.
func listName(prefix string, n int, field string) string {
	if field == "" {
		return prefix + "." + strconv.Itoa(n)
	}
	return prefix + "." + strconv.Itoa(n) + "." + field
}

// requiredString returns the non-empty value of name.
func requiredString(v url.Values, name string) (string, *apiError) {
	s := v.Get(name)
	if s == "" {
		return "", errMissing(name)
	}
	return s, nil
}

// parseInt parses value (of parameter name) as a decimal integer in
// [lo, hi].
func parseInt(name, value string, lo, hi int) (int, *apiError) {
	n, err := strconv.Atoi(value)
	if err != nil || strings.HasPrefix(value, "+") {
		return 0, errIllegal(name, value, "not an integer")
	}
	if n < lo || n > hi {
		return 0, errIllegal(name, value, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
	return n, nil
}

// requiredInt returns the value of name as an integer in [lo, hi].
func requiredInt(v url.Values, name string, lo, hi int) (int, *apiError) {
	s, err := requiredString(v, name)
	if err != nil {
		return 0, err
	}
	return parseInt(name, s, lo, hi)
}

// optionalInt returns the value of name as an integer in [lo, hi], or def
// when it is absent or empty.
func optionalInt(v url.Values, name string, def, lo, hi int) (int, *apiError) {
	return optionalIntValue(name, v.Get(name), def, lo, hi)
}

// optionalIntValue parses value (of parameter name) as an integer in
// [lo, hi], or returns def when value is empty.
func optionalIntValue(name, value string, def, lo, hi int) (int, *apiError) {
	if value == "" {
		return def, nil
	}
	return parseInt(name, value, lo, hi)
}

// parseBool parses true/false in any case.
func parseBool(name, value string) (bool, *apiError) {
	switch strings.ToLower(value) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errIllegal(name, value, "must be true or false")
}

// portKey identifies a port definition in requests.
type portKey struct {
	LoadBalancerPort int
	InstancePort     int
}

// target reads LoadBalancerName, LoadBalancerPort and InstancePort, the
// three parameters that name one port definition.
func target(v url.Values) (string, portKey, *apiError) {
	name, err := requiredString(v, "LoadBalancerName")
	if err != nil {
		return "", portKey{}, err
	}
	lbPort, err := requiredInt(v, "LoadBalancerPort", 1, 65535)
	if err != nil {
		return "", portKey{}, err
	}
	instPort, err := requiredInt(v, "InstancePort", 1, 65535)
	if err != nil {
		return "", portKey{}, err
	}
	return name, portKey{lbPort, instPort}, nil
}

// targetNames are the parameters read by target.
var targetNames = []string{"LoadBalancerName", "LoadBalancerPort", "InstancePort"}

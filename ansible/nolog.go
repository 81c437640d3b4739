package ansible

import (
	"encoding/json"
	"sort"
	"strings"
)

// NoLogPlaceholder replaces a value that equals a no_log value, as
// AnsibleModule does.
const NoLogPlaceholder = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

// noLogMask replaces each occurrence of a no_log value inside a string.
const noLogMask = "********"

// collectNoLog adds the strings that a no_log value must be hidden as, the
// way AnsibleModule's _return_datastructure_name lists them: non-empty
// strings, numbers in Python's notation, the items of lists and the values
// of dicts; booleans and null are not secrets.
func collectNoLog(v any, into map[string]struct{}) {
	switch t := v.(type) {
	case nil, bool:
	case string:
		if t != "" {
			into[t] = struct{}{}
		}
	case []any:
		for _, e := range t {
			collectNoLog(e, into)
		}
	case []string:
		for _, e := range t {
			collectNoLog(e, into)
		}
	case *object:
		for _, k := range t.keys {
			collectNoLog(t.values[k], into)
		}
	case map[string]any:
		for _, e := range t {
			collectNoLog(e, into)
		}
	default:
		into[pyStr(t)] = struct{}{}
	}
}

// scrubber removes no_log values from output as AnsibleModule's
// remove_values does.
type scrubber struct {
	secrets []string // longest first, so that a secret is replaced before a shorter one inside it
	set     map[string]struct{}
}

func newScrubber(secrets map[string]struct{}) *scrubber {
	s := &scrubber{set: map[string]struct{}{}}
	for k := range secrets {
		if k == "" {
			continue
		}
		s.set[k] = struct{}{}
		s.secrets = append(s.secrets, k)
	}
	sort.Slice(s.secrets, func(i, j int) bool {
		a, b := s.secrets[i], s.secrets[j]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
	return s
}

// text scrubs a string: one that equals a secret becomes NoLogPlaceholder,
// and every secret inside another is masked with eight stars.
func (s *scrubber) text(v string) string {
	if _, ok := s.set[v]; ok {
		return NoLogPlaceholder
	}
	for _, secret := range s.secrets {
		v = strings.ReplaceAll(v, secret, noLogMask)
	}
	return v
}

// value scrubs a decoded JSON value (nil, bool, string, json.Number,
// []any, map[string]any) and returns the result. A number, boolean or null
// whose Python spelling equals or contains a secret becomes
// NoLogPlaceholder. Map keys are left alone, as in AnsibleModule.
func (s *scrubber) value(v any) any {
	switch t := v.(type) {
	case string:
		return s.text(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = s.value(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = s.value(e)
		}
		return out
	case nil, bool, json.Number:
		spelled := pyStr(t)
		for _, secret := range s.secrets {
			if strings.Contains(spelled, secret) {
				return NoLogPlaceholder
			}
		}
		return v
	}
	return v
}

package ansible

import (
	"encoding/json"
	"fmt"
	"regexp"
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
// remove_values does, and also in the encodings a server may echo them in:
// percent-encoding (any case), XML/HTML character references and entities,
// JSON, Go and Python string escapes, and a value split by CDATA sections.
// A value re-encoded as a whole (base64 of the secret, hex) is not
// recognised: no server is known to echo a request that way.
type scrubber struct {
	secrets []string // longest first, so that a secret is replaced before a shorter one inside it
	set     map[string]struct{}
	encoded *regexp.Regexp // built on first need: every encoded form of every secret, longest secret first
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

// encodingMarks are the characters without which a string holds no encoded
// form of a secret.
const encodingMarks = "%&\\]+"

// text scrubs a string: one that equals a secret becomes NoLogPlaceholder,
// and every secret inside another, plain or encoded, is masked with eight
// stars.
func (s *scrubber) text(v string) string {
	if _, ok := s.set[v]; ok {
		return NoLogPlaceholder
	}
	for _, secret := range s.secrets {
		v = strings.ReplaceAll(v, secret, noLogMask)
	}
	if len(s.secrets) == 0 || !strings.ContainsAny(v, encodingMarks) {
		return v
	}
	if s.encoded == nil {
		forms := make([]string, len(s.secrets))
		for i, secret := range s.secrets {
			forms[i] = encodedForms(secret)
		}
		s.encoded = regexp.MustCompile(strings.Join(forms, "|"))
	}
	v = s.encoded.ReplaceAllLiteralString(v, noLogMask)
	return v
}

// cdataSplit is what splits a text across two CDATA sections.
const cdataSplit = `(?:\]\]><!\[CDATA\[)?`

// encodedForms returns the regexp of secret with any of its characters
// written in any of the encodings the scrubber knows. The scrubber joins
// those of all secrets into one, so that a string is scanned once however
// many signatures a run made.
func encodedForms(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 {
			b.WriteString(cdataSplit)
		}
		b.WriteString("(?:")
		b.WriteString(strings.Join(runeForms(r), "|"))
		b.WriteString(")")
	}
	return b.String()
}

// namedForms are the named character references of the characters that
// base64 signatures and XML text use, and their backslash escapes (JSON
// writes "/" as "\/" where it likes; Python and JavaScript write "'" as
// "\'").
var namedForms = map[rune][]string{
	'&': {"&amp;"}, '<': {"&lt;"}, '>': {"&gt;"}, '"': {"&quot;", `\\"`}, '\'': {"&apos;", `\\'`},
	'+': {"&plus;"}, '/': {"&sol;", `\\/`}, '=': {"&equals;"}, '\\': {`\\\\`}, ' ': {`\+`},
}

// runeForms returns the regexps of the ways r can be written.
func runeForms(r rune) []string {
	forms := []string{regexp.QuoteMeta(string(r))}
	var pct strings.Builder
	for _, c := range []byte(string(r)) {
		fmt.Fprintf(&pct, "%%%02X", c)
	}
	forms = append(forms, "(?i:"+pct.String()+")",
		fmt.Sprintf("&#0*%d;", r), fmt.Sprintf("(?i:&#x0*%X;)", r),
		fmt.Sprintf(`(?i:\\u%04X)`, r))
	if r < 0x80 {
		forms = append(forms, fmt.Sprintf(`(?i:\\x%02X)`, r))
	}
	return append(forms, namedForms[r]...)
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

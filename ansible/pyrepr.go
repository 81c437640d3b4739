package ansible

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyStr formats v as Python's str() would format the value json.loads
// produced for it: strings unchanged, True/False/None, Python float
// notation, and repr() for the items of lists and dicts.
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

// pyRepr formats v as Python's repr() would.
func pyRepr(v any) string {
	switch t := v.(type) {
	case nil:
		return "None"
	case bool:
		if t {
			return "True"
		}
		return "False"
	case string:
		return pyQuote(t)
	case json.Number:
		return pyNumber(t)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return pyFloat(t)
	case pyFloatValue:
		return pyFloat(float64(t))
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []string:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = pyQuote(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *object:
		parts := make([]string, len(t.keys))
		for i, k := range t.keys {
			parts[i] = pyQuote(k) + ": " + pyRepr(t.values[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string]any:
		keys := sortedKeys(t)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyQuote(k) + ": " + pyRepr(t[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// isFloatNumber reports whether Python's json.loads makes a float of n.
func isFloatNumber(n json.Number) bool {
	return strings.ContainsAny(string(n), ".eE")
}

// pyNumber formats a JSON number as Python's str() formats the int or
// float that json.loads makes of it.
func pyNumber(n json.Number) string {
	if isFloatNumber(n) {
		f, _ := strconv.ParseFloat(string(n), 64) // ±Inf on overflow, as Python
		return pyFloat(f)
	}
	i, ok := new(big.Int).SetString(string(n), 10)
	if !ok {
		return string(n)
	}
	return i.String()
}

// pyFloat formats f as Python's repr(float): the shortest digits that
// round-trip, in positional notation with at least one decimal for
// exponents from -4 to 15, in scientific notation otherwise.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±XX
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
	}
	if exp < 0 {
		return sign + "0." + strings.Repeat("0", -exp-1) + digits
	}
	if len(digits) <= exp+1 {
		return sign + digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
	}
	return sign + digits[:exp+1] + "." + digits[exp+1:]
}

// pyQuote formats s as Python's repr(str): single quotes unless the text
// holds a single quote and no double quote, and Python's escapes.
func pyQuote(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
			i++
			continue
		}
		i += size
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < ' ' || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// pyType names the Python type json.loads makes of v, as Python prints it.
func pyType(v any) string {
	name := "str"
	switch t := v.(type) {
	case nil:
		name = "NoneType"
	case bool:
		name = "bool"
	case json.Number:
		name = "int"
		if isFloatNumber(t) {
			name = "float"
		}
	case int, int64:
		name = "int"
	case float64, pyFloatValue:
		name = "float"
	case []any, []string:
		name = "list"
	case *object, map[string]any:
		name = "dict"
	}
	return "<class '" + name + "'>"
}

// pyFloatValue is a float64 that encodes to JSON in Python's notation, so
// that 1.0 stays 1.0 in the module's output instead of becoming 1.
type pyFloatValue float64

// MarshalJSON implements json.Marshaler.
func (f pyFloatValue) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("unsupported float value %s", pyFloat(v))
	}
	return []byte(pyFloat(v)), nil
}

// pyIsSpace reports whether Python's str.isspace() holds for r.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip removes leading and trailing whitespace as Python's str.strip().
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

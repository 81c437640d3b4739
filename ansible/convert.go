package ansible

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os/user"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// errNotConvertible is the detail Python gives when a value has a type that
// cannot become the wanted one.
func errNotConvertible(v any, article, wanted string) error {
	return fmt.Errorf("%s cannot be converted to %s %s", pyType(v), article, wanted)
}

// convert converts v, a decoded JSON tree value that is not null, to type t
// as AnsibleModule's type checkers do. The error text is the detail Python
// prints after "we were unable to convert to <type>: ".
//
// Results: string for str and path; int, or bool passed through, for int;
// float64 for float; bool for bool; []any of tree values for list; *object
// for dict; v itself for raw.
func convert(t Type, v any, getenv func(string) (string, bool)) (any, error) {
	switch t {
	case TypeStr, "":
		return pyStr(v), nil
	case TypePath:
		return expandUser(expandVars(pyStr(v), getenv), getenv), nil
	case TypeInt:
		return convertInt(v)
	case TypeFloat:
		return convertFloat(v)
	case TypeBool:
		return convertBool(v)
	case TypeList:
		return convertList(v)
	case TypeDict:
		return convertDict(v)
	case TypeRaw:
		return v, nil
	}
	return nil, fmt.Errorf("unknown type %q", string(t))
}

func convertInt(v any) (any, error) {
	switch t := v.(type) {
	case bool:
		return t, nil // Python's bool is an int and passes as it is
	case json.Number:
		if isFloatNumber(t) {
			return nil, errNotConvertible(v, "an", "int")
		}
		return parseInt64(string(t))
	case string:
		digits, ok := pyIntDigits(t)
		if !ok {
			return nil, errNotConvertible(v, "an", "int")
		}
		return parseInt64(digits)
	}
	return nil, errNotConvertible(v, "an", "int")
}

func parseInt64(digits string) (any, error) {
	n, err := strconv.ParseInt(digits, 10, 0)
	if err != nil {
		if i, ok := new(big.Int).SetString(digits, 10); ok {
			return nil, fmt.Errorf("%s does not fit in a 64-bit integer", i.String())
		}
		return nil, fmt.Errorf("%s is not an integer", digits)
	}
	return int(n), nil
}

// pyIntDigits checks s against the syntax Python's int(s) accepts in base
// 10 (surrounding whitespace but for the ASCII separators \x1c-\x1f, a sign, Unicode decimal digits, single
// underscores between digits) and returns the ASCII digits with the sign.
func pyIntDigits(s string) (string, bool) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	var b strings.Builder
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			b.WriteByte('-')
		}
		s = s[1:]
	}
	if s == "" || strings.HasPrefix(s, "_") || strings.HasSuffix(s, "_") || strings.Contains(s, "__") {
		return "", false
	}
	for _, r := range s {
		switch {
		case r == '_':
		case unicode.IsDigit(r):
			b.WriteByte(byte('0' + decimalValue(r)))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// decimalValue returns the value of a Unicode decimal digit. Decimal
// digits come in runs of ten code points starting at zero.
func decimalValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
}

func convertFloat(v any) (any, error) {
	var f float64
	switch t := v.(type) {
	case bool:
		if t {
			f = 1
		}
	case json.Number:
		f, _ = strconv.ParseFloat(string(t), 64) // ±Inf when too large
	case string:
		text, ok := pyFloatText(t)
		if !ok {
			return nil, errNotConvertible(v, "a", "float")
		}
		f, _ = strconv.ParseFloat(text, 64)
	default:
		return nil, errNotConvertible(v, "a", "float")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%s is not a finite number", pyFloat(f))
	}
	return f, nil
}

// pyFloatText checks s against the syntax Python's float(s) accepts and
// returns it in a form strconv.ParseFloat reads the same way.
func pyFloatText(s string) (string, bool) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) {
			b.WriteByte(byte('0' + decimalValue(r)))
		} else {
			b.WriteRune(r)
		}
	}
	s = b.String()
	body := s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		body = body[1:]
	}
	switch strings.ToLower(body) {
	case "inf", "infinity", "nan":
		return s, true
	}
	if !pyFloatSyntax().MatchString(body) {
		return "", false
	}
	return strings.ReplaceAll(s, "_", ""), true
}

// pyFloatSyntax is Python's float literal syntax without the sign.
var pyFloatSyntax = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$`)
})

// booleanSpellings lists the values Python's boolean() accepts, in the
// order Python 3.11 prints them with PYTHONHASHSEED=0 (without a fixed
// seed the order changes from run to run).
const booleanSpellings = `0, 'y', 'true', 1, 'f', 'n', 'off', 't', '0', 'no', 'false', '1', 'on', 'yes'`

func convertBool(v any) (any, error) {
	switch t := v.(type) {
	case bool:
		return t, nil
	case string:
		switch strings.ToLower(pyStrip(t)) {
		case "y", "yes", "on", "1", "true", "t":
			return true, nil
		case "n", "no", "off", "0", "false", "f":
			return false, nil
		}
	case json.Number:
		if f, err := strconv.ParseFloat(string(t), 64); err == nil {
			switch f {
			case 1:
				return true, nil
			case 0:
				return false, nil
			}
		}
	default:
		return nil, errNotConvertible(v, "a", "bool")
	}
	//lint:ignore ST1005 the text is AnsibleModule's, capital letter included
	return nil, fmt.Errorf("The value '%s' is not a valid boolean.  Valid booleans include: %s", pyStr(v), booleanSpellings)
}

func convertList(v any) (any, error) {
	switch t := v.(type) {
	case []any:
		return t, nil
	case string:
		parts := strings.Split(t, ",")
		list := make([]any, len(parts))
		for i, p := range parts {
			list[i] = p
		}
		return list, nil
	case json.Number, bool:
		return []any{pyStr(t)}, nil
	}
	return nil, errNotConvertible(v, "a", "list")
}

func convertDict(v any) (any, error) {
	switch t := v.(type) {
	case *object:
		return t, nil
	case string:
		switch {
		case strings.HasPrefix(t, "{"):
			if tree, err := decodeJSON([]byte(t)); err == nil {
				if obj, ok := tree.(*object); ok {
					return obj, nil
				}
			}
			if obj, err := parsePyLiteral(t); err == nil {
				if o, ok := obj.(*object); ok {
					return o, nil
				}
			}
			return nil, errors.New("unable to evaluate string as dictionary")
		case strings.Contains(t, "="):
			return parseKeyValues(t)
		}
		return nil, errors.New("dictionary requested, could not parse JSON or key=value")
	}
	return nil, errNotConvertible(v, "a", "dict")
}

// parseKeyValues reads "k1=v1 k2='v 2',k3=v3" as AnsibleModule does:
// fields split on spaces and commas outside quotes, backslash escapes, the
// values kept as strings.
func parseKeyValues(s string) (any, error) {
	var fields []string
	var buf strings.Builder
	var quote rune
	escaped := false
	for _, c := range pyStrip(s) {
		switch {
		case escaped:
			buf.WriteRune(c)
			escaped = false
		case c == '\\':
			escaped = true
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == ',' || c == ' '):
			if buf.Len() > 0 {
				fields = append(fields, buf.String())
			}
			buf.Reset()
		default:
			buf.WriteRune(c)
		}
	}
	if buf.Len() > 0 {
		fields = append(fields, buf.String())
	}
	obj := newObject()
	for i, f := range fields {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("dictionary update sequence element #%d has length 1; 2 is required", i)
		}
		obj.set(k, val)
	}
	return obj, nil
}

// varPattern is the variable reference Python's posixpath.expandvars
// recognises.
var varPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$([A-Za-z0-9_]+|\{[^}]*\})`) })

// expandVars replaces $NAME and ${NAME} with the value of the environment
// variable NAME, leaving references to unset variables as they are, as
// Python's os.path.expandvars does.
func expandVars(path string, getenv func(string) (string, bool)) string {
	if !strings.Contains(path, "$") {
		return path
	}
	var b strings.Builder
	last := 0
	for _, m := range varPattern().FindAllStringSubmatchIndex(path, -1) {
		name := path[m[2]:m[3]]
		if strings.HasPrefix(name, "{") {
			name = name[1 : len(name)-1]
		}
		value, ok := getenv(name)
		if !ok {
			continue
		}
		b.WriteString(path[last:m[0]])
		b.WriteString(value)
		last = m[1]
	}
	b.WriteString(path[last:])
	return b.String()
}

// lookupHome returns the home directory of the named user, or of the
// current user when name is empty.
func lookupHome(name string) (string, bool) {
	var u *user.User
	var err error
	if name == "" {
		u, err = user.Current()
	} else {
		u, err = user.Lookup(name)
	}
	if err != nil {
		return "", false
	}
	return u.HomeDir, true
}

// expandUser replaces a leading ~ or ~user as Python's
// os.path.expanduser does: ~ from $HOME (or the user database when HOME is
// unset), ~user from the user database, unknown users left alone.
func expandUser(path string, getenv func(string) (string, bool)) string {
	if !strings.HasPrefix(path, "~") {
		return path
	}
	i := strings.Index(path[1:], "/") + 1
	if i == 0 {
		i = len(path)
	}
	var home string
	var ok bool
	if i == 1 {
		home, ok = getenv("HOME")
		if !ok {
			home, ok = lookupHome("")
		}
	} else {
		home, ok = lookupHome(path[1:i])
	}
	if !ok {
		return path
	}
	expanded := strings.TrimRight(home, "/") + path[i:]
	if expanded == "" {
		return "/"
	}
	return expanded
}

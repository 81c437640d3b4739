package ansible

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxLiteralDepth bounds the nesting of containers in a Python literal.
const maxLiteralDepth = 100

// parsePyLiteral reads the Python literal syntax that ast.literal_eval
// accepts for the values AnsibleModule's dict type falls back to when a
// string starting with "{" is not JSON, such as "{'k': 1, 'l': [True, None]}".
//
// It supports dicts, lists, tuples (as lists), strings (single, double and
// triple quotes, the u and r prefixes, adjacent strings joined), ints
// (decimal, 0x, 0o, 0b, underscores), floats, a sign on numbers, True,
// False and None. Dict keys become JSON object keys as json.dumps writes
// them. Sets, bytes, complex numbers and non-finite floats are rejected.
func parsePyLiteral(s string) (any, error) {
	p := &literalParser{s: strings.TrimLeft(s, " \t")}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, p.errorf("unexpected text")
	}
	return v, nil
}

type literalParser struct {
	s   string
	pos int
}

func (p *literalParser) errorf(format string, args ...any) error {
	return fmt.Errorf("python literal at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *literalParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', '\f':
			p.pos++
		default:
			return
		}
	}
}

func (p *literalParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *literalParser) value(depth int) (any, error) {
	if depth > maxLiteralDepth {
		return nil, p.errorf("nested too deeply")
	}
	p.skipSpace()
	c := p.peek()
	switch {
	case c == '{':
		return p.dict(depth)
	case c == '[':
		p.pos++
		return p.sequence(']', depth)
	case c == '(':
		p.pos++
		return p.sequence(')', depth)
	case c == '\'' || c == '"':
		return p.strings()
	case c == '-' || c == '+':
		p.pos++
		p.skipSpace()
		n, err := p.number()
		if err != nil {
			return nil, err
		}
		if c == '-' {
			return negate(n), nil
		}
		return n, nil
	case c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case isNameStart(c):
		start := p.pos
		for p.pos < len(p.s) && isNameChar(p.s[p.pos]) {
			p.pos++
		}
		name := p.s[start:p.pos]
		if p.peek() == '\'' || p.peek() == '"' {
			switch strings.ToLower(name) {
			case "u", "r":
				p.pos = start
				return p.strings()
			}
			return nil, p.errorf("string prefix %q is not supported", name)
		}
		switch name {
		case "True":
			return true, nil
		case "False":
			return false, nil
		case "None":
			return nil, nil
		}
		return nil, p.errorf("name %q is not a literal", name)
	case c == 0:
		return nil, p.errorf("unexpected end of text")
	}
	return nil, p.errorf("unexpected character %q", rune(c))
}

func isNameStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isNameChar(c byte) bool {
	return isNameStart(c) || (c >= '0' && c <= '9')
}

// dict reads {k: v, ...}; a brace holding no colon would be a set.
func (p *literalParser) dict(depth int) (any, error) {
	p.pos++ // '{'
	obj := newObject()
	for {
		p.skipSpace()
		if p.peek() == '}' {
			p.pos++
			return obj, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		key, err := jsonKey(k)
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		p.skipSpace()
		if p.peek() != ':' {
			return nil, p.errorf("expected ':' (sets are not supported)")
		}
		p.pos++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		obj.set(key, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

// sequence reads the items of a list or tuple up to the closing bracket.
// A parenthesised single value without a comma is that value.
func (p *literalParser) sequence(closing byte, depth int) (any, error) {
	items := []any{}
	sawComma := false
	for {
		p.skipSpace()
		if p.peek() == closing {
			p.pos++
			if closing == ')' && len(items) == 1 && !sawComma {
				return items[0], nil
			}
			return items, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			sawComma = true
			p.pos++
		case closing:
		default:
			return nil, p.errorf("expected ',' or %q", rune(closing))
		}
	}
}

// jsonKey turns a dict key into the object key json.dumps writes for it.
func jsonKey(k any) (string, error) {
	switch t := k.(type) {
	case string:
		return t, nil
	case json.Number:
		return pyNumber(t), nil
	case bool:
		if t {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "null", nil
	}
	return "", errors.New("dict keys must be strings, numbers, booleans or None")
}

func negate(n json.Number) json.Number {
	s := string(n)
	if strings.HasPrefix(s, "-") {
		return json.Number(s[1:])
	}
	if s == "0" || s == "0.0" {
		if isFloatNumber(n) {
			return "-0.0"
		}
		return n
	}
	return json.Number("-" + s)
}

// number reads an int or float literal and returns it as a JSON number:
// ints in decimal, floats in Python's repr notation.
func (p *literalParser) number() (json.Number, error) {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if isNameChar(c) || c == '.' {
			p.pos++
			continue
		}
		if (c == '+' || c == '-') && p.pos > start && (p.s[p.pos-1] == 'e' || p.s[p.pos-1] == 'E') && !isPrefixedInt(p.s[start:p.pos]) {
			p.pos++
			continue
		}
		break
	}
	text := p.s[start:p.pos]
	if text == "" {
		return "", p.errorf("expected a number")
	}
	lower := strings.ToLower(text)
	if isPrefixedInt(lower) {
		base := map[byte]int{'x': 16, 'o': 8, 'b': 2}[lower[1]]
		digits := lower[2:]
		digits = strings.TrimPrefix(digits, "_")
		if !validUnderscores(digits) {
			return "", p.errorf("invalid number %q", text)
		}
		i, ok := new(big.Int).SetString(strings.ReplaceAll(digits, "_", ""), base)
		if !ok {
			return "", p.errorf("invalid number %q", text)
		}
		return json.Number(i.String()), nil
	}
	if strings.HasSuffix(lower, "j") {
		return "", p.errorf("complex numbers are not supported")
	}
	if !strings.ContainsAny(lower, ".e") {
		if !validUnderscores(lower) || (len(lower) > 1 && lower[0] == '0' && strings.Trim(lower, "0_") != "") {
			return "", p.errorf("invalid number %q", text)
		}
		i, ok := new(big.Int).SetString(strings.ReplaceAll(lower, "_", ""), 10)
		if !ok {
			return "", p.errorf("invalid number %q", text)
		}
		return json.Number(i.String()), nil
	}
	if !pyFloatSyntax().MatchString(lower) {
		return "", p.errorf("invalid number %q", text)
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(lower, "_", ""), 64)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || math.IsInf(f, 0) {
		return "", p.errorf("invalid or non-finite number %q", text)
	}
	return json.Number(pyFloat(f)), nil
}

func isPrefixedInt(s string) bool {
	return len(s) > 1 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(s[1]))
}

// validUnderscores reports whether s is non-empty and every underscore in
// it stands between two other characters, alone.
func validUnderscores(s string) bool {
	return s != "" && !strings.HasPrefix(s, "_") && !strings.HasSuffix(s, "_") && !strings.Contains(s, "__")
}

// strings reads one or more adjacent string literals and joins them.
func (p *literalParser) strings() (any, error) {
	var b strings.Builder
	for {
		s, err := p.stringLiteral()
		if err != nil {
			return nil, err
		}
		b.WriteString(s)
		save := p.pos
		p.skipSpace()
		c := p.peek()
		if c == '\'' || c == '"' {
			continue
		}
		if (c == 'u' || c == 'U' || c == 'r' || c == 'R') && p.pos+1 < len(p.s) && (p.s[p.pos+1] == '\'' || p.s[p.pos+1] == '"') {
			continue
		}
		p.pos = save
		return b.String(), nil
	}
}

func (p *literalParser) stringLiteral() (string, error) {
	raw := false
	switch p.peek() {
	case 'r', 'R':
		raw = true
		p.pos++
	case 'u', 'U':
		p.pos++
	}
	q := p.peek()
	delim := string(q)
	if strings.HasPrefix(p.s[p.pos:], strings.Repeat(delim, 3)) {
		delim = strings.Repeat(delim, 3)
	}
	p.pos += len(delim)
	var b strings.Builder
	for {
		if p.pos >= len(p.s) {
			return "", p.errorf("unterminated string")
		}
		if strings.HasPrefix(p.s[p.pos:], delim) {
			p.pos += len(delim)
			return b.String(), nil
		}
		c := p.s[p.pos]
		switch {
		case c == '\n' && len(delim) == 1:
			return "", p.errorf("unterminated string")
		case c == '\\' && raw:
			b.WriteByte(c)
			p.pos++
			if p.pos < len(p.s) {
				r, size := utf8.DecodeRuneInString(p.s[p.pos:])
				b.WriteRune(r)
				p.pos += size
			}
		case c == '\\':
			if err := p.escape(&b); err != nil {
				return "", err
			}
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.pos:])
			b.WriteRune(r)
			p.pos += size
		}
	}
}

// escape reads a backslash escape of a (non-raw) string literal.
func (p *literalParser) escape(b *strings.Builder) error {
	p.pos++ // '\'
	if p.pos >= len(p.s) {
		return p.errorf("unterminated string")
	}
	c := p.s[p.pos]
	p.pos++
	simple := map[byte]string{'\n': "", '\\': `\`, '\'': `'`, '"': `"`, 'a': "\a", 'b': "\b", 'f': "\f", 'n': "\n", 'r': "\r", 't': "\t", 'v': "\v"}
	if s, ok := simple[c]; ok {
		b.WriteString(s)
		return nil
	}
	switch c {
	case '0', '1', '2', '3', '4', '5', '6', '7':
		v := int(c - '0')
		for n := 1; n < 3 && p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '7'; n++ {
			v = v*8 + int(p.s[p.pos]-'0')
			p.pos++
		}
		b.WriteRune(rune(v))
		return nil
	case 'x', 'u', 'U':
		width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		if p.pos+width > len(p.s) {
			return p.errorf("truncated \\%c escape", c)
		}
		v, err := strconv.ParseUint(p.s[p.pos:p.pos+width], 16, 32)
		if err != nil || v > utf8.MaxRune {
			return p.errorf("invalid \\%c escape", c)
		}
		p.pos += width
		b.WriteRune(rune(v))
		return nil
	case 'N':
		return p.errorf("\\N{...} escapes are not supported")
	}
	b.WriteByte('\\')
	p.pos--
	r, size := utf8.DecodeRuneInString(p.s[p.pos:])
	b.WriteRune(r)
	p.pos += size
	return nil
}

package nifcloud

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// scanner reads the plain XML that the API sends, faster than encoding/xml:
// it allocates nothing per element and hands out text as slices of the body.
// It accepts a strict subset of what encoding/xml accepts, and only where
// encoding/xml would read the same tokens:
//
//   - elements with ASCII names (letters, digits, '_', '.', '-', at most
//     one prefix "p:"), with attributes that are read but not returned;
//   - character data in UTF-8, with the five predefined entities (&lt;
//     &gt; &amp; &apos; &quot;);
//   - the XML declaration with version 1.0 and encoding UTF-8.
//
// Anything else (comments, CDATA, DOCTYPE, other processing instructions,
// numeric character references, carriage returns in text, non-ASCII names,
// mismatched tags, bad UTF-8, a truncated body, ...) makes it fail: the
// caller then decodes with encoding/xml, which reads those or reports the
// syntax error. A failure is sticky: once failed, every call returns zero
// values and failed reports true.
type scanner struct {
	data []byte
	pos  int
	// open holds the raw names of the open elements, innermost last.
	open [][]byte
	// closing is set after a self-closing start tag: the next token is
	// its end.
	closing bool
	// buf holds text whose entities were replaced; inBuf reports that
	// the last text returned is there (and so is overwritten by the
	// next).
	buf    []byte
	inBuf  bool
	failed bool
}

// token kinds returned by next.
const (
	tokenNone = iota
	tokenStart
	tokenEnd
	tokenText
)

// newScanner returns a scanner over body.
func newScanner(body []byte) *scanner {
	return &scanner{data: body, open: make([][]byte, 0, 8)}
}

// fail marks the scan failed.
func (s *scanner) fail() {
	s.failed = true
}

// root skips what precedes the first element (text and the XML
// declaration) and returns the local name of that element.
func (s *scanner) root() []byte {
	for !s.failed {
		kind, value := s.next()
		switch kind {
		case tokenStart:
			return value
		case tokenEnd:
			s.fail()
		}
	}
	return nil
}

// child advances to the next child element of the innermost open element
// and returns its local name; text between children is skipped. At the
// end of the open element it consumes the end tag and returns false.
func (s *scanner) child() ([]byte, bool) {
	for !s.failed {
		kind, value := s.next()
		switch kind {
		case tokenStart:
			return value, true
		case tokenEnd:
			return nil, false
		}
	}
	return nil, false
}

// skip consumes the element just opened, through its end tag.
func (s *scanner) skip() {
	for depth := 1; depth > 0 && !s.failed; {
		switch kind, _ := s.next(); kind {
		case tokenStart:
			depth++
		case tokenEnd:
			depth--
		}
	}
}

// text consumes the element just opened and returns the character data
// directly inside it, as encoding/xml gives it to a string field: child
// elements are skipped, their text left out.
func (s *scanner) text() string {
	return string(s.textBytes())
}

// word is text for an element whose value is often one of known: it
// returns that string rather than a new copy.
func (s *scanner) word(known ...string) string {
	b := s.textBytes()
	for _, k := range known {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}

// textBytes is text as bytes that stay valid.
func (s *scanner) textBytes() []byte {
	var first []byte // the only piece so far
	var joined []byte
	pieces := 0
	for !s.failed {
		kind, value := s.next()
		switch kind {
		case tokenText:
			switch pieces {
			case 0:
				first = value
				if s.inBuf {
					first = bytes.Clone(value) // buf is reused by the next text
				}
			case 1:
				joined = append(append(joined, first...), value...)
			default:
				joined = append(joined, value...)
			}
			pieces++
		case tokenStart:
			s.skip()
		case tokenEnd:
			if pieces > 1 {
				return joined
			}
			return first
		}
	}
	return nil
}

// next returns the next token: the local name of a start or end tag, or
// decoded character data (valid until the next call). It returns
// tokenNone when the scan failed, including at the end of the input.
func (s *scanner) next() (kind int, value []byte) {
	if s.failed {
		return tokenNone, nil
	}
	if s.closing {
		s.closing = false
		return tokenEnd, s.pop()
	}
	if s.pos >= len(s.data) {
		s.fail() // the caller always expects more: a root, or an end tag
		return tokenNone, nil
	}
	if s.data[s.pos] != '<' {
		return tokenText, s.charData()
	}
	s.pos++
	if s.pos >= len(s.data) {
		s.fail()
		return tokenNone, nil
	}
	switch s.data[s.pos] {
	case '/':
		s.pos++
		return tokenEnd, s.endTag()
	case '?':
		s.pos++
		s.declaration()
		if s.failed {
			return tokenNone, nil
		}
		return s.next()
	case '!':
		s.fail() // comment, CDATA or DOCTYPE
		return tokenNone, nil
	}
	return tokenStart, s.startTag()
}

// startTag reads a start tag after its '<' and returns the local name.
func (s *scanner) startTag() []byte {
	raw, local := s.name()
	if s.failed {
		return nil
	}
	for {
		s.space()
		if s.pos >= len(s.data) {
			s.fail()
			return nil
		}
		switch s.data[s.pos] {
		case '>':
			s.pos++
			s.open = append(s.open, raw)
			return local
		case '/':
			if s.pos+1 >= len(s.data) || s.data[s.pos+1] != '>' {
				s.fail()
				return nil
			}
			s.pos += 2
			s.open = append(s.open, raw)
			s.closing = true
			return local
		}
		s.attribute()
		if s.failed {
			return nil
		}
	}
}

// attribute reads name="value" (or 'value') and checks the value.
func (s *scanner) attribute() {
	s.name()
	s.space()
	if s.failed || s.pos >= len(s.data) || s.data[s.pos] != '=' {
		s.fail()
		return
	}
	s.pos++
	s.space()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' && s.data[s.pos] != '\'' {
		s.fail()
		return
	}
	quote := s.data[s.pos]
	s.pos++
	for s.pos < len(s.data) && s.data[s.pos] != quote {
		c := s.data[s.pos]
		if c == '<' || c == '&' {
			s.fail()
			return
		}
		s.pos += s.char()
		if s.failed {
			return
		}
	}
	if s.pos >= len(s.data) {
		s.fail()
		return
	}
	s.pos++
}

// endTag reads an end tag after its "</", checks that it closes the
// innermost open element, and returns the local name.
func (s *scanner) endTag() []byte {
	if len(s.open) == 0 {
		s.fail()
		return nil
	}
	// The name must be the open element's: compare rather than parse.
	raw := s.open[len(s.open)-1]
	end := s.pos + len(raw)
	if !bytes.HasPrefix(s.data[s.pos:], raw) || end < len(s.data) && (isNameByte(s.data[end]) || s.data[end] >= utf8.RuneSelf) {
		s.fail()
		return nil
	}
	s.pos = end
	s.space()
	if s.pos >= len(s.data) || s.data[s.pos] != '>' {
		s.fail()
		return nil
	}
	s.pos++
	return s.pop()
}

// pop closes the innermost open element and returns its local name.
func (s *scanner) pop() []byte {
	raw := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	if i := bytes.IndexByte(raw, ':'); i >= 0 {
		return raw[i+1:]
	}
	return raw
}

// name reads an element or attribute name: ASCII letters, digits, '_', '.'
// and '-', starting with a letter or '_', optionally prefixed by another
// such name and ':'. It returns the whole name and the part after the
// prefix.
func (s *scanner) name() (raw, local []byte) {
	start := s.pos
	for s.pos < len(s.data) && isNameByte(s.data[s.pos]) {
		s.pos++
	}
	// encoding/xml reads any non-ASCII byte as part of a name.
	if s.pos < len(s.data) && s.data[s.pos] >= utf8.RuneSelf {
		s.fail()
		return nil, nil
	}
	raw = s.data[start:s.pos]
	colon := bytes.IndexByte(raw, ':')
	if colon < 0 {
		if !isNamePart(raw) {
			s.fail()
			return nil, nil
		}
		return raw, raw
	}
	prefix, local := raw[:colon], raw[colon+1:]
	if !isNamePart(prefix) || !isNamePart(local) || bytes.IndexByte(local, ':') >= 0 {
		s.fail()
		return nil, nil
	}
	return raw, local
}

// isNameByte reports the ASCII bytes that encoding/xml reads as part of a
// name.
func isNameByte(c byte) bool {
	return nameBytes[c]
}

// nameBytes marks the bytes of isNameByte.
var nameBytes = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		t[c] = 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' ||
			b == '_' || b == ':' || b == '.' || b == '-'
	}
	return t
}()

// isNamePart reports a non-empty name without ':' that starts with a
// letter or '_'.
func isNamePart(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	c := b[0]
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_'
}

// space skips the white space that may separate the parts of a tag.
func (s *scanner) space() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// charData reads text up to the next '<' (or the end of the input) and
// returns it with its entities replaced: a slice of data when there are
// none, else of buf.
func (s *scanner) charData() []byte {
	start := s.pos
	s.buf = s.buf[:0]
	plain := true
	for s.pos < len(s.data) {
		run := s.pos
		for run < len(s.data) && plainText[s.data[run]] {
			run++
		}
		if !plain {
			s.buf = append(s.buf, s.data[s.pos:run]...)
		}
		s.pos = run
		if s.pos >= len(s.data) {
			break
		}
		c := s.data[s.pos]
		switch c {
		case '<':
			return s.textOf(start, plain)
		case '&':
			r, n := s.entity()
			if s.failed {
				return nil
			}
			if plain {
				s.buf = append(s.buf, s.data[start:s.pos]...)
				plain = false
			}
			s.buf = append(s.buf, r)
			s.pos += n
			continue
		case '>':
			// encoding/xml refuses "]]>" outside CDATA.
			if s.pos-start >= 2 && s.data[s.pos-1] == ']' && s.data[s.pos-2] == ']' {
				s.fail()
				return nil
			}
		case '\r':
			s.fail() // encoding/xml rewrites line ends; leave that to it
			return nil
		}
		n := s.char()
		if s.failed {
			return nil
		}
		if !plain {
			s.buf = append(s.buf, s.data[s.pos:s.pos+n]...)
		}
		s.pos += n
	}
	return s.textOf(start, plain)
}

// plainText marks the bytes that character data may hold as they are:
// printable ASCII and tab and newline, but not '<', '&' and '>'.
var plainText = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\t'], t['\n'] = true, true
	t['<'], t['&'], t['>'] = false, false, false
	return t
}()

// textOf returns the text read since start and notes where it is.
func (s *scanner) textOf(start int, plain bool) []byte {
	s.inBuf = !plain
	if plain {
		return s.data[start:s.pos]
	}
	return s.buf
}

// char checks the character at pos and returns its length in bytes: it
// must be valid UTF-8 and an XML character.
func (s *scanner) char() int {
	c := s.data[s.pos]
	if c < utf8.RuneSelf {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			s.fail()
			return 0
		}
		return 1
	}
	r, n := utf8.DecodeRune(s.data[s.pos:])
	if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
		s.fail()
		return 0
	}
	return n
}

// isXMLChar reports a non-ASCII rune of the Char production of XML 1.0.
func isXMLChar(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// entities are the predefined entities and the characters they stand for.
var entities = []struct {
	ref string
	c   byte
}{{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}}

// entity returns the character of the predefined entity at pos and the
// length of its reference.
func (s *scanner) entity() (c byte, n int) {
	rest := s.data[s.pos:]
	for _, e := range entities {
		if bytes.HasPrefix(rest, []byte(e.ref)) {
			return e.c, len(e.ref)
		}
	}
	s.fail()
	return 0, 0
}

// declaration reads a processing instruction after its "<?": only the XML
// declaration, with pseudo-attributes version (1.0), encoding (UTF-8 in any
// case) and standalone, each at most once, whose values are letters,
// digits, '.', '_' or '-'.
func (s *scanner) declaration() {
	target, _ := s.name()
	if s.failed || string(target) != "xml" {
		s.fail()
		return
	}
	seen := map[string]bool{}
	for {
		s.space()
		if s.pos+1 < len(s.data) && s.data[s.pos] == '?' && s.data[s.pos+1] == '>' {
			s.pos += 2
			return
		}
		name, _ := s.name()
		if s.failed || s.pos+1 >= len(s.data) || s.data[s.pos] != '=' {
			s.fail()
			return
		}
		quote := s.data[s.pos+1]
		if quote != '"' && quote != '\'' {
			s.fail()
			return
		}
		s.pos += 2
		start := s.pos
		for s.pos < len(s.data) && isValueByte(s.data[s.pos]) {
			s.pos++
		}
		if s.pos >= len(s.data) || s.data[s.pos] != quote || s.pos == start {
			s.fail()
			return
		}
		value := string(s.data[start:s.pos])
		s.pos++
		key := string(name)
		ok := !seen[key]
		switch key {
		case "version":
			ok = ok && value == "1.0"
		case "encoding":
			ok = ok && strings.EqualFold(value, "utf-8")
		case "standalone":
		default:
			ok = false
		}
		if !ok {
			s.fail()
			return
		}
		seen[key] = true
	}
}

// isValueByte reports the bytes allowed in a value of the XML declaration.
func isValueByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '-'
}

package ansible

import (
	"encoding/json"
	"math"
	"os/user"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The conversions are checked against Python itself in reference_test.go;
// these tables pin the helpers down one by one, with Python's answers.

func TestPyFloat(t *testing.T) {
	t.Parallel()
	for f, want := range map[float64]string{
		0: "0.0", 1: "1.0", -2.5: "-2.5", 1e16: "1e+16", 1e15: "1000000000000000.0", 1e-5: "1e-05", 1e-4: "0.0001",
		0.30000000000000004: "0.30000000000000004", 123456789.123: "123456789.123", 1.5e300: "1.5e+300", 5e-324: "5e-324",
		math.Inf(1): "inf", math.Inf(-1): "-inf", 1234567890123456789: "1.2345678901234568e+18", 100: "100.0",
	} {
		assert.Equal(t, want, pyFloat(f), "%v", f)
	}
	assert.Equal(t, "nan", pyFloat(math.NaN()))
	assert.Equal(t, "-0.0", pyFloat(math.Copysign(0, -1)))
}

func TestPyRepr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    any
		want string
	}{
		{"it's", `"it's"`},
		{`say "hi"`, `'say "hi"'`},
		{`both ' and "`, `'both \' and "'`},
		{"tab\there\nnl\\", `'tab\there\nnl\\'`},
		{"\x00\x7f\u0085\u00a0é\u2028\U0001F600\U000E0001", `'\x00\x7f\x85\xa0é\u2028😀\U000e0001'`},
		{[]string{"a"}, "['a']"},
		{map[string]any{"b": 1, "a": nil}, "{'a': None, 'b': 1}"},
		{int64(5), "5"},
		{json.Number("-0"), "0"},
		{json.Number("1E3"), "1000.0"},
		{pyFloatValue(2), "2.0"},
		{struct{}{}, "{}"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pyRepr(tt.v), "%#v", tt.v)
	}
	assert.Equal(t, "<class 'NoneType'>", pyType(nil))
	assert.Equal(t, "<class 'float'>", pyType(1.5))
	assert.Equal(t, "<class 'dict'>", pyType(map[string]any{}))
}

func TestPyFloatValueJSON(t *testing.T) {
	t.Parallel()
	data, err := json.Marshal([]any{pyFloatValue(1), pyFloatValue(1e16)})
	require.NoError(t, err)
	assert.Equal(t, "[1.0,1e+16]", string(data))
	_, err = json.Marshal(pyFloatValue(math.NaN()))
	assert.Error(t, err)
}

func TestParsePyLiteral(t *testing.T) {
	t.Parallel()
	ok := []struct{ in, want string }{
		{"{'a': 1}", `{'a': 1}`},
		{"  {'a': [1, (2, 3), (4,), (), (5)], 'b': {\"c\": None}}  \n", `{'a': [1, [2, 3], [4], [], 5], 'b': {'c': None}}`},
		{"{'x': -1.5e3, 'y': +2, 'z': .5, 'w': 1_000, 'h': 0x1F, 'o': 0o17, 'b': 0b101, 'e': 1e400}", ""},
		{"{'s': 'a' \"b\" u'c' r'\\d', 't': '''tri'ple'''}", `{'s': 'abc\\d', 't': "tri'ple"}`},
		{`{'esc': '\x41\u00e9\U0001F600\101\n\q\'\\'}`, `{'esc': "Aé😀A\n\\q'\\"}`},
		{"{1: 'one', 2.5: 'f', True: 't', None: 'n', 'k': False,}", `{'1': 'one', '2.5': 'f', 'true': 't', 'null': 'n', 'k': False}`},
		{"{'n': -0, 'm': -0.0, 'big': 123456789012345678901234567890}", `{'n': 0, 'm': -0.0, 'big': 123456789012345678901234567890}`},
	}
	for _, tt := range ok {
		v, err := parsePyLiteral(tt.in)
		if tt.want == "" {
			// 1e400 overflows to inf, which JSON cannot carry.
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, pyRepr(v), tt.in)
	}
	for _, in := range []string{
		"", "{", "{'a' 1}", "{'a': 1", "{'a': 1 'b': 2}", "{1, 2}", "{'a': x}", "{'a': 1j}", "{'a': b'x'}", "{'a': 01}",
		"{'a': 1__0}", "{'a': 0x}", "{'a': '\\N{DASH}'}", "{'a': 'unterminated}", "{'a': 'line\nbreak'}", "{'a': '\\x4'}",
		"{'a': '\\U00110000'}", "{(1, 2): 3}", "{'a': 1} x", "{'a': [1 2]}", "{'a': -'x'}", "{'a': 1.2.3}", "{'a': ~1}",
		"[" + string(make([]byte, 0)) + "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]",
	} {
		_, err := parsePyLiteral(in)
		assert.Error(t, err, "%q", in)
	}
}

func TestParseKeyValues(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`a=1 b="x y"`, `{'a': '1', 'b': 'x y'}`},
		{`a=1,b=2, c=3`, `{'a': '1', 'b': '2', 'c': '3'}`},
		{`k='v w' z="q\"r"`, `{'k': 'v w', 'z': 'q"r'}`},
		{`a==b`, `{'a': '=b'}`},
		{`b=1 a=2 b=3`, `{'b': '3', 'a': '2'}`},
		{`  a=1  `, `{'a': '1'}`},
		{`a=`, `{'a': ''}`},
		{`a="it's"`, `{'a': "it's"}`},
	}
	for _, tt := range tests {
		v, err := parseKeyValues(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, pyRepr(v), tt.in)
	}
	_, err := parseKeyValues("a=1 b c=2")
	require.Error(t, err)
	assert.Equal(t, "dictionary update sequence element #1 has length 1; 2 is required", err.Error())
}

func TestExpandPath(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HOME": "/home/u/", "A": "x", "EMPTY": ""}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for in, want := range map[string]string{
		"~":              "/home/u",
		"~/":             "/home/u/",
		"~/a/$A/${A}b":   "/home/u/a/x/xb",
		"$NOPE/${NOPE}$": "$NOPE/${NOPE}$",
		"a$EMPTY${}b":    "a${}b",
		"plain":          "plain",
		"~nosuchuser/x":  "~nosuchuser/x",
		"x/~/y":          "x/~/y",
	} {
		got := expandUser(expandVars(in, getenv), getenv)
		assert.Equal(t, want, got, in)
	}
	root, err := user.Lookup("root")
	require.NoError(t, err)
	assert.Equal(t, root.HomeDir+"/x", expandUser("~root/x", getenv))
	noHome := func(string) (string, bool) { return "", false }
	current, err := user.Current()
	require.NoError(t, err)
	want := current.HomeDir
	if want == "/" {
		want = "/"
	}
	assert.Equal(t, want, expandUser("~", noHome), "without HOME, the user database")
	assert.Equal(t, "/", expandUser("~", func(string) (string, bool) { return "/", true }), "a home of / gives /")
}

func TestConvertDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ     Type
		in      any
		want    any
		wantErr string
	}{
		{TypeInt, "\u0663\u0660", 30, ""},
		{TypeInt, "\u00a042\u2003", 42, ""},
		{TypeInt, "9223372036854775807", 9223372036854775807, ""},
		{TypeInt, "9223372036854775808", nil, "9223372036854775808 does not fit in a 64-bit integer"},
		{TypeInt, nil, nil, "<class 'NoneType'> cannot be converted to an int"},
		{TypeFloat, "\u0661.5", 1.5, ""},
		{TypeFloat, "1e999", nil, "inf is not a finite number"},
		{TypeFloat, json.Number("1e999"), nil, "inf is not a finite number"},
		{TypeFloat, "Infinity", nil, "inf is not a finite number"},
		{TypeBool, "\x1cyes\x1f", true, ""},
		{TypeBool, json.Number("1.0"), true, ""},
		{TypeBool, json.Number("-0.0"), false, ""},
		{TypeBool, json.Number("3"), nil, "The value '3' is not a valid boolean.  Valid booleans include: " + booleanSpellings},
		{TypeDict, "{not: json}", nil, "unable to evaluate string as dictionary"},
		{TypeDict, "{'a': 1} {'b': 2}", nil, "unable to evaluate string as dictionary"},
		{TypeDict, "plain", nil, "dictionary requested, could not parse JSON or key=value"},
		{TypeRaw, json.Number("1.0"), json.Number("1.0"), ""},
		{TypeStr, "x", "x", ""},
		{"", json.Number("1"), "1", ""},
		{Type("nope"), "x", nil, `unknown type "nope"`},
	}
	for _, tt := range tests {
		got, err := convert(tt.typ, tt.in, noEnv)
		if tt.wantErr != "" {
			if assert.Error(t, err, "%s %#v", tt.typ, tt.in) {
				assert.Equal(t, tt.wantErr, err.Error())
			}
			continue
		}
		require.NoError(t, err, "%s %#v", tt.typ, tt.in)
		assert.Equal(t, tt.want, got, "%s %#v", tt.typ, tt.in)
	}
}

func TestPyEqualAndTruthy(t *testing.T) {
	t.Parallel()
	assert.True(t, pyEqual(true, 1))
	assert.True(t, pyEqual(json.Number("1.0"), 1))
	assert.True(t, pyEqual(1.0, json.Number("1")))
	assert.True(t, pyEqual(json.Number("123456789012345678901234567890"), json.Number("123456789012345678901234567890")))
	assert.False(t, pyEqual(1, "1"))
	assert.False(t, pyEqual("1", 1))
	assert.True(t, pyEqual([]any{"a", 1}, []any{"a", true}))
	assert.False(t, pyEqual([]any{"a"}, []any{"a", "b"}))
	assert.True(t, pyEqual(map[string]any{"a": nil}, map[string]any{"a": nil}))
	assert.False(t, pyEqual(map[string]any{"a": nil}, map[string]any{"b": nil}))
	assert.False(t, pyEqual(nil, false))
	assert.False(t, pyEqual(struct{}{}, struct{}{}))
	for v, want := range map[any]bool{"": false, "x": true, 0: false, 2: true, 0.0: false, json.Number("0.0"): false, json.Number("7"): true, true: true, false: false} {
		assert.Equal(t, want, truthy(v), "%#v", v)
	}
	assert.False(t, truthy(nil))
	assert.False(t, truthy([]any{}))
	assert.False(t, truthy(newObject()))
}

func TestScrubber(t *testing.T) {
	t.Parallel()
	s := newScrubber(map[string]struct{}{"abc": {}, "abcdef": {}, "42": {}, "": {}, "None": {}})
	assert.Equal(t, NoLogPlaceholder, s.text("abc"))
	assert.Equal(t, "x******** ********", s.text("xabcdef abc"), "the longer secret goes first")
	got := s.value(map[string]any{"abc": []any{"42", json.Number("1420"), json.Number("7"), true, nil, "ok"}})
	assert.Equal(t, map[string]any{"abc": []any{NoLogPlaceholder, NoLogPlaceholder, json.Number("7"), true, NoLogPlaceholder, "ok"}}, got,
		"keys stay; numbers and null whose Python spelling holds a secret are replaced")
}

func TestDecimalValue(t *testing.T) {
	t.Parallel()
	for r, want := range map[rune]int{'7': 7, '\u0663': 3, '\u096f': 9, '\U0001D7CE': 0, '\U0001D7D9': 1, '\uff15': 5} {
		assert.Equal(t, want, decimalValue(r), "%U", r)
	}
}

func TestScrubberEncodings(t *testing.T) {
	t.Parallel()
	sig := "GlDIp4VBnFi0Q+kX0AcgSFj207+wAqMhuiKjKoBr3H0="
	s := newScrubber(map[string]struct{}{sig: {}, "p@ss w\"rd": {}})
	for name, text := range map[string]string{
		"plain":                       "sig " + sig + " end",
		"percent, upper case":         "sig GlDIp4VBnFi0Q%2BkX0AcgSFj207%2BwAqMhuiKjKoBr3H0%3D end",
		"percent, lower case":         "sig GlDIp4VBnFi0Q%2bkX0AcgSFj207%2bwAqMhuiKjKoBr3H0%3d end",
		"percent, every character":    "sig %47%6c%44%49%70%34%56%42%6e%46%69%30%51%2b%6b%58%30%41%63%67%53%46%6a%32%30%37%2b%77%41%71%4d%68%75%69%4b%6a%4b%6f%42%72%33%48%30%3d end",
		"decimal character reference": "sig GlDIp4VBnFi0Q&#43;kX0AcgSFj207&#43;wAqMhuiKjKoBr3H0&#61; end",
		"hex character reference":     "sig GlDIp4VBnFi0Q&#x2B;kX0AcgSFj207&#X2b;wAqMhuiKjKoBr3H0&#x3d; end",
		"named HTML references":       "sig GlDIp4VBnFi0Q&plus;kX0AcgSFj207&plus;wAqMhuiKjKoBr3H0&equals; end",
		"split by CDATA":              "sig GlDIp4VBnFi0Q+kX0]]><![CDATA[AcgSFj207+wAqMhuiKjKoBr3H0= end",
		"split twice, mixed":          "sig GlDIp4]]><![CDATA[VBnFi0Q%2bkX0AcgSFj207&#43;wAqMhuiKjKo]]><![CDATA[Br3H0%3D end",
		"JSON escapes":                `sig GlDIp4VBnFi0Q\u002bkX0AcgSFj207\u002BwAqMhuiKjKoBr3H0\u003d end`,
	} {
		assert.Equal(t, "sig ******** end", s.text(text), name)
	}
	assert.Equal(t, "a ******** b", s.text(`a p@ss w\"rd b`), "a Go-quoted secret")

	slashed := newScrubber(map[string]struct{}{"ZObtULNrER/Gr2ihMum5+h9/nWTFOuSLAFY2m+I6RS4=": {}, "it's": {}, "short": {}})
	assert.Equal(t, `{"error": "bad signature ********"}`, slashed.text(`{"error": "bad signature ZObtULNrER\/Gr2ihMum5+h9\/nWTFOuSLAFY2m+I6RS4="}`),
		"JSON may write / as \\/")
	assert.Equal(t, `'********' and ********`, slashed.text(`'it\'s' and sh\u006frt`), "a Python-escaped quote; every secret in one scan")
	assert.Equal(t, "a ******** b", s.text(`a p%40ss+w%22rd b`), "a form-encoded secret")
	assert.Equal(t, "nothing + here & 100%", s.text("nothing + here & 100%"), "other text is left alone")
	assert.Equal(t, NoLogPlaceholder, s.text(sig))
}

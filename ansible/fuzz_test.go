package ansible

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzProgram accepts a few options of every type and echoes them, so that
// fuzzed args files reach validation, the module and the scrubber.
var fuzzProgram = Program{
	Name: "fuzz",
	Spec: Spec{
		Options: []Option{
			{Name: "s", Aliases: []string{"str"}}, {Name: "i", Type: TypeInt}, {Name: "f", Type: TypeFloat}, {Name: "b", Type: TypeBool},
			{Name: "l", Type: TypeList, Elements: TypeInt}, {Name: "d", Type: TypeDict}, {Name: "p", Type: TypePath}, {Name: "r", Type: TypeRaw},
			{Name: "secret", NoLog: true, Default: "dflt"}, {Name: "state", Choices: []any{"present", "absent"}},
		},
		MutuallyExclusive: [][]string{{"i", "f"}},
		RequiredIf:        []RequiredIf{{Name: "state", Value: "absent", Requires: []string{"s"}}},
		SupportsCheckMode: true,
	},
	Run: func(_ context.Context, m *Module) Result {
		if m.Params.Str("s") == "panic" {
			panic("asked to panic with " + m.Params.Str("secret"))
		}
		return Result{Changed: m.Params.Bool("b"), Msg: m.Params.Str("s") + m.Params.Str("secret"), Data: map[string]any{"echo": m.Params.All()}}
	},
}

// FuzzArgsFile feeds arbitrary bytes as the args file: Main must print
// exactly one JSON object with a boolean "failed", and the exit code must
// agree with it.
func FuzzArgsFile(f *testing.F) {
	seeds := []string{
		``, `{}`, `[]`, `null`, `{"s": "x"}`, `{"a": NaN}`, `{"s": "panic"}`, `{"i": "0x10", "f": "1e999", "b": "maybe"}`,
		`{"l": "1,2,x", "d": "{'a': [1, (2,)]}", "p": "~/$HOME", "r": {"x": [1.0]}}`, `{"str": "a", "s": "b", "state": null}`,
		`{"d": "a=1 b='x y'", "secret": "dflt", "_ansible_check_mode": true, "_ansible_diff": "yes"}`, `{"_ansible_verbosity": []}`,
		`{"i": 1, "f": 2, "state": "absent"}`, "{\"s\": \"\xff\"}", `{"s": 1e400}`, `{"s": "x"} {}`, `{"s": {"k": [1, {"z": null}]}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "args")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		code := Main(context.Background(), one(fuzzProgram), []string{"fuzz", path}, &out, func(k string) (string, bool) {
			if k == "HOME" {
				return "/home/f", true
			}
			return "", false
		})
		raw := out.Bytes()
		if bytes.Count(raw, []byte("\n")) != 1 || !bytes.HasSuffix(raw, []byte("\n")) {
			t.Fatalf("output is not one line: %q", raw)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("output is not a JSON object: %v: %q", err, raw)
		}
		if dec.More() {
			t.Fatalf("more than one JSON value: %q", raw)
		}
		failed, ok := obj["failed"].(bool)
		if !ok {
			t.Fatalf("failed is not a boolean: %q", raw)
		}
		if (code == 1) != failed || (code != 0 && code != 1) {
			t.Fatalf("exit code %d with failed=%v", code, failed)
		}
		if bytes.Contains(raw, []byte("dflt")) {
			t.Fatalf("the no_log default leaked: %q", raw)
		}
	})
}

// FuzzConvert converts arbitrary strings to every type: no panic, results
// of the documented Go types, and the Python rules they follow.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"", " 42 ", "+5", "-3", "1_000", "0x10", "1.0", "1e3", ".5", "nan", "-Infinity", "YES ", "On", "t", "maybe", "a,b", "a, b",
		"{\"a\": 1}", "{'k': [True, None, (1,)]}", "a=1 b=\"x y\"", "a=1 b", "~/x/$HOME", "${X}", "\u0663\u0660", "1__0", "{'a': '\\x4'}",
		"{'a': 0o17, 'b': -1.5e3}", "k='v\\'w'", "\x1c1\x1f", "{", "=",
	} {
		f.Add(s)
	}
	env := func(k string) (string, bool) {
		if k == "HOME" {
			return "/home/f", true
		}
		return "", false
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []Type{TypeStr, TypeInt, TypeFloat, TypeBool, TypeList, TypeDict, TypePath, TypeRaw} {
			v, err := convert(typ, s, env)
			if err != nil {
				if typ == TypeStr || typ == TypePath || typ == TypeList || typ == TypeRaw {
					t.Fatalf("%s(%q) failed: %v", typ, s, err)
				}
				if strings.TrimSpace(err.Error()) == "" {
					t.Fatalf("%s(%q): empty error", typ, s)
				}
				continue
			}
			switch typ {
			case TypeStr:
				if v != s {
					t.Fatalf("str(%q) = %#v", s, v)
				}
			case TypeInt:
				if _, ok := v.(int); !ok {
					t.Fatalf("int(%q) = %#v", s, v)
				}
				if strings.ContainsAny(s, ".eExX") {
					t.Fatalf("int(%q) accepted a float or hex spelling", s)
				}
			case TypeFloat:
				if _, ok := v.(float64); !ok {
					t.Fatalf("float(%q) = %#v", s, v)
				}
			case TypeBool:
				if _, ok := v.(bool); !ok {
					t.Fatalf("bool(%q) = %#v", s, v)
				}
			case TypeList:
				if got := len(v.([]any)); got != strings.Count(s, ",")+1 {
					t.Fatalf("list(%q) has %d items", s, got)
				}
			case TypeDict:
				if _, ok := v.(*object); !ok {
					t.Fatalf("dict(%q) = %#v", s, v)
				}
				if _, err := json.Marshal(forOutput(plain(v))); err != nil {
					t.Fatalf("dict(%q) cannot be encoded: %v", s, err)
				}
			case TypePath:
				if !utf8.ValidString(v.(string)) && utf8.ValidString(s) {
					t.Fatalf("path(%q) = %q is not valid UTF-8", s, v)
				}
			}
			_ = pyRepr(v)
		}
	})
}

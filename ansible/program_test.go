package ansible

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run writes args (when not nil) to a file and runs Main with it, the way
// Ansible runs the module, and returns the exit code, the decoded output
// and the raw output.
func run(t *testing.T, p Program, args *string, env map[string]string) (int, map[string]any, string) {
	t.Helper()
	argv := []string{"/tmp/ansible-tmp-1/AnsiballZ_" + p.Name}
	if args != nil {
		path := filepath.Join(t.TempDir(), "args")
		require.NoError(t, os.WriteFile(path, []byte(*args), 0o600))
		argv = append(argv, path)
	}
	var out bytes.Buffer
	code := Main(context.Background(), one(p), argv, &out, func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	return code, decodeOutput(t, out.Bytes()), out.String()
}

func ptr(s string) *string { return &s }

func TestMainVersion(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	code := Main(context.Background(), one(Program{Name: "nifcloud_lb"}), []string{"x", "--version"}, &out, os.LookupEnv)
	assert.Equal(t, 0, code)
	assert.Equal(t, "nifcloud_lb 1.2.3\n", out.String())
}

func TestMainHelp(t *testing.T) {
	t.Parallel()
	for _, flag := range []string{"-h", "-help", "--help"} {
		var out bytes.Buffer
		code := Main(context.Background(), one(Program{Name: "nifcloud_lb"}), []string{"x", flag}, &out, os.LookupEnv)
		assert.Equal(t, 0, code, flag)
		assert.True(t, strings.HasPrefix(out.String(), "usage: nifcloud_lb ARGS_FILE"), "%s: plain text, not JSON: %s", flag, out.String())
		assert.Contains(t, out.String(), "holds the modules: nifcloud_lb.")
		assert.Contains(t, out.String(), "ansible-doc MODULE")
		assert.NotContains(t, out.String(), `"failed"`)
	}
}

func TestMainUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		prog Program
		argv []string
		want string
	}{
		{"no argument", Program{Name: "nifcloud_lb"}, []string{"nifcloud_lb"}, "usage: nifcloud_lb ARGS_FILE (Ansible passes the path of a JSON file with the task options)"},
		{"two arguments", Program{Name: "nifcloud_lb"}, []string{"nifcloud_lb", "a", "b"}, "usage: nifcloud_lb ARGS_FILE"},
		{"name from argv", Program{}, []string{"/tmp/x/AnsiballZ_mymod"}, "usage: mymod ARGS_FILE"},
		{"no argv at all", Program{}, nil, "usage: module ARGS_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			code := Main(context.Background(), one(tt.prog), tt.argv, &out, os.LookupEnv)
			assert.Equal(t, 1, code)
			got := decodeOutput(t, out.Bytes())
			assert.Equal(t, true, got["failed"])
			assert.Equal(t, false, got["changed"])
			assert.Contains(t, got["msg"], tt.want)
		})
	}
}

func TestMainBadArgsFile(t *testing.T) {
	t.Parallel()
	p := Program{Name: "m", Run: func(context.Context, *Module) Result { return Result{} }}
	for name, content := range map[string]string{"empty": "", "garbage": "not json", "array": "[1]", "nan": `{"a": NaN}`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, got, _ := run(t, p, ptr(content), nil)
			assert.Equal(t, 1, code)
			assert.Equal(t, true, got["failed"])
			assert.Contains(t, got["msg"], "args file ")
			assert.NotContains(t, got, "invocation")
		})
	}
	var out bytes.Buffer
	code := Main(context.Background(), one(p), []string{"m", filepath.Join(t.TempDir(), "missing")}, &out, os.LookupEnv)
	assert.Equal(t, 1, code)
	assert.Contains(t, decodeOutput(t, out.Bytes())["msg"], "cannot read the args file: open ")
}

func TestMainInternalErrors(t *testing.T) {
	t.Parallel()
	code, got, _ := run(t, Program{Name: "m", Spec: Spec{Options: []Option{{Name: "a", Type: "bogus"}}}, Run: func(context.Context, *Module) Result { return Result{} }}, ptr(`{}`), nil)
	assert.Equal(t, 1, code)
	assert.Equal(t, `internal error in module m: invalid argument spec: option "a": unknown type "bogus"`, got["msg"])

	code, got, _ = run(t, Program{Name: "m"}, ptr(`{}`), nil)
	assert.Equal(t, 1, code)
	assert.Equal(t, "internal error in module m: Program.Run is nil", got["msg"])
}

// lbSpec is a spec shaped like the nifcloud_lb module's.
var lbSpec = Spec{
	Options: []Option{
		{Name: "access_key", NoLog: true, Required: true, EnvFallback: []string{"NIFCLOUD_ACCESS_KEY_ID"}},
		{Name: "secret_key", NoLog: true, Required: true, EnvFallback: []string{"NIFCLOUD_SECRET_ACCESS_KEY"}},
		{Name: "loadbalancer_name", Required: true, Aliases: []string{"lb_name"}},
		{Name: "loadbalancer_port", Type: TypeInt, Default: 80, Checks: []Check{IntRange(1, 65535)}},
		{Name: "instances", Type: TypeList, Elements: TypeStr, Checks: []Check{NonEmptyElements()}},
		{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
		{Name: "purge", Type: TypeBool, Default: false},
	},
	SupportsCheckMode: true,
}

var lbEnv = map[string]string{"NIFCLOUD_ACCESS_KEY_ID": "AKIDEXAMPLE", "NIFCLOUD_SECRET_ACCESS_KEY": "SuperSecret123"}

func TestMainSuccess(t *testing.T) {
	t.Parallel()
	var seen *Module
	p := Program{Name: "nifcloud_lb", Spec: lbSpec, Run: func(_ context.Context, m *Module) Result {
		seen = m
		m.Warn("first warning")
		m.Deprecate(Deprecation{Msg: "purge is deprecated", Version: "2.0.0", CollectionName: "nifcloud.demo"})
		m.Deprecate(Deprecation{Msg: "dated", Date: "2026-12-01"})
		return Result{
			Changed: true,
			Msg:     "registered",
			Diff:    &Diff{Before: map[string]any{"instances": []string{}}, After: map[string]any{"instances": m.Params.List("instances")}},
			Data:    map[string]any{"instances": m.Params.List("instances"), "request_ids": []string{"req-1"}},
		}
	}}
	args := `{"lb_name": "lb1", "loadbalancer_port": "8080", "instances": "web1,web2", "_ansible_module_name": "nifcloud.demo.nifcloud_lb", "_ansible_unknown": 1}`
	code, got, _ := run(t, p, ptr(args), lbEnv)
	assert.Equal(t, 0, code)
	want := `{
		"changed": true, "failed": false, "msg": "registered",
		"instances": ["web1", "web2"], "request_ids": ["req-1"],
		"warnings": ["first warning"],
		"deprecations": [
			{"msg": "purge is deprecated", "version": "2.0.0", "collection_name": "nifcloud.demo"},
			{"msg": "dated", "date": "2026-12-01", "collection_name": null}
		],
		"invocation": {"module_args": {
			"access_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "secret_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
			"lb_name": "lb1", "loadbalancer_name": "lb1", "loadbalancer_port": 8080,
			"instances": ["web1", "web2"], "state": "present", "purge": false
		}}
	}`
	assertJSON(t, want, got)
	require.NotNil(t, seen)
	assert.Equal(t, "nifcloud.demo.nifcloud_lb", seen.Name)
	assert.Equal(t, "lb1", seen.Params.Str("loadbalancer_name"))
	assert.Equal(t, 8080, seen.Params.Int("loadbalancer_port"))
	assert.Equal(t, []string{"web1", "web2"}, seen.Params.List("instances"))
	assert.Equal(t, "present", seen.Params.Str("state"))
	assert.False(t, seen.Params.Bool("purge"))
	assert.True(t, seen.Params.IsSet("loadbalancer_name"), "given under an alias")
	assert.True(t, seen.Params.IsSet("access_key"), "given by an env fallback")
	assert.True(t, seen.Params.IsSet("loadbalancer_port"))
	assert.False(t, seen.Params.IsSet("state"), "defaulted")
	assert.False(t, seen.Params.IsSet("purge"), "defaulted")
	assert.Equal(t, []string{"AKIDEXAMPLE", "SuperSecret123"}, seen.NoLogValues())
}

func assertJSON(t *testing.T, want string, got map[string]any) {
	t.Helper()
	data, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, want, string(data))
}

func TestMainDiff(t *testing.T) {
	t.Parallel()
	p := Program{Name: "m", Spec: Spec{SupportsCheckMode: true}, Run: func(_ context.Context, m *Module) Result {
		return Result{Changed: true, Diff: &Diff{Before: "a\n", After: "b\n", BeforeHeader: "old", AfterHeader: "new"}}
	}}
	_, got, _ := run(t, p, ptr(`{}`), nil)
	assert.NotContains(t, got, "diff", "no diff unless asked for")
	_, got, _ = run(t, p, ptr(`{"_ansible_diff": true}`), nil)
	assert.Equal(t, map[string]any{"before": "a\n", "after": "b\n", "before_header": "old", "after_header": "new"}, got["diff"])
	assert.NotContains(t, got, "msg", "no msg when the module gives none")
}

func TestMainFailureWithData(t *testing.T) {
	t.Parallel()
	p := Program{Name: "m", Run: func(_ context.Context, m *Module) Result {
		r := Failf("register %s: %s", "lb1", "Client.InvalidInstance")
		r.Data = map[string]any{"error_code": "Client.InvalidInstance", "request_id": "req-9"}
		return r
	}}
	code, got, _ := run(t, p, ptr(`{}`), nil)
	assert.Equal(t, 1, code)
	assertJSON(t, `{"changed": false, "failed": true, "msg": "register lb1: Client.InvalidInstance",
		"error_code": "Client.InvalidInstance", "request_id": "req-9", "invocation": {"module_args": {}}}`, got)

	code, got, _ = run(t, Program{Name: "m", Run: func(context.Context, *Module) Result { return Result{Failed: true} }}, ptr(`{}`), nil)
	assert.Equal(t, 1, code)
	assert.Equal(t, "module m failed without a message", got["msg"])
}

func TestMainReservedKeys(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"changed", "failed", "msg", "invocation", "_ansible_no_log", "results", "warnings", "skipped", "diff", "exception", "deprecations", "add_host", "add_group"} {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			res := Result{Data: map[string]any{key: true, "ok": 1}}
			err := res.Validate()
			require.Error(t, err)
			assert.Equal(t, "result data uses reserved key(s) "+key+": set them through the Result fields or rename them", err.Error())
			code, got, _ := run(t, Program{Name: "m", Run: func(context.Context, *Module) Result { return res }}, ptr(`{}`), nil)
			assert.Equal(t, 1, code)
			assert.Equal(t, "internal error in module m: "+err.Error(), got["msg"])
			assert.NotContains(t, got, "ok")
		})
	}
	assert.NoError(t, Result{Data: map[string]any{"ansible_facts": map[string]any{}, "rc": 0, "stdout": ""}}.Validate())
}

func TestMainUnencodableResult(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]any{"NaN": math.NaN(), "channel": make(chan int), "func": func() {}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := Program{Name: "m", Run: func(_ context.Context, m *Module) Result {
				m.Warn("kept")
				return Result{Changed: true, Data: map[string]any{"bad": value}}
			}}
			code, got, _ := run(t, p, ptr(`{}`), nil)
			assert.Equal(t, 1, code)
			assert.Equal(t, true, got["failed"])
			assert.Contains(t, got["msg"], "internal error in module m: the result cannot be encoded as JSON: json: unsupported")
			assert.Equal(t, []any{"kept"}, got["warnings"])
		})
	}
}

func TestMainCheckMode(t *testing.T) {
	t.Parallel()
	calls := 0
	noCheck := Program{Name: "nifcloud_lb", Spec: Spec{Options: []Option{{Name: "name", Required: true}}}, Run: func(_ context.Context, m *Module) Result {
		calls++
		return Result{Changed: true}
	}}
	code, got, _ := run(t, noCheck, ptr(`{"name": "x", "_ansible_check_mode": true, "_ansible_module_name": "nifcloud.demo.nifcloud_lb"}`), nil)
	assert.Equal(t, 0, code)
	assertJSON(t, `{"changed": false, "failed": false, "skipped": true, "msg": "remote module (nifcloud.demo.nifcloud_lb) does not support check mode",
		"invocation": {"module_args": {"name": "x"}}}`, got)
	assert.Zero(t, calls, "the module does not run")

	code, got, _ = run(t, noCheck, ptr(`{"_ansible_check_mode": true}`), nil)
	assert.Equal(t, 1, code, "validation comes first, as in AnsibleModule")
	assert.Equal(t, "missing required arguments: name", got["msg"])

	withCheck := noCheck
	withCheck.Spec.SupportsCheckMode = true
	withCheck.Run = func(_ context.Context, m *Module) Result {
		return Result{Changed: true, Data: map[string]any{"check_mode": m.Internal.CheckMode}}
	}
	code, got, _ = run(t, withCheck, ptr(`{"name": "x", "_ansible_check_mode": "yes"}`), nil)
	assert.Equal(t, 0, code)
	assert.Equal(t, true, got["check_mode"])
}

func TestMainStandalone(t *testing.T) {
	t.Parallel()
	var seen *Module
	p := Program{Name: "nifcloud_lb", Spec: Spec{Options: []Option{{Name: "name"}}}, Run: func(_ context.Context, m *Module) Result {
		seen = m
		return Result{Msg: "ok"}
	}}
	code, got, _ := run(t, p, ptr(`{"name": "x", "zzz": 1}`), nil)
	assert.Equal(t, 1, code)
	assert.Equal(t, "Unsupported parameters for (nifcloud_lb) module: zzz. Supported parameters include: name.", got["msg"])
	code, _, _ = run(t, p, ptr("{\"name\": \"x\"}\n"), nil)
	assert.Equal(t, 0, code)
	require.NotNil(t, seen)
	assert.Equal(t, "nifcloud_lb", seen.Name)
	assert.Equal(t, defaultInternal("nifcloud_lb"), seen.Internal)
}

func TestMainPanic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fn   func(_ context.Context, m *Module) Result
		want string
	}{
		{"string", func(_ context.Context, m *Module) Result { panic("boom with " + m.Params.Str("secret_key")) }, "module m panicked: boom with ********"},
		{"error", func(_ context.Context, m *Module) Result {
			panic(errors.New("login failed for " + m.Params.Str("access_key")))
		}, "module m panicked: login failed for ********"},
		{"runtime error", func(_ context.Context, m *Module) Result {
			var list []string
			return Result{Msg: list[len(m.Name)]}
		}, "module m panicked: runtime error: index out of range [1] with length 0"},
		{"unknown option", func(_ context.Context, m *Module) Result { return Result{Msg: m.Params.Str("nope")} },
			`module m panicked: ansible: Params.Str("nope"): the spec has no option "nope"`},
		{"wrong type", func(_ context.Context, m *Module) Result { return Result{Msg: m.Params.Str("loadbalancer_port")} },
			`module m panicked: ansible: Params.Str("loadbalancer_port"): the option holds int`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Program{Name: "m", Spec: lbSpec, Run: func(_ context.Context, m *Module) Result {
				m.Warn("before the panic, key " + m.Params.Str("access_key"))
				return tt.fn(context.Background(), m)
			}}
			code, got, raw := run(t, p, ptr(`{"loadbalancer_name": "lb"}`), lbEnv)
			assert.Equal(t, 1, code)
			assert.Equal(t, true, got["failed"])
			assert.Equal(t, tt.want, got["msg"])
			assert.Equal(t, []any{"before the panic, key ********"}, got["warnings"])
			exc, _ := got["exception"].(string)
			assert.True(t, strings.HasPrefix(exc, "goroutine "), "exception: %q", exc)
			lines := strings.Split(exc, "\n")
			assert.Equal(t, "panic: "+strings.TrimPrefix(tt.want, "module m panicked: "), lines[len(lines)-1], "the last line is the panic")
			assert.Contains(t, got, "invocation")
			assert.NotContains(t, raw, "SuperSecret123")
			assert.NotContains(t, raw, "AKIDEXAMPLE")
		})
	}
}

type nested struct {
	Name   string         `json:"name"`
	Inner  []nestedInner  `json:"inner"`
	Labels map[string]any `json:"labels"`
}

type nestedInner struct {
	Value string `json:"value"`
	Pin   int    `json:"pin"`
}

// TestMainNoLogEverywhere echoes secrets from every source into every
// place of the result and checks that none reaches the output.
func TestMainNoLogEverywhere(t *testing.T) {
	t.Parallel()
	spec := Spec{Options: []Option{
		{Name: "password", NoLog: true},
		{Name: "token", NoLog: true, EnvFallback: []string{"TOKEN_A", "TOKEN_B"}},
		{Name: "api_key", NoLog: true, Default: "default-key-777"},
		{Name: "pin", Type: TypeInt, NoLog: true},
		{Name: "keys", Type: TypeList, Elements: TypeStr, NoLog: true},
		{Name: "opts", Type: TypeDict, NoLog: true},
		{Name: "text"},
	}}
	secrets := []string{"Pa55word!", "env-token-XYZ", "default-key-777", "98765", "key-one", "key-two", "dict-secret-v", "runtime-secret"}
	p := Program{Name: "m", Spec: spec, Run: func(_ context.Context, m *Module) Result {
		m.AddNoLogValue("runtime-secret")
		m.AddNoLogValue("")
		all := strings.Join([]string{m.Params.Str("password"), m.Params.Str("token"), m.Params.Str("api_key"), pyStr(m.Params.Int("pin")),
			strings.Join(m.Params.List("keys"), ","), pyStr(m.Params.Dict("opts")["k"]), "runtime-secret"}, " ")
		m.Warn("warning " + all)
		m.Deprecate(Deprecation{Msg: "deprecated " + all})
		return Result{
			Changed: true,
			Msg:     "msg " + all,
			Diff:    &Diff{Before: all, After: map[string]any{"k": all}, BeforeHeader: all},
			Data: map[string]any{
				"exact":         m.Params.Str("password"),
				"number":        m.Params.Int("pin"),
				"struct":        nested{Name: all, Inner: []nestedInner{{Value: m.Params.Str("token"), Pin: m.Params.Int("pin")}}, Labels: map[string]any{"l": []any{all}}},
				"ptr":           &nestedInner{Value: all},
				"pointer":       []*string{ptr(all)},
				"env-token-XYZ": "keys are not scrubbed",
			},
		}
	}}
	args := `{"password": "Pa55word!", "pin": "98765", "keys": "key-one,key-two", "opts": "k=dict-secret-v", "text": "has Pa55word! inside", "_ansible_diff": true}`
	code, got, raw := run(t, p, ptr(args), map[string]string{"TOKEN_B": "env-token-XYZ"})
	assert.Equal(t, 0, code)
	for _, s := range secrets {
		if s == "env-token-XYZ" {
			assert.Equal(t, 1, strings.Count(raw, s), "only the map key keeps %s", s)
			continue
		}
		assert.NotContains(t, raw, s)
	}
	assert.Equal(t, NoLogPlaceholder, got["exact"])
	assert.Equal(t, NoLogPlaceholder, got["number"])
	args2 := got["invocation"].(map[string]any)["module_args"].(map[string]any)
	assert.Equal(t, "has ******** inside", args2["text"])
	assert.Equal(t, NoLogPlaceholder, args2["api_key"])
	assert.Equal(t, []any{NoLogPlaceholder, NoLogPlaceholder}, args2["keys"])
	assert.Equal(t, map[string]any{"k": NoLogPlaceholder}, args2["opts"])
	assert.Contains(t, got["msg"], "msg ******** ")
}

func TestMainNoLogInValidationError(t *testing.T) {
	t.Parallel()
	spec := Spec{Options: []Option{
		{Name: "password", NoLog: true},
		{Name: "port", Type: TypeInt, Choices: []any{80, 443}},
		{Name: "state", Choices: []any{"present", "absent"}},
	}}
	p := Program{Name: "m", Spec: spec, Run: func(context.Context, *Module) Result { return Result{} }}
	code, got, raw := run(t, p, ptr(`{"password": "hunter2", "state": "hunter2x", "port": "hunter2"}`), nil)
	assert.Equal(t, 1, code)
	assert.NotContains(t, raw, "hunter2")
	assert.Equal(t, "argument 'port' is of type <class 'str'> and we were unable to convert to int: <class 'str'> cannot be converted to an int; value of state must be one of: present, absent, got: ********x", got["msg"])
}

type panickyMarshaler struct{ secret string }

func (p panickyMarshaler) MarshalJSON() ([]byte, error) { panic("cannot marshal " + p.secret) }

// TestMainPanicWhileWriting covers a panic outside Run: here in a result
// value's MarshalJSON, while Main encodes the result.
func TestMainPanicWhileWriting(t *testing.T) {
	t.Parallel()
	p := Program{Name: "m", Spec: lbSpec, Run: func(_ context.Context, m *Module) Result {
		return Result{Data: map[string]any{"bad": panickyMarshaler{secret: m.Params.Str("secret_key")}}}
	}}
	code, got, raw := run(t, p, ptr(`{"loadbalancer_name": "lb"}`), lbEnv)
	assert.Equal(t, 1, code)
	assert.Equal(t, "internal error in module m: panic: cannot marshal ********", got["msg"])
	assert.Contains(t, got["exception"], "goroutine ")
	assert.NotContains(t, raw, "SuperSecret123")
}

func TestMainNilGetenv(t *testing.T) {
	t.Setenv("ANSIBLE_GO_TEST_FALLBACK", "from-env")
	path := filepath.Join(t.TempDir(), "args")
	require.NoError(t, os.WriteFile(path, []byte(`{}`), 0o600))
	p := Program{Name: "m", Spec: Spec{Options: []Option{{Name: "v", EnvFallback: []string{"ANSIBLE_GO_TEST_FALLBACK"}}}},
		Run: func(_ context.Context, m *Module) Result { return Result{Msg: m.Params.Str("v")} }}
	var out bytes.Buffer
	assert.Equal(t, 0, Main(context.Background(), one(p), []string{"m", path}, &out, nil))
	assert.Equal(t, "from-env", decodeOutput(t, out.Bytes())["msg"])
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

func TestMainWriteError(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "args")
	require.NoError(t, os.WriteFile(path, []byte(`{}`), 0o600))
	code := Main(context.Background(), one(Program{Name: "m", Run: func(context.Context, *Module) Result { return Result{} }}), []string{"m", path}, failingWriter{}, os.LookupEnv)
	assert.Equal(t, 1, code)
}

func TestParamsGetters(t *testing.T) {
	t.Parallel()
	spec := Spec{Options: []Option{
		{Name: "s"}, {Name: "i", Type: TypeInt}, {Name: "ib", Type: TypeInt}, {Name: "f", Type: TypeFloat}, {Name: "b", Type: TypeBool},
		{Name: "l", Type: TypeList}, {Name: "ln", Type: TypeList, Elements: TypeInt}, {Name: "d", Type: TypeDict}, {Name: "r", Type: TypeRaw},
		{Name: "p", Type: TypePath}, {Name: "null"}, {Name: "absent", Type: TypeInt},
	}}
	var seen *Module
	p := Program{Name: "m", Spec: spec, Run: func(_ context.Context, m *Module) Result { seen = m; return Result{} }}
	code, _, _ := run(t, p, ptr(`{"s": 1.0, "i": " 7 ", "ib": true, "f": "2", "b": "on", "l": "a,b", "ln": ["1", 2], "d": "a=1", "r": {"x": [1, 2.5]}, "p": "~/x", "null": null}`),
		map[string]string{"HOME": "/home/u"})
	require.Equal(t, 0, code)
	pr := seen.Params
	assert.Equal(t, "1.0", pr.Str("s"))
	assert.Equal(t, 7, pr.Int("i"))
	assert.Equal(t, 1, pr.Int("ib"))
	assert.Equal(t, true, pr.Raw("ib"), "a bool given to an int passes through, as in Python")
	assert.Equal(t, 2.0, pr.Float("f"))
	assert.True(t, pr.Bool("b"))
	assert.Equal(t, []string{"a", "b"}, pr.List("l"))
	assert.Equal(t, []any{1, 2}, pr.Items("ln"))
	assert.Equal(t, map[string]any{"a": "1"}, pr.Dict("d"))
	assert.Equal(t, map[string]any{"x": []any{json.Number("1"), json.Number("2.5")}}, pr.Raw("r"))
	assert.Equal(t, "/home/u/x", pr.Str("p"))
	assert.Equal(t, "", pr.Str("null"))
	assert.False(t, pr.IsSet("null"), "null is not set")
	assert.Equal(t, 0, pr.Int("absent"))
	assert.False(t, pr.IsSet("absent"))
	assert.Nil(t, pr.List("null"))
	assert.Nil(t, pr.Items("null"))
	assert.Nil(t, pr.Dict("null"))
	assert.Zero(t, pr.Float("null"))
	assert.False(t, pr.Bool("null"))
	assert.Len(t, pr.All(), len(spec.Options))

	for name, call := range map[string]func(){
		"unknown":   func() { pr.Str("nope") },
		"IsSet":     func() { pr.IsSet("nope") },
		"Int str":   func() { pr.Int("s") },
		"Float str": func() { pr.Float("s") },
		"Bool str":  func() { pr.Bool("s") },
		"List int":  func() { pr.List("i") },
		"List ints": func() { pr.List("ln") },
		"Items str": func() { pr.Items("s") },
		"Dict str":  func() { pr.Dict("s") },
		"Str int":   func() { pr.Str("i") },
	} {
		assert.Panics(t, call, name)
	}
}

// one is a binary of one module, p.
func one(p Program) Binary {
	return Binary{Name: p.Name, Version: "1.2.3", Modules: []Program{p}}
}

package ansible

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// referenceSpecs mirror the specs of testdata/python/pyref.py, the Python
// AnsibleModule that produced the expected results in
// testdata/python/cases.json.
var referenceSpecs = map[string]Spec{
	"types": {
		Options: []Option{
			{Name: "s", Type: TypeStr},
			{Name: "i", Type: TypeInt},
			{Name: "f", Type: TypeFloat},
			{Name: "b", Type: TypeBool},
			{Name: "l", Type: TypeList},
			{Name: "ls", Type: TypeList, Elements: TypeStr},
			{Name: "li", Type: TypeList, Elements: TypeInt},
			{Name: "lf", Type: TypeList, Elements: TypeFloat},
			{Name: "lb", Type: TypeList, Elements: TypeBool},
			{Name: "d", Type: TypeDict},
			{Name: "p", Type: TypePath},
			{Name: "r", Type: TypeRaw},
			{Name: "name", Type: TypeStr, Aliases: []string{"lb_name", "alias2"}},
			{Name: "state", Type: TypeStr, Choices: []any{"present", "absent"}},
			{Name: "answer", Type: TypeStr, Choices: []any{"yes", "no"}},
			{Name: "modes", Type: TypeList, Elements: TypeStr, Choices: []any{"a", "b", "c"}},
			{Name: "ports", Type: TypeList, Elements: TypeInt, Choices: []any{80, 443}},
			{Name: "secret", Type: TypeStr, NoLog: true, EnvFallback: []string{"REF_SECRET", "REF_SECRET2"}},
			{Name: "token", Type: TypeStr, NoLog: true, Default: "default-token-123"},
			{Name: "pin", Type: TypeInt, NoLog: true},
			{Name: "keys", Type: TypeList, Elements: TypeStr, NoLog: true},
			{Name: "region", Type: TypeStr, Aliases: []string{"zone"}, EnvFallback: []string{"REF_REGION"}},
			{Name: "echo", Type: TypeStr},
			{Name: "fail_with", Type: TypeStr},
		},
		SupportsCheckMode: true,
	},
	"constraints": {
		Options: []Option{
			{Name: "name", Type: TypeStr, Required: true, Aliases: []string{"lb_name"}},
			{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "x1"}, {Name: "x2"},
			{Name: "protocol", Choices: []any{"HTTP", "HTTPS"}},
			{Name: "cert"}, {Name: "tls_cert"}, {Name: "tls_key"},
			{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
			{Name: "port", Type: TypeInt},
			{Name: "one1"}, {Name: "one2"}, {Name: "echo"}, {Name: "fail_with"},
		},
		MutuallyExclusive: [][]string{{"a", "b"}, {"c", "d"}},
		RequiredTogether:  [][]string{{"tls_cert", "tls_key"}},
		RequiredOneOf:     [][]string{{"one1", "one2"}},
		RequiredIf: []RequiredIf{
			{Name: "protocol", Value: "HTTPS", Requires: []string{"cert"}},
			{Name: "state", Value: "absent", Requires: []string{"x1", "x2"}, AnyOf: true},
		},
		RequiredBy: map[string][]string{"cert": {"protocol"}},
	},
}

// referenceRun does what pyref.py's main does.
func referenceRun(_ context.Context, m *Module) Result {
	var echo any
	if v, ok := m.Params.values["echo"]; ok && v != nil {
		echo = v
		m.Warn(fmt.Sprintf("warned about %s", v))
	}
	data := map[string]any{
		"exact":  echo,
		"nested": map[string]any{"k": []any{echo, "x" + pyStr(echo) + "x"}},
		"number": m.Params.values["i"],
	}
	if f := m.Params.Str("fail_with"); f != "" {
		data["error_code"] = "E1"
		return Result{Failed: true, Msg: f, Data: data}
	}
	return Result{Changed: true, Msg: "echo: " + pyStr(echo), Data: data}
}

type referenceCase struct {
	Name     string            `json:"name"`
	Spec     string            `json:"spec"`
	Args     json.RawMessage   `json:"args"`
	Env      map[string]string `json:"env"`
	Internal map[string]any    `json:"internal"`
	// Python is the parsed result, nil when it holds NaN or Infinity;
	// PythonStdout is the line Python printed.
	Python       map[string]any `json:"python"`
	PythonStdout string         `json:"python_stdout"`
}

// deviations lists the cases where the Go package deliberately differs
// from AnsibleModule, with the reason; for them the test checks the Go
// result against the golden file only.
var deviations = map[string]string{
	"dev_int_too_big":        "ints must fit in 64 bits (Params.Int returns a Go int); Python accepts any size",
	"dev_float_nan":          "NaN and infinities are rejected: JSON cannot carry them and no module wants them",
	"dev_float_inf":          "NaN and infinities are rejected: JSON cannot carry them and no module wants them",
	"dev_nolog_split_list":   "the converted items of a no_log list are secrets too; Python only hides the raw string",
	"dev_fallback_and_alias": "no env fallback for an option given under an alias; Python applies it, then warns that both are set",
}

func loadReferenceCases(t *testing.T) []referenceCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "python", "cases.json"))
	require.NoError(t, err)
	var cases []referenceCase
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep 1.0 apart from 1
	require.NoError(t, dec.Decode(&cases))
	require.NotEmpty(t, cases)
	return cases
}

// runReference runs one case through Main as Ansible would run the module.
func runReference(t *testing.T, c referenceCase) (int, map[string]any, string) {
	t.Helper()
	// The args are written as Python wrote them, key order included, then
	// the internal keys Ansible adds.
	internal := map[string]any{"_ansible_module_name": "pyref", "_ansible_no_log": true}
	for k, v := range c.Internal {
		internal[k] = v
	}
	extra, err := json.Marshal(internal)
	require.NoError(t, err)
	args := bytes.TrimSpace(c.Args)
	require.True(t, bytes.HasSuffix(args, []byte("}")))
	data := append([]byte(nil), args[:len(args)-1]...)
	if !bytes.Equal(bytes.TrimSpace(data), []byte("{")) {
		data = append(data, ',')
	}
	data = append(data, extra[1:]...)
	file := filepath.Join(t.TempDir(), "args")
	require.NoError(t, os.WriteFile(file, data, 0o600))
	spec, ok := referenceSpecs[c.Spec]
	require.True(t, ok, "unknown spec %q", c.Spec)
	var out bytes.Buffer
	name := ModuleNameFromPath(strings.ReplaceAll(fmt.Sprint(internal["_ansible_module_name"]), ".", "/"))
	code := Main(context.Background(), one(Program{Name: name, Spec: spec, Run: referenceRun}), []string{name, file}, &out, func(k string) (string, bool) {
		v, ok := c.Env[k]
		return v, ok
	})
	return code, decodeOutput(t, out.Bytes()), out.String()
}

// decodeOutput checks that out is exactly one JSON object on one line and
// decodes it with numbers kept as written.
func decodeOutput(t *testing.T, out []byte) map[string]any {
	t.Helper()
	require.True(t, bytes.HasSuffix(out, []byte("\n")), "output must end in a newline: %q", out)
	require.Equal(t, 1, bytes.Count(out, []byte("\n")), "output must be one line: %q", out)
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var obj map[string]any
	require.NoError(t, dec.Decode(&obj), "output: %s", out)
	require.False(t, dec.More(), "more than one JSON value: %s", out)
	return obj
}

func normalizeJSON(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	require.NoError(t, dec.Decode(&out))
	return out
}

// TestAgainstPython runs every case of testdata/python/cases.json and
// compares the result with what Python's AnsibleModule printed: the first
// of our messages is Python's message (Python reports only its first
// problem), and the options, warnings and module output are the same.
func TestAgainstPython(t *testing.T) {
	t.Parallel()
	golden := map[string]json.RawMessage{}
	goldenPath := filepath.Join("testdata", "golden", "reference.json")
	if !*update {
		data, err := os.ReadFile(goldenPath)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &golden))
	}
	got := map[string]json.RawMessage{}
	for _, c := range loadReferenceCases(t) {
		code, goOut, raw := runReference(t, c)
		got[c.Name] = json.RawMessage(strings.TrimSpace(raw))
		t.Run(c.Name, func(t *testing.T) {
			require.NotEmpty(t, c.PythonStdout)
			if reason, ok := deviations[c.Name]; ok {
				t.Logf("deviation from AnsibleModule: %s; Python printed %s", reason, c.PythonStdout)
			} else {
				require.NotNil(t, c.Python, "Python's output must be plain JSON")
				py := normalizeJSON(t, c.Python).(map[string]any)
				pyFailed, _ := py["failed"].(bool)
				assert.Equal(t, pyFailed, goOut["failed"], "failed")
				assert.Equal(t, map[bool]int{false: 0, true: 1}[pyFailed], code, "exit code")
				compareWithPython(t, py, goOut)
			}
			if !*update {
				assert.JSONEq(t, string(golden[c.Name]), string(got[c.Name]), "golden output")
			}
		})
	}
	if *update {
		data, err := json.MarshalIndent(got, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(goldenPath), 0o755))
		require.NoError(t, os.WriteFile(goldenPath, append(data, '\n'), 0o644))
	}
}

func compareWithPython(t *testing.T, py, goOut map[string]any) {
	t.Helper()
	pyMsg, _ := py["msg"].(string)
	goMsg, _ := goOut["msg"].(string)
	if py["failed"] == true {
		assert.True(t, goMsg == pyMsg || strings.HasPrefix(goMsg, pyMsg+"; "),
			"the first Go message must be Python's\n python: %s\n     go: %s", pyMsg, goMsg)
	} else {
		assert.Equal(t, pyMsg, goMsg, "msg")
	}
	assert.Equal(t, py["changed"] == true, goOut["changed"] == true, "changed")
	for _, key := range []string{"skipped", "warnings", "exact", "nested", "number", "error_code", "invocation"} {
		assert.Equal(t, py[key], goOut[key], "key %q", key)
	}
}

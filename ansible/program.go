package ansible

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// Program describes a module for Main.
type Program struct {
	// Name is the module's name, used when Ansible does not send
	// _ansible_module_name (a run by hand) and in the usage and --version
	// lines. Empty means the base name of args[0] without an "AnsiballZ_" prefix.
	Name string
	// Version is printed by "--version".
	Version string
	// Spec is the argument spec the options are validated against.
	Spec Spec
	// Run does the module's work with the validated options. A panic in it
	// becomes a JSON failure with the Go stack in "exception".
	Run func(m *Module) Result
}

// usageHint follows the program name in the usage line.
const usageHint = "ARGS_FILE (Ansible passes the path of a JSON file with the task options)"

// helpText is printed by -h and --help: the usage line (name, usageHint)
// and how to read the documentation (name).
const helpText = `usage: %s %s

An Ansible module: Ansible runs it with the path of a JSON file that holds the
task's options, and it prints one JSON object with the result. Run it by hand
the same way, with a file such as {"option": "value"}.

Options and results: ansible-doc %s (with the sidecar .yml next to the binary).

  -h, --help   print this help and exit
  --version    print the version and exit
`

// Main runs the module protocol and returns the exit code: 0 on success
// (or skip), 1 on failure. args are the program's arguments with the
// program name first (os.Args); getenv looks up the module's environment
// (os.LookupEnv, which nil stands for), used for env fallbacks and path
// expansion.
//
// It prints exactly one JSON object on stdout, except for "prog --version",
// which prints "NAME VERSION" and returns 0. It writes nothing to stderr.
// A wrong argument count, an unreadable or invalid args file, an invalid
// spec, invalid options and a panic in Run all become JSON failures. Under
// check mode a module whose spec does not support it is skipped after
// validation. Every no_log value is scrubbed from the whole output.
func Main(p Program, args []string, stdout io.Writer, getenv func(string) (string, bool)) int {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	r := &runner{prog: p, stdout: stdout, name: programName(p, args), noLog: map[string]struct{}{}}
	return r.main(args, getenv)
}

func programName(p Program, args []string) string {
	if p.Name != "" {
		return p.Name
	}
	if len(args) > 0 && args[0] != "" {
		return strings.TrimPrefix(filepath.Base(args[0]), "AnsiballZ_")
	}
	return "module"
}

// runner carries what is known so far of one run, so that any failure,
// a panic included, is printed with the secrets, warnings and options
// known at that point.
type runner struct {
	prog     Program
	stdout   io.Writer
	name     string
	internal Internal
	module   *Module // set once the options are validated
	params   *object // invocation.module_args, set once validated
	noLog    map[string]struct{}
	warnings []string
	wrote    bool
}

func (r *runner) main(args []string, getenv func(string) (string, bool)) (code int) {
	defer func() {
		if v := recover(); v != nil {
			code = r.emitPanic("internal error in module "+r.name+": panic: %v", v, debug.Stack())
		}
	}()
	if len(args) == 2 {
		switch args[1] {
		case "--version":
			r.wrote = true
			fmt.Fprintf(r.stdout, "%s %s\n", r.name, r.prog.Version)
			return 0
		case "-h", "-help", "--help":
			r.wrote = true
			fmt.Fprintf(r.stdout, helpText, r.name, usageHint, r.name)
			return 0
		}
	}
	if len(args) != 2 {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("usage: %s %s", r.name, usageHint)}, "")
	}
	spec, err := r.prog.Spec.compile(false)
	if err != nil {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("internal error in module %s: %v", r.name, err)}, "")
	}
	if r.prog.Run == nil {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("internal error in module %s: Program.Run is nil", r.name)}, "")
	}
	internal, user, err := readArgs(args[1], r.name)
	if err != nil {
		return r.emit(Result{Failed: true, Msg: err.Error()}, "")
	}
	r.internal, r.name = internal, internal.ModuleName

	v := spec.validate(user, getenv, r.name)
	r.params, r.noLog, r.warnings = v.params, v.noLog, v.warnings
	if len(v.errors) > 0 {
		return r.emit(Result{Failed: true, Msg: joinMessages(v.errors)}, "")
	}
	if internal.CheckMode && !spec.spec.SupportsCheckMode {
		return r.emit(Result{Skipped: true, Msg: fmt.Sprintf("remote module (%s) does not support check mode", r.name)}, "")
	}

	values := make(map[string]any, len(spec.options))
	for _, o := range spec.options {
		values[o.Name] = v.params.values[o.Name]
	}
	r.module = &Module{
		Name:     r.name,
		Internal: internal,
		Params:   Params{values: values, given: v.given},
		warnings: v.warnings,
		noLog:    v.noLog,
	}
	res, stack, panicValue := r.run()
	if stack != nil {
		return r.emitPanic("module "+r.name+" panicked: %v", panicValue, stack)
	}
	if err := res.Validate(); err != nil {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("internal error in module %s: %v", r.name, err)}, "")
	}
	return r.emit(res, "")
}

// run calls the module's function, recovering a panic.
func (r *runner) run() (res Result, stack []byte, panicValue any) {
	defer func() {
		if v := recover(); v != nil {
			stack, panicValue = debug.Stack(), v
		}
	}()
	return r.prog.Run(r.module), nil, nil
}

// joinMessages joins validation messages with "; ", each once.
func joinMessages(msgs []string) string {
	seen := map[string]bool{}
	var out []string
	for _, m := range msgs {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return strings.Join(out, "; ")
}

// emitPanic reports a recovered panic. The exception holds the stack and
// ends with the panic value, as a Python traceback ends with the error:
// below -vvv Ansible shows only its last line.
func (r *runner) emitPanic(format string, v any, stack []byte) int {
	msg := fmt.Sprintf(format, v)
	return r.emit(Result{Failed: true, Msg: msg}, fmt.Sprintf("%s\npanic: %v", bytes.TrimRight(stack, "\n"), v))
}

// emit prints res as the one JSON object of the run, scrubbed of every
// no_log value known, and returns the exit code. exception, when not
// empty, is added as Ansible's "exception" key.
func (r *runner) emit(res Result, exception string) int {
	if r.wrote {
		return 1 // a second object would make the output unreadable to Ansible
	}
	warnings, deprecations := r.warnings, []Deprecation(nil)
	if r.module != nil {
		warnings, deprecations = r.module.warnings, r.module.deprecations
	}
	out := make(map[string]any, len(res.Data)+8)
	for k, v := range res.Data {
		out[k] = v
	}
	out["changed"] = res.Changed
	out["failed"] = res.Failed
	if res.Skipped {
		out["skipped"] = true
	}
	switch {
	case res.Msg != "":
		out["msg"] = res.Msg
	case res.Failed:
		out["msg"] = fmt.Sprintf("module %s failed without a message", r.name)
	}
	if len(warnings) > 0 {
		out["warnings"] = warnings
	}
	if len(deprecations) > 0 {
		out["deprecations"] = deprecations
	}
	if res.Diff != nil && r.internal.Diff {
		out["diff"] = res.Diff
	}
	if r.params != nil {
		out["invocation"] = map[string]any{"module_args": forOutput(plain(r.params))}
	}
	if exception != "" {
		out["exception"] = exception
	}
	data, err := json.Marshal(out)
	if err != nil {
		fallback := map[string]any{
			"changed": false,
			"failed":  true,
			"msg":     fmt.Sprintf("internal error in module %s: the result cannot be encoded as JSON: %v", r.name, err),
		}
		if len(warnings) > 0 {
			fallback["warnings"] = warnings
		}
		data, _ = json.Marshal(fallback) // strings and booleans only: cannot fail
		res.Failed = true
	}
	return r.write(data, res.Failed)
}

// write decodes data, scrubs it and prints it on one line.
func (r *runner) write(data []byte, failed bool) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		tree = map[string]any{"changed": false, "failed": true, "msg": "internal error: cannot decode the module's own result"}
		failed = true
	}
	tree = newScrubber(r.secrets()).value(tree)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		buf.Reset()
		buf.WriteString(`{"changed": false, "failed": true, "msg": "internal error: cannot encode the scrubbed result"}` + "\n")
		failed = true
	}
	r.wrote = true
	if _, err := r.stdout.Write(buf.Bytes()); err != nil || failed {
		return 1
	}
	return 0
}

// secrets returns the no_log values known so far: the module's, which may
// grow while it runs, or those of the validation.
func (r *runner) secrets() map[string]struct{} {
	if r.module == nil {
		return r.noLog
	}
	r.module.mu.Lock()
	defer r.module.mu.Unlock()
	return maps.Clone(r.module.noLog)
}

// forOutput prepares converted parameters for encoding: float64 values are
// written in Python's notation, so 1.0 stays 1.0.
func forOutput(v any) any {
	switch t := v.(type) {
	case float64:
		return pyFloatValue(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = forOutput(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = forOutput(e)
		}
		return out
	}
	return v
}

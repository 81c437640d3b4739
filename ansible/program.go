package ansible

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Program describes one module of a Binary.
type Program struct {
	// Name is the module's name, as playbooks call it ("nifcloud_lb").
	Name string
	// Spec is the argument spec the options are validated against.
	Spec Spec
	// Run does the module's work with the validated options. A panic in it
	// becomes a JSON failure with the Go stack in "exception". ctx ends
	// when the run is interrupted (see Interrupted).
	Run func(ctx context.Context, m *Module) Result

	// options is the struct type Run's options are decoded into, set by
	// NewProgram; nil for a Program that reads m.Params.
	options reflect.Type
}

// NewProgram returns a module whose run function receives its validated
// options decoded into a T, a struct whose fields are tagged with the
// options' names (see the binding rules in bind.go). The binding is checked
// against the spec whenever the spec is compiled: Spec.Validate in tests,
// and every run (a mismatch then fails the task as an internal error).
func NewProgram[T any](name string, spec Spec, run func(ctx context.Context, m *Module, opts T) Result) Program {
	p := Program{Name: name, Spec: spec, options: reflect.TypeFor[T]()}
	p.Run = func(ctx context.Context, m *Module) Result {
		var opts T
		m.binding.decode(m.Params.values, reflect.ValueOf(&opts).Elem())
		return run(ctx, m, opts)
	}
	return p
}

// Validate reports the programming errors of the program's spec (see
// Spec.Validate) and of its options binding.
func (p Program) Validate() error {
	_, _, err := p.compile(true)
	return err
}

// compile compiles the spec and, for a typed program, its binding.
func (p Program) compile(lint bool) (*compiled, *binding, error) {
	c, err := p.Spec.compile(lint)
	if err != nil || p.options == nil {
		return c, nil, err
	}
	b, err := bind(p.options, c)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid options binding: %w", err)
	}
	return c, b, nil
}

// Binary is a program that holds several modules and runs the one Ansible
// asks for (see Main).
type Binary struct {
	// Name is the binary's own name, for --help and --version.
	Name string
	// Version is printed by --version.
	Version string
	// Modules are the modules the binary holds.
	Modules []Program
	// InterruptGrace is how long a module may take to finish once it is
	// interrupted; zero means DefaultInterruptGrace.
	InterruptGrace time.Duration
}

// DefaultInterruptGrace is how long Main waits, once a run is interrupted,
// for the module to finish before it reports the run on its own.
const DefaultInterruptGrace = 10 * time.Second

// usageHint follows the program name in the usage line.
const usageHint = "ARGS_FILE (Ansible passes the path of a JSON file with the task options)"

// Main runs the module protocol and returns the exit code: 0 on success
// (or skip), 1 on failure. args are the program's arguments with the
// program name first (os.Args); getenv looks up the module's environment
// (os.LookupEnv, which nil stands for), used for env fallbacks and path
// expansion. ctx ends the run early: use SignalContext so that SIGINT and
// SIGTERM interrupt it.
//
// The module to run is named by _ansible_module_name in the args file
// (its last dot-separated part, so a collection's FQCN works) or, without
// it, by the base name of args[0] without an "AnsiballZ_" prefix, a
// platform suffix such as "_linux_x86_64", or ".exe". An unknown name fails
// with the list of the modules the binary holds.
//
// Main prints exactly one JSON object on stdout, except for "--version",
// "-h" and "--help", which print plain text and return 0. It writes nothing
// to stderr. A wrong argument count, an unreadable or invalid args file, an
// invalid spec, invalid options and a panic in Run all become JSON
// failures. Under check mode a module whose spec does not support it is
// skipped after validation. Every no_log value is scrubbed from the whole
// output.
func Main(ctx context.Context, b Binary, args []string, stdout io.Writer, getenv func(string) (string, bool)) int {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	r := &runner{bin: b, stdout: stdout, name: b.Name, noLog: map[string]struct{}{}}
	return r.main(ctx, args, getenv)
}

// runner carries what is known so far of one run, so that any failure,
// a panic included, is printed with the secrets, warnings and options
// known at that point.
type runner struct {
	bin      Binary
	stdout   io.Writer
	name     string // the module name as written in the task, once known
	internal Internal
	module   *Module // set once the options are validated
	params   *object // invocation.module_args, set once validated
	noLog    map[string]struct{}
	warnings []string
	mu       sync.Mutex // guards wrote
	wrote    bool
}

func (r *runner) main(ctx context.Context, args []string, getenv func(string) (string, bool)) (code int) {
	defer func() {
		if v := recover(); v != nil {
			code = r.emitPanic("internal error in module "+r.name+": panic: %v", v, debug.Stack())
		}
	}()
	if code, done := r.flags(args); done {
		return code
	}
	if len(args) != 2 {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("usage: %s %s", r.commandName(args), usageHint)}, "")
	}
	internal, user, err := readArgs(args[1], "")
	if err != nil {
		return r.emit(Result{Failed: true, Msg: err.Error()}, "")
	}
	prog, err := r.pick(internal.ModuleName, args[0])
	if err != nil {
		return r.emit(Result{Failed: true, Msg: err.Error()}, "")
	}
	if internal.ModuleName == "" {
		internal.ModuleName = prog.Name
	}
	r.internal, r.name = internal, internal.ModuleName
	return r.runModule(ctx, prog, user, getenv)
}

// flags handles --version, -h and --help.
func (r *runner) flags(args []string) (int, bool) {
	if len(args) != 2 {
		return 0, false
	}
	switch args[1] {
	case "--version":
		r.wrote = true
		fmt.Fprintf(r.stdout, "%s %s\n", r.commandName(args), r.bin.Version)
		return 0, true
	case "-h", "-help", "--help":
		r.wrote = true
		fmt.Fprintf(r.stdout, helpText, r.commandName(args), usageHint, r.bin.Name, strings.Join(r.moduleNames(), ", "))
		return 0, true
	}
	return 0, false
}

// helpText is printed by -h and --help: the usage line (name, usageHint),
// the binary's name and its modules.
const helpText = `usage: %s %s

An Ansible module: Ansible runs it with the path of a JSON file that holds the
task's options, and it prints one JSON object with the result. Run it by hand
the same way, with a file such as {"option": "value"}.

This binary (%s) holds the modules: %s.
It runs the one named by the task (_ansible_module_name), or else by its own
file name: install it once and link it under each module's name. Options and
results: ansible-doc MODULE (with MODULE.yml next to the binary).

  -h, --help   print this help and exit
  --version    print the version and exit
`

// runModule validates the options of the chosen module, runs it and prints
// its result.
func (r *runner) runModule(ctx context.Context, prog Program, user *object, getenv func(string) (string, bool)) int {
	if prog.Run == nil {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("internal error in module %s: Program.Run is nil", r.name)}, "")
	}
	spec, binding, err := prog.compile(false)
	if err != nil {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("internal error in module %s: %v", r.name, err)}, "")
	}
	v := spec.validate(user, getenv, r.name)
	r.params, r.noLog, r.warnings = v.params, v.noLog, v.warnings
	if len(v.errors) > 0 {
		return r.emit(Result{Failed: true, Msg: joinMessages(v.errors)}, "")
	}
	if r.internal.CheckMode && !spec.spec.SupportsCheckMode {
		return r.emit(Result{Skipped: true, Msg: fmt.Sprintf("remote module (%s) does not support check mode", r.name)}, "")
	}
	values := make(map[string]any, len(spec.options))
	for _, o := range spec.options {
		values[o.Name] = v.params.values[o.Name]
	}
	r.module = &Module{
		Name:     r.name,
		Internal: r.internal,
		Params:   Params{values: values, given: v.given},
		Getenv:   getenv,
		warnings: v.warnings,
		noLog:    v.noLog,
		binding:  binding,
	}
	return r.finish(r.runInterruptible(ctx, prog))
}

// outcome is how a module's run function ended.
type outcome struct {
	res        Result
	stack      []byte // set when it panicked
	panicValue any
}

// finish prints the outcome of a run.
func (r *runner) finish(out outcome) int {
	if out.stack != nil {
		return r.emitPanic("module "+r.name+" panicked: %v", out.panicValue, out.stack)
	}
	if err := out.res.Validate(); err != nil {
		return r.emit(Result{Failed: true, Msg: fmt.Sprintf("internal error in module %s: %v", r.name, err)}, "")
	}
	return r.emit(out.res, "")
}

// run calls the module's function, recovering a panic.
func (r *runner) run(ctx context.Context, prog Program) (out outcome) {
	defer func() {
		if v := recover(); v != nil {
			out = outcome{stack: debug.Stack(), panicValue: v}
		}
	}()
	return outcome{res: prog.Run(ctx, r.module)}
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

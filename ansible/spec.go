package ansible

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Type is the type of an option, named as in an AnsibleModule argument_spec.
type Type string

// The option types. The zero Type means TypeStr, as in AnsibleModule.
const (
	// TypeStr is a string; other JSON values are converted as Python's str() does.
	TypeStr Type = "str"
	// TypeInt is an int; strings are read as Python's int() reads them.
	TypeInt Type = "int"
	// TypeFloat is a float64; ints, bools and numeric strings are converted.
	TypeFloat Type = "float"
	// TypeBool is a bool; Ansible's spellings (yes/no, on/off, 1/0, ...) are converted.
	TypeBool Type = "bool"
	// TypeList is a list; a string is split on commas, a number becomes a one-element list.
	TypeList Type = "list"
	// TypeDict is a map; JSON strings, Python dict literals and k=v strings are parsed.
	TypeDict Type = "dict"
	// TypePath is a string with $VARS and a leading ~ expanded.
	TypePath Type = "path"
	// TypeRaw is any JSON value, unchanged.
	TypeRaw Type = "raw"
)

func (t Type) valid() bool {
	switch t {
	case "", TypeStr, TypeInt, TypeFloat, TypeBool, TypeList, TypeDict, TypePath, TypeRaw:
		return true
	}
	return false
}

// name returns the type's name as AnsibleModule prints it.
func (t Type) name() string {
	if t == "" {
		return string(TypeStr)
	}
	return string(t)
}

// Option describes one module option, like an entry of an AnsibleModule
// argument_spec.
type Option struct {
	// Name is the option's canonical name.
	Name string
	// Type is the option's type; empty means TypeStr.
	Type Type
	// Elements is the type of each item of a TypeList option; empty leaves the items as they are.
	Elements Type
	// Required means the option must be given (a null value counts as given, as in Ansible).
	Required bool
	// Default is used when the option is absent; it is converted like a given value.
	// It must be nil for a required option, and JSON-encodable.
	Default any
	// Choices, when set, lists the allowed values (for a list, the allowed items).
	Choices []any
	// Aliases are other names for the option.
	Aliases []string
	// NoLog marks the value as secret: it is scrubbed from everything the module prints.
	NoLog bool
	// NotSecret declares that an option whose name looks like a password
	// (see Spec.Validate) holds no secret, as no_log=False does in Python.
	NotSecret bool
	// EnvFallback lists environment variables tried in order when the option is absent;
	// a variable that is set but empty counts as found.
	EnvFallback []string
	// Checks are extra validations run on the converted value when it is not null.
	Checks []Check
	// Options, for a TypeDict option or a TypeList option of Elements
	// TypeDict, is the spec of the dict's keys (AnsibleModule's "options"):
	// the dict, or each dict of the list, is validated against it, with
	// " found in NAME" after each message. Defaults of the sub-options
	// apply when the dict is given.
	Options []Option
}

// typ returns the option's type with the default applied.
func (o *Option) typ() Type {
	if o.Type == "" {
		return TypeStr
	}
	return o.Type
}

// RequiredIf makes options required when option Name has the value Value:
// all of Requires, or at least one of them when AnyOf is set.
type RequiredIf struct {
	// Name is the option whose value is tested.
	Name string
	// Value is compared with the converted value of Name.
	Value any
	// Requires lists the options required when Name equals Value.
	Requires []string
	// AnyOf asks for at least one of Requires instead of all of them.
	AnyOf bool
}

// Spec is a module's argument spec: its options and the constraints between
// them, with AnsibleModule's meaning.
type Spec struct {
	// Options lists the options; their order is the order of validation.
	Options []Option
	// MutuallyExclusive lists groups of options of which at most one may be given.
	MutuallyExclusive [][]string
	// RequiredTogether lists groups of options that must be given all or none.
	RequiredTogether [][]string
	// RequiredOneOf lists groups of options of which at least one must be given.
	RequiredOneOf [][]string
	// RequiredIf lists conditional requirements.
	RequiredIf []RequiredIf
	// RequiredBy maps an option to the options that must be given when it is not null.
	RequiredBy map[string][]string
	// SupportsCheckMode tells that the module can run under check mode; when it
	// is false, a check-mode run is skipped after validation, as AnsibleModule does.
	SupportsCheckMode bool
	// NullMeansAbsent treats an option given as null (YAML "key:" left
	// empty, or ~) as not given at all: its default or environment
	// fallback applies, and a required option is reported missing.
	// AnsibleModule keeps the null instead (a required list given as null
	// passes), which a module must then tell from a real value itself.
	NullMeansAbsent bool
}

// passwordName matches option names that look like passwords, as
// AnsibleModule's PASSWORD_MATCH does. It is compiled on first use: a module
// run does not need it.
var passwordName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(?:.+[-_\s])?pass(?:[-_\s]?(?:word|phrase|wrd|wd)?)(?:[-_\s].+)?$`)
})

// Validate reports the programming errors in a spec, all of them joined:
// empty, repeated or reserved names, unknown types, elements on a non-list,
// a required option with a default, a default or choice that cannot be
// converted to the option's type, a default not among the choices, an alias
// that clashes with another name, a constraint naming an unknown option,
// and an option whose name (or alias) looks like a password
// (AnsibleModule's PASSWORD_MATCH) without NoLog or NotSecret. AnsibleModule
// only warns about the last one at run time; here it is an error, so that a
// secret cannot reach the output by an oversight. Main makes every check but
// that last one, a lint for the module's tests, on each run.
func (s *Spec) Validate() error {
	_, err := s.compile(true)
	return err
}

// compiled is a validated spec with its defaults and choices converted.
type compiled struct {
	spec     *Spec
	options  []*compiledOption
	byName   map[string]*compiledOption // canonical names and aliases
	aliasSet map[string]bool
	ifValues []any // Spec.RequiredIf[i].Value converted to its option's type
}

type compiledOption struct {
	*Option
	hasDefault bool
	defaultVal any       // a tree value
	choices    []any     // plain values, converted to the option's (or elements') type
	sub        *compiled // the compiled Options, if any
}

// specErrors collects the programming errors of a spec.
type specErrors []error

func (e *specErrors) add(format string, args ...any) {
	*e = append(*e, fmt.Errorf(format, args...))
}

// compile validates the spec and prepares it for validating options; with
// lint it also checks for password-like names without NoLog.
func (s *Spec) compile(lint bool) (*compiled, error) {
	var errs specErrors
	c := s.compileInto(&errs, lint, "")
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("invalid argument spec: %w", err)
	}
	return c, nil
}

// compileInto compiles the spec, adding its problems to errs; prefix names
// the dict option a sub-spec belongs to ("health_check.").
func (s *Spec) compileInto(errs *specErrors, lint bool, prefix string) *compiled {
	c := &compiled{spec: s, byName: map[string]*compiledOption{}, aliasSet: map[string]bool{}}
	for i := range s.Options {
		o := &s.Options[i]
		if o.Name == "" {
			errs.add("option #%d %shas no name", i+1, ofPrefix(prefix))
			continue
		}
		co := &compiledOption{Option: o}
		c.claimNames(errs, co)
		c.options = append(c.options, co)
		*errs = append(*errs, co.compile()...)
		co.compileSub(errs, lint, prefix)
		if lint {
			co.lint(errs)
		}
	}
	c.checkConstraints(errs)
	return c
}

// ofPrefix words the dict option a sub-spec belongs to: "of health_check "
// for "health_check.", "" for the top level.
func ofPrefix(prefix string) string {
	if prefix == "" {
		return ""
	}
	return "of " + strings.TrimSuffix(prefix, ".") + " "
}

// claimNames registers an option's name and aliases, reporting clashes.
func (c *compiled) claimNames(errs *specErrors, co *compiledOption) {
	claim := func(name string) {
		switch {
		case name == "":
			errs.add("option %q: empty alias", co.Name)
		case strings.HasPrefix(name, "_ansible_"):
			errs.add("option %q: name %q is reserved for Ansible's internal keys", co.Name, name)
		case c.byName[name] != nil:
			errs.add("option %q: name %q is already used by option %q", co.Name, name, c.byName[name].Name)
		}
	}
	claim(co.Name)
	c.byName[co.Name] = co
	for _, a := range co.Aliases {
		if a == co.Name {
			errs.add("option %q: alias %q repeats the option's name", co.Name, a)
			continue
		}
		claim(a)
		c.byName[a] = co
		c.aliasSet[a] = true
	}
}

// compileSub compiles the option's sub-options.
func (o *compiledOption) compileSub(errs *specErrors, lint bool, prefix string) {
	if len(o.Options) == 0 {
		return
	}
	if o.typ() != TypeDict && (o.typ() != TypeList || o.Elements != TypeDict) {
		errs.add("option %q: options are only supported with type dict, or type list with elements dict", o.Name)
		return
	}
	sub := &Spec{Options: o.Options}
	o.sub = sub.compileInto(errs, lint, prefix+o.Name+".")
}

// lint reports an option whose name (or alias) looks like a password
// without NoLog or NotSecret.
func (o *compiledOption) lint(errs *specErrors) {
	for _, n := range append([]string{o.Name}, o.Aliases...) {
		if passwordName().MatchString(n) && !o.NoLog && !o.NotSecret {
			errs.add("option %q: name %q looks like a password; set NoLog (or NotSecret if it holds no secret)", o.Name, n)
		}
	}
}

// checkConstraints checks that the constraints name known options and
// converts the RequiredIf values.
func (c *compiled) checkConstraints(errs *specErrors) {
	s := c.spec
	checkNames := func(what string, names []string) {
		if len(names) == 0 {
			errs.add("%s: empty list of options", what)
		}
		for _, n := range names {
			if o := c.byName[n]; o == nil || o.Name != n {
				errs.add("%s: unknown option %q", what, n)
			}
		}
	}
	for _, g := range s.MutuallyExclusive {
		checkNames("mutually_exclusive", g)
	}
	for _, g := range s.RequiredTogether {
		checkNames("required_together", g)
	}
	for _, g := range s.RequiredOneOf {
		checkNames("required_one_of", g)
	}
	c.ifValues = make([]any, len(s.RequiredIf))
	for i, r := range s.RequiredIf {
		checkNames("required_if", append([]string{r.Name}, r.Requires...))
		if o := c.byName[r.Name]; o != nil && o.Name == r.Name {
			v, err := normalize(o.typ(), r.Value)
			if err != nil {
				errs.add("required_if %q: value %v: %v", r.Name, r.Value, err)
			}
			c.ifValues[i] = v
		}
	}
	for _, k := range sortedKeys(s.RequiredBy) {
		checkNames("required_by", append([]string{k}, s.RequiredBy[k]...))
	}
}

// compile converts the option's default and choices and checks them.
func (o *compiledOption) compile() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("option %q: "+format, append([]any{o.Name}, args...)...))
	}
	if !o.Type.valid() {
		bad("unknown type %q", string(o.Type))
		return errs
	}
	if o.Elements != "" {
		if !o.Elements.valid() {
			bad("unknown elements type %q", string(o.Elements))
			return errs
		}
		if o.typ() != TypeList {
			bad("elements is only supported with type list, not %s", o.typ().name())
		}
	}
	for i, env := range o.EnvFallback {
		if env == "" {
			bad("env fallback #%d is empty", i+1)
		}
	}
	for i, ch := range o.Checks {
		if ch == nil {
			bad("check #%d is nil", i+1)
		}
	}
	choiceType := o.typ()
	if choiceType == TypeList {
		choiceType = o.Elements
		if choiceType == "" {
			choiceType = TypeRaw
		}
	}
	for _, ch := range o.Choices {
		v, err := normalize(choiceType, ch)
		if err != nil {
			bad("choice %v: %v", ch, err)
			continue
		}
		o.choices = append(o.choices, v)
	}
	return append(errs, o.compileDefault()...)
}

// compileDefault converts the option's default and checks it against its
// type and choices.
func (o *compiledOption) compileDefault() []error {
	if o.Default == nil {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("option %q: "+format, append([]any{o.Name}, args...)...))
	}
	if o.Required {
		// AnsibleModule's wording.
		errs = append(errs, fmt.Errorf("internal error: required and default are mutually exclusive for %s", o.Name))
	}
	tree, err := toTree(o.Default)
	if err != nil {
		bad("default %v cannot be encoded as JSON: %v", o.Default, err)
		return errs
	}
	o.hasDefault, o.defaultVal = true, tree
	v, err := convert(o.typ(), tree, noEnv)
	if err != nil {
		bad("default %v cannot be converted to %s: %v", o.Default, o.typ().name(), err)
		return errs
	}
	if _, msg := o.checkChoices(plain(v)); msg != "" {
		bad("default is not among the choices: %s", msg)
	}
	return errs
}

// noEnv is an environment with no variables.
func noEnv(string) (string, bool) { return "", false }

// normalize converts a Go value given in a spec (a choice or a required_if
// value) to the plain value a parameter of type t would hold.
func normalize(t Type, v any) (any, error) {
	tree, err := toTree(v)
	if err != nil {
		return nil, err
	}
	if tree == nil {
		return nil, nil
	}
	out, err := convert(t, tree, noEnv)
	if err != nil {
		return nil, err
	}
	return plain(out), nil
}

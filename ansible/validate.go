package ansible

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// validation holds the outcome of validating a module's parameters the way
// AnsibleModule's ArgumentSpecValidator does, with every problem kept.
type validation struct {
	// params holds every key the user gave (aliases and unsupported keys
	// included) and every option, converted where conversion succeeded; it
	// becomes invocation.module_args.
	params *object
	// given marks the options given with a non-null value by the user (under
	// their name or an alias) or by an environment fallback.
	given map[string]bool
	// noLog collects the secret strings to scrub from the output.
	noLog map[string]struct{}
	// warnings and errors are the messages, in validation order.
	warnings []string
	errors   []string
	// path names the dict options a sub-spec's parameters are found in,
	// outermost first; empty at the top level.
	path []string
	// nullAbsent is Spec.NullMeansAbsent of the top-level spec.
	nullAbsent bool
}

func (v *validation) fail(format string, args ...any) {
	v.addError(fmt.Sprintf(format, args...))
}

// addError adds a message, with " found in a -> b" after it inside a
// sub-spec, as AnsibleModule words it.
func (v *validation) addError(msg string) {
	if len(v.path) > 0 {
		msg += " found in " + strings.Join(v.path, " -> ")
	}
	v.errors = append(v.errors, msg)
}

// foundIn is the part of a type conversion message that says where a
// sub-option was found: " found in 'a -> b'.", or "" at the top level.
func (v *validation) foundIn() string {
	if len(v.path) == 0 {
		return ""
	}
	return " found in '" + strings.Join(v.path, " -> ") + "'."
}

func (v *validation) addNoLog(value any) {
	if truthy(value) {
		collectNoLog(value, v.noLog)
	}
}

// validate validates user, the task's options without the _ansible_ keys,
// in AnsibleModule's order. moduleName is used in the unsupported
// parameters message.
func (c *compiled) validate(user *object, getenv func(string) (string, bool), moduleName string) *validation {
	v := &validation{params: newObject(), given: map[string]bool{}, noLog: map[string]struct{}{}, nullAbsent: c.spec.NullMeansAbsent}
	c.validateInto(v, user, getenv, moduleName)
	return v
}

// validateInto validates user into v, whose path and nullAbsent are set.
func (c *compiled) validateInto(v *validation, user *object, getenv func(string) (string, bool), moduleName string) {
	p := v.params
	for _, k := range user.keys {
		if val := user.values[k]; val != nil || !v.nullAbsent || c.byName[k] == nil {
			p.set(k, val)
		}
	}

	c.applyFallbacks(v, getenv)
	c.applyAliases(v)
	for _, o := range c.options {
		if val, ok := p.get(o.Name); ok && val != nil {
			v.given[o.Name] = true
		}
		if o.NoLog {
			if val, ok := p.get(o.Name); ok {
				v.addNoLog(val)
			}
		}
	}
	var unsupported []string
	for _, k := range user.keys {
		if c.byName[k] == nil {
			unsupported = append(unsupported, k)
		}
	}
	c.checkMutuallyExclusive(v)
	for _, o := range c.options {
		if !p.has(o.Name) && o.hasDefault {
			p.set(o.Name, o.defaultVal)
			if o.NoLog {
				v.addNoLog(o.defaultVal)
			}
		}
	}
	c.checkRequired(v)
	failed := c.convertAll(v, getenv, moduleName)
	c.checkValues(v, failed)
	c.checkRequiredTogether(v)
	c.checkRequiredOneOf(v)
	c.checkRequiredIf(v)
	c.checkRequiredBy(v)
	for _, o := range c.options {
		if !p.has(o.Name) {
			p.set(o.Name, nil)
		}
	}
	if len(unsupported) > 0 {
		prefix := strings.Join(v.path, ".")
		for i, k := range unsupported {
			if prefix != "" {
				unsupported[i] = prefix + "." + k
			}
		}
		v.errors = append(v.errors, fmt.Sprintf("Unsupported parameters for (%s) module: %s. Supported parameters include: %s.",
			moduleName, strings.Join(sortedCopy(unsupported), ", "), c.supported()))
	}
}

// applyFallbacks gives absent options the value of the first environment
// variable of their EnvFallback that is set. Unlike AnsibleModule, an
// option given under an alias gets no fallback (AnsibleModule applies it
// and then warns that both the option and its alias are set).
func (c *compiled) applyFallbacks(v *validation, getenv func(string) (string, bool)) {
	for _, o := range c.options {
		if len(o.EnvFallback) == 0 || v.params.has(o.Name) {
			continue
		}
		aliased := false
		for _, a := range o.Aliases {
			aliased = aliased || v.params.has(a)
		}
		if aliased {
			continue
		}
		for _, env := range o.EnvFallback {
			if val, ok := getenv(env); ok {
				v.params.set(o.Name, val)
				if o.NoLog {
					v.addNoLog(val)
				}
				break
			}
		}
	}
}

// applyAliases copies each alias's value onto its option, keeping the alias
// key; the last alias given wins, and a warning tells when the option was
// already set.
func (c *compiled) applyAliases(v *validation) {
	for _, o := range c.options {
		for _, a := range o.Aliases {
			val, ok := v.params.get(a)
			if !ok {
				continue
			}
			if v.params.has(o.Name) {
				v.warnings = append(v.warnings, fmt.Sprintf("Both option %s and its alias %s are set.", o.Name, a))
			}
			v.params.set(o.Name, val)
		}
	}
}

// supported lists the options for the unsupported parameters message:
// sorted names, then the sorted aliases in parentheses.
func (c *compiled) supported() string {
	var names, aliases []string
	for _, o := range c.options {
		names = append(names, o.Name)
		aliases = append(aliases, o.Aliases...)
	}
	s := strings.Join(sortedCopy(names), ", ")
	if len(aliases) > 0 {
		s += " (" + strings.Join(sortedCopy(aliases), ", ") + ")"
	}
	return s
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// countPresent counts the names that are keys of the parameters (a null
// value counts), as AnsibleModule's count_terms does.
func countPresent(p *object, names []string) int {
	n := 0
	for _, name := range names {
		if p.has(name) {
			n++
		}
	}
	return n
}

func (c *compiled) checkMutuallyExclusive(v *validation) {
	var groups []string
	for _, g := range c.spec.MutuallyExclusive {
		if countPresent(v.params, g) > 1 {
			groups = append(groups, strings.Join(g, "|"))
		}
	}
	if len(groups) > 0 {
		v.fail("parameters are mutually exclusive: %s", strings.Join(groups, ", "))
	}
}

func (c *compiled) checkRequired(v *validation) {
	var missing []string
	for _, o := range c.options {
		if o.Required && !v.params.has(o.Name) {
			missing = append(missing, o.Name)
		}
	}
	if len(missing) > 0 {
		v.fail("missing required arguments: %s", strings.Join(sortedCopy(missing), ", "))
	}
}

// convertAll converts every non-null option to its type, list items to the
// elements type, and dicts with sub-options through their sub-spec, and
// returns the options that failed.
func (c *compiled) convertAll(v *validation, getenv func(string) (string, bool), moduleName string) map[string]bool {
	failed := map[string]bool{}
	for _, o := range c.options {
		raw, ok := v.params.get(o.Name)
		if !ok || raw == nil {
			continue
		}
		val, err := convert(o.typ(), raw, getenv)
		if err != nil {
			v.errors = append(v.errors, fmt.Sprintf("argument '%s' is of type %s%s and we were unable to convert to %s: %v",
				o.Name, pyType(raw), v.foundIn(), o.typ().name(), err))
			failed[o.Name] = true
			continue
		}
		if o.Elements != "" {
			val = o.convertElements(v, val.([]any), getenv, failed) // a TypeList option converts to []any
		}
		if o.sub != nil && !failed[o.Name] {
			val = o.validateSub(v, val, getenv, moduleName)
		}
		val = plain(val)
		v.params.set(o.Name, val)
		if o.NoLog {
			v.addNoLog(val)
		}
	}
	return failed
}

// convertElements converts the items of a list option to its elements
// type, marking the option failed when one does not convert.
func (o *compiledOption) convertElements(v *validation, items []any, getenv func(string) (string, bool), failed map[string]bool) []any {
	converted := make([]any, 0, len(items))
	for _, item := range items {
		e, err := convert(o.Elements, item, getenv)
		if err != nil {
			v.errors = append(v.errors, fmt.Sprintf("Elements value for option '%s' is of type %s%s and we were unable to convert to %s: %v",
				o.Name, pyType(item), v.foundIn(), o.Elements.name(), err))
			failed[o.Name] = true
			continue
		}
		converted = append(converted, e)
	}
	return converted
}

// validateSub validates a dict option's value, or each dict of a list
// option, against its sub-spec, and returns the validated value(s). The
// messages, warnings and secrets of the sub-spec join v's.
func (o *compiledOption) validateSub(v *validation, val any, getenv func(string) (string, bool), moduleName string) any {
	one := func(obj *object) any {
		sv := &validation{params: newObject(), given: map[string]bool{}, noLog: v.noLog,
			path: append(slices.Clip(v.path), o.Name), nullAbsent: v.nullAbsent}
		o.sub.validateInto(sv, obj, getenv, moduleName)
		v.errors = append(v.errors, sv.errors...)
		v.warnings = append(v.warnings, sv.warnings...)
		return sv.params
	}
	if obj, ok := val.(*object); ok {
		return one(obj)
	}
	items, _ := val.([]any)
	out := make([]any, len(items))
	for i, item := range items {
		out[i] = item
		if obj, ok := item.(*object); ok {
			out[i] = one(obj)
		}
	}
	return out
}

// checkValues checks choices, then the options' own checks, skipping the
// options whose conversion failed.
func (c *compiled) checkValues(v *validation, failed map[string]bool) {
	bad := map[string]bool{}
	for _, o := range c.options {
		val, ok := v.params.get(o.Name)
		if !ok || failed[o.Name] || o.Choices == nil {
			continue
		}
		newVal, msg := o.checkChoices(val)
		if msg != "" {
			v.addError(msg)
			bad[o.Name] = true
			continue
		}
		v.params.set(o.Name, newVal)
	}
	for _, o := range c.options {
		val, _ := v.params.get(o.Name)
		if val == nil || failed[o.Name] || bad[o.Name] {
			continue
		}
		for _, check := range o.Checks {
			if err := check(o.Name, val); err != nil {
				v.addError(err.Error())
			}
		}
	}
}

var (
	falseSpellings = []string{"n", "no", "off", "0", "false", "f"}
	trueSpellings  = []string{"y", "yes", "on", "1", "true", "t"}
)

// checkChoices checks a converted value against the option's choices and
// returns the value to keep (a str option's "True"/"False", which a YAML
// boolean became, is mapped back to the one matching spelling among the
// choices, as AnsibleModule does) and the error message, if any.
func (o *compiledOption) checkChoices(val any) (any, string) {
	if o.Choices == nil {
		return val, ""
	}
	choicesText := func() string {
		parts := make([]string, len(o.choices))
		for i, ch := range o.choices {
			parts[i] = pyStr(ch)
		}
		return strings.Join(parts, ", ")
	}
	if list, ok := val.([]any); ok {
		var nomatch []string
		for _, item := range list {
			if !containsEqual(o.choices, item) {
				nomatch = append(nomatch, pyStr(item))
			}
		}
		if len(nomatch) > 0 {
			return val, fmt.Sprintf("value of %s must be one or more of: %s. Got no match for: %s", o.Name, choicesText(), strings.Join(nomatch, ", "))
		}
		return val, ""
	}
	if containsEqual(o.choices, val) {
		return val, ""
	}
	if s, ok := val.(string); ok && (s == "False" || s == "True") {
		spellings := falseSpellings
		if s == "True" {
			spellings = trueSpellings
		}
		var overlap []any
		for _, sp := range spellings {
			if containsEqual(o.choices, sp) {
				overlap = append(overlap, sp)
			}
		}
		if len(overlap) == 1 {
			return overlap[0], ""
		}
	}
	return val, fmt.Sprintf("value of %s must be one of: %s, got: %s", o.Name, choicesText(), pyStr(val))
}

func containsEqual(list []any, v any) bool {
	for _, e := range list {
		if pyEqual(e, v) {
			return true
		}
	}
	return false
}

func (c *compiled) checkRequiredTogether(v *validation) {
	for _, g := range c.spec.RequiredTogether {
		n := countPresent(v.params, g)
		if n > 0 && n < len(g) {
			v.fail("parameters are required together: %s", strings.Join(g, ", "))
		}
	}
}

func (c *compiled) checkRequiredOneOf(v *validation) {
	for _, g := range c.spec.RequiredOneOf {
		if countPresent(v.params, g) == 0 {
			v.fail("one of the following is required: %s", strings.Join(g, ", "))
		}
	}
}

func (c *compiled) checkRequiredIf(v *validation) {
	for i, r := range c.spec.RequiredIf {
		val, ok := v.params.get(r.Name)
		if !ok || !pyEqual(val, c.ifValues[i]) {
			continue
		}
		var missing []string
		for _, name := range r.Requires {
			if !v.params.has(name) {
				missing = append(missing, name)
			}
		}
		requires := "all"
		if r.AnyOf {
			requires = "any"
		}
		if len(missing) > 0 && (!r.AnyOf || len(missing) == len(r.Requires)) {
			v.fail("%s is %s but %s of the following are missing: %s", r.Name, pyStr(c.ifValues[i]), requires, strings.Join(missing, ", "))
		}
	}
}

func (c *compiled) checkRequiredBy(v *validation) {
	for _, key := range sortedKeys(c.spec.RequiredBy) {
		if val, ok := v.params.get(key); !ok || val == nil {
			continue
		}
		var missing []string
		for _, name := range c.spec.RequiredBy[key] {
			if val, ok := v.params.get(name); !ok || val == nil {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			v.fail("missing parameter(s) required by '%s': %s", key, strings.Join(missing, ", "))
		}
	}
}

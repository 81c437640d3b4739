package ansible

import (
	"fmt"
	"maps"
)

// Params holds a module's validated options, converted to their types.
//
// The getters panic when asked for an option the spec does not declare, or
// for a type the option does not hold: both are programming errors, and
// Main turns the panic into a JSON failure with the stack. A null or
// absent option gives the zero value; use IsSet to tell it from a value.
//
// Values are Go types: string (str, path), int (int; a bool given to an
// int option passes through, as in Python), float64, bool, []any (list;
// items converted to the elements type), map[string]any (dict). Numbers
// inside raw values, dicts and untyped lists are json.Number.
type Params struct {
	values map[string]any
	given  map[string]bool
}

func (p Params) get(name, getter string) any {
	v, ok := p.values[name]
	if !ok {
		panic(fmt.Sprintf("ansible: Params.%s(%q): the spec has no option %q", getter, name, name))
	}
	return v
}

func wrongType(getter, name string, v any) string {
	return fmt.Sprintf("ansible: Params.%s(%q): the option holds %T", getter, name, v)
}

// IsSet reports whether the option was given a non-null value by the user
// (under its name or an alias) or by an environment fallback, as opposed to
// defaulted or absent.
func (p Params) IsSet(name string) bool {
	p.get(name, "IsSet")
	return p.given[name]
}

// Str returns a str or path option.
func (p Params) Str(name string) string {
	switch v := p.get(name, "Str").(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		panic(wrongType("Str", name, v))
	}
}

// Int returns an int option (a bool counts as 1 or 0, as in Python).
func (p Params) Int(name string) int {
	switch v := p.get(name, "Int").(type) {
	case nil:
		return 0
	case int:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	default:
		panic(wrongType("Int", name, v))
	}
}

// Float returns a float option.
func (p Params) Float(name string) float64 {
	switch v := p.get(name, "Float").(type) {
	case nil:
		return 0
	case float64:
		return v
	default:
		panic(wrongType("Float", name, v))
	}
}

// Bool returns a bool option.
func (p Params) Bool(name string) bool {
	switch v := p.get(name, "Bool").(type) {
	case nil:
		return false
	case bool:
		return v
	default:
		panic(wrongType("Bool", name, v))
	}
}

// List returns a list option whose items are strings (Elements TypeStr or
// TypePath, or items that all happen to be strings).
func (p Params) List(name string) []string {
	switch v := p.get(name, "List").(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				panic(fmt.Sprintf("ansible: Params.List(%q): item %d is %T, not a string; use Items", name, i, e))
			}
			out[i] = s
		}
		return out
	default:
		panic(wrongType("List", name, v))
	}
}

// Items returns a list option's items, whatever their type.
func (p Params) Items(name string) []any {
	switch v := p.get(name, "Items").(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		panic(wrongType("Items", name, v))
	}
}

// Dict returns a dict option.
func (p Params) Dict(name string) map[string]any {
	switch v := p.get(name, "Dict").(type) {
	case nil:
		return nil
	case map[string]any:
		return v
	default:
		panic(wrongType("Dict", name, v))
	}
}

// Raw returns an option's value whatever its type (nil when null or absent).
func (p Params) Raw(name string) any {
	return p.get(name, "Raw")
}

// All returns a copy of every option's value by canonical name.
func (p Params) All() map[string]any {
	return maps.Clone(p.values)
}

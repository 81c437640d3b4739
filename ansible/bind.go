package ansible

import (
	"errors"
	"fmt"
	"reflect"
)

// A module's options reach its code as a struct (see NewProgram): each
// option is a field tagged `ansible:"name"` with the option's canonical
// name, fields of embedded structs included. The field's type follows the
// option's:
//
//	str, path       string, or *string (nil when not given)
//	int             int, or *int
//	float           float64, or *float64
//	bool            bool, or *bool
//	list            []string (elements str or path), []int (elements int),
//	                []S (elements dict with Options), or []any
//	dict            S or *S (with Options: S binds the sub-options),
//	                or map[string]any
//	raw             any
//
// The binding is checked against the spec when the spec is compiled, on
// every run and by Spec.Validate in tests: every option needs a field of a
// fitting type and every tagged field an option, so a misspelt name fails a
// test instead of a user's play.

// binding maps the fields of a struct type to the options of a spec.
type binding struct {
	fields []fieldBinding
}

type fieldBinding struct {
	index []int // reflect field index path, through embedded structs
	opt   *compiledOption
	sub   *binding // for a struct, pointer to struct or slice of structs
}

// bind checks that struct type t fits the compiled spec c and returns the
// binding.
func bind(t reflect.Type, c *compiled) (*binding, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("options type %s is not a struct", t)
	}
	var errs []error
	b := &binding{}
	seen := map[string]bool{}
	for _, f := range taggedFields(t, nil) {
		name := f.tag
		o := c.byName[name]
		switch {
		case o == nil || o.Name != name:
			errs = append(errs, fmt.Errorf("field %s: tag %q names no option", f.name, name))
			continue
		case seen[name]:
			errs = append(errs, fmt.Errorf("field %s: option %q is bound twice", f.name, name))
			continue
		}
		seen[name] = true
		fb := fieldBinding{index: f.index, opt: o}
		if err := fb.check(f.typ); err != nil {
			errs = append(errs, fmt.Errorf("field %s (option %q): %w", f.name, name, err))
			continue
		}
		b.fields = append(b.fields, fb)
	}
	for _, o := range c.options {
		if !seen[o.Name] {
			errs = append(errs, fmt.Errorf("option %q has no field in %s", o.Name, t))
		}
	}
	return b, errors.Join(errs...)
}

// taggedField is a struct field with an ansible tag.
type taggedField struct {
	name  string
	tag   string
	index []int
	typ   reflect.Type
}

// taggedFields returns the tagged fields of t, descending into embedded
// structs.
func taggedFields(t reflect.Type, prefix []int) []taggedField {
	var out []taggedField
	for i := range t.NumField() {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		tag, ok := f.Tag.Lookup("ansible")
		switch {
		case ok && f.IsExported():
			out = append(out, taggedField{name: f.Name, tag: tag, index: index, typ: f.Type})
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			out = append(out, taggedFields(f.Type, index)...)
		}
	}
	return out
}

// check tells whether a field of type t can hold the option's values, and
// binds the sub-options of a struct.
func (fb *fieldBinding) check(t reflect.Type) error {
	o := fb.opt
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	want := map[Type]reflect.Kind{TypeStr: reflect.String, TypePath: reflect.String, TypeInt: reflect.Int, TypeFloat: reflect.Float64, TypeBool: reflect.Bool}
	if k, ok := want[o.typ()]; ok {
		if base.Kind() != k || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Pointer {
			return fmt.Errorf("type %s does not hold a %s option", t, o.typ().name())
		}
		return nil
	}
	switch o.typ() {
	case TypeRaw:
		if t.Kind() != reflect.Interface {
			return fmt.Errorf("type %s does not hold a raw option (use any)", t)
		}
		return nil
	case TypeList:
		return fb.checkList(t)
	}
	return fb.checkDict(t)
}

// checkList checks the field of a list option.
func (fb *fieldBinding) checkList(t reflect.Type) error {
	o := fb.opt
	if t.Kind() != reflect.Slice {
		return fmt.Errorf("type %s does not hold a list option", t)
	}
	elem := t.Elem()
	switch {
	case o.sub != nil && elem.Kind() == reflect.Struct:
		sub, err := bind(elem, o.sub)
		fb.sub = sub
		return err
	case elem.Kind() == reflect.Interface:
		return nil
	case elem.Kind() == reflect.String && (o.Elements == TypeStr || o.Elements == TypePath):
		return nil
	case elem.Kind() == reflect.Int && o.Elements == TypeInt:
		return nil
	}
	return fmt.Errorf("type %s does not hold a list of %s", t, Type(o.Elements).name())
}

// checkDict checks the field of a dict option.
func (fb *fieldBinding) checkDict(t reflect.Type) error {
	o := fb.opt
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if o.sub != nil && base.Kind() == reflect.Struct {
		sub, err := bind(base, o.sub)
		fb.sub = sub
		return err
	}
	if o.sub == nil && t == reflect.TypeFor[map[string]any]() {
		return nil
	}
	return fmt.Errorf("type %s does not hold this dict option (a struct for options, else map[string]any)", t)
}

// decode sets the fields of dst, a struct value, from the validated values.
func (b *binding) decode(values map[string]any, dst reflect.Value) {
	for _, fb := range b.fields {
		fb.set(dst.FieldByIndex(fb.index), values[fb.opt.Name])
	}
}

// set stores one validated value into a field; null leaves the zero value
// (nil for pointers).
func (fb *fieldBinding) set(field reflect.Value, v any) {
	if v == nil {
		return
	}
	if field.Kind() == reflect.Pointer {
		field.Set(reflect.New(field.Type().Elem()))
		field = field.Elem()
	}
	switch field.Kind() {
	case reflect.Struct:
		fb.sub.decode(v.(map[string]any), field)
	case reflect.Slice:
		fb.setSlice(field, v.([]any))
	case reflect.Int:
		n, _ := asInt(v)
		field.SetInt(int64(n))
	case reflect.Interface, reflect.Map:
		field.Set(reflect.ValueOf(v))
	default: // string, float64, bool
		field.Set(reflect.ValueOf(v).Convert(field.Type()))
	}
}

// setSlice stores a validated list into a slice field.
func (fb *fieldBinding) setSlice(field reflect.Value, items []any) {
	out := reflect.MakeSlice(field.Type(), len(items), len(items))
	for i, item := range items {
		elem := out.Index(i)
		switch {
		case item == nil:
		case fb.sub != nil:
			fb.sub.decode(item.(map[string]any), elem)
		case elem.Kind() == reflect.Int:
			n, _ := asInt(item)
			elem.SetInt(int64(n))
		default:
			elem.Set(reflect.ValueOf(item).Convert(elem.Type()))
		}
	}
	field.Set(out)
}

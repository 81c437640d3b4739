package ansible

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyKind has a field of every kind the binding rules allow.
type everyKind struct {
	embedded
	Str      string         `ansible:"str"`
	StrPtr   *string        `ansible:"str_ptr"`
	Path     string         `ansible:"path"`
	Int      int            `ansible:"int"`
	IntPtr   *int           `ansible:"int_ptr"`
	Float    float64        `ansible:"float"`
	FltPtr   *float64       `ansible:"float_ptr"`
	Bool     bool           `ansible:"bool"`
	BoolPtr  *bool          `ansible:"bool_ptr"`
	Strs     []string       `ansible:"strs"`
	Ints     []int          `ansible:"ints"`
	Items    []item         `ansible:"items"`
	Anys     []any          `ansible:"anys"`
	Sub      item           `ansible:"sub"`
	SubPtr   *item          `ansible:"sub_ptr"`
	Map      map[string]any `ansible:"map"`
	Raw      any            `ansible:"raw"`
	Untagged int            // no tag: not an option
}

type embedded struct {
	Inner string `ansible:"inner"`
}

type item struct {
	Name string `ansible:"name"`
	Port *int   `ansible:"port"`
}

func everyKindSpec() Spec {
	sub := []Option{{Name: "name"}, {Name: "port", Type: TypeInt}}
	return Spec{Options: []Option{
		{Name: "inner"}, {Name: "str"}, {Name: "str_ptr"}, {Name: "path", Type: TypePath},
		{Name: "int", Type: TypeInt}, {Name: "int_ptr", Type: TypeInt},
		{Name: "float", Type: TypeFloat}, {Name: "float_ptr", Type: TypeFloat},
		{Name: "bool", Type: TypeBool}, {Name: "bool_ptr", Type: TypeBool},
		{Name: "strs", Type: TypeList, Elements: TypeStr}, {Name: "ints", Type: TypeList, Elements: TypeInt},
		{Name: "items", Type: TypeList, Elements: TypeDict, Options: sub}, {Name: "anys", Type: TypeList},
		{Name: "sub", Type: TypeDict, Options: sub}, {Name: "sub_ptr", Type: TypeDict, Options: sub},
		{Name: "map", Type: TypeDict}, {Name: "raw", Type: TypeRaw},
	}}
}

func TestBindDecodesEveryKind(t *testing.T) {
	t.Parallel()
	var got everyKind
	p := NewProgram("kinds", everyKindSpec(), func(_ context.Context, _ *Module, o everyKind) Result {
		got = o
		return Result{}
	})
	require.NoError(t, p.Validate())
	args := `{"inner": "in", "str": "s", "str_ptr": "sp", "path": "/tmp/x", "int": "7", "int_ptr": 8, "float": 1.5, "float_ptr": "2.5",
		"bool": "yes", "bool_ptr": false, "strs": "a,b", "ints": [1, "2"], "items": [{"name": "n", "port": "80"}, {"name": "m"}],
		"anys": [1, "x", null], "sub": {"name": "s"}, "sub_ptr": {"port": 443}, "map": {"k": [1]}, "raw": {"any": "thing"}}`
	code, out, _ := run(t, p, &args, nil)
	require.Equal(t, 0, code, "%v", out)
	port80, port443 := 80, 443
	assert.Equal(t, everyKind{
		embedded: embedded{Inner: "in"}, Str: "s", StrPtr: ptr("sp"), Path: "/tmp/x", Int: 7, IntPtr: &[]int{8}[0],
		Float: 1.5, FltPtr: &[]float64{2.5}[0], Bool: true, BoolPtr: &[]bool{false}[0],
		Strs: []string{"a", "b"}, Ints: []int{1, 2}, Items: []item{{Name: "n", Port: &port80}, {Name: "m"}},
		Anys: []any{json.Number("1"), "x", nil}, Sub: item{Name: "s"}, SubPtr: &item{Port: &port443},
		Map: map[string]any{"k": []any{json.Number("1")}}, Raw: map[string]any{"any": "thing"},
	}, got, "numbers in raw values stay JSON numbers")

	code, _, _ = run(t, p, ptr(`{}`), nil)
	require.Equal(t, 0, code)
	assert.Equal(t, everyKind{}, got, "options not given leave zero values and nil pointers")
}

func TestBindRefusesWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	type twice struct {
		embedded
		Again string `ansible:"inner"`
	}
	type misspelt struct {
		Name string `ansible:"nmae"`
	}
	type wrongTypes struct {
		Str    int              `ansible:"str"`
		PtrPtr **string         `ansible:"ptr_ptr"`
		Raw    string           `ansible:"raw"`
		Strs   []int            `ansible:"strs"`
		NotSl  string           `ansible:"list"`
		Dict   map[string]any   `ansible:"sub"`
		Plain  string           `ansible:"plain_dict"`
		Items  []map[string]any `ansible:"items"`
	}
	sub := []Option{{Name: "name"}}
	tests := []struct {
		name string
		prog Program
		want []string
	}{
		{"not a struct", NewProgram("p", Spec{}, func(context.Context, *Module, string) Result { return Result{} }),
			[]string{"invalid options binding: options type string is not a struct"}},
		{"bound twice", NewProgram("p", Spec{Options: []Option{{Name: "inner"}}}, func(context.Context, *Module, twice) Result { return Result{} }),
			[]string{`field Again: option "inner" is bound twice`}},
		{"a tag naming no option, an option without a field", NewProgram("p", Spec{Options: []Option{{Name: "name"}}}, func(context.Context, *Module, misspelt) Result { return Result{} }),
			[]string{`field Name: tag "nmae" names no option`, `option "name" has no field in ansible.misspelt`}},
		{"types that do not hold the options", NewProgram("p", Spec{Options: []Option{
			{Name: "str"}, {Name: "ptr_ptr"}, {Name: "raw", Type: TypeRaw}, {Name: "strs", Type: TypeList, Elements: TypeStr},
			{Name: "list", Type: TypeList}, {Name: "sub", Type: TypeDict, Options: sub}, {Name: "plain_dict", Type: TypeDict},
			{Name: "items", Type: TypeList, Elements: TypeDict, Options: sub},
		}}, func(context.Context, *Module, wrongTypes) Result { return Result{} }),
			[]string{
				`field Str (option "str"): type int does not hold a str option`,
				`field PtrPtr (option "ptr_ptr"): type **string does not hold a str option`,
				`field Raw (option "raw"): type string does not hold a raw option (use any)`,
				`field Strs (option "strs"): type []int does not hold a list of str`,
				`field NotSl (option "list"): type string does not hold a list option`,
				`field Dict (option "sub"): type map[string]interface {} does not hold this dict option (a struct for options, else map[string]any)`,
				`field Plain (option "plain_dict"): type string does not hold this dict option`,
				`field Items (option "items"): type []map[string]interface {} does not hold a list of dict`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.prog.Validate()
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
			code, out, _ := run(t, tt.prog, ptr(`{}`), nil)
			assert.Equal(t, 1, code, "a binding that does not fit fails every run")
			assert.Contains(t, out["msg"], "invalid options binding")
		})
	}
}

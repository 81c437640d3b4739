package ansible

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSpecValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec Spec
		want []string // each must appear in the error; none means valid
	}{
		{name: "valid", spec: lbSpec},
		{name: "empty spec", spec: Spec{}},
		{name: "password with no_log", spec: Spec{Options: []Option{{Name: "admin_password", NoLog: true}}}},
		{name: "password declared not secret", spec: Spec{Options: []Option{{Name: "pass_phrase_hint", NotSecret: true}}}},
		{name: "no name", spec: Spec{Options: []Option{{}}}, want: []string{"option #1 has no name"}},
		{name: "duplicate", spec: Spec{Options: []Option{{Name: "a"}, {Name: "a"}}}, want: []string{`option "a": name "a" is already used by option "a"`}},
		{name: "reserved", spec: Spec{Options: []Option{{Name: "_ansible_x"}}}, want: []string{`name "_ansible_x" is reserved`}},
		{name: "alias clashes with option", spec: Spec{Options: []Option{{Name: "a"}, {Name: "b", Aliases: []string{"a"}}}},
			want: []string{`option "b": name "a" is already used by option "a"`}},
		{name: "alias clashes with alias", spec: Spec{Options: []Option{{Name: "a", Aliases: []string{"x"}}, {Name: "b", Aliases: []string{"x"}}}},
			want: []string{`option "b": name "x" is already used by option "a"`}},
		{name: "alias repeats name", spec: Spec{Options: []Option{{Name: "a", Aliases: []string{"a"}}}}, want: []string{`alias "a" repeats the option's name`}},
		{name: "empty alias", spec: Spec{Options: []Option{{Name: "a", Aliases: []string{""}}}}, want: []string{`option "a": empty alias`}},
		{name: "unknown type", spec: Spec{Options: []Option{{Name: "a", Type: "string"}}}, want: []string{`option "a": unknown type "string"`}},
		{name: "unknown elements", spec: Spec{Options: []Option{{Name: "a", Type: TypeList, Elements: "x"}}}, want: []string{`unknown elements type "x"`}},
		{name: "elements on str", spec: Spec{Options: []Option{{Name: "a", Elements: TypeStr}}}, want: []string{"elements is only supported with type list, not str"}},
		{name: "required and default", spec: Spec{Options: []Option{{Name: "a", Required: true, Default: "x"}}},
			want: []string{"internal error: required and default are mutually exclusive for a"}},
		{name: "default not among choices", spec: Spec{Options: []Option{{Name: "state", Default: "gone", Choices: []any{"present", "absent"}}}},
			want: []string{`option "state": default is not among the choices: value of state must be one of: present, absent, got: gone`}},
		{name: "default wrong type", spec: Spec{Options: []Option{{Name: "port", Type: TypeInt, Default: "eighty"}}},
			want: []string{`option "port": default eighty cannot be converted to int: <class 'str'> cannot be converted to an int`}},
		{name: "default not JSON", spec: Spec{Options: []Option{{Name: "a", Type: TypeRaw, Default: make(chan int)}}}, want: []string{"cannot be encoded as JSON"}},
		{name: "choice wrong type", spec: Spec{Options: []Option{{Name: "port", Type: TypeInt, Choices: []any{80, "https"}}}},
			want: []string{`option "port": choice https: <class 'str'> cannot be converted to an int`}},
		{name: "empty env", spec: Spec{Options: []Option{{Name: "a", EnvFallback: []string{""}}}}, want: []string{"env fallback #1 is empty"}},
		{name: "nil check", spec: Spec{Options: []Option{{Name: "a", Checks: []Check{nil}}}}, want: []string{"check #1 is nil"}},
		{name: "password without no_log", spec: Spec{Options: []Option{{Name: "admin_password"}, {Name: "x", Aliases: []string{"pass"}}, {Name: "passwd", NoLog: false}}},
			want: []string{`option "admin_password": name "admin_password" looks like a password`, `option "x": name "pass" looks like a password`, `name "passwd" looks like a password`}},
		{name: "unknown names in constraints", spec: Spec{
			Options:           []Option{{Name: "a", Aliases: []string{"al"}}},
			MutuallyExclusive: [][]string{{"a", "b"}},
			RequiredTogether:  [][]string{{"c"}},
			RequiredOneOf:     [][]string{{}},
			RequiredIf:        []RequiredIf{{Name: "d", Value: "x", Requires: []string{"a"}}, {Name: "a", Value: "x", Requires: []string{"e"}}},
			RequiredBy:        map[string][]string{"al": {"a"}, "a": {"f"}},
		}, want: []string{
			`mutually_exclusive: unknown option "b"`, `required_together: unknown option "c"`, "required_one_of: empty list of options",
			`required_if: unknown option "d"`, `required_if: unknown option "e"`, `required_by: unknown option "al"`, `required_by: unknown option "f"`,
		}},
		{name: "required_if value of wrong type", spec: Spec{Options: []Option{{Name: "n", Type: TypeInt}}, RequiredIf: []RequiredIf{{Name: "n", Value: "x", Requires: []string{"n"}}}},
			want: []string{`required_if "n": value x: <class 'str'> cannot be converted to an int`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.spec.Validate()
			if len(tt.want) == 0 {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid argument spec: ")
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestPasswordName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"password": true, "admin_password": true, "pass": true, "passwd": true, "pass-phrase": true, "db pass": true,
		"login_passwrd": true, "user_pass_hint": true, "passport": false, "bypass": false, "compass_dir": false, "name": false,
	} {
		assert.Equal(t, want, passwordName().MatchString(name), name)
	}
}

func TestChecks(t *testing.T) {
	t.Parallel()
	instanceID := regexp.MustCompile(`^[a-zA-Z0-9]{1,15}$`)
	tests := []struct {
		check Check
		value any
		want  string
	}{
		{IntRange(1, 65535), 80, ""},
		{IntRange(1, 65535), 0, "value of opt must be between 1 and 65535, got: 0"},
		{IntRange(1, 65535), 65536, "value of opt must be between 1 and 65535, got: 65536"},
		{IntRange(0, 1), true, ""},
		{IntRange(1, 10), []any{1, 11}, "value of opt must be between 1 and 10, got: 11"},
		{IntRange(1, 10), "5", "value of opt must be between 1 and 10, got: 5"},
		{MatchRegexp(instanceID, "1 to 15 letters or digits"), "web01", ""},
		{MatchRegexp(instanceID, "1 to 15 letters or digits"), "web-01", "value of opt must be 1 to 15 letters or digits, got: web-01"},
		{MatchRegexp(instanceID, "1 to 15 letters or digits"), []any{"a", "b c"}, "value of opt must be 1 to 15 letters or digits, got: b c"},
		{MatchRegexp(instanceID, "an ID"), 5, "value of opt must be an ID, got: 5"},
		{NonEmpty(), "x", ""},
		{NonEmpty(), "", "value of opt must not be empty"},
		{NonEmpty(), []any{}, "value of opt must not be empty"},
		{NonEmpty(), map[string]any{}, "value of opt must not be empty"},
		{NonEmpty(), false, ""},
		{NonEmpty(), 0, "value of opt must not be empty"},
		{NonEmptyElements(), []any{"a", "b"}, ""},
		{NonEmptyElements(), []any{"a", "", "b"}, "value of opt must not contain empty elements, got: ['a', '', 'b']"},
		{NonEmptyElements(), []any{"a", " "}, "value of opt must not contain empty elements, got: ['a', ' ']"},
		{NonEmptyElements(), []any{nil}, "value of opt must not contain empty elements, got: [None]"},
		{NonEmptyElements(), "not a list", ""},
	}
	for _, tt := range tests {
		err := tt.check("opt", tt.value)
		if tt.want == "" {
			assert.NoError(t, err, "%v", tt.value)
		} else if assert.Error(t, err, "%v", tt.value) {
			assert.Equal(t, tt.want, err.Error())
		}
	}
}

func TestChecksInMain(t *testing.T) {
	t.Parallel()
	p := Program{Name: "nifcloud_lb", Spec: lbSpec, Run: func(context.Context, *Module) Result { return Result{} }}
	code, got, _ := run(t, p, ptr(`{"loadbalancer_name": "lb", "loadbalancer_port": 0, "instances": "a,,b", "state": "gone", "purge": "maybe"}`), lbEnv)
	assert.Equal(t, 1, code)
	assert.Equal(t, "argument 'purge' is of type <class 'str'> and we were unable to convert to bool: The value 'maybe' is not a valid boolean.  "+
		"Valid booleans include: "+booleanSpellings+"; value of state must be one of: present, absent, got: gone; "+
		"value of loadbalancer_port must be between 1 and 65535, got: 0; value of instances must not contain empty elements, got: ['a', '', 'b']", got["msg"])
}

func TestConstraintsAllReported(t *testing.T) {
	t.Parallel()
	spec := Spec{
		Options:          []Option{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}, {Name: "f"}, {Name: "mode", Type: TypeBool}, {Name: "n", Type: TypeInt}},
		RequiredTogether: [][]string{{"a", "b"}, {"c", "d"}},
		RequiredOneOf:    [][]string{{"e", "f"}, {"e", "a"}},
		RequiredIf: []RequiredIf{
			{Name: "mode", Value: true, Requires: []string{"e", "f"}},
			{Name: "n", Value: 1, Requires: []string{"e", "f"}, AnyOf: true},
		},
		RequiredBy: map[string][]string{"c": {"e", "f"}, "a": {"f"}},
	}
	p := Program{Name: "m", Spec: spec, Run: func(context.Context, *Module) Result { return Result{} }}
	code, got, _ := run(t, p, ptr(`{"a": "1", "c": "1", "mode": "yes", "n": 1.0}`), nil)
	assert.Equal(t, 1, code)
	assert.Equal(t, "argument 'n' is of type <class 'float'> and we were unable to convert to int: <class 'float'> cannot be converted to an int; "+
		"parameters are required together: a, b; parameters are required together: c, d; one of the following is required: e, f; "+
		"mode is True but all of the following are missing: e, f; n is 1 but any of the following are missing: e, f; "+
		"missing parameter(s) required by 'a': f; missing parameter(s) required by 'c': e, f", got["msg"])

	code, got, _ = run(t, p, ptr(`{"e": "1", "n": "1"}`), nil)
	assert.Equal(t, 0, code, "%v", got["msg"])
	code, got, _ = run(t, p, ptr(`{"a": "x", "b": "y", "n": true}`), nil)
	assert.Equal(t, 1, code)
	assert.Equal(t, "one of the following is required: e, f; n is 1 but any of the following are missing: e, f; missing parameter(s) required by 'a': f",
		got["msg"], "true equals 1, as in Python")
}

func TestListChoicesWithNumbers(t *testing.T) {
	t.Parallel()
	p := Program{Name: "m", Spec: Spec{Options: []Option{{Name: "ports", Type: TypeList, Elements: TypeInt, Choices: []any{80, 443}}}}, Run: func(context.Context, *Module) Result { return Result{} }}
	code, got, _ := run(t, p, ptr(`{"ports": [8080, "80", 22]}`), nil)
	assert.Equal(t, 1, code)
	assert.Equal(t, "value of ports must be one or more of: 80, 443. Got no match for: 8080, 22", got["msg"])
}

func TestNullMeansAbsent(t *testing.T) {
	t.Parallel()
	spec := Spec{
		Options: []Option{
			{Name: "ids", Type: TypeList, Elements: TypeStr, Required: true, Aliases: []string{"id"}},
			{Name: "timeout", Type: TypeInt, Default: 300},
			{Name: "region", EnvFallback: []string{"REGION"}},
		},
		NullMeansAbsent: true,
	}
	c, err := spec.compile(true)
	require.NoError(t, err)
	env := func(k string) (string, bool) { return map[string]string{"REGION": "jp-east-1"}[k], k == "REGION" }
	user := newObject()
	user.set("id", nil)
	user.set("timeout", nil)
	user.set("region", nil)
	v := c.validate(user, env, "m")
	assert.Equal(t, []string{"missing required arguments: ids"}, v.errors, "a null list is not a value")
	got, _ := v.params.get("timeout")
	assert.Equal(t, 300, got, "a null takes the default")
	got, _ = v.params.get("region")
	assert.Equal(t, "jp-east-1", got, "a null takes the environment fallback")

	spec.NullMeansAbsent = false
	c, err = spec.compile(true)
	require.NoError(t, err)
	v = c.validate(user, env, "m")
	assert.Empty(t, v.errors, "AnsibleModule's way: a null passes required")
}

func TestSubOptions(t *testing.T) {
	t.Parallel()
	spec := Spec{Options: []Option{
		{Name: "hc", Type: TypeDict, Options: []Option{
			{Name: "target", Required: true},
			{Name: "interval", Type: TypeInt, Default: 10, Checks: []Check{IntRange(5, 300)}},
		}},
		{Name: "filter", Type: TypeDict, Options: []Option{
			{Name: "type", Default: "allow", Choices: []any{"allow", "deny"}},
			{Name: "token", NoLog: true},
		}},
		{Name: "rules", Type: TypeList, Elements: TypeDict, Options: []Option{{Name: "port", Type: TypeInt, Required: true}}},
	}, NullMeansAbsent: true}
	c, err := spec.compile(true)
	require.NoError(t, err)
	validate := func(js string) *validation {
		tree, err := decodeJSON([]byte(js))
		require.NoError(t, err)
		return c.validate(tree.(*object), noEnv, "m")
	}
	v := validate(`{"hc": {"target": "TCP:80"}, "filter": {"token": "s3cr3t"}, "rules": [{"port": "8080"}]}`)
	require.Empty(t, v.errors)
	assert.Equal(t, map[string]any{"target": "TCP:80", "interval": 10}, plain(v.params.values["hc"]), "sub-defaults apply")
	assert.Equal(t, map[string]any{"type": "allow", "token": "s3cr3t"}, plain(v.params.values["filter"]))
	assert.Equal(t, []any{map[string]any{"port": 8080}}, plain(v.params.values["rules"]))
	assert.Contains(t, v.noLog, "s3cr3t", "no_log inside a dict")

	v = validate(`{"hc": {"interval": "x", "zzz": 1}, "filter": {"type": "maybe"}, "rules": [{"port": 1}, {}]}`)
	assert.Equal(t, []string{
		"missing required arguments: target found in hc",
		"argument 'interval' is of type <class 'str'> found in 'hc'. and we were unable to convert to int: <class 'str'> cannot be converted to an int",
		"Unsupported parameters for (m) module: hc.zzz. Supported parameters include: interval, target.",
		"value of type must be one of: allow, deny, got: maybe found in filter",
		"missing required arguments: port found in rules",
	}, v.errors)

	v = validate(`{"hc": {"target": "ICMP", "interval": 1}}`)
	assert.Equal(t, []string{"value of interval must be between 5 and 300, got: 1 found in hc"}, v.errors)
	v = validate(`{}`)
	assert.Empty(t, v.errors)
	assert.Nil(t, v.params.values["hc"], "an absent dict stays null: its sub-defaults do not apply")

	_, err = (&Spec{Options: []Option{{Name: "x", Type: TypeInt, Options: []Option{{Name: "y"}}}}}).compile(true)
	assert.ErrorContains(t, err, `option "x": options are only supported with type dict, or type list with elements dict`)
}

package ansible

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The args files under testdata/args were captured from ansible-core
// 2.14.18 by testdata/capture/capture.sh.
func TestReadArgsCaptured(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		want     func(in *Internal)
		wantKeys []string
		check    func(t *testing.T, p *object)
	}{
		{
			file: "plain_yaml_args.json",
			want: func(in *Internal) {},
			wantKeys: []string{"name", "port", "port_str", "flag_yes", "flag_str_yes", "flag_no", "items", "dict_arg", "float_arg",
				"float_one", "octal", "null_arg", "templ", "templ_int", "templ_bool", "templ_list", "templ_dict", "unicode", "password"},
			check: func(t *testing.T, p *object) {
				assert.Equal(t, "80", mustNumber(t, p, "port"))
				assert.Equal(t, "1.0", mustNumber(t, p, "float_one"), "1.0 stays apart from 1")
				assert.Equal(t, "493", mustNumber(t, p, "octal"))
				assert.Equal(t, "café 東京", p.values["unicode"])
				v, ok := p.get("null_arg")
				assert.True(t, ok)
				assert.Nil(t, v)
				assert.False(t, p.has("omitted"), "{{ omit }} removes the key")
			},
		},
		{
			file:     "plain_freeform_args.json",
			want:     func(in *Internal) {},
			wantKeys: []string{"name", "port", "flag_yes", "flag_true", "flag_no", "items", "quoted", "templ", "empty", "password"},
			check: func(t *testing.T, p *object) {
				assert.Equal(t, "80", p.values["port"], "free-form values are strings")
				assert.Equal(t, "a,b", p.values["items"])
				assert.Equal(t, "", p.values["empty"])
			},
		},
		{file: "check_yaml_args.json", want: func(in *Internal) { in.CheckMode = true }},
		{file: "check_check_mode_false.json", want: func(in *Internal) {}, wantKeys: []string{"name"}},
		{file: "diff_fqcn.json", want: func(in *Internal) { in.Diff = true; in.ModuleName = "nifcloud.demo.probe" }, wantKeys: []string{"name", "port"}},
		{file: "vvv_fqcn.json", want: func(in *Internal) { in.Verbosity = 3; in.ModuleName = "nifcloud.demo.probe" }},
		{file: "debug_fqcn.json", want: func(in *Internal) {
			in.CheckMode, in.Diff, in.NoLog, in.Debug, in.Verbosity, in.ModuleName = true, true, true, true, 4, "nifcloud.demo.probe"
		}},
		{file: "keep_fqcn.json", want: func(in *Internal) {
			in.KeepRemoteFiles, in.SyslogFacility, in.ShellExecutable, in.ModuleName = true, "LOG_LOCAL0", "/bin/bash", "nifcloud.demo.probe"
		}},
		{file: "adhoc_json.json", want: func(in *Internal) {}, wantKeys: []string{"name", "port", "tags"}},
		{file: "adhoc_kv.json", want: func(in *Internal) {}, wantKeys: []string{"name", "port", "enabled"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			in, params, err := readArgs(filepath.Join("testdata", "args", tt.file), "fallback")
			require.NoError(t, err)
			want := defaultInternal("probe")
			want.Version = "2.14.18"
			want.RemoteTmp = in.RemoteTmp
			want.Tmpdir = in.Tmpdir
			tt.want(&want)
			assert.Equal(t, want, in)
			assert.True(t, strings.HasSuffix(in.Tmpdir, "/"), "tmpdir %q ends in /", in.Tmpdir)
			assert.NotEmpty(t, in.RemoteTmp)
			for _, k := range params.keys {
				assert.False(t, strings.HasPrefix(k, "_ansible_"), "internal key %s left among the options", k)
			}
			if tt.wantKeys != nil {
				assert.Equal(t, tt.wantKeys, params.keys, "options in file order")
			}
			if tt.check != nil {
				tt.check(t, params)
			}
		})
	}
}

func mustNumber(t *testing.T, p *object, key string) string {
	t.Helper()
	v, ok := p.get(key)
	require.True(t, ok, "key %s", key)
	n, ok := v.(json.Number)
	require.True(t, ok, "key %s holds %T", key, v)
	return string(n)
}

func TestReadArgsCapturedNaN(t *testing.T) {
	t.Parallel()
	_, _, err := readArgs(filepath.Join("testdata", "args", "plain_nan.json"), "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not valid JSON at byte 29: invalid character 'N' looking for beginning of value")
	assert.Contains(t, err.Error(), "Ansible writes the YAML floats .nan and .inf as NaN and Infinity")
}

func TestReadArgsErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "cannot read the args file: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"directory", dir, "cannot read the args file " + dir + ": read " + dir + ": is a directory"},
		{"empty", write("empty", ""), "empty, expected a JSON object with the task options"},
		{"blank", write("blank", " \n\t"), "empty, expected a JSON object with the task options"},
		{"array", write("array", `["a"]`), "holds a JSON array, expected an object with the task options"},
		{"string", write("string", `"a"`), "holds a JSON string, expected"},
		{"number", write("number", `1`), "holds a JSON number, expected"},
		{"null", write("null", `null`), "holds a JSON null, expected"},
		{"bool", write("bool", `true`), "holds a JSON boolean, expected"},
		{"truncated", write("truncated", `{"a": 1`), "not valid JSON at byte 7: unexpected end of JSON input"},
		{"trailing", write("trailing", `{"a": 1} {}`), "not valid JSON at byte 10: invalid character '{' after top-level value"},
		{"infinity", write("infinity", `{"a": -Infinity}`), "which JSON does not allow"},
		{"bad utf8", write("utf8", "{\"a\": \"\xff\"}"), "not valid UTF-8"},
		{"bom", write("bom", "\xef\xbb\xbf{}"), "not valid JSON at byte 1: invalid character 'ï' looking for beginning of value"},
		{"bad internal bool", write("ib", `{"_ansible_check_mode": "maybe"}`), "invalid _ansible_check_mode: The value 'maybe' is not a valid boolean"},
		{"bad internal string", write("is", `{"_ansible_module_name": 1}`), "invalid _ansible_module_name: <class 'int'> is not a string"},
		{"bad verbosity", write("iv", `{"_ansible_verbosity": "x"}`), "invalid _ansible_verbosity: <class 'str'> cannot be converted to an int"},
		{"bad selinux", write("isf", `{"_ansible_selinux_special_fs": [1]}`), "invalid _ansible_selinux_special_fs: item 1 is not a string"},
		{"bad selinux type", write("isf2", `{"_ansible_selinux_special_fs": "x"}`), "invalid _ansible_selinux_special_fs: <class 'str'> is not a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := readArgs(tt.path, "x")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestReadArgsInternal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "args")
	content := `{"b": 1, "_ansible_check_mode": "yes", "_ansible_diff": 1, "_ansible_verbosity": "2", "_ansible_tmpdir": null,
		"_ansible_future_key": {"x": 1}, "_ansible_tracebacks_for": [], "a": 2, "_ansible_socket": "/s", "_ansible_debug": true,
		"_ansible_selinux_special_fs": ["nfs"], "_ansible_string_conversion_action": "ignore", "_ansible_remote_tmp": "/r",
		"_ansible_keep_remote_files": false, "_ansible_no_log": "off", "_ansible_version": "2.17.0"}`
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	in, params, err := readArgs(path, "mymod")
	require.NoError(t, err)
	assert.Equal(t, Internal{
		CheckMode: true, Diff: true, Debug: true, Verbosity: 2, Version: "2.17.0", ModuleName: "mymod",
		RemoteTmp: "/r", ShellExecutable: "/bin/sh", SyslogFacility: "LOG_USER", Socket: "/s",
		StringConversionAction: "ignore", SelinuxSpecialFS: []string{"nfs"},
	}, in)
	assert.Equal(t, []string{"b", "a"}, params.keys, "unknown _ansible_ keys are dropped, the rest keep their order")
}

func TestReadArgsStandalone(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "args.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"name": "x"}`), 0o600))
	in, params, err := readArgs(path, "nifcloud_lb")
	require.NoError(t, err)
	assert.Equal(t, defaultInternal("nifcloud_lb"), in)
	assert.Equal(t, "0.0", in.Version)
	assert.False(t, in.CheckMode)
	assert.Equal(t, []string{"name"}, params.keys)
}

func TestParseArgsTooLarge(t *testing.T) {
	t.Parallel()
	_, err := parseArgs(make([]byte, maxArgsSize+1))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "larger than")
}

func TestDecodeJSONOrder(t *testing.T) {
	t.Parallel()
	tree, err := decodeJSON([]byte(`{"z": 1, "a": {"y": [1, "x", null, true, 1.5]}, "z": 2}`))
	require.NoError(t, err)
	obj := tree.(*object)
	assert.Equal(t, []string{"z", "a"}, obj.keys, "a repeated key keeps its first place")
	assert.Equal(t, json.Number("2"), obj.values["z"], "and its last value")
	assert.Equal(t, `{'z': 2, 'a': {'y': [1, 'x', None, True, 1.5]}}`, pyRepr(obj))
	obj.delete("z")
	obj.delete("missing")
	assert.Equal(t, []string{"a"}, obj.keys)
}

package ansible

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// maxArgsSize bounds the args file; Ansible's are a few kilobytes.
const maxArgsSize = 64 << 20

// Internal holds the "_ansible_*" keys Ansible adds to a module's options.
// Keys the package does not know are ignored, as newer controllers add
// more. An absent key keeps the default given with its field, which is
// AnsibleModule's default too.
type Internal struct {
	// CheckMode is _ansible_check_mode: the module must not change anything. Default false.
	CheckMode bool
	// Diff is _ansible_diff: the user asked for the result's diff. Default false.
	Diff bool
	// NoLog is _ansible_no_log: do not log to the target's syslog. Ansible censors the
	// output itself; this is not a request to censor it. Default false.
	NoLog bool
	// Debug is _ansible_debug (ANSIBLE_DEBUG). Default false.
	Debug bool
	// KeepRemoteFiles is _ansible_keep_remote_files: the args file (secrets included)
	// stays on the target. Default false.
	KeepRemoteFiles bool
	// Verbosity is _ansible_verbosity, the number of -v. Default 0.
	Verbosity int
	// Version is _ansible_version, the controller's version. Default "0.0".
	Version string
	// ModuleName is _ansible_module_name, the module name as written in the task
	// (an FQCN such as "nifcloud.demo.nifcloud_lb" when called so). Default: the
	// Program's name.
	ModuleName string
	// Tmpdir is _ansible_tmpdir, the per-task remote tmpdir with a trailing "/",
	// which Ansible removes after the task. Default "" (also when Ansible sends null).
	Tmpdir string
	// RemoteTmp is _ansible_remote_tmp, not expanded. Default "".
	RemoteTmp string
	// ShellExecutable is _ansible_shell_executable. Default "/bin/sh".
	ShellExecutable string
	// SyslogFacility is _ansible_syslog_facility. Default "LOG_USER".
	SyslogFacility string
	// Socket is _ansible_socket, the persistent connection's socket. Default "".
	Socket string
	// StringConversionAction is _ansible_string_conversion_action. Default "warn".
	StringConversionAction string
	// SelinuxSpecialFS is _ansible_selinux_special_fs. Default Ansible's list.
	SelinuxSpecialFS []string
}

func defaultInternal(name string) Internal {
	return Internal{
		Version:                "0.0",
		ModuleName:             name,
		ShellExecutable:        "/bin/sh",
		SyslogFacility:         "LOG_USER",
		StringConversionAction: "warn",
		SelinuxSpecialFS:       []string{"fuse", "nfs", "vboxsf", "ramfs", "9p", "vfat"},
	}
}

// readArgs reads and decodes the args file at path. It returns the
// _ansible_ keys decoded over the defaults and the task's options (every
// other key), in file order.
func readArgs(path, name string) (Internal, *object, error) {
	in := defaultInternal(name)
	f, err := os.Open(path)
	if err != nil {
		return in, nil, fmt.Errorf("cannot read the args file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxArgsSize+1))
	if err != nil {
		return in, nil, fmt.Errorf("cannot read the args file %s: %w", path, err)
	}
	params, err := parseArgs(data)
	if err != nil {
		return in, nil, fmt.Errorf("args file %s: %w", path, err)
	}
	if err := in.decode(params); err != nil {
		return in, nil, fmt.Errorf("args file %s: %w", path, err)
	}
	return in, params, nil
}

// parseArgs decodes the contents of an args file, which must be one JSON
// object.
func parseArgs(data []byte) (*object, error) {
	switch {
	case len(data) > maxArgsSize:
		return nil, fmt.Errorf("larger than %d bytes", maxArgsSize)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, errors.New("empty, expected a JSON object with the task options")
	case !utf8.Valid(data):
		return nil, errors.New("not valid UTF-8")
	}
	tree, err := decodeJSON(data)
	if err != nil {
		return nil, describeJSONError(data, err)
	}
	obj, ok := tree.(*object)
	if !ok {
		return nil, fmt.Errorf("holds a JSON %s, expected an object with the task options", jsonKind(tree))
	}
	return obj, nil
}

// describeJSONError words a decoding error, with the position, and with a
// hint when the cause is NaN or Infinity, which Ansible writes for the YAML
// floats .nan and .inf.
func describeJSONError(data []byte, err error) error {
	var syntax *json.SyntaxError
	if !errors.As(err, &syntax) {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	off := int(syntax.Offset) - 1
	if off >= 0 && off < len(data) {
		rest := string(data[off:])
		if strings.HasPrefix(rest, "NaN") || strings.HasPrefix(rest, "Infinity") {
			return fmt.Errorf("not valid JSON at byte %d: %w (Ansible writes the YAML floats .nan and .inf as NaN and Infinity, which JSON does not allow; use a finite number or quote the value)", syntax.Offset, err)
		}
	}
	return fmt.Errorf("not valid JSON at byte %d: %w", syntax.Offset, err)
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "value"
}

// decode takes the _ansible_ keys out of params and sets the fields they
// carry. Booleans are read with Ansible's spellings, as AnsibleModule does.
func (in *Internal) decode(params *object) error {
	var errs []error
	for _, key := range append([]string(nil), params.keys...) {
		if !strings.HasPrefix(key, "_ansible_") {
			continue
		}
		v := params.values[key]
		params.delete(key)
		if err := in.set(strings.TrimPrefix(key, "_ansible_"), v); err != nil {
			errs = append(errs, fmt.Errorf("invalid %s: %w", key, err))
		}
	}
	return errors.Join(errs...)
}

func (in *Internal) set(key string, v any) error {
	if v == nil {
		return nil // keep the default
	}
	bools := map[string]*bool{"check_mode": &in.CheckMode, "diff": &in.Diff, "no_log": &in.NoLog, "debug": &in.Debug, "keep_remote_files": &in.KeepRemoteFiles}
	strs := map[string]*string{"version": &in.Version, "module_name": &in.ModuleName, "tmpdir": &in.Tmpdir, "remote_tmp": &in.RemoteTmp,
		"shell_executable": &in.ShellExecutable, "syslog_facility": &in.SyslogFacility, "socket": &in.Socket, "string_conversion_action": &in.StringConversionAction}
	if p, ok := bools[key]; ok {
		b, err := convertBool(v)
		if err != nil {
			return err
		}
		*p = b.(bool)
		return nil
	}
	if p, ok := strs[key]; ok {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s is not a string", pyType(v))
		}
		*p = s
		return nil
	}
	switch key {
	case "verbosity":
		n, err := convertInt(v)
		if err != nil {
			return err
		}
		if b, ok := n.(bool); ok {
			n = map[bool]int{false: 0, true: 1}[b]
		}
		in.Verbosity = n.(int)
	case "selinux_special_fs":
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s is not a list", pyType(v))
		}
		fs := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("item %s is not a string", pyRepr(e))
			}
			fs = append(fs, s)
		}
		in.SelinuxSpecialFS = fs
	}
	return nil
}

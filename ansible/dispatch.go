package ansible

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// platformSuffix is the "_<system>_<architecture>" suffix of per-platform
// binaries, named after Ansible's facts (ansible_system|lower,
// ansible_architecture) or Go's GOOS and GOARCH.
var platformSuffix = regexp.MustCompile(`(?i)_(?:linux|darwin|freebsd|openbsd|netbsd|windows)_(?:x86_64|amd64|aarch64|arm64|i386|i686|386|armv[0-9]+l?|arm|ppc64le|s390x|riscv64)$`)

// ModuleNameFromPath returns the module name a binary or link at path
// stands for: its base name without the "AnsiballZ_" prefix Ansible gives
// the copy it runs, without ".exe", and without a platform suffix such as
// "_linux_x86_64" or "_darwin_arm64".
func ModuleNameFromPath(path string) string {
	name := strings.TrimPrefix(filepath.Base(path), "AnsiballZ_")
	name = strings.TrimSuffix(name, ".exe")
	return platformSuffix.ReplaceAllString(name, "")
}

// pick returns the module to run: the one named by moduleName, Ansible's
// _ansible_module_name (the last part of an FQCN, without a platform
// suffix), or when that is empty by argv0, the path the binary was started
// as.
func (r *runner) pick(moduleName, argv0 string) (Program, error) {
	name := moduleName
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	name = platformSuffix.ReplaceAllString(name, "")
	from := "_ansible_module_name " + moduleName
	if name == "" {
		name, from = ModuleNameFromPath(argv0), "the file name "+filepath.Base(argv0)
	}
	for _, p := range r.bin.Modules {
		if p.Name == name {
			return p, nil
		}
	}
	r.name = name
	return Program{}, fmt.Errorf("unknown module %q (from %s): this binary (%s %s) holds the modules %s; run it as one of them, through a link of that name, or with _ansible_module_name set",
		name, from, r.bin.Name, r.bin.Version, strings.Join(r.moduleNames(), ", "))
}

// moduleNames returns the names of the binary's modules, sorted.
func (r *runner) moduleNames() []string {
	names := make([]string, len(r.bin.Modules))
	for i, p := range r.bin.Modules {
		names[i] = p.Name
	}
	slices.Sort(names)
	return names
}

// commandName is the name of the command for its usage and version lines:
// the binary's name, or without one the module name of args[0].
func (r *runner) commandName(args []string) string {
	if len(args) > 0 && args[0] != "" {
		if name := ModuleNameFromPath(args[0]); slices.Contains(r.moduleNames(), name) {
			return name
		}
	}
	switch {
	case r.bin.Name != "":
		return r.bin.Name
	case len(args) > 0 && args[0] != "":
		return ModuleNameFromPath(args[0])
	}
	return "module"
}

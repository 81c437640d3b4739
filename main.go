// Command nifcloud_lb is a family of Ansible modules for NIFCLOUD load
// balancers in one static binary, talking to NIFCLOUD's signed Computing
// API.
//
// Ansible runs it with one argument, the path of a JSON file holding the
// task's options; it runs the module the task names (_ansible_module_name),
// prints one JSON object and exits. It runs the same way by hand, as
// "nifcloud_lb args.json" or through a link named after another module
// ("nifcloud_elb args.json"). See library/*.yml (ansible-doc) and README.md
// for the modules, their options and their results, and package
// nifcloud_lb/nifcloud/modules for their code.
package main

import (
	"context"
	"os"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud/modules"
)

// version is the version of the binary, the collection and the dist
// archives: the Makefile reads it here, and --version prints it. The
// sidecars' version_added follows CHANGELOG.md instead.
// Change it only together with CHANGELOG.md.
var version = "2.0.0"

func main() {
	ctx, stop := ansible.SignalContext(context.Background())
	code := ansible.Main(ctx, modules.Binary(version, modules.Env{}), os.Args, os.Stdout, os.LookupEnv)
	stop()
	os.Exit(code)
}

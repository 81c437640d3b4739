// Package ansible makes a Go program behave like an Ansible module written
// with Python's AnsibleModule.
//
// Ansible runs a binary module with one argument, the path of a JSON file
// holding the task's options next to internal "_ansible_*" keys, and reads
// one JSON object from its standard output. It does nothing else for it: no
// argument validation, no type conversion, no environment fallbacks and no
// masking of secrets. This package does all of that the way ansible-core
// 2.14's AnsibleModule does, with the same error wording, and reports every
// problem it finds in one message instead of only the first.
//
// A module declares a [Program] (name, version, [Spec], run function) and
// hands it to [Main], which loads the args file, validates and converts the
// options, runs the module with a [Module], scrubs every no_log value from
// the [Result] and prints it as one JSON object. Main never writes anything
// else to stdout (apart from the "--version" line), never writes to stderr,
// and turns a missing or broken args file, a wrong argument count and a
// panic in the module into a JSON failure.
//
// # Example
//
//	func main() {
//		os.Exit(ansible.Main(ansible.Program{
//			Name:    "nifcloud_lb",
//			Version: version,
//			Spec: ansible.Spec{
//				Options: []ansible.Option{
//					{Name: "secret_access_key", NoLog: true, Required: true, EnvFallback: []string{"NIFCLOUD_SECRET_ACCESS_KEY"}},
//					{Name: "loadbalancer_port", Type: ansible.TypeInt, Checks: []ansible.Check{ansible.IntRange(1, 65535)}},
//					{Name: "state", Default: "present", Choices: []any{"present", "absent"}},
//				},
//				SupportsCheckMode: true,
//			},
//			Run: run,
//		}, os.Args, os.Stdout, os.LookupEnv))
//	}
//
// # Messages
//
// Validation problems are worded as AnsibleModule words them and joined
// with "; " in AnsibleModule's validation order: mutually exclusive options,
// missing required options, type conversions (spec order), choices (spec
// order), the options' own [Check]s (spec order), required_together,
// required_one_of, required_if, required_by, and last the unsupported
// parameters. AnsibleModule reports only the first of them; the first
// message here is the one AnsibleModule would print. Identical messages
// are reported once.
package ansible

// Command nifcloud_lb is an Ansible module that registers and deregisters
// servers on a NIFCLOUD load balancer through the signed Computing API.
//
// Ansible runs it with one argument, the path of a JSON file holding the
// task's options; it prints one JSON object and exits.
package main

import (
	"fmt"
	"os"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println("nifcloud_lb", version)
		return
	}
	fmt.Println(`{"failed": true, "msg": "nifcloud_lb: not implemented yet"}`)
	os.Exit(1)
}

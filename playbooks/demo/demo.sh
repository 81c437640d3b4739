#!/usr/bin/env bash
# make demo: walk through a rolling deploy against the local NIFCLOUD
# emulator. Uses ansible-playbook when it is installed, and the module's
# standalone mode (library/nifcloud_lb ARGS_FILE) otherwise. The emulator is
# stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The tests set DEMO_LIBRARY, the folder of the built modules, and
# DEMO_EMULATOR_FLAGS, the emulator's delays.
library=${DEMO_LIBRARY:-library}
module=$library/nifcloud_lb
[ -x "$module" ] || { echo "demo: $module is missing; run make build (make demo does)" >&2; exit 1; }

work=$(mktemp -d)
emulator_pid=""
cleanup() {
	if [ -n "$emulator_pid" ]; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== Starting the NIFCLOUD emulator on loopback"
go build -o "$work/nifcloud-emulator" ./nifcloud/nifcloudtest/nifcloud-emulator
# shellcheck disable=SC2086 # DEMO_EMULATOR_FLAGS is a list of flags
"$work/nifcloud-emulator" -addr 127.0.0.1:0 ${DEMO_EMULATOR_FLAGS:--appear 1s -in-service 3s} -json \
	-ready-file "$work/ready" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do
	[ -s "$work/ready" ] && break
	kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
	sleep 0.1
done
[ -s "$work/ready" ] || { echo "demo: the emulator did not start" >&2; exit 1; }
ready=$(cat "$work/ready")
field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\1/" <<<"$ready"; }
endpoint=$(field endpoint)
export NIFCLOUD_ACCESS_KEY_ID; NIFCLOUD_ACCESS_KEY_ID=$(field access_key)
export NIFCLOUD_SECRET_ACCESS_KEY; NIFCLOUD_SECRET_ACCESS_KEY=$(field secret_access_key)
echo "   endpoint $endpoint, access key $NIFCLOUD_ACCESS_KEY_ID"
echo "   load balancer demolb: 80->8080 and 443->8443, web001 and web002 registered on both"
echo "   Multi Load Balancer demoelb (elb-0d3e0e1b): TCP 80->8080 and HTTPS 443->8443, web001 and web002 on both"
echo

if command -v ansible-playbook >/dev/null 2>&1; then
	echo "== ansible-playbook playbooks/demo/demo.yml (modules from $library/)"
	ANSIBLE_LIBRARY="$(cd "$library" && pwd)" ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
		ansible-playbook -i localhost, -c local playbooks/demo/demo.yml -e "nifcloud_endpoint=$endpoint"
else
	echo "== ansible-playbook is not installed: running the module standalone with args files"
	step() {
		local title=$1 args=$2 run=${3:-$module}
		echo
		echo "-- $title"
		printf '%s\n' "$args" >"$work/args.json"
		echo "   \$ $run args.json    # $args"
		"$run" "$work/args.json" | sed -E 's/,"invocation":\{"module_args":\{[^}]*\}\}//; s/^/   /'
	}
	lb='"loadbalancer_name": "demolb", "loadbalancer_port": 80, "instance_port": 8080'
	base="\"endpoint\": \"$endpoint\", $lb"
	step "1. Register two new servers, web003 and web004" "{$base, \"instance_ids\": [\"web003\", \"web004\"]}"
	step "2. Run the same task again: nothing to do, one API call" "{$base, \"instance_ids\": [\"web003\", \"web004\"]}"
	step "3. Drain web003 in check mode: what would happen" "{$base, \"instance_ids\": \"web003\", \"state\": \"absent\", \"_ansible_check_mode\": true}"
	step "4. Drain web003 for its upgrade" "{$base, \"instance_ids\": \"web003\", \"state\": \"absent\"}"
	step "5. Look before acting: the port-80 listeners of both load balancers, and their health (nifcloud_lb_info)" \
		"{\"endpoint\": \"$endpoint\", \"loadbalancer_port\": 80}" "$library/nifcloud_lb_info"
	step "6. Put web003 back and wait until it is InService" "{$base, \"instance_ids\": \"web003\", \"wait\": true, \"wait_timeout\": 60}"
	step "7. Before maintenance, take web001 out of every classic load balancer" "{\"endpoint\": \"$endpoint\", \"instance_ids\": \"web001\", \"state\": \"absent\"}"
	step "8. ... and out of every Multi Load Balancer (nifcloud_elb)" "{\"endpoint\": \"$endpoint\", \"instance_ids\": \"web001\", \"state\": \"absent\"}" "$library/nifcloud_elb"
fi

echo
echo "== What the API saw (the emulator's log)"
sed 's/^/   /' "$work/emulator.log"

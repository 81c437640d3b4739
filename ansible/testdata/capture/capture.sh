#!/bin/sh
# Regenerates ../args/*.json: the args files ansible-core passes a binary
# (WANT_JSON) module, saved by the probe module in library/probe.
# Usage (from anywhere): sh ansible/testdata/capture/capture.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/../args" && pwd)
export PROBE_OUT="$out"
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_COLLECTIONS_PATH="$here/collections"
export ANSIBLE_LIBRARY="$here/library"
cd "$here"
pb() { ansible-playbook -i localhost, capture.yml "$@" >/dev/null; }
pb -e prefix=plain_
pb -e prefix=check_ --check
pb -e prefix=diff_ --diff
pb -e prefix=vvv_ -vvv
keep=$(mktemp -d)
ANSIBLE_KEEP_REMOTE_FILES=1 ANSIBLE_REMOTE_TMP="$keep" pb -e prefix=keep_ -e ansible_syslog_facility=LOG_LOCAL0 -e ansible_shell_executable=/bin/bash
rm -rf "$keep"
ANSIBLE_DEBUG=1 ANSIBLE_NO_TARGET_SYSLOG=True pb -e prefix=debug_ --check --diff -vvvv
PROBE_NAME=adhoc_json ansible localhost -c local -i localhost, -m probe -a '{"name": "adhoc", "port": 80, "tags": ["a"]}' >/dev/null
PROBE_NAME=adhoc_kv ansible localhost -c local -i localhost, -m probe -a 'name=adhoc port=80 enabled=yes' >/dev/null
ls "$out"

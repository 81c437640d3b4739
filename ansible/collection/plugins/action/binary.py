# -*- coding: utf-8 -*-
"""The action plugin of every module of this collection.

Each module of the collection is one static Go binary per platform, shipped
once in bin/ (nifcloud_lb_linux_x86_64, ...) and reached through links named
plugins/modules/platforms/MODULE_PLATFORM. meta/runtime.yml routes every
module to this plugin, which:

1. finds the system and architecture of the host the task runs on (the
   delegated host under delegate_to): from its gathered facts, or else with
   one "uname -s -m" through the task's connection;
2. maps them to a platform name (linux or darwin, x86_64 or arm64) and picks
   the link MODULE_PLATFORM, or fails naming the system and architecture and
   the platforms the collection has;
3. runs that binary as Ansible runs any binary module, with
   _ansible_module_name set to the module as the task names it, so that the
   binary runs that module and words its messages with that name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash

# The spellings of uname -s and uname -m (and of the system and architecture
# facts) that name a platform of the binaries.
SYSTEMS = {"linux": "linux", "darwin": "darwin"}
ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}

# The folder of the links MODULE_PLATFORM: the module loader finds
# NAMESPACE.NAME.platforms.MODULE_PLATFORM there.
PLATFORMS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "modules", "platforms")

# The system and architecture of each host asked with uname by this worker
# process; a task's loop items share one worker.
_uname = {}


def platform_name(system, architecture):
    """Return the platform ("linux_x86_64") of a system and architecture as
    uname or the facts spell them ("Linux", "aarch64"), or None."""
    known_system = SYSTEMS.get(str(system).lower())
    known_architecture = ARCHITECTURES.get(str(architecture).lower())
    if known_system and known_architecture:
        return known_system + "_" + known_architecture
    return None


def choose_binary(module, system, architecture, names):
    """Return the link (MODULE_PLATFORM) that runs module on system and
    architecture, among the file names of PLATFORMS_DIR, or raise
    AnsibleActionFail naming what is missing."""
    platforms = sorted(set(s + "_" + a for s in SYSTEMS.values() for a in ARCHITECTURES.values()))
    have = [p for p in platforms if module + "_" + p in names]
    if not have:
        raise AnsibleActionFail("%s is not a module of this collection: it has no binary for it" % module)
    platform = platform_name(system, architecture)
    if platform not in have:
        raise AnsibleActionFail("no %s binary for %s %s; this collection has: %s"
                                % (module, system, architecture, ", ".join(p.replace("_", " ", 1) for p in have)))
    return module + "_" + platform


class ActionModule(ActionBase):
    """Runs the task's module with the binary of the host it runs on."""

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = True
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        wrap_async = self._task.async_val and not self._connection.has_native_async
        try:
            collection, _, module = (self._task.resolved_action or self._task.action).rpartition(".")
            system, architecture = self._platform(task_vars)
            link = choose_binary(module, system, architecture, os.listdir(PLATFORMS_DIR))
            name = ".".join(part for part in (collection, "platforms", link) if part)
            result = merge_hash(result, self._execute_module(module_name=name, task_vars=task_vars, wrap_async=wrap_async))
        except AnsibleActionFail as e:
            # The message says it all: no traceback to show.
            result.update(failed=True, msg=e.message)
        finally:
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _update_module_args(self, module_name, module_args, task_vars):
        super(ActionModule, self)._update_module_args(module_name, module_args, task_vars)
        # The binary runs the module named here, and names it in its messages
        # as Ansible's own modules do: as the task wrote it.
        module_args["_ansible_module_name"] = self._task.action

    def _platform(self, task_vars):
        """Return the system and architecture of the host the task runs on:
        its facts when gathered, else what uname says through the task's
        connection."""
        host = self._task.delegate_to
        if host:
            host_vars = task_vars.get("ansible_delegated_vars", {}).get(host, {})
        else:
            host, host_vars = task_vars.get("inventory_hostname"), task_vars
        facts = host_vars.get("ansible_facts") or {}
        if facts.get("system") and facts.get("architecture"):
            return facts["system"], facts["architecture"]
        if host not in _uname:
            _uname[host] = self._ask_uname(host)
        return _uname[host]

    def _ask_uname(self, host):
        """Return the system and architecture uname -s -m reports on host."""
        res = self._low_level_execute_command("uname -s -m", sudoable=False)
        words = (res.get("stdout") or "").split()
        if res.get("rc") != 0 or len(words) != 2:
            raise AnsibleActionFail("cannot tell the platform of %s to pick its binary: uname -s -m exited %s: %s"
                                    % (host, res.get("rc"), (res.get("stderr") or res.get("stdout") or "").strip()))
        return words[0], words[1]

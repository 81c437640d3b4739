# -*- coding: utf-8 -*-
"""Unit tests of the action plugin binary.py: which binary it picks for which
host, and how it fails. Needs nothing beyond ansible-core; run it with the
Python of ansible-core:

    python3 tests/unit/plugins/action/test_binary.py
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import shutil
import tempfile
import unittest
from types import SimpleNamespace

from ansible.errors import AnsibleActionFail

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "binary", os.path.join(HERE, "..", "..", "..", "..", "plugins", "action", "binary.py"))
binary = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(binary)

PLATFORMS = ["darwin_arm64", "darwin_x86_64", "linux_arm64", "linux_x86_64"]
# The links of a collection with two modules, one named like the start of
# the other.
LINKS = ["%s_%s" % (m, p) for m in ("nifcloud_lb", "nifcloud_lb_info") for p in PLATFORMS]
ALL = "this collection has: darwin arm64, darwin x86_64, linux arm64, linux x86_64"


class ChooseBinaryTest(unittest.TestCase):
    def test_the_four_platforms(self):
        # As uname -s -m and the facts spell them, Go's spelling, and lower case.
        cases = [
            ("Linux", "x86_64", "linux_x86_64"),
            ("Linux", "aarch64", "linux_arm64"),
            ("Darwin", "x86_64", "darwin_x86_64"),
            ("Darwin", "arm64", "darwin_arm64"),
            ("linux", "amd64", "linux_x86_64"),
            ("LINUX", "ARM64", "linux_arm64"),
        ]
        for system, architecture, platform in cases:
            for module in ("nifcloud_lb", "nifcloud_lb_info"):
                with self.subTest(system=system, architecture=architecture, module=module):
                    self.assertEqual(binary.choose_binary(module, system, architecture, LINKS), module + "_" + platform)

    def test_unknown_platforms_fail_naming_the_platform(self):
        for system, architecture in [("Linux", "ppc64le"), ("Linux", "armv7l"), ("FreeBSD", "amd64"),
                                     ("Plan9", "mips"), ("Win32NT", "x86_64")]:
            with self.subTest(system=system, architecture=architecture):
                with self.assertRaises(AnsibleActionFail) as failed:
                    binary.choose_binary("nifcloud_lb", system, architecture, LINKS)
                self.assertEqual(failed.exception.message,
                                 "no nifcloud_lb binary for %s %s; %s" % (system, architecture, ALL))

    def test_a_platform_the_collection_was_built_without(self):
        with self.assertRaises(AnsibleActionFail) as failed:
            binary.choose_binary("nifcloud_lb", "Darwin", "arm64", ["nifcloud_lb_linux_x86_64", "nifcloud_lb_linux_arm64"])
        self.assertEqual(failed.exception.message,
                         "no nifcloud_lb binary for Darwin arm64; this collection has: linux arm64, linux x86_64")

    def test_a_name_that_is_no_module(self):
        with self.assertRaises(AnsibleActionFail) as failed:
            binary.choose_binary("binary", "Linux", "x86_64", LINKS)
        self.assertEqual(failed.exception.message, "binary is not a module of this collection: it has no binary for it")


class FakeAction(binary.ActionModule):
    """The plugin with a recorded connection: uname answers with what the
    test says, and modules are recorded instead of run."""

    def __init__(self, uname, **task):
        task.setdefault("delegate_to", None)
        task.setdefault("action", "lbkit.nifcloud.nifcloud_lb")
        task.setdefault("resolved_action", "lbkit.nifcloud.nifcloud_lb")
        task = SimpleNamespace(async_val=0, check_mode=False, args={}, **task)
        connection = SimpleNamespace(_shell=SimpleNamespace(tmpdir=None), has_native_async=False)
        super(FakeAction, self).__init__(task, connection, None, None, None, None)
        self.uname = uname
        self.commands = []
        self.executed = []

    def _low_level_execute_command(self, cmd, sudoable=True, **kwargs):
        self.commands.append(cmd)
        return self.uname

    def _execute_module(self, module_name=None, task_vars=None, wrap_async=False, **kwargs):
        self.executed.append(module_name)
        return {"changed": True}


def uname(stdout, rc=0, stderr=""):
    return {"rc": rc, "stdout": stdout, "stderr": stderr}


class PlatformTest(unittest.TestCase):
    def setUp(self):
        binary._uname.clear()

    def test_facts_of_the_host(self):
        action = FakeAction(uname("Linux x86_64\n"))
        facts = {"inventory_hostname": "web001", "ansible_facts": {"system": "Darwin", "architecture": "arm64"}}
        self.assertEqual(action._platform(facts), ("Darwin", "arm64"))
        self.assertEqual(action.commands, [], "no command when the facts tell")

    def test_delegated_host_facts_not_the_inventory_host(self):
        action = FakeAction(uname("Linux x86_64\n"), delegate_to="localhost")
        task_vars = {
            "inventory_hostname": "web001",
            "ansible_facts": {"system": "Linux", "architecture": "aarch64"},
            "ansible_delegated_vars": {"localhost": {"ansible_facts": {"system": "Darwin", "architecture": "x86_64"}}},
        }
        self.assertEqual(action._platform(task_vars), ("Darwin", "x86_64"))
        self.assertEqual(action.commands, [])

    def test_delegated_host_without_facts_is_asked(self):
        action = FakeAction(uname("Darwin arm64\n"), delegate_to="localhost")
        task_vars = {"inventory_hostname": "web001", "ansible_facts": {"system": "Linux", "architecture": "aarch64"}}
        self.assertEqual(action._platform(task_vars), ("Darwin", "arm64"))
        self.assertEqual(action.commands, ["uname -s -m"])

    def test_uname_once_per_host(self):
        action = FakeAction(uname("Linux aarch64\n"))
        for host in ("web001", "web001", "web002"):
            self.assertEqual(action._platform({"inventory_hostname": host}), ("Linux", "aarch64"))
        self.assertEqual(action.commands, ["uname -s -m", "uname -s -m"])

    def test_uname_failures(self):
        for result, reason in [(uname("", 127, "sh: uname: not found"), "exited 127: sh: uname: not found"),
                               (uname("Linux\n"), "exited 0: Linux")]:
            with self.subTest(reason=reason):
                binary._uname.clear()
                with self.assertRaises(AnsibleActionFail) as failed:
                    FakeAction(result)._platform({"inventory_hostname": "web001"})
                self.assertEqual(failed.exception.message,
                                 "cannot tell the platform of web001 to pick its binary: uname -s -m " + reason)


class RunTest(unittest.TestCase):
    def setUp(self):
        binary._uname.clear()
        links = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, links)
        for name in LINKS:
            open(os.path.join(links, name), "w").close()
        self.saved, binary.PLATFORMS_DIR = binary.PLATFORMS_DIR, links
        self.addCleanup(setattr, binary, "PLATFORMS_DIR", self.saved)

    def test_runs_the_platform_binary_of_the_module(self):
        action = FakeAction(uname("Linux aarch64\n"), action="nifcloud_lb_info", resolved_action="lbkit.nifcloud.nifcloud_lb_info")
        result = action.run(task_vars={"inventory_hostname": "web001"})
        self.assertEqual(result, {"changed": True})
        self.assertEqual(action.executed, ["lbkit.nifcloud.platforms.nifcloud_lb_info_linux_arm64"])

    def test_no_binary_fails_the_task_without_running_anything(self):
        action = FakeAction(uname("Linux s390x\n"))
        result = action.run(task_vars={"inventory_hostname": "web001"})
        self.assertEqual(result, {"failed": True, "msg": "no nifcloud_lb binary for Linux s390x; " + ALL})
        self.assertEqual(action.executed, [])


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""Ansible module: bring one FRR instance (a pathspace) to an intended configuration.

before = `vtysh -N PATHSPACE -c 'show running-config'`, after = the intended configuration, both
normalised (volatile lines dropped); changed = they differ. Check mode reports the diff only; a
real run saves the running configuration as the rollback point and applies the delta with FRR's
own `frr-reload.py --pathspace PATHSPACE --reload`. state=rollback re-applies that saved point.
A real run also returns the router's whole running configuration before and after it
(`netchange_backup`), which netchange saves as the device's backup in the apply's run directory.
"""

import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: frr_config
short_description: Apply an intended configuration to one FRR instance with frr-reload.py
options:
  pathspace: {description: FRR pathspace (vtysh -N) of the router, required: true, type: str}
  config: {description: The intended configuration text (state=present), type: str}
  state: {description: present applies config; rollback re-applies the saved previous configuration,
          choices: [present, rollback], default: present, type: str}
  confdir: {description: FRR's configuration root, default: /etc/frr, type: str}
  reload_script: {description: Path of frr-reload.py, default: /usr/lib/frr/frr-reload.py, type: str}
"""

RETURN = r"""
diff: {description: The normalised running configuration (before) and the intended one (after), returned: always}
netchange_backup:
  description: >-
    The router's running configuration exactly as `show running-config` prints it, read before the
    run changed anything (before) and after it (after; the same text when nothing changed). netchange
    saves both in the apply's run directory (backups/<host>/) and records their sha256 in the
    evidence. Any module can return this key; a module that does not simply has no backups.
  returned: when not in check mode, also when the module fails after reading the configuration
  type: dict
  contains:
    before: {description: The running configuration before the run, type: str}
    after: {description: The running configuration after the run (absent when applying failed), type: str}
"""

# why: these lines change without anyone changing the configuration: the banner vtysh prints, the
# FRR version, separators, and the hostname (vtysh prints its own host's name for every instance).
VOLATILE = [
    re.compile(r"^Building configuration\.\.\.$"),
    re.compile(r"^Current configuration:$"),
    re.compile(r"^frr version "),
    re.compile(r"^hostname "),
    re.compile(r"^!"),
    re.compile(r"^end$"),
]

PREVIOUS = "netchange-previous.conf"


def normalise(text):
    """The configuration without volatile lines, one line per statement, ending in a newline."""
    lines = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or any(pattern.search(line) for pattern in VOLATILE):
            continue
        lines.append(line)
    return "\n".join(lines) + "\n" if lines else ""


def running_config(module, pathspace, result=None):
    """`show running-config`; a failure fails the module, keeping `result` (the backup read so far)."""
    rc, out, err = module.run_command(["vtysh", "-N", pathspace, "-c", "show running-config"])
    if rc != 0:
        module.fail_json(
            msg="vtysh -N %s could not read the running configuration (is the lab up?): %s"
            % (pathspace, (err or out).strip()),
            **(result or {})
        )
    return out


def reload(module, pathspace, reload_script, text, result):
    """Applies `text` with frr-reload.py; a failure fails the module, keeping `result` (the backup before)."""
    handle, path = tempfile.mkstemp(prefix="frr-intended-", suffix=".conf")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        rc, out, err = module.run_command(
            ["python3", reload_script, "--pathspace", pathspace, "--reload", "--stdout", path]
        )
        if rc != 0:
            module.fail_json(
                msg="frr-reload.py failed for %s" % pathspace, rc=rc, stdout=out, stderr=err, **result
            )
    finally:
        os.unlink(path)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            pathspace=dict(type="str", required=True),
            config=dict(type="str"),
            state=dict(type="str", choices=["present", "rollback"], default="present"),
            confdir=dict(type="str", default="/etc/frr"),
            reload_script=dict(type="str", default="/usr/lib/frr/frr-reload.py"),
        ),
        required_if=[("state", "present", ["config"])],
        supports_check_mode=True,
    )
    pathspace = module.params["pathspace"]
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", pathspace):
        module.fail_json(msg="pathspace %r is not a plain name" % pathspace)
    previous_path = os.path.join(module.params["confdir"], pathspace, PREVIOUS)

    if module.params["state"] == "rollback":
        if not os.path.exists(previous_path):
            module.fail_json(msg="no saved configuration to roll back to (%s)" % previous_path)
        with open(previous_path) as file:
            intended = file.read()
    else:
        intended = module.params["config"]

    running = running_config(module, pathspace)
    before = normalise(running)
    after = normalise(intended)
    changed = before != after
    result = dict(
        changed=changed,
        pathspace=pathspace,
        diff=dict(
            before=before,
            after=after,
            before_header="%s: running-config" % pathspace,
            after_header="%s: intended" % pathspace,
        ),
    )
    if module.check_mode:
        module.exit_json(**result)

    # why: the raw text, not the normalised one: a backup is what the router ran, banner and all; it
    # is returned on failure too, since "what did it run before" matters most when applying failed.
    backup = result["netchange_backup"] = dict(before=running, after=running)
    if changed:
        del backup["after"]
        if module.params["state"] == "present":
            # why: the rollback point is what ran before this change, so a failed verification can
            # put the router back exactly as it was.
            with open(previous_path, "w") as file:
                file.write(before)
        reload(module, pathspace, module.params["reload_script"], intended, result)
        backup["after"] = running_config(module, pathspace, result)
        remaining = normalise(backup["after"])
        if remaining != after:
            module.fail_json(
                msg="%s still differs from the intended configuration after frr-reload.py" % pathspace,
                running=remaining,
                **result
            )
    module.exit_json(**result)


if __name__ == "__main__":
    main()

/**
 * netchange's own Ansible stdout callback: one JSON object per line per play, task, host result
 * and the final recap.
 *
 * why: Debian's ansible-core ships no JSON stdout callback (the `json` one lives in the
 * ansible.posix collection, which a minimal install lacks), and a single JSON document at the end
 * is lost when ansible-playbook crashes mid-run. Lines survive a crash up to the last one.
 * The callback drops module arguments (`invocation`) and anything of a no_log task but its status, and
 * reports every value Ansible decrypts from a vault (inline `!vault` variables, whole encrypted
 * vars files, `include_vars` of one, whatever the variables are called) in a `secrets` event, which
 * netchange learns for redaction and never writes anywhere. In a check run, the first play also reports every
 * inventory host's variables (`secrets` with `inventory`), as `ansible-inventory --list` would list
 * them, so a plan learns the inventory's secrets without a second Python process. A module's
 * `netchange_backup: {before, after}` (the device's running configuration around a real run) is
 * kept: apply saves it as the device's backup.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SECRET_KEY_RULE } from '../../redact/index.js';
import { processTemporaryRoot } from '../temporary-directory.js';

export const CALLBACK_NAME = 'netchange_events';

const CALLBACK_SOURCE = `# Written by netchange: machine-readable events for netchange plan/apply.
from __future__ import annotations

import json
import os
import re
import sys

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: ${CALLBACK_NAME}
type: stdout
short_description: JSON lines for netchange
description: One JSON object per line for each play, task, host result and the recap.
'''

KEEP = ('changed', 'failed', 'skipped', 'unreachable', 'msg', 'rc', 'stdout', 'stderr', 'diff',
        'skip_reason', 'assertion', 'evaluated_to', 'warnings', 'netchange_backup')


def _hidden(task, res):
    return bool(getattr(task, 'no_log', False)) or bool(res.get('_ansible_no_log', False))


def _target(task):
    # The file a task changes (its templated dest or path argument): a diff of new content names
    # Ansible's temp file instead, which differs on every run.
    args = getattr(task, 'args', None)
    if not isinstance(args, dict):
        return None
    for key in ('dest', 'path'):
        value = args.get(key)
        if isinstance(value, str) and value and '{{' not in value:
            return value
    return None


def _clean(task, res):
    if _hidden(task, res):
        return {'hidden': True, 'changed': bool(res.get('changed')), 'failed': bool(res.get('failed')),
                'skipped': bool(res.get('skipped'))}
    out = {k: res[k] for k in KEEP if k in res}
    if 'results' in res and isinstance(res['results'], list):
        items = []
        for item in res['results']:
            if not isinstance(item, dict):
                continue
            cleaned = _clean(task, item)
            if not cleaned.get('hidden'):
                label = item.get('_ansible_item_label', item.get('item'))
                cleaned['label'] = label if isinstance(label, str) else json.dumps(label, default=str, sort_keys=True)
            items.append(cleaned)
        out['results'] = items
    return out


# netchange's rule for a secret-looking name (src/redact/patterns.ts, isSecretKey).
_SECRET_KEY_RULE = json.loads('${JSON.stringify(SECRET_KEY_RULE)}')
_SECRET_WORDS = frozenset(_SECRET_KEY_RULE['words'])
_NOT_SECRET = frozenset(_SECRET_KEY_RULE['notSecret'])
_LAST_WORDS = frozenset(_SECRET_KEY_RULE['lastWords'])


def _is_secret_name(name):
    if not isinstance(name, str) or name.lower() in _NOT_SECRET:
        return False
    words = [word for word in re.split('[^a-z0-9]+', re.sub('([a-z0-9])([A-Z])', r'\\1 \\2', name).lower()) if word]
    if any(word in _SECRET_WORDS for word in words):
        return True
    return len(words) > 1 and words[-1] in _LAST_WORDS


def _rendered_secret(templar, value):
    # A template (\`"{{ lookup('env', 'X') }}"\`) under a secret-looking name: the value a task sees
    # is what Ansible renders, not the template netchange lists.
    if '{{' not in value and '{%' not in value:
        return None
    try:
        rendered = templar.template(value)
    except Exception:
        return None
    return rendered if isinstance(rendered, str) and rendered != value else None


def _vault_values(play):
    # Decrypted values of inline !vault variables the play's hosts see, and the values their
    # templated variables named like secrets render to: netchange redacts them by value.
    try:
        from ansible.parsing.yaml.objects import AnsibleVaultEncryptedUnicode
        from ansible.template import Templar
    except Exception:
        return []
    found = set()

    def walk(value, depth):
        if depth > 50:
            return
        if isinstance(value, AnsibleVaultEncryptedUnicode):
            try:
                found.add(str(value.data))
            except Exception:
                pass
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)

    try:
        manager = play.get_variable_manager()
        inventory = getattr(manager, '_inventory', None)
        hosts = inventory.get_hosts(play.hosts) if inventory is not None else []
        for host in hosts:
            variables = manager.get_vars(play=play, host=host, include_hostvars=False)
            walk(variables, 0)
            templar = None
            for name, value in variables.items():
                if not isinstance(value, str) or not _is_secret_name(name):
                    continue
                templar = templar or Templar(loader=manager._loader, variables=variables)
                rendered = _rendered_secret(templar, value)
                if rendered:
                    found.add(rendered)
    except Exception:
        pass
    return sorted(found)


_MAIN_PID = os.getpid()
# Values decrypted in this process since the last event: emitted before the next one.
_DECRYPTED = []
# A worker's line goes to stdout in one write(), which a pipe keeps whole up to this many bytes.
_ATOMIC_LINE = 4000


def _leaves(value, found, depth):
    if depth > 50:
        return
    if isinstance(value, dict):
        for item in value.values():
            _leaves(item, found, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _leaves(item, found, depth + 1)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        found.append(str(value))


def _learn_decrypted(plaintext):
    # A decrypted vault: a whole file of variables (every value in it is secret, whatever its name)
    # or one inline value. Both the text and each value it holds are learned.
    text = plaintext.decode('utf-8', 'replace') if isinstance(plaintext, bytes) else str(plaintext)
    values = [text]
    try:
        from ansible.parsing.utils.yaml import from_yaml
        _leaves(from_yaml(text, json_only=False), values, 0)
    except Exception:
        pass
    if os.getpid() == _MAIN_PID:
        _DECRYPTED.extend(values)
        return
    # A worker process (include_vars decrypts there): straight to stdout, before the task's result
    # reaches the main process; one short line per value, so no write is split.
    for value in values:
        for part in [value] + value.splitlines():
            _write_secret(part)


# Characters of a long value per part: 12 bytes at most each once JSON-escaped, so a part's line
# stays under _ATOMIC_LINE.
_PART_CHARACTERS = 300
_PARTS = [0]


def _write_secret(value):
    line = (json.dumps({'event': 'secrets', 'values': [value]}) + '\\n').encode('utf-8')
    if len(line) <= _ATOMIC_LINE:
        os.write(1, line)
        return
    # A long value (a key, a certificate) goes in numbered parts, each line written whole, which
    # netchange joins by their id however other workers' lines fall between them.
    _PARTS[0] += 1
    key = '%d-%d' % (os.getpid(), _PARTS[0])
    chunks = [value[at:at + _PART_CHARACTERS] for at in range(0, len(value), _PART_CHARACTERS)]
    for index, chunk in enumerate(chunks):
        os.write(1, (json.dumps({'event': 'secrets', 'part': [key, index, len(chunks), chunk]}) + '\\n').encode('utf-8'))


# Ansible's bookkeeping in a result, never the task's own data.
BOOKKEEPING = frozenset(['changed', 'failed', 'skipped', 'unreachable', 'rc', 'start', 'end', 'delta',
                         'attempts', 'ansible_loop_var', 'ansible_index_var', 'failed_when_result',
                         'changed_when_result', 'skip_reason', 'warnings', 'deprecations'])


def _hidden_values(res):
    # What a no_log task registered (its output, its module's return values, a loop's items):
    # hidden in its own result, and shown wherever a later task uses it unless learned.
    found = []
    for key, value in res.items():
        if key in BOOKKEEPING or str(key).startswith('_ansible'):
            continue
        if key == 'results' and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    found.extend(_hidden_values(item))
            continue
        _leaves(value, found, 0)
    return found


# Modules whose ansible_facts are the play's variables (set_fact, include_vars): values under
# secret-looking names there are learned as they are in the inventory.
FACT_SETTERS = frozenset(['set_fact', 'include_vars'])


def _watch_vault():
    # Every vault decryption (inline !vault values, whole encrypted files, include_vars) passes
    # through VaultLib.decrypt.
    try:
        from ansible.parsing.vault import VaultLib
    except Exception:
        return
    original = VaultLib.decrypt
    if getattr(original, 'netchange', False):
        return

    def decrypt(self, vaulttext, *args, **kwargs):
        plaintext = original(self, vaulttext, *args, **kwargs)
        try:
            _learn_decrypted(plaintext)
        except Exception:
            pass
        return plaintext

    decrypt.netchange = True
    VaultLib.decrypt = decrypt


_watch_vault()


# Ansible's own variables, not the inventory's: ansible-inventory --list leaves most out (its
# INTERNAL_VARS) and a play adds the rest. Without them the listing grows with the hosts, not with
# their square: \`groups\` names every host and \`vars\` repeats every variable, for each host.
# group_names stays: netchange reads a host's groups from it.
NOT_INVENTORY = frozenset([
    'ansible_check_mode', 'ansible_config_file', 'ansible_dependent_role_names', 'ansible_diff_mode',
    'ansible_facts', 'ansible_forks', 'ansible_inventory_sources', 'ansible_limit', 'ansible_play_batch',
    'ansible_play_hosts', 'ansible_play_hosts_all', 'ansible_play_name', 'ansible_play_role_names',
    'ansible_playbook_python', 'ansible_role_names', 'ansible_run_tags', 'ansible_skip_tags',
    'ansible_verbosity', 'ansible_version', 'groups', 'hostvars', 'inventory_dir', 'inventory_file',
    'inventory_hostname', 'inventory_hostname_short', 'omit', 'play_hosts', 'playbook_dir', 'role_names',
    'vars'])


def _inventory_variables(play):
    # Every inventory host's variables (limits and restrictions ignored), as ansible-inventory --list
    # --playbook-dir lists them, with group_names: netchange learns values under secret-looking names
    # for redaction, and drift reads a device's groups and domain. None when they cannot all be
    # read; netchange then lists the inventory itself.
    try:
        manager = play.get_variable_manager()
        inventory = manager._inventory
        listing = {}
        for host in inventory.get_hosts('all', ignore_limits=True, ignore_restrictions=True):
            variables = manager.get_vars(play=play, host=host, include_hostvars=False)
            kept = {name: value for name, value in variables.items() if name not in NOT_INVENTORY}
            # A value that cannot be shown as text (a vault value without its password) fails here.
            listing[host.get_name()] = json.loads(json.dumps(kept, default=str))
        return listing
    except Exception:
        return None


def _check_mode():
    try:
        from ansible import context
        return bool(context.CLIARGS.get('check'))
    except Exception:
        return False


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = '${CALLBACK_NAME}'

    def __init__(self):
        super().__init__()
        self._play = ''
        self._inventory_reported = False
        self._variables = None
        # (host, variable) of no_log results registered: Ansible hands callbacks a censored copy
        # and registers the result only after them, so it is read from the variables later.
        self._hidden_registered = []

    def _learn_hidden_registered(self):
        cache = getattr(self._variables, '_nonpersistent_fact_cache', None)
        if not self._hidden_registered or not isinstance(cache, dict):
            return
        waiting = []
        for host, name in self._hidden_registered:
            registered = cache.get(host, {}).get(name)
            if isinstance(registered, dict):
                _DECRYPTED.extend(_hidden_values(registered))
            else:
                waiting.append((host, name))
        self._hidden_registered = waiting

    def _emit(self, event):
        self._learn_hidden_registered()
        if _DECRYPTED:
            values = sorted(set(_DECRYPTED))
            del _DECRYPTED[:]
            sys.stdout.write(json.dumps({'event': 'secrets', 'values': values}) + '\\n')
        sys.stdout.write(json.dumps(event, default=str) + '\\n')
        sys.stdout.flush()

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name().strip()
        try:
            self._variables = play.get_variable_manager()
        except Exception:
            self._variables = None
        self._emit({'event': 'play', 'name': self._play})
        values = _vault_values(play)
        if values:
            self._emit({'event': 'secrets', 'values': values})
        if not self._inventory_reported and _check_mode():
            self._inventory_reported = True
            listing = _inventory_variables(play)
            if listing is not None:
                self._emit({'event': 'secrets', 'inventory': listing})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit({'event': 'task', 'name': task.get_name().strip(), 'play': self._play})

    def v2_playbook_on_handler_task_start(self, task):
        self._emit({'event': 'task', 'name': task.get_name().strip(), 'play': self._play, 'handler': True})

    def v2_playbook_on_no_hosts_matched(self):
        self._emit({'event': 'no_hosts_matched', 'play': self._play})

    def _result(self, status, result, ignored=False):
        task = result._task
        res = result._result if isinstance(result._result, dict) else {}
        register = getattr(task, 'register', None)
        if _hidden(task, res) and isinstance(register, str) and register:
            self._hidden_registered.append((result._host.get_name(), register))
        facts = res.get('ansible_facts')
        if isinstance(facts, dict) and str(getattr(task, 'action', '')).rsplit('.', 1)[-1] in FACT_SETTERS:
            self._emit({'event': 'secrets', 'facts': json.loads(json.dumps(facts, default=str))})
        cleaned = _clean(task, res)
        # Only for the task itself: in a loop, the task's arguments are not those of each item.
        target = _target(task) if 'diff' in cleaned else None
        if target:
            cleaned['target'] = target
        self._emit({'event': 'result', 'status': status, 'host': result._host.get_name(),
                    'play': self._play, 'task': task.get_name().strip(), 'ignored': bool(ignored),
                    'hidden': _hidden(task, res), 'result': cleaned})

    def v2_runner_on_ok(self, result):
        self._result('changed' if result._result.get('changed') else 'ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result('failed', result, ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._result('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._result('unreachable', result)

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for host in sorted(stats.processed.keys()):
            s = stats.summarize(host)
            hosts[host] = {'ok': s.get('ok', 0), 'changed': s.get('changed', 0), 'failed': s.get('failures', 0),
                           'unreachable': s.get('unreachable', 0), 'skipped': s.get('skipped', 0)}
        self._emit({'event': 'stats', 'hosts': hosts})
`;

let callbackDirectory: Promise<string> | undefined;

/**
 * Writes the callback plugin once per process, into the process's private temporary directory
 * (removed when netchange ends), and returns the directory to put on ANSIBLE_CALLBACK_PLUGINS.
 */
export function ensureCallbackDirectory(): Promise<string> {
  callbackDirectory ??= (async () => {
    const directory = path.join(await processTemporaryRoot(), 'ansible-callback');
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await writeFile(path.join(directory, `${CALLBACK_NAME}.py`), CALLBACK_SOURCE, { mode: 0o600 });
    return directory;
  })();
  return callbackDirectory;
}

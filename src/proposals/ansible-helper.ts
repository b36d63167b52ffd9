/**
 * Runs Ansible's own inventory and host-pattern code (InventoryManager) in one Python process per
 * run, answering two questions for validate: which hosts, groups and sites an inventory holds, and
 * which hosts an Ansible step reaches (its limit within each play's `hosts`).
 *
 * why a helper and not `ansible-playbook --list-hosts`: --list-hosts loads the whole playbook the
 * way a run does. It adds the playbook's adjacent plugin directories (filter_plugins/, …) and
 * collections, reads vars_files (a vault password script runs), and templates each play's `hosts`
 * with its variables, so `hosts: "{{ lookup('pipe', 'touch /tmp/x') }}"` runs a command. A pull
 * request is untrusted until approved, so validate must not do that. The helper reads each play's
 * `hosts` with Ansible's YAML loader (no templating, no plugins), refuses a templated pattern, and
 * evaluates the literal patterns with Ansible's InventoryManager (`subset(limit)` then
 * `get_hosts(hosts)`, as ansible-playbook does), so the pattern rules are Ansible's own.
 */
import {
  accessSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configError, NetchangeError } from '../core/errors.js';
import { isInside } from '../documents/read-file.js';
import { runProcess } from '../executors/run-process.js';

/** One host of an inventory as the helper reports it: names only, never variables. */
export interface HelperHost {
  /** Groups the host belongs to, transitively, without `all` and `ungrouped`. */
  groups: string[];
  /** The host's `site` inventory variable, when it is a plain string. */
  site?: string;
}

export type InventoryAnswer =
  | { ok: true; hosts: Record<string, HelperHost> }
  | { ok: false; message: string; hint: string };

/** A playbook file the helper read for a step (the playbook and those it imports). */
export interface ReadFile {
  /** Repository-relative POSIX path. */
  path: string;
  sha256: string;
}

export type StepAnswer =
  | { ok: true; hosts: string[]; files: ReadFile[] }
  | { ok: false; message: string; hint: string; inventoryFailed?: boolean };

export interface HelperRequest {
  /** Repository root: imported playbooks must stay inside it. */
  root: string;
  /** Absolute inventory paths to list. */
  inventories: string[];
  /** Steps to resolve, each under a caller-chosen key. */
  steps: { key: string; inventory: string; playbook: string; limit?: string }[];
}

export interface HelperResponse {
  inventories: Record<string, InventoryAnswer>;
  steps: Record<string, StepAnswer>;
}

// why: kept next to the TypeScript that feeds it, and run with `python -c`, so the bundled CLI
// needs no data file. It writes only one JSON document to stdout; Ansible's own messages go to stderr.
export const HELPER_SOURCE = `
import hashlib
import json
import os
import re
import sys


def main():
    out = os.fdopen(os.dup(1), 'w', encoding='utf-8')
    os.dup2(2, 1)

    # why: imported before the request is read, so the import overlaps the caller's own work.
    from ansible import constants as C
    from ansible.inventory.helpers import get_group_vars
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.utils.display import Display
    from ansible.utils.vars import combine_vars

    request = json.load(sys.stdin)
    root = os.path.realpath(request['root'])
    loader = DataLoader()
    managers = {}
    playbooks = {}
    markers = ('{{', '{%', '{#')

    class Problem(Exception):
        def __init__(self, message, hint):
            super().__init__(message)
            self.message = message
            self.hint = hint

    def brief(error):
        lines = [line.strip() for line in str(error).replace(root + os.sep, '').splitlines() if line.strip()]
        return ' '.join(lines[:3]) or type(error).__name__

    def shown(path):
        relative = os.path.relpath(path, root)
        return relative.replace(os.sep, '/') if not relative.startswith('..') else path

    def templated(text):
        return any(marker in text for marker in markers)

    def inside(path):
        return path == root or path.startswith(root + os.sep)

    def inventory(path):
        if path not in managers:
            warnings = []
            warn = Display.warning
            Display.warning = lambda self, message, *args, **kwargs: warnings.append(str(message))
            try:
                managers[path] = (InventoryManager(loader=loader, sources=[path]), None)
            except Exception as error:
                reason = parser_reason(path, warnings)
                managers[path] = (None, brief(error) + (': ' + reason if reason else ''))
            finally:
                Display.warning = warn
        return managers[path]

    kinds = {'Sequence': 'a list', 'Mapping': 'a mapping', 'Unicode': 'a string'}

    def parser_reason(path, warnings):
        # why: when every parser fails, Ansible's error names only the file; why each parser failed
        # is in a warning. The reason of the parser the file is meant for says where it is wrong; of a
        # YAML syntax error only the problem and its position are kept, not the offending lines,
        # which could hold a value.
        reasons = {}
        for text in warnings:
            match = re.match(r'\\s*\\* Failed to parse .*? with (\\w+) plugin: (.*)', text, re.S)
            if match:
                reasons[match.group(1)] = match.group(2)
        wanted = 'yaml' if path.endswith(('.yaml', '.yml', '.json')) else 'ini'
        reason = reasons.get(wanted) or next(iter(reasons.values()), '')
        syntax = re.search(r'Syntax Error while loading YAML\\.\\s*\\n\\s*(.+?)\\n.*?line (\\d+), column (\\d+)',
                           reason, re.S)
        if syntax:
            return 'YAML syntax error at line %s, column %s: %s' % (syntax.group(2), syntax.group(3),
                                                                     syntax.group(1).strip())
        lines = reason.strip().splitlines()
        first = lines[0] if lines else ''
        first = re.sub(r"<class 'ansible\\.parsing\\.yaml\\.objects\\.Ansible(\\w+)'>",
                       lambda kind: kinds.get(kind.group(1), kind.group(1)), first)
        return first.replace(root + os.sep, '')[:300]

    def listing(manager):
        hosts = {}
        for name, host in manager.hosts.items():
            groups = sorted(g.name for g in host.get_groups() if g.name not in ('all', 'ungrouped'))
            variables = combine_vars(get_group_vars(host.get_groups()), host.get_vars())
            site = variables.get('site')
            entry = {'groups': groups}
            if isinstance(site, str) and site and not templated(site):
                entry['site'] = str(site)
            hosts[str(name)] = entry
        return hosts

    def plays(path, chain):
        real = os.path.realpath(path)
        if not inside(real):
            raise Problem("imports '%s', which is outside the repository" % path,
                          'Import only playbooks inside the repository.')
        if real in chain:
            raise Problem("'%s' imports itself" % shown(real), 'Remove the import cycle.')
        if real in playbooks:
            return playbooks[real]
        with open(real, 'rb') as handle:
            content = handle.read()
        files = [{'path': shown(real), 'sha256': hashlib.sha256(content).hexdigest()}]
        if content.lstrip().startswith(b'$ANSIBLE_VAULT'):
            raise Problem("'%s' is vault-encrypted, so its plays' hosts cannot be read" % shown(real),
                          'Encrypt variables (inline !vault or vars_files), not the playbook itself.')
        try:
            data = loader.load(content.decode('utf-8'), file_name=real, show_content=False)
        except Exception as error:
            raise Problem("'%s' is not valid YAML: %s" % (shown(real), brief(error)),
                          'Run ansible-playbook --syntax-check on it.')
        if not isinstance(data, list) or not data:
            raise Problem("'%s' is not a list of plays" % shown(real), 'A playbook is a YAML list of plays.')
        patterns = []
        for number, entry in enumerate(data, start=1):
            if not isinstance(entry, dict):
                raise Problem("entry %d of '%s' is not a play" % (number, shown(real)),
                              'A playbook is a YAML list of plays and import_playbook entries.')
            action = next((key for key in C._ACTION_IMPORT_PLAYBOOK if key in entry), None)
            if action is not None:
                target = entry[action]
                if not isinstance(target, str) or templated(target) or len(target.split()) != 1:
                    raise Problem("play %d of '%s' imports a playbook by a template or with parameters (%r)"
                                  % (number, shown(real), target),
                                  'Import playbooks by a plain relative path, so the hosts they reach can be checked.')
                imported = os.path.join(os.path.dirname(os.path.abspath(path)), target)
                if not os.path.isfile(imported):
                    raise Problem("play %d of '%s' imports '%s', which is not a file in the repository"
                                  % (number, shown(real), target),
                                  'Import playbooks by a relative path inside the repository.')
                more, read = plays(imported, chain | {real})
                patterns.extend(more)
                files.extend(read)
                continue
            hosts = entry.get('hosts')
            if isinstance(hosts, str) and hosts:
                items = [hosts]
            elif isinstance(hosts, list) and hosts and all(isinstance(item, str) and item for item in hosts):
                items = list(hosts)
            else:
                raise Problem("play %d of '%s' names no hosts pattern" % (number, shown(real)),
                              "Give every play a 'hosts' pattern (a string or a list of strings).")
            if any(templated(item) for item in items):
                raise Problem("play %d of '%s' chooses its hosts with a template (%s)"
                              % (number, shown(real), ', '.join(items)),
                              "Write the play's hosts as a literal pattern (a group or host names) and choose "
                              "devices with the step's limit: netchange does not evaluate playbook templates "
                              "before a change is approved.")
            patterns.append([str(item) for item in items])
        playbooks[real] = (patterns, files)
        return playbooks[real]

    answers = {'inventories': {}, 'steps': {}}
    for path in request['inventories']:
        manager, error = inventory(path)
        if manager is None:
            answers['inventories'][path] = {
                'ok': False, 'message': error,
                'hint': 'netchange reads static YAML and INI inventories only; fix the file, or run '
                        'ansible-inventory -i on it to see the problem.'}
            continue
        try:
            answers['inventories'][path] = {'ok': True, 'hosts': listing(manager)}
        except Exception as error:
            answers['inventories'][path] = {'ok': False, 'message': brief(error),
                                            'hint': 'Run ansible-inventory -i on it to see the problem.'}
    for step in request['steps']:
        manager, error = inventory(step['inventory'])
        if manager is None:
            answers['steps'][step['key']] = {'ok': False, 'message': error, 'hint': '', 'inventoryFailed': True}
            continue
        try:
            patterns, files = plays(step['playbook'], frozenset())
            limit = step.get('limit')
            if limit is not None and '@' in limit:
                raise Problem("the limit '%s' reads hosts from a file" % limit, 'Name the hosts in the limit itself.')
            manager.subset(limit)
            reached = set()
            for pattern in patterns:
                manager.remove_restriction()
                reached.update(str(host.name) for host in manager.get_hosts(pattern))
            manager.subset(None)
            answers['steps'][step['key']] = {'ok': True, 'hosts': sorted(reached), 'files': files}
        except Problem as problem:
            answers['steps'][step['key']] = {'ok': False, 'message': problem.message, 'hint': problem.hint}
        except Exception as error:
            manager.subset(None)
            answers['steps'][step['key']] = {
                'ok': False, 'message': brief(error),
                'hint': 'Run ansible-playbook --syntax-check on the playbook.'}
    json.dump(answers, out)
    out.flush()


main()
`;

// why: the repository's ansible.cfg (read from the working directory) could enable an inventory or
// vars plugin shipped in the pull request, or a vault password script; this one enables nothing
// but the static YAML and INI inventory parsers.
const HELPER_CONFIG = `# Written by netchange for resolving hosts; the repository's ansible.cfg is not read.
[defaults]
[inventory]
enable_plugins = yaml, ini
`;

/** How long a helper that outlived its time limit gets after SIGTERM before SIGKILL (execa's default). */
const HELPER_KILL_GRACE_MS = 5_000;

/** A started helper: it imports Ansible at once and answers when given its request. */
export interface RunningHelper {
  answer(request: HelperRequest): Promise<HelperResponse>;
}

/**
 * Starts the helper with the Python interpreter that runs `inventoryCommand` (ansible-inventory),
 * in an empty scratch directory, with a netchange-written ansible.cfg and a minimal environment:
 * no ANSIBLE_* variable of the caller (vault password files, plugin paths) reaches it. Throws a
 * configuration error (exit 2) when that interpreter is a file of the repository at `root`.
 */
export function startAnsibleHelper(inventoryCommand: string, root: string): RunningHelper {
  let sendRequest: (text: string) => void = () => undefined;
  const input = new Promise<string>((resolve) => {
    sendRequest = resolve;
  });
  // why: prepared and spawned synchronously (loadProcessRunner has run): validate reads proposals in
  // one synchronous loop, and a helper start that waited for the event loop would begin after it.
  const started = (() => {
    const python = runnerPython(ansiblePython(inventoryCommand), inventoryCommand, root);
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'netchange-hosts-'));
    const config = path.join(scratch, 'ansible.cfg');
    writeFileSync(config, HELPER_CONFIG, { mode: 0o600 });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? scratch,
      LANG: 'C.UTF-8',
      ANSIBLE_CONFIG: config,
      ANSIBLE_INVENTORY_ENABLED: 'yaml,ini',
      // why: without these, a broken inventory only warns and yields an empty host list.
      ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
      ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'true',
      ANSIBLE_LOCAL_TEMP: scratch,
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_HOST_PATTERN_MISMATCH: 'ignore',
    };
    if (process.env.PYTHONPATH) env.PYTHONPATH = process.env.PYTHONPATH;
    // why: started before the request is known, so importing Ansible overlaps reading the proposals.
    const finished = runProcess({
      command: python,
      args: ['-c', HELPER_SOURCE],
      cwd: scratch,
      env,
      inheritEnvironment: false,
      input,
      timeoutMs: 120_000,
      killGraceMs: HELPER_KILL_GRACE_MS,
    });
    return { python, scratch, finished };
  })();
  return {
    async answer(request) {
      const { python, scratch, finished } = started;
      try {
        sendRequest(JSON.stringify(request));
        const result = await finished;
        if (result.exitCode === 0) {
          try {
            return JSON.parse(result.stdout) as HelperResponse;
          } catch {
            // fall through to the error below
          }
        }
        const missing = result.spawnErrorCode === 'ENOENT';
        throw new NetchangeError(
          'E_EXECUTOR',
          missing
            ? `${python} (the Python of ${inventoryCommand}) is not installed`
            : `Ansible's inventory library could not run under ${python}: ${lastLines(result.stderr || (result.spawnError ?? ''))}`,
          {
            hint: 'Install ansible-core (Debian: apt-get install ansible-core), or set executors.ansibleInventory in netchange.yaml to an ansible-inventory whose Python has Ansible.',
          },
        );
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The Python interpreter Ansible runs with: the one named on the `#!` line of the ansible-inventory
 * command. why: `python3` on PATH may be another Python (pyenv, a venv) without Ansible installed.
 */
function ansiblePython(command: string): string {
  const executable = command.includes('/') ? command : findOnPath(command);
  if (executable) {
    try {
      const descriptor = openSync(executable, 'r');
      try {
        const buffer = Buffer.alloc(256);
        const bytesRead = readSync(descriptor, buffer, 0, buffer.length, 0);
        const first = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
        const words = first.startsWith('#!') ? first.slice(2).trim().split(/\s+/) : [];
        const interpreter = path.basename(words[0] ?? '') === 'env' ? words[1] : words[0];
        if (interpreter && /^python[0-9.]*$/.test(path.basename(interpreter))) return interpreter;
      } finally {
        closeSync(descriptor);
      }
    } catch {
      // not readable: fall back to python3 below
    }
  }
  return 'python3';
}

/**
 * The interpreter as the runner has it: a bare name found on PATH, every path resolved through its
 * links, and refused when it lies inside the repository.
 * why: netchange.yaml is part of the pull request, and validate runs before anyone reviewed it; an
 * ansible-inventory whose `#!` names a "python3" the pull request added (or a PATH entry inside the
 * checkout, such as node_modules/.bin) would run the pull request's code on the runner.
 */
function runnerPython(python: string, inventoryCommand: string, root: string): string {
  const found = python.includes('/') ? python : findOnPath(python);
  if (found === undefined) return python;
  const real = realpathOr(path.resolve(found));
  const repository = realpathOr(path.resolve(root));
  if (isInside(repository, real)) {
    throw configError(
      `the Python of executors.ansibleInventory (${inventoryCommand}) is ${path.relative(repository, real)}, a file of the repository; netchange does not run the repository's files to validate`,
      {
        hint: "Point executors.ansibleInventory in netchange.yaml at the ansible-inventory installed on the runner (its #! line names Ansible's Python), or remove the key.",
      },
    );
  }
  return found;
}

function realpathOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function findOnPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ');
}

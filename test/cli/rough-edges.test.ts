import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { digestCronExpressions } from '../../src/use-cases/init.js';
import { createRepository, EXAMPLE_ROOT } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

/** The local hours (in `zone`) at which the UTC cron `minute hour * * *` fires on `date`. */
function localTimeOf(expression: string, date: string, zone: string): string {
  const [minute, hour] = expression.split(' ').map(Number);
  const fired = Temporal.Instant.from(
    `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`,
  ).toZonedDateTimeISO(zone);
  return fired.toPlainTime().toString({ smallestUnit: 'minute' });
}

describe('the morning digest cron', () => {
  it.each([
    ['America/Chicago', 2],
    ['Europe/Berlin', 2],
    ['Asia/Kolkata', 1],
    ['UTC', 1],
  ])('fires at 07:00 in %s in winter and in summer (%i UTC entries)', (zone, count) => {
    const expressions = digestCronExpressions(zone, new Date('2026-12-02T00:00:00Z'));

    expect(expressions).toHaveLength(count);
    for (const date of ['2026-01-15', '2026-07-15']) {
      expect(expressions.map((expression) => localTimeOf(expression, date, zone))).toContain('07:00');
    }
  });

  it('init writes the two Chicago entries and a 07:00 local guard', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));

    const result = await runCli(['init', directory, '--timezone', 'America/Chicago'], { cwd: directory });

    expect(result.exitCode).toBe(0);
    const text = await readFile(path.join(directory, '.github/workflows/netchange-digest.yaml'), 'utf8');
    const workflow = parse(text) as { on: { schedule: { cron: string }[] } };
    expect(workflow.on.schedule.map((entry) => entry.cron)).toEqual(['0 12 * * *', '0 13 * * *']);
    expect(text).toContain('TZ=America/Chicago date +%H');
    const [job] = Object.values(
      (parse(text) as { jobs: Record<string, { steps: { id?: string; if?: string }[] }> }).jobs,
    );
    const [guard, ...gated] = job?.steps ?? [];
    expect(guard?.id).toBe('local-morning');
    expect(gated.length).toBeGreaterThanOrEqual(4);
    for (const step of gated) expect(step.if).toContain("steps.local-morning.outputs.due == 'true'");
  });
});

describe('rough edges', () => {
  it('validate outside a git repository is a usage error (exit 2) with a hint', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-nogit-'));

    const result = await runCli(['validate'], { cwd: directory });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is not inside a git repository');
    expect(result.stderr).toContain('netchange init');
  });

  it('the top-level help lists exit code 130 and does not break descriptions after a few words', async () => {
    const result = await runCli(['--help'], { cwd: os.tmpdir() });

    expect(result.stdout).toContain('130 interrupted');
    expect(result.stdout).toContain(
      'Network changes as code: validate, plan, review and apply change proposals from git.',
    );
  });

  it.each([
    'validate',
    'plan',
    'apply',
    'comment',
    'unlock',
    'init',
    'codeowners',
    'windows',
    'next',
    'digest',
    'drift',
    'cab',
  ])('%s --help fills its description lines instead of breaking them after a few words', async (command) => {
    const result = await runCli([command, '--help'], { cwd: os.tmpdir() });
    const description = result.stdout.split('\n\n')[1] ?? '';
    const lines = description.split('\n');

    expect(result.exitCode).toBe(0);
    expect(lines.length).toBeGreaterThan(0);
    // every line but a paragraph's last reaches far towards the 100-column width
    for (const line of lines.slice(0, -1)) expect(line.length, line).toBeGreaterThan(70);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('a closed pipe (`next --help | head -1`) exits quietly', async () => {
    const { execa } = await import('execa');

    const result = await execa(
      'sh',
      [
        '-c',
        `node --import ${import.meta.resolve('tsx')} ${path.resolve('src/cli/main.ts')} next --help | head -1`,
      ],
      {
        reject: false,
        env: { NO_COLOR: '1' },
      },
    );

    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('EPIPE');
  });
});

describe('a fresh repository', () => {
  it('routes reviews: init writes CODEOWNERS for changes/<domain>/ and codeowners --check passes', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));
    await runCli(['init', directory, '--timezone', 'Europe/Berlin'], { cwd: directory });

    const check = await runCli(['codeowners', '--check'], { cwd: directory });
    const validate = await runCli(['validate', '--at', '2026-12-02T00:00:00Z'], { cwd: directory });

    expect(check.exitCode).toBe(0);
    const codeowners = await readFile(path.join(directory, '.github/CODEOWNERS'), 'utf8');
    expect(codeowners).toMatch(/^\/changes\/switching\/ @/m);
    expect(codeowners).toMatch(/^\/policies\/ @/m);
    expect(validate.stdout).toContain('changes/switching/chg-0001-first-vlan.yaml');
    // The CAB pack's workflow finds the meeting's day in the repository's zone.
    const cab = await readFile(path.join(directory, '.github/workflows/netchange-cab.yaml'), 'utf8');
    expect(cab).toContain('\n  TZ: Europe/Berlin\n');
  });
});

/** Runs the CLI once in a fresh copy of the example repository (with `files` added), then removes it. */
async function inExample(args: readonly string[], files: Record<string, string> = {}) {
  const repository = await createRepository(files, { fromExample: true });
  try {
    await repository.commit('the example');
    return await runCli(args, { cwd: repository.root, timeout: 60_000 });
  } finally {
    await repository.remove();
  }
}

describe('an output path that cannot be written', () => {
  const PROPOSAL = 'changes/chg-0143-port-description.yaml';

  it.each([
    // why: Node's recursive mkdir retries forever under /proc, where mkdir fails with ENOENT.
    [
      ['plan', PROPOSAL, '--out-dir', '/proc/netchange-run'],
      'cannot create the run directory /proc/netchange-run: ENOENT',
    ],
    [['plan', PROPOSAL, '--out-dir', 'netchange.yaml/run'], 'netchange.yaml is a file, not a directory'],
    [['validate', '--output', 'changes'], 'cannot write --output changes: it is a directory'],
    [
      ['validate', '--output', 'no-such-folder/report.json'],
      'cannot write --output no-such-folder/report.json: ENOENT',
    ],
    [['windows', '--output', 'changes'], 'cannot write --output changes: it is a directory'],
    [
      ['windows', '--output', 'no-such-folder/windows.ics'],
      'cannot write --output no-such-folder/windows.ics: ENOENT',
    ],
    [
      ['next', PROPOSAL, '--at', '2026-11-20T12:00:00Z', '--output', 'changes'],
      'cannot write --output changes: it is a directory',
    ],
    [['policy', 'explain', '--output', 'changes'], 'cannot write --output changes: it is a directory'],
    [['plan', PROPOSAL, '--output', 'changes'], 'cannot write --output changes: it is a directory'],
  ])('%j is a usage error (exit 2) with a hint, at once', async (args, message) => {
    const result = await inExample(args);

    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint: ');
    expect(result.exitCode).toBe(2);
  });

  it.each([
    [['plan', PROPOSAL, '--output', 'changes'], 'cannot write --output changes: it is a directory'],
    [
      ['plan', PROPOSAL, '--output', 'no-such-folder/plan.md'],
      'cannot write --output no-such-folder/plan.md: ENOENT (the folder no-such-folder does not exist)',
    ],
    [
      ['plan', PROPOSAL, '--output', 'netchange.yaml/plan.md'],
      'cannot write --output netchange.yaml/plan.md: ENOTDIR',
    ],
    [['drift', '--output', 'changes'], 'cannot write --output changes: it is a directory'],
    [
      ['drift', '--output', 'no-such-folder/drift.json'],
      'cannot write --output no-such-folder/drift.json: ENOENT (the folder no-such-folder does not exist)',
    ],
  ])('%j is refused before any step or device check runs', async (args, message) => {
    const repository = await createRepository({}, { fromExample: true });
    try {
      await repository.commit('the example');
      const result = await runCli(args, { cwd: repository.root, timeout: 60_000 });

      expect(result.stderr).toContain(message);
      expect(result.exitCode).toBe(2);
      // A run would have printed its progress (`[…] start  ansible …`, `[…] planned …`), and a plan
      // would have left its run directory.
      expect(result.stderr).not.toMatch(/\] (start|planned) /);
      expect(existsSync(path.join(repository.root, '.netchange'))).toBe(false);
    } finally {
      await repository.remove();
    }
  });
});

describe('a number or duration past what netchange can count', () => {
  it.each([
    [['digest', '--since', '99999999999h'], '--since 99999999999h reaches back before 1970'],
    [
      ['plan', '--concurrency', '99999999999999999999'],
      "--concurrency must be a positive whole number, got '99999999999999999999'",
    ],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const result = await inExample(args);

    expect(result.stderr).toContain(message);
    expect(result.exitCode).toBe(2);
  });
});

describe('an argument that names the wrong kind of thing', () => {
  it('validate of a folder that holds no proposal is a usage error, not a clean pass', async () => {
    const result = await inExample(['validate', 'changes/notes'], {
      'changes/notes/README.txt': 'Proposals go in changes/.\n',
    });

    expect(result.stderr).toContain('changes/notes holds no proposal file (*.yaml or *.yml)');
    expect(result.exitCode).toBe(2);
  });

  it.each([
    [
      ['next', 'changes', '--at', '2026-11-20T12:00:00Z'],
      'next finds the slots of one proposal; changes holds',
    ],
    [['comment', '--from', 'changes', '--dry-run'], '--from changes is not a run directory'],
    [
      ['audit', 'export', '--from', '2027-01-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z'],
      '--from 2027-01-01T00:00:00Z is after --to 2026-01-01T00:00:00Z',
    ],
    [['apply'], 'apply needs a proposal file, or --due'],
    [['apply', '--dry-run'], 'apply --dry-run needs a proposal file'],
    [['apply', '--due', '--pr', '42'], '--due finds the pull requests itself'],
    [['apply', 'changes'], "apply takes one proposal file; 'changes' names 14"],
    [
      ['notify', '--to', 'teams', '--from', 'cab', '--dry-run', '--file', 'no-such-pack.json'],
      'no-such-pack.json does not exist',
    ],
  ])('%j is a usage error (exit 2) with a hint', async (args, message) => {
    const result = await inExample(args);

    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint: ');
    expect(result.exitCode).toBe(2);
  });
});

describe('a file under changes/ that looks like a proposal but is never read', () => {
  const UNREAD = {
    'changes/chg-0200-uppercase.YAML': 'apiVersion: netchange/v1\nkind: ChangeProposal\n',
    'changes/switching/chg-0201-json.json': '{"apiVersion": "netchange/v1"}\n',
    'changes/README.md': 'Proposals go here.\n',
    'changes/chg-0203-folder.yaml/notes.txt': 'a draft, not a proposal\n',
  };

  it('is a warning with a rename hint, not silence, in a full validate', async () => {
    const result = await inExample(['validate', '--format', 'json', '--at', '2026-11-20T12:00:00Z'], UNREAD);

    expect(result.exitCode, result.stderr).not.toBe(2);
    const report = JSON.parse(result.stdout || '{}');
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'changes/chg-0200-uppercase.YAML',
          severity: 'warning',
          message: 'not read as a proposal: netchange reads only *.yaml and *.yml files',
          hint: expect.stringContaining(
            'git mv changes/chg-0200-uppercase.YAML changes/chg-0200-uppercase.yaml',
          ),
        }),
        expect.objectContaining({
          file: 'changes/switching/chg-0201-json.json',
          severity: 'warning',
          hint: expect.stringContaining('JSON is YAML too'),
        }),
        expect.objectContaining({
          file: 'changes/chg-0203-folder.yaml',
          severity: 'warning',
          message:
            'a folder named like a proposal file: it is not read as a proposal (only *.yaml files inside it are)',
          hint: expect.stringContaining('git mv changes/chg-0203-folder.yaml changes/chg-0203-folder'),
        }),
      ]),
    );
    // A README beside the proposals is no proposal and no warning.
    expect(JSON.stringify(report.findings)).not.toContain('README.md');
  });

  it('is a warning in validate --since when the change adds one', async () => {
    const repository = await createRepository({}, { fromExample: true });
    try {
      await repository.commit('example');
      await repository.write({ 'changes/chg-0202-new.Yml': 'id: CHG-2026-0202\n' });
      await repository.commit('add a proposal with the wrong extension');

      const result = await runCli(['validate', '--since', 'HEAD~1', '--at', '2026-11-20T12:00:00Z'], {
        cwd: repository.root,
        timeout: 60_000,
      });

      expect(result.stdout).toContain('changes/chg-0202-new.Yml warning not read as a proposal');
      expect(result.stdout).toContain('git mv changes/chg-0202-new.Yml changes/chg-0202-new.yaml');
    } finally {
      await repository.remove();
    }
  });
});

// why: each found from the inventory's text before the host helper reads it: a range past any
// network held validate until the helper's timeout; a duplicate key Ansible keeps the last of, silently.
describe('an inventory netchange refuses before Ansible reads it', () => {
  it.each([
    [
      'a range past any network',
      '            sw-x[0:99999999]: {}\n',
      "line 18: 'sw-x[0:99999999]' expands to 100,000,000 hosts, more than the 100,000 netchange resolves",
    ],
    [
      'a duplicate key',
      '            sw-x: {mgmt_ip: 10.20.0.14, mgmt_ip: 10.99.0.14}\n',
      "line 18: duplicate key 'mgmt_ip'",
    ],
  ])('%s is an error at the step that names the inventory', async (_case, added, message) => {
    const inventory = await readFile(path.join(EXAMPLE_ROOT, 'inventory/hosts.yaml'), 'utf8');
    const line = '            sw-plant-a-03: {mgmt_ip: 10.20.0.13}\n';
    const changed = inventory.replace(line, `${line}${added}`);
    expect(changed).not.toBe(inventory);

    const result = await inExample(
      ['validate', 'changes/chg-0142-vlan40-packaging.yaml', '--at', '2026-11-20T12:00:00Z'],
      { 'inventory/hosts.yaml': changed },
    );

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `changes/chg-0142-vlan40-packaging.yaml:23:18 error inventory 'inventory/hosts.yaml' ${message} [reference]`,
    );
  });
});

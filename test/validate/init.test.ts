import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/run-cli.js';

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('netchange init', () => {
  it('writes a starter repository that validates clean at once', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));

    const init = await runCli(['init', 'network', '--timezone', 'Europe/Berlin'], { cwd: directory });
    const validate = await runCli(['validate'], { cwd: path.join(directory, 'network') });

    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain('changes/switching/chg-0001-first-vlan.yaml');
    expect(init.stdout).toContain('.github/workflows/netchange-pull-request.yaml');
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toContain('1 proposal: 1 needs approvals (0 errors, 0 warnings)');
    const proposal = await readFile(
      path.join(directory, 'network/changes/switching/chg-0001-first-vlan.yaml'),
      'utf8',
    );
    expect(proposal).toMatch(/start: "\d{4}-\d{2}-\d{2}T02:00"\n/);
    expect(proposal).toContain('timezone: Europe/Berlin');
  });

  // why: git finds the top level from any folder below it; netchange finds netchange.yaml the same way.
  it('validates clean from the folder it wrote inside a larger git work tree (a monorepo)', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));
    await execa('git', ['init', '-q'], { cwd: directory });

    const init = await runCli(['init', 'network', '--timezone', 'Europe/Berlin'], { cwd: directory });
    const fromRoot = await runCli(['validate'], { cwd: path.join(directory, 'network') });
    const fromBelow = await runCli(['validate'], { cwd: path.join(directory, 'network/changes') });

    expect(init.exitCode).toBe(0);
    for (const validate of [fromRoot, fromBelow]) {
      expect(validate.exitCode, validate.stderr).toBe(0);
      expect(validate.stdout).toContain('1 proposal: 1 needs approvals (0 errors, 0 warnings)');
    }
  });

  it('gives every YAML file it writes a $schema line, and the local schemas are written beside them', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));
    const init = await runCli(['init', 'network', '--timezone', 'America/Chicago'], { cwd: directory });
    expect(init.exitCode).toBe(0);
    const root = path.join(directory, 'network');
    const files = (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) {
      const first = (await readFile(file, 'utf8')).split('\n')[0] ?? '';
      const schema = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
      expect(schema, path.relative(root, file)).toBeDefined();
      if (schema && !schema.startsWith('https://')) {
        const text = await readFile(path.resolve(path.dirname(file), schema), 'utf8');
        expect(JSON.parse(text).$schema, schema).toContain('json-schema.org');
      }
    }
    expect(files.map((file) => path.relative(root, file))).toContain(
      'changes/switching/chg-0001-first-vlan.yaml',
    );
  });

  it('refuses to overwrite existing files without --force', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));
    await writeFile(path.join(directory, 'netchange.yaml'), 'mine\n');

    const result = await runCli(['init'], { cwd: directory });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('already has netchange.yaml');
    expect(await readFile(path.join(directory, 'netchange.yaml'), 'utf8')).toBe('mine\n');
  });

  it('runs the device jobs on the runner labels --runner names, and says where they run', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));

    const init = await runCli(['init', 'network', '--runner', 'self-hosted, plant-a-mgmt'], {
      cwd: directory,
    });
    const validate = await runCli(['validate'], { cwd: path.join(directory, 'network') });

    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain('self-hosted runner labelled self-hosted, plant-a-mgmt');
    expect(init.stdout).toContain('NETCHANGE_RUNNER');
    expect(validate.exitCode).toBe(0);
    const workflows = path.join(directory, 'network/.github/workflows');
    const runsOn = async (name: string, job: string): Promise<unknown> =>
      (
        parse(await readFile(path.join(workflows, name), 'utf8')) as {
          jobs: Record<string, { 'runs-on': unknown }>;
        }
      ).jobs[job]?.['runs-on'];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    const chosen = '${{ fromJSON(vars.NETCHANGE_RUNNER || \'["self-hosted","plant-a-mgmt"]\') }}';
    for (const [name, job] of [
      ['netchange-pull-request.yaml', 'plan'],
      ['netchange-apply.yaml', 'apply-due'],
      ['netchange-emergency.yaml', 'emergency'],
      ['netchange-drift.yaml', 'drift'],
    ] as const) {
      expect(await runsOn(name, job), `${name} ${job}`).toBe(chosen);
    }
    expect(await runsOn('netchange-pull-request.yaml', 'validate')).toBe('ubuntu-latest');
    for (const name of await readdir(workflows)) {
      expect(await readFile(path.join(workflows, name), 'utf8'), name).not.toContain('"netchange"]');
    }
  });

  it('refuses runner labels GitHub would not take, or GitHub-hosted ones, before writing anything', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-'));
    directory = empty;

    const results = await Promise.all(
      [
        'self-hosted,',
        'self hosted',
        'a,a',
        '["self-hosted"]',
        'ubuntu-latest',
        'self-hosted,windows-2022',
      ].map((runner) => runCli(['init', 'network', '--runner', runner], { cwd: empty })),
    );

    for (const result of results) {
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('--runner');
      expect(result.stderr).toContain('hint: Give');
    }
    expect(await readdir(empty)).toEqual([]);
  });
});

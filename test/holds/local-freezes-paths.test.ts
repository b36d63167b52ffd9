import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { removeRepositories, repositoryWith, validate } from './freeze-fixture.js';

const outsides: string[] = [];
const created: TestRepository[] = [];
afterAll(async () => {
  await removeRepositories();
  for (const repository of created.splice(0)) await repository.remove();
  for (const outside of outsides.splice(0)) await rm(outside, { recursive: true, force: true });
});

const FREEZE = ['freeze', '--site', 'plant-a', '--until', '2099-01-01T00:00:00Z', '--reason', 'INC-1'];
const FREEZES_FILE = '.netchange/freezes.yaml';

/** An empty folder outside every repository: what a planted symlink points at. */
async function outsideFolder(): Promise<string> {
  const outside = await mkdtemp(path.join(os.tmpdir(), 'netchange-outside-'));
  outsides.push(outside);
  return outside;
}

describe.concurrent('a local freezes file that is badly shaped is a configuration error', () => {
  it.each([
    ['a top-level list', '- {id: FRZ-1, sites: [plant-a], until: "2099-01-01T00:00:00Z"}\n', 'is a list'],
    ['a plain string', 'plant-a is frozen\n', 'is a string'],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x0a]), 'not valid UTF-8'],
  ])(
    '%s: validate and freeze exit 2 naming file and line; freeze leaves it as it was',
    async (_name, content, reason) => {
      const repository = await repositoryWith();
      await mkdir(path.join(repository.root, '.netchange'));
      await writeFile(path.join(repository.root, FREEZES_FILE), content);

      const validated = await validate(repository);
      const frozen = await runCli(FREEZE, { cwd: repository.root });

      for (const result of [validated, frozen]) {
        expect(result.exitCode).toBe(2);
        expect(result.stderr).toContain(`${FREEZES_FILE} is not a freezes file`);
        expect(result.stderr).toMatch(new RegExp(`\\.netchange/freezes\\.yaml:1:1 .*${reason}`));
        expect(result.stderr).toContain(`hint: Fix or remove ${FREEZES_FILE}`);
      }
      expect(await readFile(path.join(repository.root, FREEZES_FILE))).toEqual(Buffer.from(content));
    },
  );

  it('a folder where the file should be: validate and freeze exit 2, not an internal error', async () => {
    const repository = await repositoryWith();
    await mkdir(path.join(repository.root, FREEZES_FILE), { recursive: true });

    const validated = await validate(repository);
    const frozen = await runCli(FREEZE, { cwd: repository.root });

    for (const result of [validated, frozen]) {
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`${FREEZES_FILE}:1:1 is a directory`);
    }
  });
});

describe.concurrent('freeze writes its file only inside the repository', () => {
  it('a file named .netchange: exit 2 with the path and a hint', async () => {
    const repository = await repositoryWith();
    await writeFile(path.join(repository.root, '.netchange'), 'x\n');

    const frozen = await runCli(FREEZE, { cwd: repository.root });

    expect(frozen.exitCode).toBe(2);
    expect(frozen.stderr).toContain(
      `${path.join(repository.root, '.netchange')}: it is a file, not a directory`,
    );
    expect(frozen.stderr).toContain('hint: ');
  });

  it('a dangling .netchange symlink: exit 2 naming it, nothing created', async () => {
    const repository = await repositoryWith();
    const outside = await outsideFolder();
    await symlink(path.join(outside, 'missing'), path.join(repository.root, '.netchange'));

    const frozen = await runCli(FREEZE, { cwd: repository.root });

    expect(frozen.exitCode).toBe(2);
    expect(frozen.stderr).toContain(`${path.join(repository.root, '.netchange')} is a symlink to nothing`);
    expect(await readdir(outside)).toEqual([]);
  });

  it('.netchange symlinked to a folder outside: exit 2, nothing written there', async () => {
    const repository = await repositoryWith();
    const outside = await outsideFolder();
    await symlink(outside, path.join(repository.root, '.netchange'));

    const frozen = await runCli(FREEZE, { cwd: repository.root });

    expect(frozen.exitCode).toBe(2);
    expect(frozen.stderr).toContain('outside the repository');
    expect(frozen.stderr).toContain('hint: ');
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('plan writes its run only inside the repository', () => {
  it('a committed .netchange symlink to a folder outside: exit 2, no plan written there', async () => {
    const outside = await outsideFolder();
    const repository = await createRepository(
      { '.netchange': { symlink: outside } },
      { fromExample: true, onlyChanges: 'chg-0143' },
    );
    created.push(repository);
    await execa('git', ['add', '-f', '.netchange'], { cwd: repository.root });
    await repository.commit('a pull request that plants a symlink');

    const planned = await runCli(['plan', 'changes/chg-0143-port-description.yaml'], {
      cwd: repository.root,
      timeout: 60_000,
    });

    expect(planned.exitCode).toBe(2);
    expect(planned.stderr).toContain('cannot create the run directory');
    expect(planned.stderr).toContain(`${path.join(repository.root, '.netchange')} leads through a symlink`);
    expect(planned.stderr).toContain('--out-dir');
    expect(await readdir(outside)).toEqual([]);
  });

  // why: the pull-request workflow passes --out-dir; inside the checkout its folder is the pull
  // request's to commit, as a symlink to a folder of the runner's.
  it('an --out-dir in the checkout that a committed symlink leads out of: exit 2, nothing written there', async () => {
    const outside = await outsideFolder();
    const repository = await createRepository(
      { '.netchange/pr-run': { symlink: outside } },
      { fromExample: true, onlyChanges: 'chg-0143' },
    );
    created.push(repository);
    await execa('git', ['add', '-f', '.netchange/pr-run'], { cwd: repository.root });
    await repository.commit('a pull request that plants a symlink where the workflow plans');

    const planned = await runCli(
      ['plan', 'changes/chg-0143-port-description.yaml', '--out-dir', '.netchange/pr-run'],
      { cwd: repository.root, timeout: 60_000 },
    );
    const chosen = path.join(await outsideFolder(), 'run');
    const elsewhere = await runCli(
      ['plan', 'changes/chg-0143-port-description.yaml', '--out-dir', chosen, '--format', 'json'],
      { cwd: repository.root, timeout: 60_000 },
    );

    expect(planned.exitCode).toBe(2);
    expect(planned.stderr).toContain('cannot use --out-dir .netchange/pr-run');
    expect(planned.stderr).toContain('leads through a symlink');
    expect(planned.stderr).toContain('runner.temp');
    expect(await readdir(outside)).toEqual([]);
    // why: a folder outside the checkout is the operator's own choice.
    expect([0, 1], elsewhere.stderr).toContain(elsewhere.exitCode);
    expect(await readdir(chosen)).toContain('plan.json');
  });

  it('an --output in the checkout that a committed symlink leads out of: exit 2, the file there untouched', async () => {
    const outside = await outsideFolder();
    await writeFile(path.join(outside, 'authorized_keys'), 'ssh-ed25519 AAAA runner\n');
    const repository = await createRepository(
      { 'netchange.sarif': { symlink: path.join(outside, 'authorized_keys') } },
      { fromExample: true, onlyChanges: 'chg-0143' },
    );
    created.push(repository);
    await repository.commit('a pull request that plants a symlink where CI writes the report');

    const validated = await runCli(
      ['validate', '--format', 'sarif', '--output', 'netchange.sarif', '--at', '2026-11-23T15:00:00Z'],
      { cwd: repository.root, timeout: 60_000 },
    );

    expect(validated.exitCode).toBe(2);
    expect(validated.stderr).toContain('cannot write --output netchange.sarif');
    expect(validated.stderr).toContain('leads through a symlink');
    expect(await readFile(path.join(outside, 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA runner\n');
  });
});

describe('codeowners where .github cannot be a folder', () => {
  it('a file named .github: exit 2 with the path and a hint, not an internal error', async () => {
    const repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0143' });
    created.push(repository);
    await rm(path.join(repository.root, '.github'), { recursive: true, force: true });
    await writeFile(path.join(repository.root, '.github'), 'x\n');

    const result = await runCli(['codeowners'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `${path.join(repository.root, '.github')}: it is a file, not a directory`,
    );
    expect(result.stderr).toContain('hint: ');
    expect(await readFile(path.join(repository.root, '.github'), 'utf8')).toBe('x\n');
  });
});

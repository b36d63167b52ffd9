import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

describe('netchange codeowners', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await repository.commit('example network');
  });
  afterAll(async () => {
    await repository.remove();
  });

  it('accepts the committed example file, then fails --check once the RACI changes, and regenerates it', async () => {
    const fresh = await runCli(['codeowners', '--check'], { cwd: repository.root });
    const policyPath = path.join(repository.root, 'policies/change-control.yaml');
    const policy = await readFile(policyPath, 'utf8');
    await repository.write({
      'policies/change-control.yaml': policy.replace('accountable: secops', 'accountable: netops'),
    });

    const stale = await runCli(['codeowners', '--check'], { cwd: repository.root });
    const written = await runCli(['codeowners'], { cwd: repository.root });
    const again = await runCli(['codeowners', '--check'], { cwd: repository.root });

    expect(fresh).toMatchObject({
      exitCode: 0,
      stdout: '.github/CODEOWNERS is up to date with policies/change-control.yaml',
    });
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        '-/playbooks/firewall/** @acme/netops @grace',
        '+/playbooks/firewall/** @acme/netops',
      ]),
    );
    expect(stale.stderr).toContain(
      '.github/CODEOWNERS is stale: it does not match the RACI in policies/change-control.yaml',
    );
    expect(written).toMatchObject({
      exitCode: 0,
      stdout: 'wrote .github/CODEOWNERS (14 patterns) from policies/change-control.yaml',
    });
    expect(await readFile(path.join(repository.root, '.github/CODEOWNERS'), 'utf8')).toContain(
      '\n/playbooks/firewall/** @acme/netops\n',
    );
    expect(again.exitCode).toBe(0);
  });

  it('exits 2 with the file and line of a policy error', async () => {
    const broken = await createRepository({
      'policies/change-control.yaml':
        'apiVersion: netchange/v1\nkind: ChangeControlPolicy\nteams:\n  netops: {kind: internal, members: [alice]}\nraci:\n  core: {responsible: netops, accountable: net-ops}\n',
    });

    const result = await runCli(['codeowners', '--check'], { cwd: broken.root });
    await broken.remove();

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('policies/change-control.yaml has errors');
    expect(result.stderr).toContain(
      "policies/change-control.yaml:6:44 raci.core.accountable names team 'net-ops', which is not defined under teams",
    );
  });
});

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, PROJECT_ROOT, type TestRepository } from '../support/repository.js';

const HANG = path.join(PROJECT_ROOT, 'test/fixtures/fake-tools/terraform-hang');
const MAIN = path.join(PROJECT_ROOT, 'src/cli/main.ts');
const TSX_LOADER = import.meta.resolve('tsx');

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({
    // why: the configured terraform is the hanging stub, so the plan is still running when Ctrl-C comes.
    'netchange.yaml': `apiVersion: netchange/v1\nkind: Config\nexecutors: {terraform: ${JSON.stringify(HANG)}, killGrace: PT0.5S}\n`,
    'terraform/stack/main.tf': 'resource "terraform_data" "x" {}\n',
    'changes/stack.yaml': `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-HANG
title: A plan that never ends
requester: {team: netops, github: alice}
type: normal
domain: sdwan
risk: low
targets: {sites: [hq]}
schedule: {start: "2027-02-07T02:00", end: "2027-02-07T03:00", timezone: UTC}
execution:
  - terraform: {dir: terraform/stack}
`,
  });
  await repository.commit('hanging stack');
});

afterAll(async () => {
  await repository.remove();
});

async function waitFor(file: string): Promise<void> {
  for (let attempt = 0; attempt < 300 && !existsSync(file); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('netchange plan on Ctrl-C', () => {
  it('ends the running tool, writes the results so far and exits 130', async () => {
    const pidFile = path.join(repository.root, 'stub.pid');
    const child = execa(
      'node',
      ['--import', TSX_LOADER, MAIN, 'plan', '--out-dir', 'out', '--format', 'json'],
      {
        cwd: repository.root,
        env: { CI: 'true', NO_COLOR: '1', NETCHANGE_FAKE_PID_FILE: pidFile },
        reject: false,
        stdin: 'ignore',
      },
    );
    await waitFor(pidFile);

    child.kill('SIGINT');
    const result = await child;

    expect(result.exitCode).toBe(130);
    const plan = JSON.parse(await readFile(path.join(repository.root, 'out/plan.json'), 'utf8'));
    expect(plan).toMatchObject({
      status: 'cancelled',
      proposals: [{ id: 'CHG-HANG', steps: [{ status: 'cancelled' }] }],
    });
    const stubPid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(() => process.kill(stubPid, 0)).toThrow();
  });
});

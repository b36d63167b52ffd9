import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimpleGitRepository } from '../../src/proposals/git-repository.js';
import { checkCommittedTree } from '../../src/runs/apply-preconditions.js';
import { buildSubject } from '../../src/windows/test-support.js';

let root: string;

async function write(relative: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), content);
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
  });
}

const subject = buildSubject({
  startMs: Date.UTC(2026, 11, 6, 18, 0),
  lengthMs: 3_600_000,
  proposal: {
    execution: [{ terraform: { dir: 'terraform/sdwan', varFiles: ['../../vars/prod.tfvars.json'] } }],
  },
});

/** apply's refusal, or undefined when the committed-tree check passes. */
async function refusal(): Promise<string | undefined> {
  try {
    await checkCommittedTree({ git: createSimpleGitRepository(root), subject, policyFiles: [] });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netchange-apply-inputs-'));
  await write('changes/test.yaml', 'id: CHG-TEST-1\n');
  await write('terraform/sdwan/main.tf', 'module "edge" {\n  source = "../modules/edge"\n}\n');
  await write('terraform/modules/edge/main.tf', 'module "inner" {\n  source = "\\u002e/inner"\n}\n');
  await write('terraform/modules/edge/inner/main.tf', 'resource "terraform_data" "x" {}\n');
  await write('vars/prod.tfvars.json', '{}\n');
  await write('.gitignore', '.terraform/\n*.tfstate\nsecret.tfvars\nlocal_override.tf\nnotes.txt\n');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  git('add', '-A');
  git('commit', '-qm', 'init');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('apply refuses uncommitted Terraform inputs outside the step directory', () => {
  it('passes a clean tree with Terraform output and ignored non-Terraform files in it', async () => {
    await write('terraform/sdwan/.terraform/modules/edge/main.tf', 'resource "terraform_data" "y" {}\n');
    await write('terraform/sdwan/terraform.tfstate', '{}\n');
    await write('terraform/sdwan/notes.txt', 'ignored notes\n');

    expect(await refusal()).toBeUndefined();
  });

  it.each([
    ['a var file named outside the directory', 'vars/prod.tfvars.json', '{"psk": "changed"}\n'],
    ['a local module', 'terraform/modules/edge/main.tf', 'resource "terraform_data" "evil" {}\n'],
    [
      'a module the module calls (escaped source)',
      'terraform/modules/edge/inner/extra.tf',
      'resource "terraform_data" "evil" {}\n',
    ],
    [
      'an untracked file starting with tfplan',
      'terraform/sdwan/tfplan_extra.tf',
      'resource "terraform_data" "evil" {}\n',
    ],
    ['an ignored .tf file', 'terraform/sdwan/local_override.tf', 'resource "terraform_data" "evil" {}\n'],
    ['an ignored .tfvars file', 'terraform/sdwan/secret.tfvars', 'psk = "x"\n'],
  ])('refuses %s', async (_what, file, content) => {
    await write(file, content);

    const message = await refusal();

    expect(message).toContain('uncommitted changes in what it runs');
    expect(message).toContain(file);
  });

  it('refuses a local module loaded from outside the repository', async () => {
    await write('terraform/sdwan/outside.tf', 'module "far" {\n  source = "../../../shared"\n}\n');
    git('add', '-A');
    git('commit', '-qm', 'outside');

    expect(await refusal()).toContain(
      'a Terraform module is loaded from outside the repository: ../../../shared',
    );
  });
});

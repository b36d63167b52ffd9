import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/model.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// Real terraform with built-in resources only (no provider download). Stack `wan` is applied from
// the working copy; then main moves ahead of it, or someone applies it by hand with another value.
// `edge` reads wan's outputs through terraform_remote_state, so a hand-applied wan changes what edge
// sees: the one out-of-band change built-in pieces can show (plan -refresh-only).

const AT = '2026-12-01T12:00:00Z';
const TERRAFORM_ENV = { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };

let repository: TestRepository;

async function terraform(dir: string, ...args: string[]): Promise<void> {
  await execa('terraform', args, { cwd: `${repository.root}/${dir}`, env: TERRAFORM_ENV });
}

async function drift(): Promise<{ exitCode: number; report: DriftReport; stderr: string }> {
  const result = await runCli(['drift', '--format', 'json', '--at', AT], { cwd: repository.root });
  return {
    exitCode: result.exitCode,
    report: JSON.parse(result.stdout) as DriftReport,
    stderr: result.stderr,
  };
}

function stack(report: DriftReport, name: string) {
  const found = report.targets.find((target) => target.target === name);
  if (!found) throw new Error(`no target ${name}`);
  return found;
}

beforeAll(async () => {
  repository = await createRepository({
    '.gitignore': '.terraform/\n*.tfstate\n*.tfstate.backup\n.terraform.lock.hcl\n',
    'netchange.yaml': `apiVersion: netchange/v1
kind: Config
drift:
  terraform:
    - {dir: terraform/wan, varFiles: [prod.tfvars.json]}
    - {dir: terraform/edge}
`,
    'terraform/wan/main.tf': `variable "mtu" { type = number }
resource "terraform_data" "link" { input = { mtu = var.mtu } }
output "mtu" { value = var.mtu }
`,
    'terraform/wan/prod.tfvars.json': '{"mtu": 1500}\n',
    'terraform/edge/main.tf': `data "terraform_remote_state" "wan" {
  backend = "local"
  config  = { path = "../wan/terraform.tfstate" }
}
resource "terraform_data" "edge" { input = "edge" }
output "wan_mtu" { value = data.terraform_remote_state.wan.outputs.mtu }
`,
  });
  await repository.commit('two stacks');
  for (const dir of ['terraform/wan', 'terraform/edge']) {
    await terraform(dir, 'init', '-input=false');
    await terraform(
      dir,
      'apply',
      '-auto-approve',
      '-input=false',
      ...(dir.endsWith('wan') ? ['-var-file=prod.tfvars.json'] : []),
    );
  }
}, 180_000);
afterAll(() => repository?.remove());

describe('netchange drift on Terraform stacks', () => {
  it('reports stacks applied from main as in sync, reading their local state from the working copy', async () => {
    const { exitCode, report } = await drift();

    expect(exitCode).toBe(0);
    expect(report.summary).toEqual({ targets: 2, drifted: 0, inSync: 2, ignored: 0, errors: 0 });
  }, 120_000);

  it('shows a main branch ahead of the applied state as drift, with no change outside Terraform', async () => {
    await repository.write({ 'terraform/wan/prod.tfvars.json': '{"mtu": 9000}\n' });
    await repository.commit('jumbo frames on the WAN (merged, not applied)');

    const { exitCode, report } = await drift();

    expect(exitCode).toBe(1);
    const wan = stack(report, 'terraform/wan');
    expect(wan.status).toBe('drifted');
    expect(wan.diff).toContain(' # terraform_data.link (update)\n-  input.mtu = 1500\n+  input.mtu = 9000\n');
    expect(wan.diff).toContain('-output mtu = 1500\n+output mtu = 9000\n');
    expect(wan.diff).not.toContain('changed outside Terraform');
    expect(stack(report, 'terraform/edge').status).toBe('in-sync');
  }, 120_000);

  it('shows a stack applied by hand against main; built-in resources never show a change outside Terraform', async () => {
    // why: someone applies wan by hand with a value main does not have; edge reads wan's outputs.
    await terraform('terraform/wan', 'apply', '-auto-approve', '-input=false', '-var', 'mtu=1400');

    const { exitCode, report } = await drift();

    expect(exitCode).toBe(1);
    expect(stack(report, 'terraform/wan').diff).toContain('-  input.mtu = 1400\n+  input.mtu = 9000\n');
    expect(stack(report, 'terraform/edge')).toMatchObject({
      status: 'drifted',
      diff: '-output wan_mtu = 1500\n+output wan_mtu = 1400\n',
    });
  }, 120_000);
});

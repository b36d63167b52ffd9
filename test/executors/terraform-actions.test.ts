import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepContext } from '../../src/executors/index.js';
import { runTerraform, terraformPlanHash } from '../../src/executors/index.js';
import { EXECUTORS } from '../../src/executors/registry.js';
import type { TerraformStepRun } from '../../src/executors/terraform/run.js';
import { createRedactor } from '../../src/redact/index.js';
import { stepContext } from '../support/step-context.js';

let root: string;

function context(overrides: Partial<StepContext> = {}): StepContext {
  return stepContext(root, overrides);
}

async function write(relative: string, content: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), content);
  await chmod(path.join(root, relative), mode);
}

/** A step's run as the renderers see it in a plan. */
function result(run: TerraformStepRun) {
  return {
    ...run,
    phase: 'execution' as const,
    index: 0,
    name: 'terraform/forget',
    mode: 'check' as const,
    digest: '',
  };
}

const TWO_RESOURCES = `
resource "terraform_data" "gone" {
  input = "kept-outside"
}
resource "terraform_data" "stay" {
  input = "y"
}
`;

const FORGET_ONE = `
resource "terraform_data" "stay" {
  input = "y"
}
removed {
  from = terraform_data.gone
  lifecycle {
    destroy = false
  }
}
`;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netchange-terraform-actions-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a Terraform plan that forgets a resource (removed with destroy = false)', () => {
  const step = { dir: 'terraform/forget' };
  let planned: TerraformStepRun;

  beforeAll(async () => {
    await write('terraform/forget/main.tf', TWO_RESOURCES);
    const applied = await runTerraform(step, context({ mode: 'apply' }));
    expect(applied.status).toBe('applied');
    await write('terraform/forget/main.tf', FORGET_ONE);
    planned = await runTerraform(step, context());
  });

  it('shows the forget as its own action, counted as a change, with a digest unlike an empty plan', () => {
    const shown = result(planned);
    const executor = EXECUTORS.terraform;

    expect(planned.terraform?.resources).toContainEqual(
      expect.objectContaining({ address: 'terraform_data.gone', action: 'forget' }),
    );
    expect(planned.terraform?.hasChanges).toBe(true);
    expect(planned.changed).toBe(true);
    expect(executor.summary(shown)).toBe('planned: 1 to forget');
    expect(executor.changeLine(shown)).toBe('1 to forget');
    expect(executor.removals(shown)).toEqual([{ target: 'terraform_data.gone', what: 'forget' }]);
    expect(executor.markdown(shown, false).join('\n')).toContain('| forget | `terraform_data.gone` |');
    expect(terraformPlanHash(planned.terraform!)).not.toBe(
      terraformPlanHash({ resources: [], outputs: [], hasChanges: false }),
    );
  });

  it('runs terraform apply for the reviewed forget, so the state no longer holds the resource', async () => {
    const applied = await runTerraform(
      step,
      context({ mode: 'apply', expectedDigest: terraformPlanHash(planned.terraform!) }),
    );

    expect(applied.status).toBe('applied');
    expect(applied.changed).toBe(true);
    expect(applied.logText).toContain('$ terraform apply');
    const state = await readFile(path.join(root, 'terraform/forget/terraform.tfstate'), 'utf8');
    expect(state).not.toContain('"gone"');
    expect(state).not.toContain('kept-outside');
  });
});

describe('apply when the plan JSON lists nothing but terraform plan -detailed-exitcode says changes', () => {
  it('runs terraform apply rather than recording an apply that changed nothing (stub hides the JSON)', async () => {
    await write('terraform/hidden/main.tf', 'resource "terraform_data" "new" {\n  input = "z"\n}\n');
    // why: a fault injected into the real terraform: `show -json` prints an empty plan, as a
    // Terraform whose JSON leaves out a change would.
    const wrapper = path.join(root, 'terraform-hiding-json');
    await write(
      'terraform-hiding-json',
      '#!/usr/bin/env bash\nif [ "$1" = show ]; then echo "{}"; exit 0; fi\nexec terraform "$@"\n',
      0o755,
    );

    const applied = await runTerraform(
      { dir: 'terraform/hidden' },
      context({ mode: 'apply', commands: { ansiblePlaybook: 'ansible-playbook', terraform: wrapper } }),
    );

    expect(applied.status).toBe('applied');
    expect(applied.changed).toBe(true);
    expect(applied.logText).toContain('-detailed-exitcode');
    const state = await readFile(path.join(root, 'terraform/hidden/terraform.tfstate'), 'utf8');
    expect(state).toContain('terraform_data');
  });
});

describe('a Terraform step without a workspace', () => {
  it('runs in default, whatever workspace a step before it selected', async () => {
    await write(
      'terraform/workspaces/main.tf',
      'resource "terraform_data" "w" {\n  input = terraform.workspace\n}\n',
    );
    const prod = await runTerraform({ dir: 'terraform/workspaces', workspace: 'prod' }, context());

    const unnamed = await runTerraform({ dir: 'terraform/workspaces' }, context());
    const named = await runTerraform({ dir: 'terraform/workspaces/', workspace: 'default' }, context());

    expect(prod.terraform?.resources[0]?.attributes).toContainEqual({ path: 'input', after: 'prod' });
    expect(unnamed.terraform?.resources[0]?.attributes).toContainEqual({ path: 'input', after: 'default' });
    expect(terraformPlanHash(unnamed.terraform!)).toBe(terraformPlanHash(named.terraform!));
  });
});

describe("a proposal's Terraform variable key in plan.md", () => {
  it('reaches the resource table as text, never as HTML or a broken code span', async () => {
    await write(
      'terraform/keys/main.tf',
      'variable "sites" {\n  type = map(string)\n}\nresource "terraform_data" "site" {\n  for_each = var.sites\n  input    = each.value\n}\n',
    );
    const key = 'x`</td></tr></table><h1>APPROVED by CAB</h1><!-- ';

    const planned = await runTerraform({ dir: 'terraform/keys', vars: { sites: { [key]: 'a' } } }, context());
    const markdown = EXECUTORS.terraform.markdown(result(planned), true).join('\n');
    // why: the attribute diff below the table is a fenced block, where the key is literal text.
    const [table = '', diff = ''] = markdown.split('<details>');

    expect(planned.status).toBe('planned');
    expect(table).not.toContain('<h1>');
    expect(table).not.toContain('</td>');
    expect(table).not.toContain('<!--');
    expect(table).toContain('| create | <code>terraform_data.site["x&#96;&lt;/td&gt;');
    expect(diff).toMatch(/```diff\n# terraform_data\.site\["x`<\/td>/);
  });
});

describe('a terraform killed by a signal', () => {
  it('names the signal and the panic line, redacted (stub: a terraform that panics and kills itself)', async () => {
    await write('terraform/crash/main.tf', 'resource "terraform_data" "c" {}\n');
    const secret = 'crash-Secret-7Hq2';
    const crashing = path.join(root, 'terraform-crashing');
    await write(
      'terraform-crashing',
      `#!/usr/bin/env bash\nif [ "$1" = plan ]; then echo "goroutine noise" >&2; echo "panic: runtime error: token ${secret}" >&2; kill -SEGV $$; fi\nexec terraform "$@"\n`,
      0o755,
    );
    const env = { TF_TOKEN: secret };

    const crashed = await runTerraform(
      { dir: 'terraform/crash' },
      context({
        env,
        redactor: createRedactor({ env, secretEnvNames: ['TF_TOKEN'] }),
        commands: { ansiblePlaybook: 'ansible-playbook', terraform: crashing },
      }),
    );

    expect(crashed.status).toBe('error');
    expect(crashed.message).toBe(
      'terraform plan was killed by SIGSEGV: panic: runtime error: token [REDACTED]',
    );
  });
});

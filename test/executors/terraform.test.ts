import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceChange, StepContext } from '../../src/executors/index.js';
import { runStep, runTerraform, terraformPlanHash } from '../../src/executors/index.js';
import { learnTerraformSecrets } from '../../src/executors/terraform/secrets.js';
import { createRedactor, REDACTED } from '../../src/redact/index.js';
import { stepContext } from '../support/step-context.js';

const FAKE_TOOLS = path.resolve(import.meta.dirname, '../fixtures/fake-tools');
const PSK = 'tf-planted-psk-9QzX41';

let root: string;

function context(overrides: Partial<StepContext> = {}): StepContext {
  return stepContext(root, overrides);
}

async function write(relative: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), content);
}

const VERSION_1 = `
variable "psk" {
  type      = string
  sensitive = true
}
resource "terraform_data" "keep" {
  input = { wan_ip = "198.51.100.1", psk = var.psk }
}
resource "terraform_data" "rebuild" {
  input            = "v1"
  triggers_replace = "generation-1"
}
resource "terraform_data" "retire" {
  input = "old"
}
resource "terraform_data" "rename_me" {
  input = "same"
}
output "psk" {
  value     = var.psk
  sensitive = true
}
`;

const VERSION_2 = `
variable "psk" {
  type      = string
  sensitive = true
}
resource "terraform_data" "keep" {
  input = { wan_ip = "198.51.100.2", psk = var.psk }
}
resource "terraform_data" "rebuild" {
  input            = "v1"
  triggers_replace = "generation-2"
}
resource "terraform_data" "renamed" {
  input = "same"
}
moved {
  from = terraform_data.rename_me
  to   = terraform_data.renamed
}
output "psk" {
  value     = var.psk
  sensitive = true
}
`;

/** A key in secrets.env, not marked sensitive in Terraform: its precondition error prints it. */
const IPSEC_KEY = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0';

// why: the condition's line is long enough that Terraform's error shows the key across the 400th
// character of the message, where netchange cuts it.
const PRECONDITION = `
variable "ipsec_key" {
  type = string
}
resource "terraform_data" "tunnel" {
  input = "hq"
  lifecycle {
    precondition {
      condition     = length(var.ipsec_key) == 32 && var.ipsec_key != "${'rotate-before-2027-'.repeat(9)}"
      error_message = "The IPsec key must be 32 characters long."
    }
  }
}
`;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netchange-terraform-'));
  await write('terraform/precondition/main.tf', PRECONDITION);
  await write('terraform/stack/main.tf', VERSION_1);
  await write('terraform/stack/prod.tfvars.json', JSON.stringify({ psk: PSK }));
  await write('terraform/broken/main.tf', 'resource "terraform_data" "x" {\n  input = \n}\n');
  await write('terraform/shared/site.tfvars', 'region = \n');
  await write(
    'terraform/needs-provider/main.tf',
    'terraform {\n  required_providers {\n    null = { source = "hashicorp/null" }\n  }\n}\nresource "null_resource" "x" {}\n',
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runTerraform with the real terraform', () => {
  const step = { dir: 'terraform/stack', varFiles: ['prod.tfvars.json'], workspace: 'prod' };
  let resources: Map<string, ResourceChange>;
  let secondPlanText: string;

  beforeAll(async () => {
    // Apply version 1 for real, then plan version 2 against it: update, replace, delete and move in one plan.
    const applied = await runTerraform(step, context({ mode: 'apply' }));
    expect(applied.status).toBe('applied');
    await write('terraform/stack/main.tf', VERSION_2);
    const planned = await runTerraform(step, context());
    expect(planned.status).toBe('planned');
    resources = new Map((planned.terraform?.resources ?? []).map((resource) => [resource.address, resource]));
    secondPlanText = JSON.stringify(planned);
  });

  it('reports each resource action, with the reason for a replacement and the origin of a move', () => {
    expect(resources.get('terraform_data.keep')?.action).toBe('update');
    expect(resources.get('terraform_data.rebuild')).toMatchObject({
      action: 'replace',
      reason: 'replace_because_cannot_update',
    });
    expect(resources.get('terraform_data.retire')).toMatchObject({
      action: 'delete',
      reason: 'delete_because_no_resource_config',
    });
    expect(resources.get('terraform_data.renamed')).toMatchObject({
      action: 'no-op',
      movedFrom: 'terraform_data.rename_me',
    });
  });

  it('shows changed attributes with before and after, and masks the sensitive ones', () => {
    const attributes = resources.get('terraform_data.keep')?.attributes ?? [];

    expect(attributes).toContainEqual({
      path: 'input.wan_ip',
      before: '198.51.100.1',
      after: '198.51.100.2',
    });
    expect(secondPlanText).not.toContain(PSK);
  });

  it('never lets the sensitive variable into the step log', async () => {
    const planned = await runTerraform(step, context());

    expect(planned.logText).not.toContain(PSK);
    expect(JSON.stringify(planned.terraform)).toContain(REDACTED);
  });

  it('gives the same digest for the same plan, and refuses to apply a plan that differs from the reviewed one', async () => {
    const first = await runTerraform(step, context());
    const second = await runTerraform(step, context());
    const refused = await runTerraform(
      step,
      context({ mode: 'apply', expectedDigest: 'sha256:reviewed-something-else' }),
    );

    expect(terraformPlanHash(first.terraform!)).toBe(terraformPlanHash(second.terraform!));
    expect(refused.status).toBe('failed');
    expect(refused.message).toBe('the Terraform plan differs from the reviewed plan; nothing was applied');
    const state = await readFile(
      path.join(root, 'terraform/stack/terraform.tfstate.d/prod/terraform.tfstate'),
      'utf8',
    );
    expect(state).toContain('generation-1');
  });

  it('reports a configuration error as a tool error naming the problem', async () => {
    const broken = await runTerraform({ dir: 'terraform/broken' }, context());

    expect(broken.status).toBe('error');
    expect(broken.message).toMatch(/^terraform (init|plan) failed: Error: /);
  });

  it("names a var file by its repository path in Terraform's errors, not by the runner's directories", async () => {
    const failed = await runTerraform(
      { dir: 'terraform/stack', varFiles: ['../shared/site.tfvars'], vars: { psk: 7 }, workspace: 'prod' },
      context(),
    );

    expect(failed.status).toBe('error');
    expect(failed.message).toContain('terraform/shared/site.tfvars line 1');
    expect(`${failed.message}\n${failed.logText}`).not.toContain(root);
    expect(failed.logText).not.toMatch(/netchange-terraform[^ ]*\/netchange\.tfvars\.json/);
  });

  it('redacts a secret in a long error before it cuts the message, so no part of the secret is left', async () => {
    const env = { TF_VAR_ipsec_key: IPSEC_KEY };

    const failed = await runTerraform(
      { dir: 'terraform/precondition' },
      context({ env, redactor: createRedactor({ env, secretEnvNames: ['TF_VAR_ipsec_key'] }) }),
    );

    expect(failed.status).toBe('error');
    expect(failed.message).toMatch(
      /^terraform plan failed: Error: Resource precondition failed .*var\.ipsec_key is "\[REDACTED\]"/,
    );
    expect(failed.message).not.toContain(IPSEC_KEY.slice(0, 8));
    expect(failed.logText).not.toContain(IPSEC_KEY.slice(0, 8));
  });

  it('hides a sensitive variable whose validation fails, from the runner, a var file or the step (no plan JSON then)', async () => {
    // why: Terraform prints such a value in clear: `var.bgp_md5 is "…"` and the interpolated message.
    await write(
      'terraform/validated/main.tf',
      [
        'variable "bgp_md5" {',
        '  type      = string',
        '  sensitive = true',
        '  validation {',
        '    condition     = length(var.bgp_md5) > 40',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's text, not a template
        '    error_message = "The key ${var.bgp_md5} is too short."',
        '  }',
        '}',
        'variable "peer_key" {',
        '  type      = string',
        '  sensitive = true',
        '  validation {',
        '    condition     = startswith(var.peer_key, "pk-")',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform's text, not a template
        '    error_message = "Peer key ${var.peer_key} must start with pk-."',
        '  }',
        '}',
        'resource "terraform_data" "x" {',
        '  input = [var.bgp_md5, var.peer_key]',
        '}',
      ].join('\n'),
    );
    await write('terraform/validated/site.tfvars', 'peer_key = "Peer-Qx81-value"\n');
    const fromRunner = 'Md5-Runner-7Hq2';
    const step = { terraform: { dir: 'terraform/validated', varFiles: ['site.tfvars'] } };
    const position = { phase: 'execution' as const, index: 0 };

    const viaRunner = await runStep(
      step,
      position,
      context({ env: { TF_VAR_bgp_md5: fromRunner }, redactor: createRedactor() }),
    );
    const viaStep = await runStep(
      { terraform: { ...step.terraform, vars: { bgp_md5: 'Md5-Step-4Lz9' } } },
      position,
      context({ env: { TF_VAR_bgp_md5: fromRunner }, redactor: createRedactor() }),
    );

    expect(viaRunner.result.status).toBe('error');
    const runnerText = `${JSON.stringify(viaRunner.result)}\n${viaRunner.logText}`;
    expect(runnerText).toContain('var.bgp_md5 is \\"[REDACTED]\\"');
    expect(runnerText).not.toContain(fromRunner);
    expect(runnerText).not.toContain('Peer-Qx81-value');
    const stepText = `${JSON.stringify(viaStep.result)}\n${viaStep.logText}`;
    expect(viaStep.result.status).toBe('error');
    expect(stepText).not.toContain('Md5-Step-4Lz9');
    expect(stepText).not.toContain('Peer-Qx81-value');
  });

  it('hides the default an override file keeps and an object variable the runner gives in HCL', async () => {
    const failing = (name: string, value: string) =>
      `  validation {\n    condition     = length(${value}) > 40\n    error_message = "${name} is too short."\n  }`;
    await write(
      'terraform/overridden/main.tf',
      [
        'variable g {',
        '  sensitive = true',
        '  default   = "Override-Kept-G7h8"',
        failing('g', 'var.g'),
        '}',
        'variable "cfg" {',
        '  sensitive = "true"',
        '  type      = object({ psk = string })',
        failing('cfg', 'var.cfg.psk'),
        '}',
      ].join('\n'),
    );
    await write('terraform/overridden/main_override.tf', 'variable "g" {\n  sensitive = true\n}\n');
    const env = { TF_VAR_cfg: '{psk = "Hcl-Object-Psk-E7f8"}' };

    const run = await runStep(
      { terraform: { dir: 'terraform/overridden' } },
      { phase: 'execution', index: 0 },
      context({ env, redactor: createRedactor() }),
    );

    const text = `${JSON.stringify(run.result)}\n${run.logText}`;
    expect(run.result.status).toBe('error');
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain('Override-Kept-G7h8');
    expect(text).not.toContain('Hcl-Object-Psk-E7f8');
  });

  it("hides what a root module passes to a local module's sensitive variable, which need not be sensitive at the root", async () => {
    await write(
      'terraform/parent/main.tf',
      [
        'variable "plain" {',
        '  default = "Child-Fed-Root-P9o8"',
        '}',
        'variable "site" {',
        '  default = "berlin"',
        '}',
        'module "tunnel" {',
        '  source = "./tunnel"',
        '  key    = var.plain',
        '  peer   = "Literal-Peer-Q4w5"',
        '  site   = var.site',
        '}',
      ].join('\n'),
    );
    await write(
      'terraform/parent/tunnel/main.tf',
      [
        'variable "key" {',
        '  sensitive = true',
        '  validation {',
        '    condition     = length(var.key) > 40',
        '    error_message = "The key is too short."',
        '  }',
        '}',
        'variable "peer" {',
        '  sensitive = true',
        '}',
        'variable "site" {}',
        'resource "terraform_data" "x" {',
        '  input = [var.key, var.peer, var.site]',
        '}',
      ].join('\n'),
    );
    const redactor = createRedactor();

    const run = await runStep(
      { terraform: { dir: 'terraform/parent' } },
      { phase: 'execution', index: 0 },
      context({ redactor }),
    );

    const text = `${JSON.stringify(run.result)}\n${run.logText}`;
    expect(run.result.status).toBe('error');
    expect(text).toContain('var.key is \\"[REDACTED]\\"');
    expect(text).not.toContain('Child-Fed-Root-P9o8');
    expect(redactor.redactText('Literal-Peer-Q4w5 at berlin')).toBe('[REDACTED] at berlin');
  });

  it('reads a module that calls itself, many times over, once, before terraform runs', async () => {
    const calls = Array.from(
      { length: 10 },
      (_, index) => `module "again_${index}" {\n  source = "./"\n  key    = var.key\n}`,
    );
    await write(
      'terraform/loop/main.tf',
      ['variable "key" {', '  sensitive = true', '  default   = "Loop-Key-Z3x4"', '}', ...calls].join('\n'),
    );
    const redactor = createRedactor();

    // why: the learning alone; Terraform itself takes a minute to refuse such a tree.
    await learnTerraformSecrets({ dir: 'terraform/loop' }, context({ redactor }));

    expect(redactor.redactText('Loop-Key-Z3x4')).toBe('[REDACTED]');
  });

  it('passes a workspace name after --, so one that begins with - is never an option (defence behind validation)', async () => {
    await write(
      'terraform/dash/main.tf',
      'resource "terraform_data" "x" {\n  input = terraform.workspace\n}\n',
    );

    const planned = await runTerraform({ dir: 'terraform/dash', workspace: '-h' }, context());

    expect(planned.logText).toContain('workspace select -or-create=true -no-color -- -h');
    expect(planned.status).toBe('planned');
    expect(planned.terraform?.resources[0]?.attributes).toContainEqual({ path: 'input', after: '-h' });
  });

  it('reports a provider it cannot install by name, with what to do', async () => {
    const missing = await runTerraform({ dir: 'terraform/needs-provider' }, context());

    expect(missing.status).toBe('error');
    expect(missing.message).toBe('terraform init could not install the provider hashicorp/null');
    expect(missing.hint).toContain('mirror');
  });

  it('stops a terraform that hangs past the step timeout, SIGKILL after SIGTERM is ignored (stub)', async () => {
    const pidFile = path.join(root, 'hang.pid');

    const hung = await runTerraform(
      { dir: 'terraform/stack' },
      context({
        timeoutMs: 700,
        killGraceMs: 300,
        commands: { ansiblePlaybook: 'ansible-playbook', terraform: path.join(FAKE_TOOLS, 'terraform-hang') },
        env: { NETCHANGE_FAKE_PID_FILE: pidFile },
      }),
    );

    expect(hung.status).toBe('error');
    expect(hung.message).toBe('terraform init ran longer than the step timeout (1 s) and was stopped');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('ends a running step when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);

    const cancelled = await runTerraform(
      { dir: 'terraform/stack' },
      context({
        signal: controller.signal,
        killGraceMs: 200,
        commands: { ansiblePlaybook: 'ansible-playbook', terraform: path.join(FAKE_TOOLS, 'terraform-hang') },
      }),
    );

    expect(cancelled.status).toBe('cancelled');
  });
});

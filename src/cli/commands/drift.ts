import type { Command } from 'commander';
import type { DriftReport } from '../../drift/model.js';
import { cliContext, withRunControls } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { checkOutputTarget, formatOption, OPTION_HELP, parseAt, useColor, writeOutput } from '../options.js';

interface DriftFlags {
  repo?: string;
  branch?: string;
  at?: string;
  format: string;
  output?: string;
  github?: boolean;
  propose?: boolean;
}

export function registerDriftCommand(program: Command): void {
  program
    .command('drift')
    .summary('compare every device and stack with its intended state on the default branch')
    .description(
      'Find changes made outside netchange. Checks out the default branch (origin/main when it exists, else\n' +
        'main) into a private directory and runs the sources netchange.yaml lists under drift: each Ansible\n' +
        'playbook in check+diff mode (one target per host) and each Terraform stack with plan -detailed-exitcode\n' +
        'and plan -refresh-only (one target per stack). FRR and Ansible volatile lines are normalised away;\n' +
        'policies/drift.yaml (kind DriftPolicy) hides known differences until its rules expire.\n' +
        'Each drift is explained (applied-not-merged, merged-not-applied, out-of-band) and recorded in the\n' +
        'evidence as drift-detected / drift-resolved (a repeat writes nothing). See docs/drift.md.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--branch <name>', 'the branch holding the intended state (default: drift.branch, else main)')
    .option('--at <iso>', 'check as of this instant: ignore rules expire relative to it (default: now)')
    .addOption(formatOption('drift', 'text'))
    .option('--output <file>', 'write to this file instead of stdout')
    .option('--github', 'keep one living GitHub issue per drifted target (label netchange-drift)')
    .option(
      '--propose',
      'write under changes/ a proposal that re-applies the intended state to each device drifted out of band',
    )
    .addHelpText(
      'after',
      `
netchange.yaml:
  drift:
    branch: main                                   # optional
    ansible:   [{playbook: playbooks/frr.yaml, inventory: inventory/hosts.yaml, limit: routers}]
    terraform: [{dir: terraform/sdwan, varFiles: [prod.tfvars.json], workspace: prod}]
    state: [state]                                 # optional: ignored files the checks read

Examples:
  $ netchange drift                                # text: each target's status and diff
  $ netchange drift --format json --output drift.json   # one DriftReport object (schemaVersion 1)
  $ netchange drift --format markdown              # for an issue or a pull request
  $ netchange drift --branch production --at 2026-12-01T08:00:00Z
  $ GITHUB_TOKEN=... GITHUB_REPOSITORY=acme/network netchange drift --github --propose

Exit codes: 0 every target in sync (or ignored by a rule), 1 drift found, 2 usage or configuration
error (netchange.yaml, an invalid drift policy), 3 a tool failed on a target (ansible, terraform, an
unreachable device), 130 cancelled.`,
    )
    .action(async (flags: DriftFlags) => {
      await checkOutputTarget(flags.output, process.cwd());
      const { checkDrift } = await import('../../use-cases/drift.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const at = flags.at ? parseAt(flags.at) : undefined;
      const run = await withRunControls((controls) =>
        checkDrift(
          {
            ...(flags.repo ? { repo: flags.repo } : {}),
            ...(flags.branch ? { branch: flags.branch } : {}),
            ...(at ? { at } : {}),
            ...(flags.github ? { github: true } : {}),
            ...(flags.propose ? { propose: true } : {}),
          },
          { ...cliContext(), ...controls },
        ),
      );
      await writeOutput(
        await renderResult('drift', flags.format, {
          report: run.report,
          color: useColor(flags.output),
          ...(run.timeZone ? { timeZone: run.timeZone } : {}),
        }),
        flags.output,
        process.cwd(),
      );
      process.exitCode = driftExitCode(run.report);
      if (run.recorded > 0)
        process.stderr.write(
          `drift: ${run.recorded} record(s) appended to the evidence (netchange-evidence)\n`,
        );
      if (run.reverts) process.stderr.write(describeReverts(run.reverts));
      if (run.publish) process.stderr.write(await run.publish());
    });
}

/** What `--propose` wrote, and what it could not, for the terminal (stderr). */
function describeReverts(reverts: {
  written: string[];
  skipped: { target: string; reason: string }[];
}): string {
  const lines = reverts.written.map((file) => `drift: wrote the revert proposal ${file}`);
  for (const skipped of reverts.skipped)
    lines.push(`drift: no revert proposal for ${skipped.target}: ${skipped.reason}`);
  if (lines.length === 0) lines.push('drift: no out-of-band drift to revert; no proposal written');
  return `${lines.join('\n')}\n`;
}

/** 3 when a check failed, else 1 when something drifted, else 0. */
function driftExitCode(report: DriftReport): number {
  if (report.summary.errors > 0) return EXIT.external;
  if (!report.ok) return EXIT.failed;
  return EXIT.passed;
}

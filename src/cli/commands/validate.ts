import { type Command, Option } from 'commander';
import { parseAt, parseFormat, useColor, writeOutput } from '../options.js';

interface ValidateFlags {
  repo?: string;
  since?: string;
  at?: string;
  approvals?: string;
  requireApprovals?: boolean;
  commit?: string;
  format: string;
  output?: string;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .summary('check proposals against schemas, references, windows and change control')
    .description(
      'Check change proposals: schema, references (playbooks, inventories, devices, Terraform), YAML lint,\n' +
        'production windows and the change-control policy. Reports effective risk, who must approve and the\n' +
        'autonomy class of each proposal. No PATH and no --since: every proposal under changes/.',
    )
    .argument('[path...]', 'proposal files or directories (relative to the current directory)')
    .option(
      '--repo <dir>',
      'the network repository (default: the git repository around the current directory)',
    )
    .option('--since <ref>', 'only proposals added, modified or renamed between REF and HEAD')
    .option(
      '--at <iso>',
      'evaluate as of this instant (default: now); decides what is in the past and lead times',
    )
    .option('--approvals <file>', 'approvals given, as YAML or JSON: [{user, commit?, at?}]')
    .option('--require-approvals', 'fail proposals whose required approvals are missing (as apply does)')
    .option(
      '--commit <sha>',
      'the commit being evaluated; approvals recorded for another commit do not count',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'sarif', 'junit', 'markdown', 'github'])
        .default('text'),
    )
    .option('--output <file>', 'write the report to FILE instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange validate
  $ netchange validate changes/chg-0142.yaml --at 2026-11-29T07:00:00Z
  $ netchange validate --since origin/main --format sarif --output netchange.sarif
  $ netchange validate --approvals approvals.yaml --require-approvals

Exit codes: 0 every proposal passed, 1 a proposal failed, 2 usage or policy error, 3 git/ansible failed.`,
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      const { runValidate } = await import('../../pipeline/run-validate.js');
      const { renderReport, REPORT_FORMATS } = await import('../../reporters/index.js');
      const { VERSION } = await import('../version.js');
      const format = parseFormat(REPORT_FORMATS)(flags.format);
      const report = await runValidate({
        cwd: process.cwd(),
        paths,
        at: parseAt(flags.at),
        version: VERSION,
        ...(flags.repo ? { repo: flags.repo } : {}),
        ...(flags.since ? { since: flags.since } : {}),
        ...(flags.approvals ? { approvalsFile: flags.approvals } : {}),
        ...(flags.commit ? { commit: flags.commit } : {}),
        requireApprovals: flags.requireApprovals === true,
      });
      await writeOutput(
        renderReport(report, format, { color: useColor(flags.output) }),
        flags.output,
        process.cwd(),
      );
      process.exitCode = report.ok ? 0 : 1;
    });
}

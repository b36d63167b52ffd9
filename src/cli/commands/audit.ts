import { type Command, Option } from 'commander';
import { OPTION_HELP, writeOutput } from '../options.js';

interface VerifyFlags {
  repo?: string;
  format: string;
  fetch: boolean;
}

interface ExportFlags {
  repo?: string;
  from?: string;
  to?: string;
  format: string;
  output?: string;
  fetch: boolean;
}

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .summary('check and export the hash-chained evidence records')
    .description(
      'Evidence records live on refs/netchange/evidence, one hash-chained record per apply, emergency, override and rollback.',
    );

  audit
    .command('verify')
    .summary('check the evidence chain; exit 1 naming the first record changed, removed or reordered')
    .option('--repo <dir>', OPTION_HELP.repo)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-fetch', 'do not fetch refs/netchange/evidence from origin first')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange audit verify
  $ netchange audit verify --repo ../plant-network --format json --no-fetch

Exit codes: 0 the chain is intact, 1 a record was changed, removed, reordered or corrupted, 2 usage error, 3 git failed.`,
    )
    .action(async (flags: VerifyFlags) => {
      const { resolveEvidenceRepository, refreshEvidence } = await import('../../audit/cli-support.js');
      const { verifyEvidence } = await import('../../audit/index.js');
      const root = await resolveEvidenceRepository(flags.repo, process.cwd());
      if (flags.fetch)
        await refreshEvidence(root, (message) => process.stderr.write(`warning: ${message}\n`));
      const result = await verifyEvidence(root);
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (result.firstProblem) {
        process.stdout.write(
          `evidence chain broken: ${result.firstProblem.message}\n` +
            `  problem: ${result.firstProblem.problem} at record #${result.firstProblem.sequence}; ${result.checked} record(s) before it are intact\n`,
        );
      } else if (result.checked === 0) {
        process.stdout.write(
          'no evidence recorded yet (refs/netchange/evidence does not exist or is empty)\n',
        );
      } else {
        process.stdout.write(
          `evidence chain intact: ${result.checked} record(s), last #${result.last?.sequence} sha256:${result.last?.hash}\n`,
        );
      }
      process.exitCode = result.ok ? 0 : 1;
    });

  audit
    .command('export')
    .summary('export evidence records for auditors and change boards (CSV or JSON)')
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--from <iso>', 'only records of changes that finished at or after this instant')
    .option('--to <iso>', 'only records of changes that finished before this instant')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('--output <file>', 'write the export to FILE instead of stdout')
    .option('--no-fetch', 'do not fetch refs/netchange/evidence from origin first')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange audit export --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --format csv --output november.csv
  $ netchange audit export --format json > evidence.json`,
    )
    .action(async (flags: ExportFlags) => {
      const { resolveEvidenceRepository, refreshEvidence, parseInstant } = await import(
        '../../audit/cli-support.js'
      );
      const { exportCsv, exportJson, readEvidence } = await import('../../audit/index.js');
      const from = flags.from ? parseInstant(flags.from, '--from') : undefined;
      const to = flags.to ? parseInstant(flags.to, '--to') : undefined;
      const root = await resolveEvidenceRepository(flags.repo, process.cwd());
      if (flags.fetch)
        await refreshEvidence(root, (message) => process.stderr.write(`warning: ${message}\n`));
      const records = await readEvidence(root, {
        ...(from ? { since: from } : {}),
        ...(to ? { until: to } : {}),
      });
      const text =
        flags.format === 'json'
          ? exportJson(records, { ...(from ? { from } : {}), ...(to ? { to } : {}) })
          : exportCsv(records);
      await writeOutput(text, flags.output, process.cwd());
    });
}

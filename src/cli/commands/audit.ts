import { type Command, Option } from 'commander';
import type { VerifyResult } from '../../audit/index.js';
import { OPTION_HELP, writeOutput } from '../options.js';

interface VerifyFlags {
  repo?: string;
  format: string;
  fetch: boolean;
  expect: string[];
  github?: boolean;
  allowedSigners?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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
      'Evidence records live on the branch netchange-evidence (formerly refs/netchange/evidence), one hash-chained record per commit for every apply, emergency, override and rollback.',
    );

  audit
    .command('verify')
    .summary(
      'check the evidence history and chain (and published anchors); exit 1 naming the first record or commit at fault',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-fetch', 'do not fetch the evidence branch from origin first')
    .option(
      '--expect <seq:hash>',
      'a published chain head the chain must hold, e.g. 42:sha256:9c1f… (repeatable)',
      collect,
      [],
    )
    .option(
      '--github',
      'also check every anchor netchange published on GitHub (apply comments, digest issues); needs GITHUB_TOKEN and GITHUB_REPOSITORY like netchange comment',
    )
    .option(
      '--allowed-signers <file>',
      'SSH allowed-signers file: every evidence commit must be signed by one of them (default: NETCHANGE_EVIDENCE_ALLOWED_SIGNERS)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange audit verify
  $ netchange audit verify --expect 214:sha256:9c1f…
  $ netchange audit verify --allowed-signers .github/netchange-allowed-signers
  $ GITHUB_TOKEN=... GITHUB_REPOSITORY=acme/network netchange audit verify --github
  $ netchange audit verify --repo ../plant-network --format json --no-fetch

A change that started (an apply-started record) and has no finished record is listed as an open
change: the run was interrupted or is still running; check the devices. It does not break the chain.

Exit codes: 0 the chain is intact (and holds every anchor), 1 a commit rewrote the history, a record was
changed, removed, reordered or corrupted, or an anchor is not in the chain; 2 usage error; 3 git or GitHub failed.`,
    )
    .action(async (flags: VerifyFlags) => {
      const { resolveEvidenceRepository, refreshEvidence } = await import('../../audit/cli-support.js');
      const { verifyEvidence, parseExpectation } = await import('../../audit/index.js');
      const expect = flags.expect.map((value) => parseExpectation(value));
      const root = await resolveEvidenceRepository(flags.repo, process.cwd());
      const notice = (message: string) => process.stderr.write(`note: ${message}\n`);
      if (flags.fetch)
        await refreshEvidence(root, (message) => process.stderr.write(`warning: ${message}\n`), notice);
      if (flags.github) {
        const { readGitHubAnchors } = await import('../../github/evidence-anchors.js');
        const { openWorkspace } = await import('../../pipeline/workspace.js');
        // why: netchange.yaml `github` names the repository outside Actions, as for `netchange comment`.
        const workspace = await openWorkspace({ cwd: process.cwd(), repo: root });
        const found = await readGitHubAnchors({
          env: process.env,
          config: workspace.config.github,
          warn: (message) => process.stderr.write(`warning: ${message}\n`),
        });
        process.stderr.write(
          `${found.anchors.length} anchor(s) found on ${found.repository} in ${found.searched}\n`,
        );
        expect.push(...found.anchors);
      }
      const allowedSigners = await allowedSignersFile(
        flags.allowedSigners ?? process.env.NETCHANGE_EVIDENCE_ALLOWED_SIGNERS,
      );
      const result = await verifyEvidence(root, {
        expect,
        onNotice: notice,
        ...(allowedSigners ? { allowedSigners } : {}),
      });
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        process.stdout.write(describeVerify(result));
        // why: a started change with no result is not a broken chain, but someone must check the devices.
        for (const open of result.openChanges ?? []) {
          process.stdout.write(
            `open change: ${open.proposal} started ${open.startedAt} by ${open.actor} (record #${open.sequence}, commit ${open.commit.slice(0, 12)}) and has no result: the run was interrupted (or is still running); check the devices\n`,
          );
        }
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
    .option('--no-fetch', 'do not fetch the evidence branch from origin first')
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

/** What `audit verify` prints: the first problem, every anchor that failed, or the intact head. */
function describeVerify(result: VerifyResult): string {
  const failedAnchors = result.anchors?.failed ?? [];
  if (failedAnchors.length > 0) {
    return (
      `evidence chain does not hold ${failedAnchors.length} of ${result.anchors?.checked} published anchor(s):\n` +
      failedAnchors.map((failure) => `  ${failure.message}\n`).join('') +
      `  the chain itself: ${result.checked} record(s)${result.last ? `, last #${result.last.sequence} sha256:${result.last.hash}` : ''}\n`
    );
  }
  const problem = result.firstProblem;
  if (problem) {
    return (
      `evidence chain broken: ${problem.message}\n` +
      `  problem: ${problem.problem} at record #${problem.sequence}${problem.commit ? ` (commit ${problem.commit})` : ''}; ${result.checked} record(s) before it are intact\n`
    );
  }
  const anchors = result.anchors ? `; holds all ${result.anchors.checked} anchor(s)` : '';
  if (result.checked === 0) {
    return `no evidence recorded yet (the branch netchange-evidence does not exist or is empty)${anchors}\n`;
  }
  return `evidence chain intact: ${result.checked} record(s), last #${result.last?.sequence} sha256:${result.last?.hash}${anchors}\n`;
}

/** The allowed-signers file, as an absolute path; a name that does not exist is a usage error. */
async function allowedSignersFile(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  const path = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { usageError } = await import('../../core/errors.js');
  const absolute = path.resolve(process.cwd(), file);
  if (!existsSync(absolute))
    throw usageError(
      `--allowed-signers ${file} does not exist`,
      'Name an SSH allowed-signers file: one line per signer, `<principal> ssh-ed25519 AAAA…`.',
    );
  return absolute;
}

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { formatOption, OPTION_HELP, writeOutput } from '../options.js';

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
  byControl?: boolean;
  framework?: string;
}

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .summary('check and export the hash-chained evidence records')
    .description(
      'Evidence records live on the branch netchange-evidence (formerly refs/netchange/evidence), one hash-chained record per commit for every apply, emergency, override and rollback, and for every drift found or resolved by `netchange drift`.',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange audit verify
  $ netchange audit export --format json > evidence.json
  $ netchange help audit export

Exit codes: those of the command run (see its --help); 2 when no command or an unknown one is given.`,
    );

  audit
    .command('verify')
    .summary(
      'check the evidence history and chain (and published anchors); exit 1 naming the first record or commit at fault',
    )
    .description(
      'Walk the evidence branch commit by commit: each commit must add exactly the next record and ' +
        'change or remove nothing else; every record must match its hash and the hash first announced ' +
        'for it, link to the record before it, and leave no gap in the sequence. With --allowed-signers, ' +
        'every evidence commit must be signed by an allowed signer; with --expect or --github, the chain ' +
        'must hold every published anchor (the chain head printed in apply comments, check runs and ' +
        'digest issues), which catches a history rewound or rewritten as a whole. Prints the first ' +
        'problem in chain order (docs/audit.md).',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .addOption(formatOption('verify', 'text'))
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
      const { parseExpectation } = await import('../../audit/index.js');
      const { verifyChain } = await import('../../use-cases/evidence.js');
      const expect = flags.expect.map((value) => parseExpectation(value));
      const allowedSigners = await allowedSignersFile(
        flags.allowedSigners ?? process.env.NETCHANGE_EVIDENCE_ALLOWED_SIGNERS,
      );
      const run = await verifyChain(
        {
          expect,
          github: flags.github === true,
          fetch: flags.fetch,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(allowedSigners ? { allowedSigners } : {}),
        },
        cliContext(),
      );
      if (run.githubAnchors) {
        const found = run.githubAnchors;
        process.stderr.write(`${found.count} anchor(s) found on ${found.repository} in ${found.searched}\n`);
      }
      const { renderResult } = await import('../../reporters/registry.js');
      process.stdout.write(await renderResult('verify', flags.format, run.result));
      process.exitCode = run.result.ok ? 0 : 1;
    });

  audit
    .command('export')
    .summary('export evidence records for auditors and change boards (CSV or JSON), or evidence per control')
    .description(
      'Export the evidence records of the changes that finished in [--from, --to) and of the drift ' +
        'checks that ran in it, in chain order: CSV (RFC 4180, one row per record) or JSON (the records ' +
        'exactly as stored, hashes included, so an auditor can re-verify them); with --by-control, one ' +
        'entry per control and change instead. A stored record that cannot be read is named in a warning ' +
        'on stderr. The export does not check the chain: `netchange audit verify` does.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option(
      '--by-control',
      "one entry per control (and change): the changes whose applied rules serve the control, the rules' outcomes, the approvals and the evidence record hashes",
    )
    .option(
      '--framework <name>',
      "with --by-control: only this framework's controls, e.g. PCI-DSS-4.0 (case-insensitive; an unknown name lists the ones the evidence holds)",
    )
    .option(
      '--from <iso>',
      'only records of changes that finished (drift records: checks that ran) at or after this instant',
    )
    .option(
      '--to <iso>',
      'only records of changes that finished (drift: checks that ran) before this instant',
    )
    .addOption(formatOption('export', 'csv'))
    .option('--output <file>', 'write the export to FILE instead of stdout')
    .option('--no-fetch', 'do not fetch the evidence branch from origin first')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange audit export --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --format csv --output november.csv
  $ netchange audit export --format json > evidence.json
  $ netchange audit export --by-control --framework PCI-DSS-4.0 --output pci-controls.csv
  $ netchange audit export --by-control --format json --from 2026-07-01T00:00:00Z

--by-control reads the controls each apply's record lists: the policy rules that applied to the
change and name a control ({framework, id, title} on a rule, approval rule, window or redundancy
group), each with its outcome (passed, failed, warned, waived). CSV: one row per control and
change, with the approvers and the record's sequence and hash (check them with
\`netchange audit verify\`). A control no change exercised in the period has no row.

Exit codes: 0 exported (also when the period holds no record), 2 usage error (a bad instant, --from
after --to, --framework without --by-control or naming a framework no record names, an --output
that cannot be written, not a git repository), 3 git failed.`,
    )
    .action(async (flags: ExportFlags) => {
      const { parseInstant } = await import('../../audit/cli-support.js');
      const { exportEvidence, exportEvidenceByControl } = await import('../../use-cases/evidence.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const from = flags.from ? parseInstant(flags.from, '--from') : undefined;
      const to = flags.to ? parseInstant(flags.to, '--to') : undefined;
      const { usageError } = await import('../../core/errors.js');
      if (from && to && from.getTime() > to.getTime()) {
        throw usageError(
          `--from ${flags.from} is after --to ${flags.to}: the period is empty`,
          'Swap them: --from is the start of the period, --to its end.',
        );
      }
      if (flags.framework !== undefined && !flags.byControl) {
        throw usageError(
          '--framework selects controls and needs --by-control',
          `Run: netchange audit export --by-control --framework ${flags.framework}`,
        );
      }
      if (flags.byControl) {
        const exported = await exportEvidenceByControl(
          {
            fetch: flags.fetch,
            ...(flags.repo ? { repo: flags.repo } : {}),
            ...(from ? { from } : {}),
            ...(to ? { to } : {}),
            ...(flags.framework !== undefined ? { framework: flags.framework } : {}),
          },
          cliContext(),
        );
        const text = await renderResult('controls', flags.format, {
          controls: exported.controls,
          frameworks: exported.frameworks,
          ...(flags.framework !== undefined ? { framework: flags.framework } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        });
        await writeOutput(text, flags.output, process.cwd());
        return;
      }
      const records = await exportEvidence(
        {
          fetch: flags.fetch,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        },
        cliContext(),
      );
      const text = await renderResult('export', flags.format, {
        records,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      });
      await writeOutput(text, flags.output, process.cwd());
    });
}

/** The allowed-signers file, as an absolute path; a name that does not exist is a usage error. */
async function allowedSignersFile(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  const { usageError } = await import('../../core/errors.js');
  const absolute = path.resolve(process.cwd(), file);
  if (!existsSync(absolute))
    throw usageError(
      `--allowed-signers ${file} does not exist`,
      'Name an SSH allowed-signers file: one line per signer, `<principal> ssh-ed25519 AAAA…`.',
    );
  // why: git cannot read signers from a directory and reports every commit as unsigned, which would
  // be exit 1, "the chain is broken", for what is a wrong path.
  if (!statSync(absolute).isFile())
    throw usageError(
      `--allowed-signers ${file} is not a file`,
      'Name an SSH allowed-signers file: one line per signer, `<principal> ssh-ed25519 AAAA…`.',
    );
  return absolute;
}

import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../../src/core/findings.js';
import { PROJECT_ROOT } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

interface ReportedFinding {
  message: string;
  hint?: string;
}

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

/** A copy of an example committed in a temp git repository, with or without its approvals file. */
async function exampleRepository(example: string, withApprovals: boolean): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-messages-'));
  roots.push(root);
  await cp(path.join(PROJECT_ROOT, 'examples', example), root, {
    recursive: true,
    filter: (source) =>
      !/[/\\](state|\.terraform|\.netchange)([/\\]|$)/.test(source) &&
      !source.endsWith('.tfstate') &&
      (withApprovals || !source.endsWith('approvals.yaml')),
  });
  const git = simpleGit({ baseDir: root });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'netchange test');
  await git.addConfig('user.email', 'test@netchange.invalid');
  await git.addConfig('commit.gpgsign', 'false');
  await git.add(['-A']);
  await git.commit('the example');
  return root;
}

/** Everything a person reads in a finding's message that should not be there. */
function problemsOf(message: string): string[] {
  const problems: string[] = [];
  if (message.length > MAX_MESSAGE_LENGTH) problems.push(`${message.length} characters`);
  if (/\bP\d+[DWYMH]\b|\bPT\d+/.test(message)) problems.push('ISO 8601 duration');
  if (message.includes('approvals[')) problems.push('approvals[i]');
  if (/\d{4}-\d\d-\d\dT\d\d:\d\d/.test(message)) problems.push('raw RFC 3339 instant');
  return problems;
}

describe('finding messages of the examples', () => {
  const cases = ['plant-network', 'lab-network'].flatMap((example) =>
    [true, false].flatMap((withApprovals) =>
      ['2026-11-23T15:00:00Z', '2026-11-28T08:00:00Z', '2026-12-21T12:00:00Z'].map((at) => ({
        example,
        withApprovals,
        at,
      })),
    ),
  );

  it.each(cases)(
    '$example, approvals $withApprovals, at $at: short, plain, no raw times',
    async ({ example, withApprovals, at }) => {
      const root = await exampleRepository(example, withApprovals);

      const result = await runCli(['validate', '--repo', root, '--at', at, '--format', 'json'], {
        cwd: root,
      });

      const report = JSON.parse(result.stdout) as {
        findings: ReportedFinding[];
        proposals: { findings: ReportedFinding[] }[];
      };
      const findings = [...report.findings, ...report.proposals.flatMap((proposal) => proposal.findings)];
      expect(findings.length + report.proposals.length).toBeGreaterThan(0);
      const bad = findings
        .map((finding) => ({ message: finding.message, problems: problemsOf(finding.message) }))
        .filter((entry) => entry.problems.length > 0);
      expect(bad).toEqual([]);
    },
    120_000,
  );
});

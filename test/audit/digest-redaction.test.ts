/**
 * The terminal digest (every format) redacts the secrets netchange.yaml configures today, found in
 * evidence records written before they were secret, as the CAB pack, notify and `digest --post` do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence } from '../../src/audit/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { formsOf } from '../support/secrets.js';
import { evidenceDraft } from './drafts.js';

const COMMUNITY = 'pl4nt-snmp-C0mmunity-7781';
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/s3cretW3bhookPath42';
const PERIOD = ['--since', '2026-11-21T20:00:00Z', '--until', '2026-11-22T14:00:00Z', '--no-fetch'];

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({
    'netchange.yaml': [
      'apiVersion: netchange/v1',
      'kind: Config',
      'secrets: {env: [PLANT_SNMP_COMMUNITY]}',
      'notify:',
      '  slack: {webhookEnv: NETCHANGE_SLACK_WEBHOOK}',
      '',
    ].join('\n'),
  });
  await repository.commit('initial');
  const base = evidenceDraft();
  await appendEvidence(
    repository.root,
    evidenceDraft({
      proposal: { ...base.proposal, title: `Rotate the plant A read string ${COMMUNITY}` },
      outcome: 'failed',
      verification: { status: 'failed', message: `posted to ${WEBHOOK}` },
      rollback: { status: 'failed', message: 'no rollback defined' },
    }),
  );
});

afterAll(async () => {
  await repository?.remove();
});

describe('netchange digest on a terminal', () => {
  it.each(['text', 'markdown', 'json'])('redacts the configured secrets in %s', async (format) => {
    const result = await runCli(['digest', ...PERIOD, '--format', format], {
      cwd: repository.root,
      env: { PLANT_SNMP_COMMUNITY: COMMUNITY, NETCHANGE_SLACK_WEBHOOK: WEBHOOK },
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Rotate the plant A read string \\?\[REDACTED\\?\]/);
    const output = result.stdout + result.stderr;
    for (const form of [...formsOf(COMMUNITY), ...formsOf(WEBHOOK), new URL(WEBHOOK).pathname])
      expect(output).not.toContain(form);
  });
});

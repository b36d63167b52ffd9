import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence } from '../../src/audit/index.js';
import { evidenceDraft } from '../audit/drafts.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { formsOf } from '../support/secrets.js';
import {
  checkSlackPayload,
  checkTeamsPayload,
  startWebhookReceiver,
  type WebhookReceiver,
} from './webhook-receiver.js';

/** A value netchange.yaml declares secret; the failed change's title carries it into the digest. */
const COMMUNITY = 'pl4nt-snmp-C0mmunity-7781';
const RUN_DIR = '.netchange/runs/2026-11-22T08-00-00.000Z';
const NIGHT = ['--since', '2026-11-21T20:00:00Z', '--until', '2026-11-22T14:00:00Z', '--no-fetch'];

let repository: TestRepository;
let receiver: WebhookReceiver | undefined;

beforeAll(async () => {
  repository = await createRepository({
    'netchange.yaml': [
      'apiVersion: netchange/v1',
      'kind: Config',
      'secrets: {env: [PLANT_SNMP_COMMUNITY]}',
      'notify:',
      '  slack: {webhookEnv: NETCHANGE_SLACK_WEBHOOK}',
      '  teams: {webhookEnv: NETCHANGE_TEAMS_WEBHOOK}',
      '',
    ].join('\n'),
  });
  await repository.commit('initial');
  const base = evidenceDraft();
  await appendEvidence(
    repository.root,
    evidenceDraft({ startedAt: '2026-11-22T07:00:00Z', finishedAt: '2026-11-22T07:05:00Z' }),
  );
  await appendEvidence(
    repository.root,
    evidenceDraft({
      proposal: { ...base.proposal, id: 'CHG-13', title: `Rotate the plant A read string ${COMMUNITY}` },
      outcome: 'failed',
      startedAt: '2026-11-22T08:00:00Z',
      finishedAt: '2026-11-22T08:20:00Z',
      verification: { status: 'not-run' },
      rollback: { status: 'failed', message: 'no rollback defined' },
      runDirectory: RUN_DIR,
    }),
  );
  await mkdir(path.join(repository.root, RUN_DIR), { recursive: true });
  await writeFile(
    path.join(repository.root, RUN_DIR, 'result.json'),
    JSON.stringify({
      schemaVersion: 1,
      kind: 'NetchangeApplyResult',
      tool: { name: 'netchange', version: '0.1.0' },
      proposal: {
        file: 'changes/chg-13.yaml',
        id: 'CHG-13',
        title: 'Rotate SNMP community',
        type: 'normal',
        risk: 'medium',
        domain: 'switching',
      },
      commit: 'b'.repeat(40),
      actor: 'github-actions',
      outcome: 'failed',
      message: 'step playbooks/snmp.yaml failed on sw-plant-a-01',
      startedAt: '2026-11-22T08:00:00Z',
      finishedAt: '2026-11-22T08:20:00Z',
      durationMs: 1_200_000,
      plan: [],
      steps: [{ phase: 'execution', index: 0, name: 'playbooks/snmp.yaml', mode: 'apply', status: 'failed' }],
      verification: [],
      rollback: [],
    }),
  );
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

afterAll(async () => {
  await repository.remove();
});

/** Every form the webhook URL could take in output: raw, escaped, base64, percent-encoded, its path. */
function urlForms(url: string): string[] {
  const secretPath = new URL(url).pathname;
  return [
    ...formsOf(url),
    encodeURIComponent(url),
    secretPath,
    encodeURIComponent(secretPath),
    ...formsOf(secretPath),
  ];
}

describe('netchange notify', () => {
  it('posts the digest to Slack, retrying a 429 (after its Retry-After) and a 500, with the secret redacted', async () => {
    receiver = await startWebhookReceiver('slack', [
      { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' },
      { status: 500, body: 'internal_error' },
    ]);

    const result = await runCli(
      [
        'notify',
        '--to',
        'slack',
        '--from',
        'digest',
        ...NIGHT,
        '--link',
        'https://github.com/acme/network/issues/7',
      ],
      {
        cwd: repository.root,
        env: { NETCHANGE_SLACK_WEBHOOK: receiver.url, PLANT_SNMP_COMMUNITY: COMMUNITY },
      },
    );

    expect(result.stderr).toContain("posted 'netchange digest' to slack (3 attempts)");
    expect(result.exitCode).toBe(0);
    expect(receiver.posts).toHaveLength(3);
    expect(receiver.posts.map((post) => post.problems)).toEqual([[], [], []]);
    expect((receiver.posts[1]?.at ?? 0) - (receiver.posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(result.stderr).toContain('Slack answered 429; trying again in 1 s (attempt 2 of 4)');
    const posted = receiver.posts[2]?.text ?? '';
    expect(posted).toContain('2 changes: 1 failed, 1 succeeded');
    expect(posted).toContain('FAILED  CHG-13 Rotate the plant A read string [REDACTED]');
    expect(posted).toContain('<https://github.com/acme/network/issues/7|Full digest>');
    for (const form of formsOf(COMMUNITY)) expect(posted).not.toContain(form);
    for (const form of urlForms(receiver.url)) expect(result.stderr + result.stdout).not.toContain(form);
  });

  it('posts an apply result to Teams as an Adaptive Card with who approved it and the pull request', async () => {
    receiver = await startWebhookReceiver('teams');

    const result = await runCli(['notify', '--to', 'teams', '--from', 'apply-result', '--run-dir', RUN_DIR], {
      cwd: repository.root,
      env: { NETCHANGE_TEAMS_WEBHOOK: receiver.url },
    });

    expect(result.exitCode).toBe(0);
    expect(receiver.posts).toHaveLength(1);
    expect(receiver.posts[0]?.problems).toEqual([]);
    const card = JSON.stringify(receiver.posts[0]?.body);
    expect(card).toContain('CHG-13 FAILED');
    expect(card).toContain('alice (netops)');
    expect(card).toContain('execution step playbooks/snmp.yaml: failed');
    expect(card).toContain('https://github.com/acme/network/pull/12');
    expect(card).toContain('Sun 22 Nov 2026 02:20 CST (08:20Z)');
  });

  it('announces every apply run of a runs folder, oldest first, skipping plan runs', async () => {
    const runs = path.join(repository.root, '.netchange/runs');
    await mkdir(path.join(runs, '2026-11-22T09-00-00.000Z-plan'), { recursive: true });
    await writeFile(path.join(runs, '2026-11-22T09-00-00.000Z-plan', 'plan.json'), '{}');
    await mkdir(path.join(runs, '2026-11-22T10-00-00.000Z'), { recursive: true });
    const first = JSON.parse(
      await readFile(path.join(repository.root, RUN_DIR, 'result.json'), 'utf8'),
    ) as Record<string, unknown>;
    await writeFile(
      path.join(runs, '2026-11-22T10-00-00.000Z', 'result.json'),
      JSON.stringify({
        ...first,
        proposal: { ...(first.proposal as object), id: 'CHG-14' },
        outcome: 'applied',
        steps: [],
      }),
    );

    const result = await runCli(
      ['notify', '--to', 'slack', '--from', 'apply-result', '--run-dir', '.netchange/runs', '--dry-run'],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(0);
    const payloads = JSON.parse(result.stdout) as { text: string }[];
    expect(payloads.map((payload) => checkSlackPayload(payload))).toEqual([[], []]);
    expect(payloads.map((payload) => payload.text.split(':')[0])).toEqual([
      'CHG-13 FAILED',
      'CHG-14 applied',
    ]);
  });

  it('fails at once on a 400, exit 3, without the webhook URL in any form', async () => {
    receiver = await startWebhookReceiver('slack', [{ status: 400, body: 'invalid_blocks' }]);

    const result = await runCli(['notify', '--to', 'slack', '--from', 'digest', ...NIGHT], {
      cwd: repository.root,
      env: { NETCHANGE_SLACK_WEBHOOK: receiver.url },
    });

    expect(result.exitCode).toBe(3);
    expect(receiver.posts).toHaveLength(1);
    expect(result.stderr).toContain(
      'Slack refused the message: it answered 400 ("invalid_blocks"); not retried',
    );
    for (const form of urlForms(receiver.url)) expect(result.stderr + result.stdout).not.toContain(form);
  });

  it('fails at once on a Teams 404 with a hint to renew the webhook, the URL nowhere in the output', async () => {
    receiver = await startWebhookReceiver('teams', [{ status: 404, body: `no webhook at ${'x'.repeat(8)}` }]);

    const result = await runCli(['notify', '--to', 'teams', '--from', 'digest', ...NIGHT], {
      cwd: repository.root,
      env: { NETCHANGE_TEAMS_WEBHOOK: receiver.url },
    });

    expect(result.exitCode).toBe(3);
    expect(receiver.posts).toHaveLength(1);
    expect(result.stderr).toContain('hint: The webhook in NETCHANGE_TEAMS_WEBHOOK is unknown, revoked');
    for (const form of urlForms(receiver.url)) expect(result.stderr + result.stdout).not.toContain(form);
  });

  it('says which variable is unset (exit 2), without posting', async () => {
    const result = await runCli(['notify', '--to', 'slack', '--from', 'digest', ...NIGHT], {
      cwd: repository.root,
      env: { NETCHANGE_SLACK_WEBHOOK: '' },
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'the environment variable NETCHANGE_SLACK_WEBHOOK (notify.slack.webhookEnv) is not set',
    );
  });

  it('refuses a webhook that is not an https URL without echoing it (exit 2)', async () => {
    const result = await runCli(['notify', '--to', 'slack', '--from', 'digest', ...NIGHT], {
      cwd: repository.root,
      env: { NETCHANGE_SLACK_WEBHOOK: 'http://hooks.example.test/services/T1/B2/notHttpsSecret99' },
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('NETCHANGE_SLACK_WEBHOOK does not hold an https URL');
    expect(result.stderr).not.toContain('notHttpsSecret99');
  });

  it('turns a rendered CAB pack into a Teams card (dry run: printed, not posted)', async () => {
    await writeFile(
      path.join(repository.root, 'cab.md'),
      '# CAB pack for Tue 1 Dec 2026\n## Since the last meeting\n- FAILED CHG-13 SD-WAN policy\n## To assess\n### CHG-20 Replace core switch (high)\n',
    );

    const result = await runCli(
      ['notify', '--to', 'teams', '--from', 'cab', '--file', 'cab.md', '--dry-run'],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(0);
    const payload = JSON.parse(result.stdout) as unknown;
    expect(checkTeamsPayload(payload)).toEqual([]);
    expect(result.stdout).toContain('Since the last meeting: 1; To assess: 1.');
  });

  it('assembles the CAB pack itself for --meeting when no pack file is given', async () => {
    const result = await runCli(
      [
        'notify',
        '--to',
        'slack',
        '--from',
        'cab',
        '--meeting',
        '2026-11-22T15:00:00Z',
        '--no-fetch',
        '--dry-run',
      ],
      { cwd: repository.root, env: { PLANT_SNMP_COMMUNITY: COMMUNITY } },
    );

    expect(result.exitCode).toBe(0);
    expect(checkSlackPayload(JSON.parse(result.stdout) as unknown)).toEqual([]);
    expect(result.stdout).toContain('CHG-13');
    expect(result.stdout).not.toContain(COMMUNITY);
  });
});

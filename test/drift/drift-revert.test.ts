import { cp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DomainAnswer } from '../../src/drift/domain.js';
import type { DetectedTarget, DriftReport, DriftTargetReport } from '../../src/drift/model.js';
import type { UseCaseContext } from '../../src/use-cases/context.js';
import { proposeReverts } from '../../src/use-cases/drift-revert.js';
import { createRepository, PROJECT_ROOT, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const repositories: TestRepository[] = [];

async function exampleRepository(example: string): Promise<TestRepository> {
  const repository = await createRepository();
  await cp(path.join(PROJECT_ROOT, 'examples', example), repository.root, { recursive: true });
  await repository.commit('the example network');
  repositories.push(repository);
  return repository;
}

function context(repository: TestRepository, now: string): UseCaseContext {
  return {
    cwd: repository.root,
    env: {},
    clock: { now: () => new Date(now) },
    warn: () => {},
    notice: () => {},
    version: '0.1.0',
  };
}

function entry(target: string, overrides: Partial<DriftTargetReport> = {}): DriftTargetReport {
  return {
    target,
    kind: 'ansible',
    status: 'drifted',
    diff: '--- running\n+++ intended\n-ip ospf cost 500\n+ip ospf cost 10\n',
    firstSeen: '2026-12-19T14:10:00Z',
    lastSeen: '2026-12-19T15:00:00Z',
    explanation: { kind: 'out-of-band' },
    ignored: [],
    ...overrides,
  };
}

function report(checkedAt: string, targets: DriftTargetReport[]): DriftReport {
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: '0.1.0' },
    checkedAt,
    ok: false,
    targets,
    findings: [],
    summary: { targets: targets.length, drifted: targets.length, inSync: 0, ignored: 0, errors: 0 },
  };
}

function owned(domain: string, responsible: string): DomainAnswer {
  return {
    ok: true,
    owners: {
      domain,
      foundBy: 'variable',
      detail: `netchange_domain: ${domain}`,
      teams: { responsible, accountable: 'netops', consulted: [], informed: [] },
    },
  };
}

afterAll(async () => {
  for (const repository of repositories) await repository.remove();
});

describe('netchange drift --propose', () => {
  it('writes one revert proposal per out-of-band device, in the first allowed slot, and validate accepts it', async () => {
    const repository = await exampleRepository('lab-network');
    const lab: DetectedTarget['source'] = {
      playbook: 'playbooks/frr.yaml',
      inventory: 'inventory/hosts.yaml',
    };
    const checkedAt = '2026-12-19T15:00:00Z';
    const drift = report(checkedAt, [
      entry('r2'),
      entry('r3', {
        explanation: {
          kind: 'merged-not-applied',
          proposal: { id: 'CHG-2026-0302', file: 'changes/x.yaml' },
        },
      }),
      entry('r4'),
      entry('terraform/sdwan', { kind: 'terraform' }),
      entry('r1', { status: 'in-sync', diff: '', firstSeen: null, lastSeen: null, explanation: null }),
    ]);

    const result = await proposeReverts(
      {
        repo: repository.root,
        report: drift,
        sources: new Map([
          ['r2', lab],
          ['r4', lab],
        ]),
        owners: new Map<string, DomainAnswer>([
          ['r2', owned('routing', 'partner-noc')],
          ['r4', { ok: false, reason: 'no RACI domain' }],
        ]),
        requester: 'eli',
      },
      context(repository, checkedAt),
    );

    expect(result.written).toEqual(['changes/drift-revert-r2-20261219T1410.yaml']);
    expect(result.skipped).toEqual([{ target: 'r4', reason: 'its RACI domain is unknown: no RACI domain' }]);
    const proposal = parse(await readFile(path.join(repository.root, result.written[0] as string), 'utf8'));
    expect(proposal).toMatchObject({
      kind: 'ChangeProposal',
      id: 'DRIFT-R2-20261219T1410',
      title: 'Revert out-of-band changes on r2',
      requester: { team: 'partner-noc', github: 'eli' },
      type: 'normal',
      domain: 'routing',
      risk: 'low',
      targets: { devices: ['r2'] },
      execution: [
        { ansible: { playbook: 'playbooks/frr.yaml', inventory: 'inventory/hosts.yaml', limit: 'r2' } },
      ],
      verification: [
        { ansible: { playbook: 'playbooks/verify.yaml', inventory: 'inventory/hosts.yaml', limit: 'r2' } },
      ],
      rollback: { auto: true, ansible: { playbook: 'playbooks/rollback.yaml', limit: 'r2' } },
    });
    // The next midnight falls in the year-end freeze (Dec 20 – Jan 4): the slot is the freeze's end.
    expect(proposal.schedule).toEqual({
      start: '2027-01-04T00:00:00+00:00',
      duration: 'PT1H',
      timezone: 'UTC',
      rollback: 'PT30M',
    });
    const validate = await runCli(
      ['validate', result.written[0] as string, '--at', checkedAt, '--format', 'json'],
      {
        cwd: repository.root,
      },
    );
    expect(validate.stderr).toBe('');
    expect(JSON.parse(validate.stdout).proposals[0].findings).toEqual([]);
    expect(validate.exitCode).toBe(0);
  });

  it("honours the policy's lead time and production windows, and the same drift seen again rewrites the same file", async () => {
    const repository = await exampleRepository('plant-network');
    const checkedAt = '2026-11-30T16:30:00Z';
    const request = {
      repo: repository.root,
      report: report(checkedAt, [entry('sw-plant-a-02', { firstSeen: '2026-11-30T08:05:00Z' })]),
      sources: new Map([
        ['sw-plant-a-02', { playbook: 'playbooks/switching/vlans.yaml', inventory: 'inventory/hosts.yaml' }],
      ]),
      owners: new Map([['sw-plant-a-02', owned('switching', 'partner-noc')]]),
      requester: 'github-actions[bot]',
    };

    const first = await proposeReverts(request, context(repository, checkedAt));
    const again = await proposeReverts(request, context(repository, checkedAt));

    expect(first.written).toEqual(['changes/drift-revert-sw-plant-a-02-20261130T0805.yaml']);
    expect(again.written).toEqual(first.written);
    const proposal = parse(await readFile(path.join(repository.root, first.written[0] as string), 'utf8'));
    expect(proposal.id).toBe('DRIFT-SW-PLANT-A-02-20261130T0805');
    expect(proposal.requester).toEqual({ team: 'partner-noc', github: 'github-actions' });
    expect(proposal.description).toContain('(drift first seen Mon 30 Nov 2026 02:05 CST (08:05Z))');
    // Lead time P2D from the next midnight (Dec 1 00:00 UTC) is Dec 3 00:00 UTC; plant-a changes
    // must lie inside the Sunday maintenance window (01:00–05:00 local), so the slot is Sunday Dec 6.
    expect(proposal.schedule.start).toBe('2026-12-06T01:00:00-06:00');
    expect(proposal.rollback).toEqual({
      description:
        'Put back the configuration sw-plant-a-02 ran before this change: the apply saved it in its run directory, and the drift issue shows the lines',
    });
    expect(proposal.verification).toBeUndefined();
    const validate = await runCli(
      ['validate', first.written[0] as string, '--at', checkedAt, '--format', 'json'],
      {
        cwd: repository.root,
      },
    );
    const findings = JSON.parse(validate.stdout).proposals[0].findings as { severity: string }[];
    expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(validate.exitCode).toBe(0);
  });

  it('makes a standard change when the policy pre-approves drift-revert, and never reuses an id another file holds', async () => {
    const repository = await exampleRepository('lab-network');
    const policyFile = path.join(repository.root, 'policies/change-control.yaml');
    const policy = await readFile(policyFile, 'utf8');
    const loopback = await readFile(path.join(repository.root, 'changes/chg-0301-loopback.yaml'), 'utf8');
    await repository.write({
      'policies/change-control.yaml': policy.replace(
        'changeTypes:\n',
        'changeTypes:\n  standard: { templates: [drift-revert], maxRisk: low }\n',
      ),
      'changes/chg-0399-taken.yaml': loopback.replace('id: CHG-2026-0301', 'id: DRIFT-R2-20261219T1410'),
    });
    const checkedAt = '2026-12-01T10:00:00Z';

    const result = await proposeReverts(
      {
        repo: repository.root,
        report: report(checkedAt, [entry('r2')]),
        sources: new Map([['r2', { playbook: 'playbooks/frr.yaml', inventory: 'inventory/hosts.yaml' }]]),
        owners: new Map([['r2', owned('routing', 'partner-noc')]]),
        requester: 'dana',
      },
      context(repository, checkedAt),
    );

    const proposal = parse(await readFile(path.join(repository.root, result.written[0] as string), 'utf8'));
    expect(proposal).toMatchObject({
      id: 'DRIFT-R2-20261219T1410-2',
      type: 'standard',
      template: 'drift-revert',
    });
    expect(proposal.schedule.start).toBe('2026-12-02T00:00:00+00:00');
    const validate = await runCli(['validate', result.written[0] as string, '--at', checkedAt], {
      cwd: repository.root,
    });
    expect(validate.exitCode).toBe(0);
  });

  it('without a window policy the revert starts at the first candidate time', async () => {
    const repository = await exampleRepository('lab-network');
    await rm(path.join(repository.root, 'policies/windows.yaml'));
    const checkedAt = '2026-12-19T15:00:00Z';

    const result = await proposeReverts(
      {
        repo: repository.root,
        report: report(checkedAt, [entry('r2')]),
        sources: new Map([['r2', { playbook: 'playbooks/frr.yaml', inventory: 'inventory/hosts.yaml' }]]),
        owners: new Map([['r2', owned('routing', 'partner-noc')]]),
        requester: 'dana',
      },
      context(repository, checkedAt),
    );

    const proposal = parse(await readFile(path.join(repository.root, result.written[0] as string), 'utf8'));
    expect(proposal.schedule.start).toBe('2026-12-20T00:00:00Z');
    const validate = await runCli(['validate', result.written[0] as string, '--at', checkedAt], {
      cwd: repository.root,
    });
    expect(validate.exitCode).toBe(0);
  });
});

/**
 * Test support for the shipped policy packs: read a pack, compose the policy of an organisation
 * that adopts it, and validate proposals in a real repository with the real CLI.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ProposalReport, ValidationReport } from '../../src/core/model.js';
import { createRepository, PROJECT_ROOT, type TestRepository, type Tree } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

export const PACKS = ['manufacturing', 'healthcare', 'financial-services'] as const;
export type PackName = (typeof PACKS)[number];
export const PACK_KINDS = ['windows', 'change-control'] as const;
export type PackKind = (typeof PACK_KINDS)[number];

/** Path of a shipped pack file, e.g. policies/healthcare/v1/windows.yaml. */
export function packFile(pack: PackName, kind: PackKind): string {
  return path.join(PROJECT_ROOT, 'policies', pack, 'v1', `${kind}.yaml`);
}

/** The pack files that exist (a pack may ship only one kind). */
export function shippedPackFiles(): { pack: PackName; kind: PackKind; file: string }[] {
  return PACKS.flatMap((pack) =>
    PACK_KINDS.map((kind) => ({ pack, kind, file: packFile(pack, kind) })).filter(({ file }) =>
      existsSync(file),
    ),
  );
}

/**
 * The policy file of an organisation that adopts `pack`: `extends: [netchange:<pack>@1]` and the
 * organisation's own keys (its teams, RACI and additions), as `init --pack` starts it.
 */
export function composeWithPack(
  pack: PackName,
  kind: PackKind,
  organisation: Record<string, unknown>,
): string {
  return stringify({
    apiVersion: 'netchange/v1',
    kind: kind === 'windows' ? 'WindowPolicy' : 'ChangeControlPolicy',
    extends: [`netchange:${pack}@1`],
    ...organisation,
  });
}

/** A proposal as YAML: the required fields with test defaults, then `extra` lines as written. */
export function packProposal(fields: {
  id: string;
  domain: string;
  devices: string[];
  start: string;
  end: string;
  timezone: string;
  requester?: string;
  type?: 'standard' | 'normal' | 'emergency';
  risk?: 'low' | 'medium' | 'high';
  sites?: string[];
  tags?: string[];
  extra?: string;
}): string {
  const sites = fields.sites ? `, sites: [${fields.sites.join(', ')}]` : '';
  const tags = fields.tags ? `, tags: [${fields.tags.join(', ')}]` : '';
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${fields.id}
title: Change ${fields.id}
requester: ${fields.requester ?? '{team: netops, github: alice}'}
type: ${fields.type ?? 'normal'}
domain: ${fields.domain}
risk: ${fields.risk ?? 'low'}
targets: {devices: [${fields.devices.join(', ')}]${sites}${tags}}
schedule:
  start: "${fields.start}"
  end: "${fields.end}"
  timezone: ${fields.timezone}
execution:
  - ansible:
      playbook: playbooks/change.yaml
      inventory: inventory/hosts.yaml
      limit: "${fields.devices.join(',')}"
${fields.extra ?? ''}`;
}

/** An inventory of local hosts in groups, and the one playbook every proposal runs. */
export function inventoryTree(groups: Record<string, string[]>): Tree {
  const children = Object.entries(groups)
    .map(
      ([group, hosts]) =>
        `    ${group}:\n      hosts:\n${hosts.map((host) => `        ${host}: {ansible_connection: local}`).join('\n')}`,
    )
    .join('\n');
  return {
    'inventory/hosts.yaml': `all:\n  children:\n${children}\n`,
    'playbooks/change.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
  };
}

/** A committed repository whose policies adopt `pack`, with the organisation's keys per kind. */
export async function packRepository(
  pack: PackName,
  organisation: Partial<Record<PackKind, Record<string, unknown>>>,
  tree: Tree,
): Promise<TestRepository> {
  const policies: Tree = {};
  for (const kind of PACK_KINDS) {
    const own = organisation[kind];
    if (!own) continue;
    policies[`policies/${kind}.yaml`] = existsSync(packFile(pack, kind))
      ? composeWithPack(pack, kind, own)
      : stringify(own);
  }
  const repository = await createRepository({ ...tree, ...policies });
  await repository.commit('adopt the pack');
  return repository;
}

/** Runs the real `netchange validate --format json` at a fixed instant (never today's date). */
export async function validateAt(
  repository: TestRepository,
  at: string,
  extra: readonly string[] = [],
): Promise<{ exitCode: number; report: ValidationReport; stderr: string }> {
  const result = await runCli(['validate', '--format', 'json', '--at', at, ...extra], {
    cwd: repository.root,
  });
  if (result.stdout.trim() === '') {
    throw new Error(`validate printed no report (exit ${result.exitCode}): ${result.stderr}`);
  }
  return { exitCode: result.exitCode, report: JSON.parse(result.stdout), stderr: result.stderr };
}

/** The report of one proposal, by id. */
export function proposalReport(report: ValidationReport, id: string): ProposalReport {
  const entry = report.proposals.find((proposal) => proposal.id === id);
  if (!entry) throw new Error(`no proposal ${id} in the report: ${JSON.stringify(report.findings)}`);
  return entry;
}

/** `policy: message` of each error finding of a proposal, the way a reviewer reads them. */
export function errorsOf(entry: ProposalReport): string[] {
  return entry.findings
    .filter((finding) => finding.severity === 'error')
    .map((finding) => `${finding.policy ?? finding.ruleId}: ${finding.message}`);
}

/**
 * The tests every adoption of a pack shares, inside the caller's describe: one repository with the
 * organisation's policies, the inventory and `proposals` (id → text), validated once at `at`. Exit 1
 * with no policy error, each of `passes` validates clean, and each of `fails` fails with exactly its
 * one error. Returns the report and the repository for the pack's own tests.
 */
export function describeAdoption(
  pack: PackName,
  adoption: {
    organisation: Partial<Record<PackKind, Record<string, unknown>>>;
    inventory: Tree;
    proposals: Record<string, string>;
    at: string;
    passes: [id: string, why: string][];
    fails: [id: string, error: string][];
  },
): { report: () => ValidationReport; repository: () => TestRepository } {
  let repository: TestRepository;
  let report: ValidationReport;
  let exitCode: number;

  beforeAll(async () => {
    repository = await packRepository(pack, adoption.organisation, {
      ...adoption.inventory,
      ...Object.fromEntries(
        Object.entries(adoption.proposals).map(([id, text]) => [`changes/${id}.yaml`, text]),
      ),
    });
    ({ report, exitCode } = await validateAt(repository, adoption.at));
  });
  afterAll(() => repository.remove());

  it('validates with the pack in force: exit 1 for the failing proposals, no policy errors', () => {
    expect(exitCode).toBe(1);
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(report.proposals).toHaveLength(Object.keys(adoption.proposals).length);
  });

  it.each(adoption.passes)('passes %s (%s)', (id) => {
    const entry = proposalReport(report, id);

    expect(errorsOf(entry)).toEqual([]);
    expect(entry.ok).toBe(true);
  });

  it.each(adoption.fails)('fails %s with exactly: %s', (id, error) => {
    const entry = proposalReport(report, id);

    expect(errorsOf(entry)).toEqual([error]);
    expect(entry.ok).toBe(false);
  });

  return { report: () => report, repository: () => repository };
}

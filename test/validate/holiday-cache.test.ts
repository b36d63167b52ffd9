/**
 * Remembered holiday calendars (src/pipeline/holiday-cache.ts): a run keeps what date-holidays
 * answered in `.git/netchange/holidays.json`, and a later run answers from it without loading the
 * library. Proven with a planted answer (a holiday date-holidays does not have): a run that used the
 * library could not block on it. A file for other rules, a damaged file, or one in the work tree is
 * never read as an answer.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { POLICY_TREE } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';
const CACHE_FILE = '.git/netchange/holidays.json';
const versionOf = (name: string) =>
  (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
// why: the parser turns the rules into dates, so its version is part of what answers are kept for.
const RULES = `${versionOf('date-holidays')}+parser-${versionOf('date-holidays-parser')}`;

const WINDOWS = `apiVersion: netchange/v1
kind: WindowPolicy
timezone: America/Chicago
windows:
  - name: us-holidays
    effect: deny
    reason: no changes on US public holidays
    schedule: {holidays: {country: US}}
`;

/** A change on 9 December 2026 (no US holiday), 02:00-03:00 in Chicago. */
const PROPOSAL = `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-1
title: Change on an ordinary Wednesday
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {devices: [sw-1]}
schedule: {start: "2026-12-09T02:00", end: "2026-12-09T03:00", timezone: America/Chicago}
execution:
  - ansible: {playbook: playbooks/touch.yaml, inventory: inventory/hosts.yaml, limit: sw-1}
`;

const TREE = {
  ...POLICY_TREE,
  'policies/windows.yaml': WINDOWS,
  'inventory/hosts.yaml': 'all:\n  vars: {ansible_connection: local}\n  hosts: {sw-1: {}}\n',
  'playbooks/touch.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
  'changes/chg-1.yaml': PROPOSAL,
};

/** A remembered US calendar for 2026 whose only holiday is 9 December, the proposal's day. */
function planted(rules: string) {
  return {
    format: 'netchange-holidays-v1',
    rules,
    places: { 'US|': null },
    years: {
      'US||2026': [{ wallDay: Date.UTC(2026, 11, 9), days: 1, type: 'public', name: 'Planted Day' }],
    },
  };
}

let repository: TestRepository;

afterEach(async () => {
  await repository.remove();
});

async function validate(): Promise<ValidationReport> {
  const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });
  expect(result.stderr).not.toMatch(/internal error/i);
  return JSON.parse(result.stdout) as ValidationReport;
}

const blockedBy = (report: ValidationReport) =>
  report.proposals.flatMap((proposal) => proposal.findings.map((finding) => finding.message));

describe('remembered holiday calendars', () => {
  it('keeps what date-holidays answered in .git/netchange/ and gives the same report from it', async () => {
    repository = await createRepository(TREE);

    const first = await validate();
    const cache = JSON.parse(await readFile(path.join(repository.root, CACHE_FILE), 'utf8'));
    const second = await validate();

    expect(first.ok).toBe(true);
    expect(cache.rules).toBe(RULES);
    expect(cache.places).toEqual({ 'US|': null });
    expect(cache.years['US||2026']).toContainEqual(
      expect.objectContaining({ wallDay: Date.UTC(2026, 11, 25), days: 1, name: 'Christmas Day' }),
    );
    expect({ ...second, evaluatedAt: '' }).toEqual({ ...first, evaluatedAt: '' });
  });

  it('answers from the remembered calendar instead of asking date-holidays', async () => {
    repository = await createRepository(TREE);
    await validate();
    const cache = JSON.parse(await readFile(path.join(repository.root, CACHE_FILE), 'utf8'));
    await writeFile(
      path.join(repository.root, CACHE_FILE),
      JSON.stringify({ ...cache, years: { ...cache.years, ...planted(RULES).years } }),
    );

    const report = await validate();

    expect(report.ok).toBe(false);
    expect(blockedBy(report)).toContain("blocked by deny window 'us-holidays'");
  });

  it.each([
    ['written for other date-holidays rules', JSON.stringify(planted('0.0.1'))],
    [
      'written for the same rules run by another parser',
      JSON.stringify(planted(`${versionOf('date-holidays')}+parser-0.0.1`)),
    ],
    ['of another format', JSON.stringify({ ...planted(RULES), format: 'netchange-holidays-v0' })],
    [
      'with a damaged day',
      JSON.stringify({ ...planted(RULES), years: { 'US||2026': [{ wallDay: 'soon', days: 1 }] } }),
    ],
    ['not JSON', '{"format": "netchange-holidays-v1", "rules":'],
  ])('asks date-holidays again when the remembered file is %s', async (_label, content) => {
    repository = await createRepository(TREE);
    await validate();
    await writeFile(path.join(repository.root, CACHE_FILE), content);

    const report = await validate();

    expect(report.ok).toBe(true);
    expect(blockedBy(report)).toEqual([]);
    const rewritten = JSON.parse(await readFile(path.join(repository.root, CACHE_FILE), 'utf8'));
    expect(rewritten.rules).toBe(RULES);
  });

  it('never reads a calendar a pull request commits into the work tree', async () => {
    repository = await createRepository({
      ...TREE,
      '.netchange/cache/holidays.json': JSON.stringify(planted(RULES)),
      'netchange/holidays.json': JSON.stringify(planted(RULES)),
    });
    await rm(path.join(repository.root, '.git/netchange'), { recursive: true, force: true });

    const report = await validate();

    expect(report.ok).toBe(true);
    expect(blockedBy(report)).toEqual([]);
  });
});

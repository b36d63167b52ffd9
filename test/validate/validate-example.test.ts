import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createRepository, PROJECT_ROOT, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';

describe('validate on the example plant network', () => {
  let repository: TestRepository;
  let report: ValidationReport;
  let exitCode: number;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await repository.commit('example');
    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });
    exitCode = result.exitCode;
    report = JSON.parse(result.stdout);
  });
  afterAll(() => repository.remove());

  it('fails the run because some proposals are invalid', () => {
    expect(exitCode).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool.name).toBe('netchange');
    expect(report.evaluatedAt).toBe('2026-11-23T15:00:00Z');
  });

  it('points the typo proposal at the misspelt key and the bad risk, with lines', () => {
    const typo = report.proposals.find((proposal) => proposal.id === 'CHG-2026-0146')!;

    expect(typo.ok).toBe(false);
    expect(typo.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ruleId: 'schema',
          line: 10,
          column: 7,
          message: "risk must be one of 'low', 'medium', 'high'",
        }),
        expect.objectContaining({
          ruleId: 'schema',
          line: 21,
          column: 1,
          message: "unknown key 'rollbak'",
          hint: "Did you mean 'rollback'?",
        }),
      ]),
    );
  });

  it('reports the device missing from the inventory and lints the YAML 1.1 boolean', () => {
    const unknown = report.proposals.find((proposal) => proposal.id === 'CHG-2026-0150')!;

    expect(unknown.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ruleId: 'reference',
          severity: 'error',
          line: 11,
          message: expect.stringContaining("'sw-plant-a-09'"),
        }),
        expect.objectContaining({
          ruleId: 'lint',
          severity: 'warning',
          line: 21,
          message: expect.stringContaining("'yes'"),
        }),
      ]),
    );
  });

  it('passes the valid SD-WAN proposal with its schedule resolved to UTC', () => {
    const sdwan = report.proposals.find((proposal) => proposal.id === 'CHG-2026-0147')!;

    expect(sdwan.ok).toBe(true);
    expect(sdwan.schedule).toEqual({
      start: '2026-11-29T07:00:00Z',
      end: '2026-11-29T08:00:00Z',
      timezone: 'America/Chicago',
      rollbackEnd: '2026-11-29T08:30:00Z',
    });
  });

  it.each([
    ['CHG-2026-0142', true],
    ['CHG-2026-0143', true],
    ['CHG-2026-0144', false],
    ['CHG-2026-0145', true],
    ['CHG-2026-0146', false],
    ['CHG-2026-0147', true],
    ['CHG-2026-0148', false],
    ['CHG-2026-0149', true],
    ['CHG-2026-0150', false],
    ['CHG-2026-0151', false],
    ['CHG-2026-0152', true],
    ['CHG-2026-0153', false],
    ['CHG-2026-0154', false],
    ['CHG-2026-0155', false],
  ])('%s passes: %s', (id, ok) => {
    expect(report.proposals.find((proposal) => proposal.id === id)?.ok).toBe(ok);
  });

  it('blocks the Tuesday switching change with the production window and names the next Sunday slot', () => {
    const blocked = report.proposals.find((proposal) => proposal.id === 'CHG-2026-0144')!;

    expect(blocked.windows).toMatchObject({ open: false, nextAllowed: { start: '2026-11-29T07:00:00Z' } });
    expect(blocked.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ruleId: 'window',
          policy: 'plant-a-production',
          line: 15,
          nextAllowed: { start: '2026-11-29T07:00:00Z', end: '2026-11-29T07:30:00Z' },
        }),
        expect.objectContaining({
          ruleId: 'change-type',
          severity: 'error',
          message: expect.stringContaining('2 days notice'),
        }),
      ]),
    );
    expect(blocked.approvals.required).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ team: 'plant-ops', satisfied: false, eligible: ['frank'] }),
      ]),
    );
  });

  it.each([
    ['CHG-2026-0148', 'year-end-freeze'],
    ['CHG-2026-0148', 'hq-firewall-quarter-end'],
    ['CHG-2026-0151', 'us-public-holidays'],
  ])('%s is blocked by %s', (id, window) => {
    const proposal = report.proposals.find((item) => item.id === id)!;

    expect(proposal.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleId: 'window', policy: window, severity: 'error' }),
      ]),
    );
  });

  it('lets the emergency change bypass the windows with warnings and a retrospective due date', () => {
    const emergency = report.proposals.find((proposal) => proposal.id === 'CHG-2026-0145')!;

    expect(emergency.retrospectiveDue).toBe('2026-11-26T13:30:00Z');
    expect(
      emergency.findings.filter((finding) => finding.ruleId === 'window').map((finding) => finding.severity),
    ).toEqual(['warning', 'warning']);
  });

  it.each([
    ['CHG-2026-0153', 'approval', "no one is accountable for domain 'ot-security'"],
    ['CHG-2026-0154', 'change-type', "template 'acl-update' is not a pre-approved standard change"],
    ['CHG-2026-0155', 'change-type', 'an emergency change must name its incident'],
  ])('%s fails change control: %s', (id, ruleId, message) => {
    const proposal = report.proposals.find((item) => item.id === id)!;

    expect(proposal.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ ruleId, severity: 'error', message })]),
    );
  });

  it('raises the core change to high risk, says why, and asks for the CAB', () => {
    const core = report.proposals.find((proposal) => proposal.id === 'CHG-2026-0149')!;

    expect(core.risk).toEqual({
      declared: 'medium',
      effective: 'high',
      reasons: ['Core devices carry every site'],
    });
    expect(core.autonomy?.class).toBe('escalate');
    expect(core.approvals.required).toEqual(
      expect.arrayContaining([expect.objectContaining({ team: 'cab', count: 2, satisfied: false })]),
    );
  });

  it('summarises what it found', () => {
    expect(report.summary.proposals).toBe(report.proposals.length);
    expect(report.summary.passed + report.summary.failed).toBe(report.proposals.length);
    expect(report.summary.errors).toBeGreaterThanOrEqual(3);
  });

  it('writes SARIF that the official SARIF 2.1.0 schema accepts', async () => {
    const output = path.join(repository.root, 'out.sarif');
    const result = await runCli(['validate', '--format', 'sarif', '--output', output, '--at', AT], {
      cwd: repository.root,
    });
    const schema = JSON.parse(
      await readFile(path.join(PROJECT_ROOT, '../shared/reference/sarif-schema-2.1.0.draft-07.json'), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);

    const sarif = JSON.parse(await readFile(output, 'utf8'));
    const valid = validate(sarif);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const typo = sarif.runs[0].results.find((item: { message: { text: string } }) =>
      item.message.text.includes('rollbak'),
    );
    expect(typo.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'changes/chg-0146-typo.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 21, startColumn: 1 },
    });
  });

  it('carries the folded detail into SARIF and the annotations, after the short message', async () => {
    const sarif = await runCli(['validate', '--format', 'sarif', '--at', AT], { cwd: repository.root });
    const github = await runCli(['validate', '--format', 'github', '--at', AT], { cwd: repository.root });

    const window = JSON.parse(sarif.stdout).runs[0].results.find(
      (item: { ruleId: string }) => item.ruleId === 'window',
    );
    expect(window.message.text).toMatch(
      /^(in deny window|blocked by|outside allow)[^\n]+\n\n.*The change occupies /s,
    );
    expect(github.stdout).toMatch(/title=netchange window%3A [^:]+::[^%]+%0A[^\n]*The change occupies /);
  });

  it.each([
    [
      'junit',
      /<testsuites tests="\d+" failures="[1-9]\d*"/,
      /<testcase classname="changes\/chg-0146-typo.yaml" name="CHG-2026-0146/,
    ],
    [
      'github',
      /^::error file=changes\/chg-0146-typo.yaml,line=21,col=1,title=netchange schema::unknown key 'rollbak'/m,
      /^netchange: 14 proposals: \d+ need approvals, \d+ blocked, 2 invalid \(\d+ errors, \d+ warnings\)$/m,
    ],
    [
      'markdown',
      /^\| ❌ \*\*invalid\*\* \| \*\*CHG-2026-0146\*\* \|/m,
      /`changes\/chg-0150-unknown-switch.yaml:11` device 'sw-plant-a-09'/,
    ],
    [
      'text',
      /✗ invalid changes\/chg-0146-typo.yaml CHG-2026-0146/,
      /changes\/chg-0146-typo.yaml:21:1 error unknown key 'rollbak'/,
    ],
  ])('renders --format %s', async (format, first, second) => {
    const result = await runCli(['validate', '--format', format, '--at', AT], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(first);
    expect(result.stdout).toMatch(second);
  });
});

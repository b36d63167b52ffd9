import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRepository, PROJECT_ROOT, type TestRepository, type Tree } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

/** Fixture packs (not the shipped ones): financial-services 1.2.0 and manufacturing 1.0.0. */
const FIXTURE_PACKS = path.join(PROJECT_ROOT, 'test/fixtures/policy-packs');

const CHANGE_CONTROL_BASE = `apiVersion: netchange/v1
kind: ChangeControlPolicy
extends: [netchange:financial-services@1]
teams:
  netops: { kind: internal, members: [alice, bob] }
  partner-noc: { kind: partner, members: [dana] }
raci:
  switching: { responsible: partner-noc, accountable: netops }
`;

const WINDOWS_BASE = `apiVersion: netchange/v1
kind: WindowPolicy
extends: [netchange:financial-services@1]
timezone: America/New_York
windows: []
`;

let repository: TestRepository | undefined;
const cleanup: string[] = [];
afterEach(async () => {
  await repository?.remove();
  repository = undefined;
  for (const directory of cleanup.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function repositoryWith(tree: Tree): Promise<TestRepository> {
  repository = await createRepository({ 'changes/.gitkeep': '', ...tree });
  await repository.commit('policies');
  return repository;
}

function netchange(args: string[], root: string, packs = FIXTURE_PACKS) {
  return runCli(args, { cwd: root, env: { NETCHANGE_PACKS_DIR: packs } });
}

interface JsonFinding {
  ruleId: string;
  policy?: string;
  severity: string;
  message: string;
  file: string;
  line?: number;
}

async function weakeningFindings(root: string, at: string): Promise<JsonFinding[]> {
  const result = await netchange(['validate', '--format', 'json', '--at', at], root);
  expect(result.stderr).not.toContain('error:');
  const report = JSON.parse(result.stdout) as { findings: JsonFinding[] };
  return report.findings.filter((finding) => finding.ruleId === 'policy-weakened');
}

describe('extends: a pack and overrides by name', () => {
  it('keeps the pack rules the repository does not override and replaces the ones it names', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': `${CHANGE_CONTROL_BASE}approvals:
  - name: high-risk-board
    when: { risks: [medium, high] }
    require: [{ team: cab, count: 3 }]
`,
      'policies/windows.yaml': WINDOWS_BASE,
    });

    const explained = await netchange(['policy', 'explain', '--format', 'json'], root);
    const validate = await netchange(['validate'], root);

    expect(explained.exitCode).toBe(0);
    const output = JSON.parse(explained.stdout) as {
      policies: {
        kind: string;
        entries: { section: string; name: string; origin: string; overrides: string[] }[];
        effective: { approvals: { name: string; require: { count: number }[] }[] };
        weakenings: unknown[];
      }[];
    };
    const control = output.policies.find((policy) => policy.kind === 'ChangeControlPolicy')!;
    const board = control.entries.find((entry) => entry.name === 'high-risk-board')!;
    expect(board.origin).toBe('policies/change-control.yaml:10');
    expect(board.overrides).toEqual(['pack financial-services@1.2.0']);
    expect(control.effective.approvals.map((rule) => rule.require[0]?.count)).toEqual([3]);
    expect(control.entries.find((entry) => entry.name === 'backout-plan')?.origin).toBe(
      'pack financial-services@1.2.0 rule backout-plan',
    );
    // why: a stricter override (more approvals, more risks) is no weakening.
    expect(control.weakenings).toEqual([]);
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toContain('0 errors, 0 warnings');
  });

  it('extends a shared file inside the repository, relative to the extending file', async () => {
    const { root } = await repositoryWith({
      'policies/shared/plant-base.yaml': `apiVersion: netchange/v1
kind: WindowPolicy
windows:
  - name: plant-a-production
    effect: deny
    reason: Lines run
    scope: { sites: [plant-a] }
    schedule: { rrule: "FREQ=DAILY", start: "06:00", duration: PT16H }
`,
      'policies/windows.yaml': `apiVersion: netchange/v1
kind: WindowPolicy
extends: [netchange:financial-services@1, ./shared/plant-base.yaml]
timezone: America/Chicago
windows: []
`,
    });

    const result = await netchange(['policy', 'explain', '--kind', 'windows'], root);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      'extends: pack financial-services@1.2.0 → policies/shared/plant-base.yaml → policies/windows.yaml',
    );
    expect(result.stdout).toMatch(/plant-a-production\s+policies\/shared\/plant-base\.yaml:4/);
    expect(result.stdout).toMatch(
      /quarter-end-freeze\s+pack financial-services@1\.2\.0 window quarter-end-freeze/,
    );
  });
});

describe('weakening is visible', () => {
  it('a lowered severity, a narrowed window and a dropped rule are warnings at the overriding lines', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': `${CHANGE_CONTROL_BASE}rules:
  - name: backout-plan
    assert: has(proposal.rollback)
    message: Every change records its back-out plan
    severity: warning
drop: [ticket-reference]
`,
      'policies/windows.yaml': `apiVersion: netchange/v1
kind: WindowPolicy
extends: [netchange:financial-services@1]
timezone: America/New_York
windows:
  - name: trading-hours
    effect: deny
    reason: Trading floor hours
    scope: { domains: [firewall] }
    schedule: { rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "08:00", duration: PT9H }
`,
    });

    const findings = await weakeningFindings(root, '2026-12-01T12:00:00Z');
    const text = await netchange(['validate', '--at', '2026-12-01T12:00:00Z'], root);

    expect(findings).toEqual([
      expect.objectContaining({
        policy: 'backout-plan',
        severity: 'warning',
        file: 'policies/change-control.yaml',
        line: 10,
        message: expect.stringContaining('lowers severity from error to warning'),
      }),
      expect.objectContaining({
        policy: 'ticket-reference',
        file: 'policies/change-control.yaml',
        line: 14,
        message: "drops rule 'ticket-reference' of pack financial-services@1.2.0",
      }),
      expect.objectContaining({
        policy: 'trading-hours',
        file: 'policies/windows.yaml',
        line: 6,
        message: expect.stringContaining('drops switching from scope.domains'),
      }),
    ]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('hint: Keep the inherited rule, or accept the weakening with waive:');
  });

  it('a waiver silences the warning through its until day, and the warning returns with "expired" after it', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': `${CHANGE_CONTROL_BASE}drop: [ticket-reference]
waive:
  - { rule: ticket-reference, reason: Tickets move to the new ITSM in January, until: "2026-12-31" }
`,
      'policies/windows.yaml': WINDOWS_BASE,
    });

    const lastDay = await weakeningFindings(root, '2026-12-31T23:30:00Z');
    const dayAfter = await weakeningFindings(root, '2027-01-01T00:30:00Z');
    const explained = await runCli(['policy', 'explain', '--kind', 'change-control'], {
      cwd: root,
      env: { NETCHANGE_PACKS_DIR: FIXTURE_PACKS },
    });

    expect(lastDay).toEqual([]);
    expect(dayAfter).toEqual([
      expect.objectContaining({
        policy: 'ticket-reference',
        severity: 'warning',
        message: expect.stringContaining('its waiver expired after 2026-12-31'),
      }),
    ]);
    expect(explained.stdout).toMatch(
      /dropped rules ticket-reference at policies\/change-control\.yaml:\d+ \(/,
    );
  });
});

describe('the CAB pack', () => {
  it.each(['2026-13-01', '2027-02-30', '2026-12-99'])(
    'a waiver until %s, which is no day of the calendar, is a policy error at its line (exit 2)',
    async (until) => {
      const { root } = await repositoryWith({
        'policies/change-control.yaml': `${CHANGE_CONTROL_BASE}drop: [ticket-reference]
waive:
  - rule: ticket-reference
    reason: Tickets move to the new ITSM in January
    until: "${until}"
`,
        'policies/windows.yaml': WINDOWS_BASE,
      });
      const line = `${CHANGE_CONTROL_BASE}drop: [ticket-reference]\nwaive:\n  - rule\n    reason\n`.split(
        '\n',
      ).length;

      const result = await netchange(['validate', '--at', '2026-12-01T12:00:00Z'], root);

      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        `policies/change-control.yaml:${line}:12 waive until '${until}' is not a date of the calendar`,
      );
    },
  );

  it('lists the weakenings and their waivers as of the meeting', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': `${CHANGE_CONTROL_BASE}drop: [ticket-reference, backout-plan]
waive:
  - { rule: ticket-reference, reason: Tickets move to the new ITSM in January, until: "2026-12-31" }
`,
      'policies/windows.yaml': WINDOWS_BASE,
    });

    const result = await netchange(
      ['cab', '--meeting', '2026-12-10T15:00:00Z', '--format', 'markdown'],
      root,
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('### Policy weakenings and waivers (2)');
    expect(result.stdout).toMatch(
      /\*\*ticket-reference\*\* \(dropped at `policies\/change-control\.yaml:9`\).* — waived until 2026-12-31: Tickets move to the new ITSM in January/,
    );
    expect(result.stdout).toMatch(/\*\*backout-plan\*\* .* — \*\*not waived\*\*/);
  });
});

describe('extends that cannot be resolved are configuration errors (exit 2)', () => {
  it('a major version the installation does not have names the versions available', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': CHANGE_CONTROL_BASE.replace(
        'financial-services@1',
        'financial-services@2',
      ),
    });

    const result = await netchange(['validate'], root);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('policies/change-control.yaml:3:');
    expect(result.stderr).toContain('no major version 2 of financial-services');
    expect(result.stderr).toContain('Available: financial-services@1.2.0');
  });

  it('a minor version newer than the installed pack names what is installed', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': CHANGE_CONTROL_BASE.replace(
        'financial-services@1',
        'financial-services@1.3',
      ),
    });

    const result = await netchange(['validate'], root);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('the installed financial-services is 1.2.0, older than asked for');
  });

  it('an unknown pack names the installed packs', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': CHANGE_CONTROL_BASE.replace('financial-services@1', 'retail@1'),
    });

    const result = await netchange(['policy', 'explain'], root);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("no policy pack 'retail' is installed");
    expect(result.stderr).toContain('Installed packs: financial-services, manufacturing.');
  });

  it.each([
    ['a path out of the repository', '../../../etc/passwd'],
    ['an absolute path', '/etc/passwd'],
  ])('%s in extends is refused at its line', async (_case, entry) => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': CHANGE_CONTROL_BASE.replace(
        'extends: [netchange:financial-services@1]',
        `extends:\n  - netchange:financial-services@1\n  - ${entry}`,
      ),
    });

    const result = await netchange(['validate'], root);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /policies\/change-control\.yaml:5:5 extends '[^']+': '[^']+' (points outside the repository|is an absolute path)/,
    );
    expect(result.stderr).not.toContain('root:');
  });

  it.each([
    [
      'a drop that names nothing inherited',
      `${CHANGE_CONTROL_BASE}drop: [no-such-rule]\n`,
      "policies/change-control.yaml:9:8 drop names 'no-such-rule', which no extended policy defines",
    ],
    [
      'a drop in a policy that extends nothing',
      `${CHANGE_CONTROL_BASE.replace('extends: [netchange:financial-services@1]\n', '')}drop: [backout-plan]\n`,
      'policies/change-control.yaml:8:7 drop removes inherited definitions, but this policy extends nothing',
    ],
  ])('%s is refused at its line', async (_case, policy, expected) => {
    const { root } = await repositoryWith({ 'policies/change-control.yaml': policy });

    const result = await netchange(['validate'], root);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(expected);
  });

  it('a symlink that leaves the repository is refused', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'netchange-outside-'));
    cleanup.push(outside);
    await writeFile(path.join(outside, 'base.yaml'), 'apiVersion: netchange/v1\nkind: ChangeControlPolicy\n');
    const { root } = await repositoryWith({
      'policies/base.yaml': { symlink: path.join(outside, 'base.yaml') },
      'policies/change-control.yaml': CHANGE_CONTROL_BASE.replace(
        'extends: [netchange:financial-services@1]',
        'extends: [./base.yaml]',
      ),
    });

    const result = await netchange(['validate'], root);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is a symlink that leaves the repository');
  });

  it('a mistake in a pack names the pack file and line, and a merged definition keeps its origin line', async () => {
    const packs = await mkdtemp(path.join(os.tmpdir(), 'netchange-packs-'));
    cleanup.push(packs);
    await mkdir(path.join(packs, 'broken/v1'), { recursive: true });
    await writeFile(
      path.join(packs, 'broken/v1/windows.yaml'),
      `apiVersion: netchange/v1
kind: WindowPolicy
pack: { name: broken, version: 1.0.0, description: A pack with a bad window. }
windows:
  - name: month-end
    effect: deny
    reason: Month-end close
    schedule: { rrule: "FREQ=SOMETIMES", start: "08:00", duration: PT9H }
`,
    );
    await writeFile(
      path.join(packs, 'broken/v1/change-control.yaml'),
      `apiVersion: netchange/v1
kind: ChangeControlPolicy
pack: { name: broken, version: 1.0.0, description: A pack with a rule missing its message. }
rules:
  - name: no-message
    assert: "true"
`,
    );
    const { root } = await repositoryWith({
      'policies/windows.yaml': WINDOWS_BASE.replace('financial-services', 'broken'),
    });

    const windows = await netchange(['validate'], root, packs);
    await repository?.write({
      'policies/change-control.yaml': CHANGE_CONTROL_BASE.replace('financial-services', 'broken'),
      'policies/windows.yaml': 'apiVersion: netchange/v1\nkind: WindowPolicy\nwindows: []\n',
    });
    const control = await netchange(['validate'], root, packs);

    expect(windows.exitCode).toBe(2);
    expect(windows.stderr).toMatch(
      /netchange\/policies\/broken\/v1\/windows\.yaml:8:\d+ .*FREQ=SOMETIMES|netchange\/policies\/broken\/v1\/windows\.yaml:8:\d+ .*RRULE/i,
    );
    expect(control.exitCode).toBe(2);
    expect(control.stderr).toContain('netchange/policies/broken/v1/change-control.yaml:5:');
    expect(control.stderr).toContain("missing required key 'message'");
  });
});

describe('policy explain', () => {
  it('prints every definition with its origin as text and as JSON', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': CHANGE_CONTROL_BASE,
      'policies/windows.yaml': WINDOWS_BASE,
    });

    const text = await netchange(['policy', 'explain'], root);
    const json = await netchange(['policy', 'explain', '--kind', 'change-control', '--format', 'json'], root);

    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('Effective ChangeControlPolicy of policies/change-control.yaml');
    expect(text.stdout).toContain('extends: pack financial-services@1.2.0 → policies/change-control.yaml');
    expect(text.stdout).toMatch(
      /high-risk-board\s+pack financial-services@1\.2\.0 approval high-risk-board\s+\[PCI-DSS-4\.0 6\.5\.1\]/,
    );
    expect(text.stdout).toMatch(/netops\s+policies\/change-control\.yaml:5/);
    expect(text.stdout).toMatch(/trading-hours\s+pack financial-services@1\.2\.0 window trading-hours/);
    const output = JSON.parse(json.stdout) as {
      policies: { kind: string; entries: { name: string; origin: string; file: string; line: number }[] }[];
    };
    expect(output.policies.map((policy) => policy.kind)).toEqual(['ChangeControlPolicy']);
    expect(output.policies[0]?.entries).toContainEqual(
      expect.objectContaining({
        name: 'backout-plan',
        origin: 'pack financial-services@1.2.0 rule backout-plan',
        file: 'netchange/policies/financial-services/v1/change-control.yaml',
        line: 17,
      }),
    );
  });

  it.each([
    [
      'an unknown key',
      '  - {name: x, effect: deny, bogus: 1, schedule: {from: "2026-12-20T00:00", to: "2027-01-04T00:00"}}\n',
      /policies\/windows\.yaml:6:29 unknown key 'bogus' in windows\[1\]/,
    ],
    [
      'an invalid RRULE',
      '  - {name: x, effect: deny, schedule: {rrule: "FREQ=WEEKLYX", start: "06:00", duration: PT1H}}\n',
      /policies\/windows\.yaml:6:\d+ window 'x': invalid RRULE 'FREQ=WEEKLYX'/,
    ],
    [
      'an unknown time zone',
      '  - {name: x, effect: deny, timezone: Mars/Base, schedule: {cron: "0 1 * * *", duration: PT1H}}\n',
      /policies\/windows\.yaml:6:\d+ window 'x': unknown time zone 'Mars\/Base'/,
    ],
  ])(
    'refuses a window policy with %s (exit 2, at its line), as validate does',
    async (_case, window, where) => {
      const { root } = await repositoryWith({
        'policies/windows.yaml': `apiVersion: netchange/v1
kind: WindowPolicy
timezone: America/Chicago
windows:
  - {name: ok, effect: deny, schedule: {from: "2026-12-20T00:00", to: "2027-01-04T00:00"}}
${window}`,
      });

      const validated = await netchange(['validate'], root);
      const explained = await netchange(['policy', 'explain', '--kind', 'windows', '--format', 'json'], root);

      expect(validated.exitCode).toBe(2);
      expect(validated.stderr).toMatch(where);
      expect(explained.exitCode).toBe(2);
      expect(explained.stderr).toMatch(where);
      expect(explained.stdout).toBe('');
    },
  );

  it('refuses a change-control policy validate refuses, and checks only the kind asked for', async () => {
    const { root } = await repositoryWith({
      'policies/change-control.yaml': `${CHANGE_CONTROL_BASE.replace('extends: [netchange:financial-services@1]\n', '')}rules:
  - {name: bad-cel, when: "proposal.risk ==", assert: "true", message: never, severity: error}
`,
      'policies/windows.yaml': 'apiVersion: netchange/v1\nkind: WindowPolicy\nwindows: []\n',
    });

    const validated = await netchange(['validate'], root);
    const both = await netchange(['policy', 'explain'], root);
    const windows = await netchange(['policy', 'explain', '--kind', 'windows'], root);

    expect(validated.exitCode).toBe(2);
    const where = validated.stderr.match(/policies\/change-control\.yaml:\d+:\d+/)?.[0];
    expect(where).toBeDefined();
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain(`${where} `);
    expect(both.stdout).toBe('');
    expect(windows.exitCode, windows.stderr).toBe(0);
    expect(windows.stdout).toContain('Effective WindowPolicy of policies/windows.yaml');
  });

  it('--help says what it prints', async () => {
    const result = await runCli(['policy', 'explain', '--help'], { cwd: os.tmpdir() });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--kind <kind>');
    expect(result.stdout).toContain('print the effective policy');
    expect(result.stdout).toContain('(policies/change-control.yaml:41)');
  });
});

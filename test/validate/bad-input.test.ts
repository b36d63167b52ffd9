import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Finding, MAX_MESSAGE_LENGTH } from '../../src/core/findings.js';
import type { ValidationReport } from '../../src/core/model.js';
import { BASE_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const ALIAS_BOMB = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

/** Each bad file, and what a user must be told about it. */
const CASES: [string, string, Partial<Finding>][] = [
  ['malformed.yaml', 'apiVersion: netchange/v1\nkind: [ChangeProposal\n', { ruleId: 'yaml', line: 3 }],
  [
    'duplicate-keys.yaml',
    proposalYaml({ id: 'DUP-KEYS' }).replace('risk: low\n', 'risk: low\nrisk: high\n'),
    { ruleId: 'yaml', line: 9, message: expect.stringContaining('duplicate key') },
  ],
  ['alias-bomb.yaml', ALIAS_BOMB, { ruleId: 'yaml', message: expect.stringContaining('aliases') }],
  [
    'proto.yaml',
    proposalYaml({ id: 'PROTO' }).replace('risk: low\n', 'risk: low\n__proto__: {isAdmin: true}\n'),
    { ruleId: 'yaml', line: 9, message: "the key '__proto__' is not allowed" },
  ],
  [
    'constructor.yaml',
    proposalYaml({ id: 'CTOR' }).replace(
      '      extraVars: {vlan_id: 40}',
      '      extraVars: {constructor: 1}',
    ),
    { ruleId: 'yaml', line: 19 },
  ],
  ['empty.yaml', '', { ruleId: 'yaml', message: 'the file is empty', line: 1 }],
  [
    'two-documents.yaml',
    `${proposalYaml({ id: 'TWO' })}---\nkind: ChangeProposal\n`,
    { ruleId: 'yaml', line: 20, message: expect.stringContaining('2 YAML documents') },
  ],
  [
    'wrong-api.yaml',
    proposalYaml({ id: 'API' }).replace('netchange/v1', 'netchange/v0'),
    { ruleId: 'schema', line: 1, message: "apiVersion 'netchange/v0' is not supported" },
  ],
  [
    'wrong-kind.yaml',
    proposalYaml({ id: 'KIND' }).replace('kind: ChangeProposal', 'kind: WindowPolicy'),
    { ruleId: 'schema', line: 2, message: "kind 'WindowPolicy' found where a ChangeProposal belongs" },
  ],
  [
    'bad-timezone.yaml',
    proposalYaml({ id: 'TZ', timezone: 'America/Chicag' }),
    {
      ruleId: 'reference',
      line: 13,
      message: "schedule.timezone 'America/Chicag' is not a known IANA time zone",
    },
  ],
  [
    'feb-30.yaml',
    proposalYaml({ id: 'FEB30', start: '2026-02-30T02:00', end: '2026-03-01T02:00' }),
    {
      ruleId: 'reference',
      line: 11,
      message: expect.stringContaining("schedule.start '2026-02-30T02:00' is not a valid date-time"),
    },
  ],
  [
    'end-before-start.yaml',
    proposalYaml({ id: 'BACKWARDS', end: '2026-11-29T01:00' }),
    { ruleId: 'reference', line: 12, message: 'schedule.end must be after schedule.start' },
  ],
  [
    'escape.yaml',
    proposalYaml({ id: 'ESCAPE' }).replace('playbooks/vlans.yaml', '../../etc/passwd'),
    { ruleId: 'reference', line: 16, message: "'../../etc/passwd' points outside the repository" },
  ],
  [
    'symlink.yaml',
    proposalYaml({ id: 'SYMLINK' }).replace('playbooks/vlans.yaml', 'playbooks/outside.yaml'),
    {
      ruleId: 'reference',
      line: 16,
      message: "'playbooks/outside.yaml' is a symlink that leaves the repository",
    },
  ],
  [
    'metacharacters.yaml',
    proposalYaml({ id: 'META', limit: 'sw-1;rm -rf /' }),
    {
      ruleId: 'schema',
      line: 18,
      message: "execution[0].ansible.limit has an invalid value 'sw-1;rm -rf /'",
    },
  ],
  [
    'long-value.yaml',
    proposalYaml({ id: 'LONG', limit: `sw-1;${'x'.repeat(300)}` }),
    {
      ruleId: 'schema',
      line: 18,
      message: expect.stringMatching(/^execution\[0\]\.ansible\.limit has an invalid value 'sw-1;x+\.\.\.'$/),
    },
  ],
  [
    'unknown-type.yaml',
    proposalYaml({ id: 'SIDEWAYS' }).replace('type: normal', 'type: sideways'),
    { ruleId: 'schema', line: 6 },
  ],
  [
    'blank-title.yaml',
    proposalYaml({ id: 'BLANK' }).replace('title: Add VLAN 40', 'title: "   "'),
    { ruleId: 'schema', line: 4, message: 'title is blank' },
  ],
  [
    'missing-key.yaml',
    proposalYaml({ id: 'NOTITLE' }).replace('title: Add VLAN 40\n', ''),
    { ruleId: 'schema', line: 1, message: "the document is missing required key 'title'" },
  ],
  [
    'line-separator.yaml',
    `#\u2028- hosts: all\n${proposalYaml({ id: 'LSEP' })}`,
    { ruleId: 'yaml', line: 1, message: expect.stringContaining('U+2028 is a line break to YAML 1.1') },
  ],
  [
    'no-end.yaml',
    proposalYaml({ id: 'NOEND' }).replace('  end: "2026-11-29T03:00"\n', ''),
    { ruleId: 'schema', line: 11, message: "schedule needs exactly one of 'end' or 'duration'" },
  ],
];

describe('bad proposals are findings with file and line, never a crash or a pass', () => {
  let repository: TestRepository;
  let report: ValidationReport;
  let exitCode: number;
  let stderr: string;

  beforeAll(async () => {
    repository = await createRepository({
      ...BASE_TREE,
      ...Object.fromEntries(CASES.map(([file, content]) => [`changes/${file}`, content])),
      'playbooks/outside.yaml': { symlink: '/etc/hostname' },
      // why: a pull request can commit these; /dev/zero never ends, and the environment holds secrets.
      'changes/zero.yaml': { symlink: '/dev/zero' },
      'changes/environment.yaml': { symlink: '/proc/self/environ' },
    });
    await writeFile(
      path.join(repository.root, 'changes/latin1.yaml'),
      Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xe9, 0x0a]),
    );
    const result = await runCli(['validate', '--format', 'json'], { cwd: repository.root });
    exitCode = result.exitCode;
    stderr = result.stderr;
    report = JSON.parse(result.stdout);
  });
  afterAll(() => repository.remove());

  it('exits 1 without a stack trace', () => {
    expect(exitCode).toBe(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.each(CASES)('%s', (file, _content, expected) => {
    const proposal = report.proposals.find((item) => item.file === `changes/${file}`);

    expect(proposal?.ok).toBe(false);
    expect(proposal?.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'error', file: `changes/${file}`, ...expected }),
      ]),
    );
  });

  it('keeps every message within the length limit, the rest in detail', () => {
    const findings = report.proposals.flatMap((proposal) => proposal.findings);

    expect(findings.length).toBeGreaterThan(CASES.length);
    expect(findings.filter((finding) => finding.message.length > MAX_MESSAGE_LENGTH)).toEqual([]);
  });

  it.each(['zero.yaml', 'environment.yaml'])(
    'refuses a proposal symlinked out of the repository (%s) before reading it',
    (file) => {
      const proposal = report.proposals.find((item) => item.file === `changes/${file}`);

      expect(proposal?.findings).toEqual([
        expect.objectContaining({ ruleId: 'yaml', message: 'is a symlink that leaves the repository' }),
      ]);
    },
  );

  it('refuses a file that is not UTF-8', () => {
    const proposal = report.proposals.find((item) => item.file === 'changes/latin1.yaml');

    expect(proposal?.findings).toEqual([
      expect.objectContaining({ ruleId: 'yaml', message: 'the file is not valid UTF-8' }),
    ]);
  });
});

describe('limits and arguments', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({ ...BASE_TREE, 'changes/ok.yaml': proposalYaml() });
    await repository.commit('base');
  });
  afterAll(() => repository.remove());

  it('refuses a 50 MB file before reading it, naming the limit', async () => {
    await writeFile(
      path.join(repository.root, 'changes/huge.yaml'),
      `id: HUGE\ndescription: "${'x'.repeat(50 * 1024 * 1024)}"\n`,
    );

    const result = await runCli(['validate', '--format', 'json', 'changes/huge.yaml'], {
      cwd: repository.root,
    });

    const report = JSON.parse(result.stdout) as ValidationReport;
    expect(result.exitCode).toBe(1);
    expect(report.proposals[0]?.findings[0]).toMatchObject({
      ruleId: 'yaml',
      message: expect.stringMatching(/50\.0 MiB, over the 1\.0 MiB limit/),
    });
  });

  it('exits 2 naming a --since ref that does not exist', async () => {
    const result = await runCli(['validate', '--since', 'no-such-branch'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("git ref 'no-such-branch' does not exist");
  });

  it('exits 2 for a path that does not exist', async () => {
    const result = await runCli(['validate', 'changes/nope.yaml'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('changes/nope.yaml does not exist');
  });

  it('exits 2 for an invalid --at', async () => {
    const result = await runCli(['validate', '--at', 'tomorrow'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--at 'tomorrow' is not an RFC 3339 instant");
  });

  it('exits 2 with the broken netchange.yaml line', async () => {
    const broken = await createRepository({
      'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\npaths: {chnages: x}\n',
    });

    const result = await runCli(['validate'], { cwd: broken.root });

    await broken.remove();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("netchange.yaml:3:9 unknown key 'chnages' in paths");
    expect(result.stderr).toContain("Did you mean 'changes'?");
  });

  it.each(['paths:\n  changes: ""', 'drift:\n  policy: ""'])(
    'exits 2 naming the netchange.yaml line of an empty path (%s), not a missing folder',
    async (setting) => {
      const broken = await createRepository({
        'netchange.yaml': `apiVersion: netchange/v1\nkind: Config\n${setting}\n`,
      });

      const result = await runCli(['validate'], { cwd: broken.root });

      await broken.remove();
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/netchange\.yaml:4:\d+ (paths\.changes|drift\.policy) is empty/);
    },
  );

  it.each(['+05:00', 'Mars/Olympus_Mons'])(
    'exits 2 naming the netchange.yaml line of defaults.timezone %s',
    async (zone) => {
      const broken = await createRepository({
        'netchange.yaml': `apiVersion: netchange/v1\nkind: Config\ndefaults:\n  timezone: "${zone}"\n`,
      });

      const result = await runCli(['validate'], { cwd: broken.root });

      await broken.remove();
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        `netchange.yaml:4:13 defaults.timezone '${zone}' is not an IANA time zone`,
      );
      expect(result.stderr).not.toContain('    at ');
    },
  );
});

import { describe, expect, it } from 'vitest';
import { parseYaml } from '../documents/parse-yaml.js';
import { unifiedDiff } from '../executors/ansible/parse-events.js';
import { normaliseDiff, parseUnifiedDiff } from './normalise.js';
import { compileDriftPolicy } from './policy.js';

const RUNNING = `frr version 8.4.4
frr defaults traditional
hostname controller-7
log syslog informational
!
interface eth-r1
 ip address 10.0.1.1/30
exit
!
router bgp 65001
 bgp router-id 10.255.0.1
 neighbor 10.0.1.2 remote-as 65002
exit
!
router ospf
 ospf router-id 10.255.0.1
exit
! Last configuration change at 2026-12-02T01:59:12Z   
end
`;

const INTENDED = `frr defaults traditional
hostname r1
interface eth-r1
 ip address 10.0.1.1/30
 ip ospf cost 10
exit
router ospf
 ospf router-id 10.255.0.1
exit
! Last configuration change at 2026-11-30T08:00:00Z
`;

function policy(rules: string): ReturnType<typeof compileDriftPolicy> {
  const document = parseYaml(
    'policies/drift.yaml',
    `apiVersion: netchange/v1\nkind: DriftPolicy\nignore:\n${rules}`,
  );
  return compileDriftPolicy(document, { at: new Date('2026-12-01T00:00:00Z') });
}

function normalise(rules: string) {
  const compiled = policy(rules).policy;
  if (!compiled) throw new Error('the test policy does not compile');
  const whole = unifiedDiff(RUNNING, INTENDED, 'r1.cfg', 1_000_000) ?? '';
  return normaliseDiff(parseUnifiedDiff(whole), { rules: compiled.rules, localHostname: 'controller-7' });
}

describe('normaliseDiff', () => {
  it("drops FRR's volatile lines, the controller's hostname and a timestamp-only change; keeps real drift", () => {
    const result = normalise('  []\n');

    expect(result.diff).toContain('+ ip ospf cost 10\n');
    expect(result.diff).toContain('-router bgp 65001\n- bgp router-id 10.255.0.1\n');
    expect(result.diff).toContain('-log syslog informational\n');
    expect(result.diff).toContain('+hostname r1\n');
    expect(result.diff).not.toMatch(
      /frr version|^-hostname controller-7|^-!$|^-end$|Last configuration change/m,
    );
    expect(result.normalised.map((entry) => entry.rule).sort()).toEqual([
      'builtin:frr-volatile',
      'builtin:timestamps',
    ]);
  });

  it('hides a whole section from its first line to the next unindented line, with the exit that closes it', () => {
    const result = normalise(
      '  - {id: bgp-trial, reason: r, owner: netops, expires: "2027-01-01", sections: ["^router bgp "]}\n',
    );

    expect(result.ignored).toEqual([
      {
        rule: 'bgp-trial',
        lines: [
          '-router bgp 65001',
          '- bgp router-id 10.255.0.1',
          '- neighbor 10.0.1.2 remote-as 65002',
          '-exit',
        ],
      },
    ]);
    expect(result.diff).not.toContain('bgp');
    expect(result.diff).toContain('+ ip ospf cost 10\n');
  });

  it('renders what is left as hunks with three lines of context and counts of the normalised files', () => {
    const result = normalise(
      '  - {id: logs, reason: r, owner: netops, expires: "2027-01-01", lines: ["^log ", "^hostname "]}\n' +
        '  - {id: bgp, reason: r, owner: netops, expires: "2027-01-01", sections: ["^router bgp "]}\n',
    );

    expect(result.diff).toBe(
      [
        '--- a/r1.cfg',
        '+++ b/r1.cfg',
        '@@ -1,6 +1,7 @@',
        ' frr defaults traditional',
        ' interface eth-r1',
        '  ip address 10.0.1.1/30',
        '+ ip ospf cost 10',
        ' exit',
        ' router ospf',
        '  ospf router-id 10.255.0.1',
        '',
      ].join('\n'),
    );
  });
});

describe('compileDriftPolicy', () => {
  it('reports an expired rule as a finding at its id and keeps it from hiding anything', () => {
    const compiled = policy(
      '  - {id: old, reason: r, owner: netops, expires: "2026-11-30", lines: ["^log "]}\n',
    );

    expect(compiled.policy?.rules).toEqual([]);
    expect(compiled.policy?.findings).toEqual([
      expect.objectContaining({ ruleId: 'drift-ignore-expired', file: 'policies/drift.yaml', line: 4 }),
    ]);
  });

  it.each([
    [
      'a date that does not exist',
      'expires: "2027-02-30", lines: ["^x"]',
      "expires '2027-02-30' is not a date",
    ],
    ['a rule with neither lines nor sections', 'expires: "2027-01-01"', 'lines'],
    [
      'a regex that does not compile',
      'expires: "2027-01-01", lines: ["(x"]',
      "'(x' is not a regular expression",
    ],
  ])('refuses %s with its position', (_case, fields, message) => {
    const compiled = policy(`  - {id: x, reason: r, owner: netops, ${fields}}\n`);

    expect(compiled.policy).toBeUndefined();
    expect(compiled.errors[0]).toMatchObject({ file: 'policies/drift.yaml', line: 4 });
    expect(compiled.errors.map((error) => error.message).join('\n')).toContain(message);
  });
});

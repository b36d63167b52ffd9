import { describe, expect, it } from 'vitest';
import { parseYaml } from './parse-yaml.js';
import { validateDocument } from './schemas.js';

describe('a document whose kind is not the one its place holds', () => {
  it.each([
    [
      'kind: Windows',
      "kind 'Windows' is not a kind netchange reads; this file holds a WindowPolicy",
      "Set 'kind: WindowPolicy'. The kinds are ChangeProposal, WindowPolicy, ChangeControlPolicy, Config, DriftPolicy.",
    ],
    [
      'kind: ChangeProposal',
      "kind 'ChangeProposal' found where a WindowPolicy belongs",
      "Set 'kind: WindowPolicy', or move the file where ChangeProposal documents live.",
    ],
    ['timezone: UTC', 'kind is missing; expected WindowPolicy', "Set 'kind: WindowPolicy'."],
  ])('%s: the hint names a kind that exists', (line, message, hint) => {
    const document = parseYaml('policies/windows.yaml', `apiVersion: netchange/v1\n${line}\n`);

    const findings = validateDocument(document, 'WindowPolicy');

    expect(findings).toEqual([expect.objectContaining({ message, hint, file: 'policies/windows.yaml' })]);
  });
});

describe('a value holding a character its schema forbids', () => {
  const proposal = (title: string) =>
    parseYaml(
      'changes/x.yaml',
      `apiVersion: netchange/v1\nkind: ChangeProposal\nid: CHG-1\ntitle: ${JSON.stringify(title)}\n`,
    );

  it.each([
    ['Add VLAN\n### Failed (0)', 'title holds a line break (U+000A) at character 9'],
    ['Add\tVLAN', 'title holds a tab (U+0009) at character 4'],
    ['Add VLAN \u202egnp.exe', 'title holds the character (U+202E) at character 10'],
  ])('names the character and where it is: %j', (title, message) => {
    const findings = validateDocument(proposal(title), 'ChangeProposal');

    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message, line: 4, hint: expect.stringContaining('one line') }),
      ]),
    );
  });
});

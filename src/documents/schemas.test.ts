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

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseYaml } from '../../src/documents/parse-yaml.js';
import { validateDocument } from '../../src/documents/schemas.js';
import { PROJECT_ROOT } from '../support/repository.js';
import { PACKS, packFile, shippedPackFiles } from './pack-repository.js';

const KIND = { windows: 'WindowPolicy', 'change-control': 'ChangeControlPolicy' } as const;

// why: a pack is a fragment; only the organisation knows its teams and who owns which domain.
const LEFT_TO_THE_ORGANISATION = [
  "the document is missing required key 'teams'",
  "the document is missing required key 'raci'",
];

/** Everything in a pack document that can serve a control: windows, risk rules, approvals, rules. */
function controlledItems(document: Record<string, unknown>): { name: string; control?: unknown }[] {
  const lists = [
    document.windows,
    (document.risk as { rules?: unknown } | undefined)?.rules,
    document.approvals,
    document.rules,
  ];
  return lists.flatMap((list) =>
    Array.isArray(list) ? (list as { name: string; control?: unknown }[]) : [],
  );
}

describe('the shipped policy packs', () => {
  it('ship both kinds for every pack, in policies/<pack>/v1/', () => {
    expect(shippedPackFiles().map(({ file }) => path.relative(PROJECT_ROOT, file))).toEqual(
      PACKS.flatMap((pack) => [
        `policies/${pack}/v1/windows.yaml`,
        `policies/${pack}/v1/change-control.yaml`,
      ]),
    );
  });

  it.each(shippedPackFiles())('$pack $kind validates against the schema, as a fragment', ({ kind, file }) => {
    const document = parseYaml(path.relative(PROJECT_ROOT, file), readFileSync(file, 'utf8'));

    const findings = validateDocument(document, KIND[kind]).filter(
      (finding) => !LEFT_TO_THE_ORGANISATION.includes(finding.message),
    );

    expect(document.findings).toEqual([]);
    expect(findings).toEqual([]);
  });

  it.each(shippedPackFiles())('$pack $kind names its pack and major version 1', ({ pack, file }) => {
    const document = parse(readFileSync(file, 'utf8')) as { pack: Record<string, string> };

    expect(document.pack).toEqual({ name: pack, version: '1.0.0', description: expect.any(String) });
    expect(document.pack.description).toContain('A starting point, not a compliance certificate.');
  });

  it('map every window, risk rule, approval and rule to a control, except the business-calendar freezes', () => {
    const uncontrolled = shippedPackFiles().flatMap(({ pack, kind, file }) =>
      controlledItems(parse(readFileSync(file, 'utf8')))
        .filter((item) => item.control === undefined)
        .map((item) => `${pack} ${kind} ${item.name}`),
    );

    expect(uncontrolled).toEqual([
      'financial-services windows quarter-end-freeze',
      'financial-services windows year-end-freeze',
    ]);
  });

  it('say in the description when a cited standard is not public', () => {
    const described = (pack: (typeof PACKS)[number]) =>
      (parse(readFileSync(packFile(pack, 'change-control'), 'utf8')) as { pack: { description: string } })
        .pack.description;

    expect(described('manufacturing')).toMatch(/IEC 62443 and IEC 61511 are not public/);
    expect(described('healthcare')).toMatch(/IEC\s+80001-1:2021 is not public/);
  });

  it('are listed rule by rule in docs/policy-packs.md, with the starting-point caveat', () => {
    const docs = readFileSync(path.join(PROJECT_ROOT, 'docs/policy-packs.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## The shipped packs'));
    const names = shippedPackFiles().flatMap(({ file }) =>
      controlledItems(parse(readFileSync(file, 'utf8'))).map((item) => item.name),
    );

    expect(names.filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
    expect(section).toContain('A pack is a starting point, not a compliance certificate.');
  });

  it('ship in the npm package', () => {
    const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      files: string[];
    };

    expect(manifest.files).toContain('policies');
  });
});

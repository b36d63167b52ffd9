import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYaml } from '../../src/documents/parse-yaml.js';
import { validateDocument } from '../../src/documents/schemas.js';
import { REPORT_FORMATS, renderReport } from '../../src/reporters/index.js';
import { validateChanges as runValidate } from '../../src/use-cases/validate.js';
import { createRepository, type TestRepository } from '../support/repository.js';

const FILE = 'changes/zz-fuzz.yaml';

/** Text that is sometimes well-formed and often not: what a hurried or hostile author writes. */
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

const year = fc.oneof(
  fc.integer({ min: 1960, max: 2100 }),
  fc.integer({ min: -300_000, max: 300_000 }),
  fc.constantFrom(0, 50, 1969, 1970, 9999, 10_000, 275_760),
);
const two = (max: number) => fc.integer({ min: 0, max }).map((value) => String(value).padStart(2, '0'));
const dateTime = fc
  .tuple(
    year,
    two(13),
    two(32),
    two(24),
    two(60),
    fc.constantFrom('', 'Z', '+05:00', '-06:00', '+14:00', '-23:59'),
  )
  .map(([y, month, day, hour, minute, offset]) => {
    const yearText =
      y >= 0 && y <= 9999
        ? String(y).padStart(4, '0')
        : `${y < 0 ? '-' : '+'}${String(Math.abs(y)).padStart(6, '0')}`;
    return `${yearText}-${month}-${day}T${hour}:${minute}${offset}`;
  });
const instantText = fc.oneof(dateTime, text);
const duration = fc.oneof(
  fc.constantFrom(
    'PT1H',
    'P1D',
    'P99999999D',
    'PT99999999999999999999H',
    'P1Y',
    'P0D',
    'PT0S',
    'PT0.5H',
    'P1W',
    'P90D',
  ),
  text.map((rest) => `P${rest}`),
);
const timezone = fc.oneof(
  fc.constantFrom(
    'America/Chicago',
    'Europe/Berlin',
    'UTC',
    'Asia/Kolkata',
    'Pacific/Chatham',
    'Pacific/Kiritimati',
    'Etc/GMT-14',
    'america/chicago',
    '+05:00',
    '-23:59',
    '\u221205:00',
    'UTC+5',
    'CST',
  ),
  text,
);
const extraVars = fc.dictionary(
  fc.oneof(
    fc.constantFrom('ansible_python_interpreter', 'hostvars', 'become', 'vlan_id', 'with_items'),
    text,
  ),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
);
const ansibleStep = fc.record(
  {
    playbook: fc.oneof(fc.constantFrom('playbooks/switching/vlans.yaml', '../etc/passwd'), text),
    inventory: fc.constant('inventory/hosts.yaml'),
    limit: fc.stringMatching(/^[A-Za-z0-9_.:*?!&,[\]~^-]{1,20}$/),
    tags: fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,10}$/), { maxLength: 2 }),
    extraVars,
  },
  { requiredKeys: ['playbook'] },
);
const terraformStep = fc.record(
  {
    dir: fc.oneof(fc.constant('terraform/sdwan'), text),
    workspace: fc.stringMatching(/^[A-Za-z0-9_.~$&+:=@-]{1,12}$/),
    vars: fc.dictionary(text, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
  },
  { requiredKeys: ['dir'] },
);
const step = fc.oneof(
  ansibleStep.map((ansible) => ({ ansible })),
  terraformStep.map((terraform) => ({ terraform })),
);
const names = fc.uniqueArray(fc.oneof(fc.constantFrom('plant-a', 'sw-plant-a-01', 'core', 'berlin'), text), {
  maxLength: 3,
  minLength: 1,
});
const schedule = fc
  .record({
    start: instantText,
    ending: fc.oneof(
      instantText.map((end) => ({ end })),
      duration.map((value) => ({ duration: value })),
    ),
    timezone: fc.option(timezone, { nil: undefined }),
    rollback: fc.option(duration, { nil: undefined }),
  })
  .map(({ ending, timezone: zone, rollback, start }) => ({
    start,
    ...ending,
    ...(zone !== undefined ? { timezone: zone } : {}),
    ...(rollback !== undefined ? { rollback } : {}),
  }));

/** A proposal the ChangeProposal schema accepts, with arbitrary strings wherever it allows them. */
const proposal = fc.record(
  {
    apiVersion: fc.constant('netchange/v1'),
    kind: fc.constant('ChangeProposal'),
    id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
    title: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    description: text,
    requester: fc.record({
      team: fc.oneof(
        fc.constantFrom('partner-noc', 'netops'),
        text.filter((value) => value.length > 0),
      ),
      github: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,10}$/),
    }),
    type: fc.constantFrom('standard', 'normal', 'emergency'),
    template: fc.constantFrom('vlan-add', 'port-description', 'nope'),
    domain: fc.oneof(
      fc.constantFrom('switching', 'firewall', 'wireless'),
      text.filter((value) => value.length > 0),
    ),
    risk: fc.constantFrom('low', 'medium', 'high'),
    incident: fc.constantFrom('INC-1', 'x'),
    targets: fc.record({ sites: names, devices: names, tags: names }, { requiredKeys: [] }),
    schedule,
    execution: fc.array(step, { minLength: 1, maxLength: 2 }),
    verification: fc.array(step, { maxLength: 1 }),
    rollback: fc.record(
      { description: fc.constant('Undo it'), auto: fc.boolean(), ansible: ansibleStep },
      { requiredKeys: ['description'] },
    ),
  },
  {
    requiredKeys: [
      'apiVersion',
      'kind',
      'id',
      'title',
      'requester',
      'type',
      'domain',
      'risk',
      'targets',
      'schedule',
      'execution',
    ],
  },
);

describe('random schema-valid proposals never make a reporter throw', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await repository.commit('the example network');
  });
  afterAll(() => repository.remove());

  it('validates and renders every format (text, json, sarif, junit, markdown, github) without throwing', async () => {
    let schemaValid = 0;
    await fc.assert(
      fc.asyncProperty(proposal, fc.boolean(), async (document, color) => {
        const source = stringify(document);
        // why: the property is about what the schema lets through; count them to prove it is most.
        if (validateDocument(parseYaml(FILE, source), 'ChangeProposal').length === 0) schemaValid += 1;
        await writeFile(path.join(repository.root, FILE), source);

        const report = await runValidate({
          cwd: repository.root,
          paths: [FILE],
          at: new Date('2026-11-01T00:00:00Z'),
          version: 'test',
        });

        for (const format of REPORT_FORMATS) {
          const output = renderReport(report, format, { color });
          expect(typeof output).toBe('string');
        }
        expect(JSON.parse(renderReport(report, 'json', { color: false })).proposals).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
    // why: about two in three generated documents pass the schema (a binomial mean near 105 of 150);
    // more than half proves the property is about valid proposals without failing on an unlucky draw.
    expect(schemaValid).toBeGreaterThan(75);
  }, 240_000);
});

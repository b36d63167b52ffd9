import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assessRisk,
  bypassesWindows,
  compileChangeControlPolicy,
  evaluateChangeControl,
  renderCodeowners,
} from '../../src/control/index.js';
import type { ChangeProposal, ChangeSubject } from '../../src/core/model.js';
import { parseYaml } from '../../src/documents/parse-yaml.js';
import { resolveSchedule } from '../../src/proposals/schedule.js';
import { EXAMPLE_ROOT } from '../support/repository.js';
import { openWindows } from './helpers.js';

async function examplePolicy() {
  const file = 'policies/change-control.yaml';
  const result = compileChangeControlPolicy(
    parseYaml(file, await readFile(path.join(EXAMPLE_ROOT, file), 'utf8')),
  );
  expect(result.findings).toEqual([]);
  return result.policy!;
}

async function exampleSubject(name: string, inventoryGroups: string[] = []): Promise<ChangeSubject> {
  const file = `changes/${name}`;
  const document = parseYaml(file, await readFile(path.join(EXAMPLE_ROOT, file), 'utf8'));
  const proposal = document.value as ChangeProposal;
  const locate = (at: readonly (string | number)[]) => document.positionOf(at);
  const { schedule } = resolveSchedule(proposal, locate, file, 'America/Chicago');
  return { file, proposal, locate, ...schedule!, inventoryGroups };
}

/** The Monday the example's week starts; the Sunday maintenance changes are more than two days out. */
const AT = new Date('2026-11-23T18:00:00Z');

async function evaluateExample(name: string, windows: string[] = [], inventoryGroups: string[] = []) {
  const policy = await examplePolicy();
  const subject = await exampleSubject(name, inventoryGroups);
  const risk = assessRisk(policy, subject, { windows });
  const verdict = evaluateChangeControl(policy, subject, {
    at: AT,
    risk,
    approvals: [],
    windowVerdict: openWindows({ overlapping: windows }),
  });
  const summary = {
    risk: `${verdict.risk.declared}->${verdict.risk.effective}`,
    autonomy: verdict.autonomy?.message,
    required: verdict.approvals.required.map(
      (requirement) => `${requirement.count}x ${requirement.team ?? requirement.eligible.join('|')}`,
    ),
    errors: verdict.findings
      .filter((finding) => finding.severity === 'error')
      .map((finding) => finding.policy ?? finding.ruleId),
  };
  return { policy, subject, verdict, summary };
}

describe('the plant network example policy', () => {
  it.each([
    [
      'chg-0142-vlan40-packaging.yaml',
      [],
      { risk: 'medium->medium', autonomy: 'needs netops input', required: ['1x netops'], errors: [] },
    ],
    [
      'chg-0143-port-description.yaml',
      [],
      {
        risk: 'low->low',
        autonomy: 'partner-noc may run this alone',
        required: ['1x partner-noc'],
        errors: [],
      },
    ],
    [
      'chg-0144-trunk-during-production.yaml',
      ['plant-a-production'],
      {
        risk: 'low->high',
        autonomy: 'escalate to netops and the CAB',
        required: ['1x netops', '2x cab'],
        errors: ['normal', 'rollback-required'],
      },
    ],
    [
      'chg-0145-emergency-uplink.yaml',
      ['plant-a-production'],
      {
        risk: 'high->high',
        autonomy: 'escalate to netops and the CAB',
        required: ['1x netops', '2x cab'],
        errors: [],
      },
    ],
    [
      'chg-0147-sdwan-berlin-tunnel.yaml',
      [],
      {
        risk: 'medium->medium',
        autonomy: 'netops may run this alone',
        required: ['1x netops', '1x carol|dana|dave|eli|erin'],
        errors: [],
      },
    ],
    [
      'chg-0148-firewall-quarter-end.yaml',
      [],
      {
        risk: 'medium->medium',
        autonomy: 'netops may run this alone',
        required: ['1x secops', '1x carol|dana|dave|eli|erin'],
        errors: [],
      },
    ],
    [
      'chg-0149-core-ospf.yaml',
      [],
      {
        risk: 'medium->high',
        autonomy: 'escalate to the CAB',
        required: ['1x netops', '2x cab'],
        errors: [],
      },
    ],
    [
      'chg-0151-ssid-thanksgiving.yaml',
      [],
      {
        risk: 'low->low',
        autonomy: 'needs netops input',
        required: ['1x partner-noc', '1x alice|bob|frank|grace'],
        errors: [],
      },
    ],
  ])('evaluates %s', async (name, windows, expected) => {
    const { summary } = await evaluateExample(name, windows);

    expect(summary).toEqual(expected);
  });

  it('gives the emergency uplink change its retrospective and lets it bypass windows', async () => {
    const { policy, subject, verdict } = await evaluateExample('chg-0145-emergency-uplink.yaml', [
      'plant-a-production',
    ]);

    expect(bypassesWindows(policy, subject)).toBe(true);
    expect(verdict.retrospectiveDue).toBe('2026-11-26T13:30:00Z');
  });

  it('raises a change on core inventory groups to high risk', async () => {
    const { verdict } = await evaluateExample('chg-0142-vlan40-packaging.yaml', [], ['core', 'hq']);

    expect(verdict.risk).toEqual({
      declared: 'medium',
      effective: 'high',
      reasons: ['Core devices carry every site'],
    });
  });

  it('matches the committed .github/CODEOWNERS', async () => {
    const committed = await readFile(path.join(EXAMPLE_ROOT, '.github/CODEOWNERS'), 'utf8');

    const rendered = renderCodeowners(await examplePolicy(), {
      changesDirectory: 'changes',
      policiesPath: 'policies',
    });

    expect(rendered).toBe(committed);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetchangeError } from '../../src/core/errors.js';
import { applyGateVerdict, GATE_STAGES, type GateStage } from '../../src/gate/index.js';
import { validateWorkspace } from '../../src/pipeline/validate.js';
import { openWorkspace } from '../../src/pipeline/workspace.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';

const AT = new Date('2026-11-23T15:00:00Z');

const FREEZE = `apiVersion: netchange/v1
kind: WindowPolicy
timezone: America/Chicago
windows:
  - name: thanksgiving-freeze
    effect: deny
    reason: Peak season
    scope: {sites: [plant-a]}
    schedule: {from: "2026-11-28T00:00", to: "2026-11-30T00:00"}
`;

/** A stage as a new one would be written: reads a file once per run, holds changes it names. */
function holdStage(prepared: { count: number }): GateStage {
  return {
    id: 'holds',
    async prepare({ workspace }) {
      prepared.count += 1;
      const { readFile } = await import('node:fs/promises');
      const held = (await readFile(`${workspace.root}/holds.txt`, 'utf8')).split('\n').filter(Boolean);
      return {
        findings: [],
        evaluate(subject, { facts }) {
          if (!held.includes(subject.proposal.id)) return { findings: [] };
          return {
            findings: [
              {
                ruleId: 'rule',
                policy: 'hold',
                severity: facts.bypassWindows ? 'warning' : 'error',
                message: `${subject.proposal.id} is held (judged at ${facts.risk} risk)`,
                hint: 'Wait until the hold is lifted.',
                file: subject.file,
              },
            ],
          };
        },
      };
    },
    describeRefusal(entry) {
      return entry.findings.some((finding) => finding.policy === 'hold' && finding.severity === 'error')
        ? 'a hold is in force'
        : undefined;
    },
  };
}

describe('the gate', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({
      ...BASE_TREE,
      'policies/change-control.yaml': `${POLICY_TREE['policies/change-control.yaml']}approvals:
  - { name: low risk, when: { risks: [low] }, require: [{ role: accountable }] }
`,
      'policies/windows.yaml': FREEZE,
      'changes/frozen.yaml': proposalYaml({ id: 'CHG-FROZEN' }),
      'changes/later.yaml': proposalYaml({
        id: 'CHG-LATER',
        start: '2026-12-06T02:00',
        end: '2026-12-06T03:00',
      }),
      'holds.txt': 'CHG-LATER\n',
    });
    await repository.commit('gate');
  });
  afterAll(() => repository.remove());

  async function validate(stages: readonly GateStage[], paths?: string[]) {
    const workspace = await openWorkspace({ cwd: repository.root });
    return validateWorkspace(
      workspace,
      { at: AT, version: 'test', requireApprovals: true, ...(paths ? { paths } : {}) },
      stages,
    );
  }

  it("builds apply's refusal from each stage: validation, missing approvals, the closed window", async () => {
    const report = await validate(GATE_STAGES, ['changes/frozen.yaml']);

    const verdict = applyGateVerdict(report, 'changes/frozen.yaml');

    expect(verdict.ok).toBe(false);
    expect(verdict.reasons).toEqual([
      'approvals missing: 1 from netops (alice or bob)',
      'the window opens Mon 30 Nov 2026 00:00 CST (06:00Z) (blocked now by thanksgiving-freeze)',
    ]);
    expect(verdict.findings.map((finding) => finding.ruleId).sort()).toEqual(['approval', 'window']);
    expect(verdict.entry?.windows?.open).toBe(false);
  });

  it('runs a stage added with one more entry in the list, prepared once for every proposal', async () => {
    const prepared = { count: 0 };
    const stages = [...GATE_STAGES, holdStage(prepared)];

    const report = await validate(stages);

    expect(prepared.count).toBe(1);
    const later = report.proposals.find((proposal) => proposal.id === 'CHG-LATER');
    expect(later?.findings).toContainEqual(
      expect.objectContaining({
        policy: 'hold',
        severity: 'error',
        message: 'CHG-LATER is held (judged at low risk)',
      }),
    );
    expect(applyGateVerdict(report, 'changes/later.yaml', stages).reasons).toEqual([
      'CHG-LATER is held (judged at low risk)',
      'approvals missing: 1 from netops (alice or bob)',
      'a hold is in force',
    ]);
  });

  it('stops the run with a configuration error when a stage reports an error about its policy', async () => {
    const broken: GateStage = {
      id: 'broken',
      prepare: async () => ({
        findings: [
          { ruleId: 'policy', severity: 'error', message: 'unreadable', hint: 'Fix it.', file: 'holds.txt' },
        ],
      }),
    };

    const run = validate([...GATE_STAGES, broken]);

    await expect(run).rejects.toBeInstanceOf(NetchangeError);
    await expect(run).rejects.toMatchObject({ code: 'E_CONFIG', message: 'the policy files have errors' });
  });
});

/**
 * Issue 15's budget: conflicts computed over 5,000 proposals add at most 300 ms to the gate. The
 * same 5,000 proposals (sharing switches, a redundancy pair and a site limit, so conflicts are
 * really found and next free slots searched) run through every gate stage with and without the
 * conflicts stage; the figure is the difference.
 */
import type { ChangeProposal, ChangeSubject } from '../src/core/model.js';
import { parseYaml } from '../src/documents/parse-yaml.js';
import { prepareGate } from '../src/gate/gate.js';
import { GATE_STAGES } from '../src/gate/registry.js';
import type { GateStage } from '../src/gate/stage.js';
import { resolveConfig, type Workspace } from '../src/pipeline/workspace.js';
import type { BenchFigure } from './harness.js';

const PROPOSALS = 5_000;
const SWITCHES = 400;
const HOUR_MS = 3_600_000;
const FIRST_DAY_MS = Date.parse('2027-02-01T00:00:00Z');

const POLICY = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  partner-noc: {kind: partner, members: [dana, eli]}
raci:
  switching: {responsible: partner-noc, accountable: netops}
changeTypes:
  normal: {}
  emergency: {bypassWindows: true, requireIncident: true}
redundancyGroups:
  - {name: core-pair, devices: [core-1, core-2], reason: The core pair carries every site}
sites:
  plant-a: {maxConcurrentChanges: 10}
`;

const WINDOWS = `apiVersion: netchange/v1
kind: WindowPolicy
timezone: America/Chicago
windows:
  - name: plant-a-production
    effect: deny
    scope: {sites: [plant-a]}
    schedule: {rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "06:00", duration: PT16H}
`;

/** Change `index`: two of 400 switches (or a core router), 1 h plus 30 min rollback, spread over 60 days. */
function subjectFor(index: number): ChangeSubject {
  const devices =
    index % 25 === 0
      ? [`core-${1 + ((index / 25) % 2)}`]
      : [`sw-${index % SWITCHES}`, `sw-${(index * 7 + 3) % SWITCHES}`];
  const startMs = FIRST_DAY_MS + (index % 60) * 24 * HOUR_MS + ((index * 37) % (24 * 60)) * 60_000;
  const proposal = {
    apiVersion: 'netchange/v1',
    kind: 'ChangeProposal',
    id: `CHG-BENCH-${index}`,
    title: `Change ${index}`,
    requester: { team: 'partner-noc', github: 'dana' },
    type: index % 50 === 0 ? 'emergency' : 'normal',
    ...(index % 50 === 0 ? { incident: `INC-${index}` } : {}),
    domain: 'switching',
    risk: 'low',
    targets: { sites: [index % 3 === 0 ? 'berlin' : 'plant-a'], devices: [...new Set(devices)] },
    schedule: { start: new Date(startMs).toISOString(), end: new Date(startMs + HOUR_MS).toISOString() },
    execution: [{ ansible: { playbook: 'playbooks/vlans.yaml', limit: devices.join(',') } }],
  } as ChangeProposal;
  return {
    file: `changes/chg-${index}.yaml`,
    proposal,
    locate: () => ({ line: 12, column: 3 }),
    startMs,
    endMs: startMs + HOUR_MS,
    rollbackMs: HOUR_MS / 2,
    timezone: 'America/Chicago',
    inventoryGroups: ['switches'],
  };
}

async function runGate(
  workspace: Workspace,
  subjects: readonly ChangeSubject[],
  stages: readonly GateStage[],
): Promise<{ ms: number; conflicts: number }> {
  const started = performance.now();
  const gate = await prepareGate(
    { workspace, at: new Date('2027-01-15T00:00:00Z'), approvals: [], requireApprovals: false, subjects },
    stages,
  );
  let conflicts = 0;
  for (const subject of subjects) {
    const { findings } = gate.evaluate(subject);
    conflicts += findings.filter((finding) => finding.ruleId === 'conflict').length;
  }
  return { ms: performance.now() - started, conflicts };
}

export default async function bench(): Promise<BenchFigure[]> {
  const workspace: Workspace = {
    root: '/nonexistent',
    cwd: '/nonexistent',
    config: resolveConfig(undefined),
    changeControlDocument: parseYaml('policies/change-control.yaml', POLICY),
    windowPolicyDocument: parseYaml('policies/windows.yaml', WINDOWS),
  };
  const subjects = Array.from({ length: PROPOSALS }, (_, index) => subjectFor(index));
  const without = GATE_STAGES.filter((stage) => stage.id !== 'conflicts');
  // why: a warm-up run of each loads the engines (CEL, holidays) so neither figure pays for that.
  await runGate(workspace, subjects, without);
  await runGate(workspace, subjects, GATE_STAGES);
  const withoutRuns: number[] = [];
  const withRuns: number[] = [];
  let conflicts = 0;
  for (let run = 0; run < 5; run++) {
    withoutRuns.push((await runGate(workspace, subjects, without)).ms);
    const measured = await runGate(workspace, subjects, GATE_STAGES);
    withRuns.push(measured.ms);
    conflicts = measured.conflicts;
  }
  if (conflicts === 0) throw new Error('the bench proposals should conflict with each other');
  const best = (runs: number[]) => Math.min(...runs);
  return [
    {
      name: `conflicts computed over ${PROPOSALS.toLocaleString('en-US')} proposals, over the gate without them (best of 5)`,
      value: best(withRuns) - best(withoutRuns),
      unit: 'ms',
      budget: 300,
      comparison: `with ${Math.round(best(withRuns))} ms, without ${Math.round(best(withoutRuns))} ms; ${conflicts} conflict findings`,
    },
  ];
}

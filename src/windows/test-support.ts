/**
 * Builders shared by the window engine's tests and bench: a ChangeSubject built in memory, the way
 * the proposals stage builds one from a file.
 */
import type { ChangeProposal, ChangeSubject } from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';

export interface SubjectOptions {
  /** Start instant, epoch milliseconds. */
  startMs: number;
  /** Length before rollback, milliseconds. */
  lengthMs: number;
  /** Rollback time, milliseconds. */
  rollbackMs?: number;
  /** Overrides for the proposal's fields. */
  proposal?: Partial<ChangeProposal>;
  /** Display zone. */
  timezone?: string;
  /** Proposal file path. */
  file?: string;
}

/** A schema-shaped switching change at plant-a, placed where the options say. */
export function buildSubject(options: SubjectOptions): ChangeSubject {
  const timezone = options.timezone ?? 'America/Chicago';
  const proposal = {
    apiVersion: 'netchange/v1',
    kind: 'ChangeProposal',
    id: 'CHG-TEST-1',
    title: 'Test change',
    requester: { team: 'partner-noc', github: 'druiz' },
    type: 'normal',
    domain: 'switching',
    risk: 'low',
    targets: { sites: ['plant-a'], devices: ['sw-plant-a-01'] },
    schedule: { start: toRfc3339Utc(options.startMs), duration: 'PT1H', timezone },
    execution: [{ ansible: { playbook: 'playbooks/vlans.yaml' } }],
    ...options.proposal,
  } as ChangeProposal;
  return {
    file: options.file ?? 'changes/test.yaml',
    proposal,
    locate: (path) => ({ line: path.join('.') === 'schedule.start' ? 12 : 1, column: 10 }),
    startMs: options.startMs,
    endMs: options.startMs + options.lengthMs,
    rollbackMs: options.rollbackMs ?? 0,
    timezone,
    inventoryGroups: [],
  };
}

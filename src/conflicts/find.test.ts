import { describe, expect, it } from 'vitest';
import type { ChangeSubject, ScheduledChange } from '../core/model.js';
import { createConflictIndex, findConflicts, freeSlots, scheduledChangeOf } from './find.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-06T08:00:00Z');

function change(
  id: string,
  startHour: number,
  endHour: number,
  extra: Partial<ScheduledChange> = {},
): ScheduledChange {
  return {
    id,
    file: `changes/${id}.yaml`,
    title: id,
    type: 'normal',
    domain: 'switching',
    requester: { team: 'netops', github: 'alice' },
    startMs: T0 + startHour * HOUR,
    endMs: T0 + endHour * HOUR,
    occupiedEndMs: T0 + endHour * HOUR,
    timezone: 'America/Chicago',
    devices: ['sw-1'],
    sites: ['plant-a'],
    stacks: [],
    source: { kind: 'repository' },
    ...extra,
  };
}

describe('findConflicts', () => {
  it('finds the same device in overlapping slots, once per pair', () => {
    const conflicts = findConflicts([change('B', 0, 2), change('A', 1, 3)]);

    expect(conflicts).toEqual([
      {
        a: 'A',
        b: 'B',
        reasons: [{ kind: 'device', devices: ['sw-1'] }],
        overlap: { start: '2026-12-06T09:00:00Z', end: '2026-12-06T10:00:00Z' },
      },
    ]);
  });

  it('does not count touching intervals, but counts rollback time', () => {
    expect(findConflicts([change('A', 0, 1), change('B', 1, 2)])).toEqual([]);
    const withRollback = change('A', 0, 1, { occupiedEndMs: T0 + 1.5 * HOUR });

    expect(findConflicts([withRollback, change('B', 1, 2)])).toHaveLength(1);
  });

  it('finds two members of a redundancy group on different devices, and stacks', () => {
    const rules = {
      redundancyGroups: [{ name: 'core-pair', devices: ['core-?'], reason: 'HA pair' }],
      maxConcurrentChanges: new Map<string, number>(),
    };
    const conflicts = findConflicts(
      [
        change('A', 0, 2, { devices: ['core-1'], stacks: ['terraform/fw'] }),
        change('B', 1, 3, { devices: ['core-2'], stacks: ['terraform/fw'] }),
      ],
      rules,
    );

    expect(conflicts[0]?.reasons).toEqual([
      { kind: 'stack', stacks: ['terraform/fw'] },
      { kind: 'redundancy-group', group: 'core-pair', devices: ['core-1', 'core-2'], reason: 'HA pair' },
    ]);
  });

  it('caps concurrent changes at a site', () => {
    const rules = { redundancyGroups: [], maxConcurrentChanges: new Map([['plant-a', 1]]) };
    const conflicts = findConflicts(
      [change('A', 0, 2, { devices: ['sw-1'] }), change('B', 1, 3, { devices: ['sw-2'] })],
      rules,
    );

    expect(conflicts.map((conflict) => conflict.reasons)).toEqual([
      [{ kind: 'site-capacity', site: 'plant-a', limit: 1 }],
    ]);
  });
});

describe('createConflictIndex: the intervals a change may not overlap', () => {
  const rules = {
    redundancyGroups: [{ name: 'core-pair', devices: ['core-*'] }],
    maxConcurrentChanges: new Map([['plant-a', 2]]),
  };
  const span = (fromHour: number, toHour: number) => ({
    startMs: T0 + fromHour * HOUR,
    endMs: T0 + toHour * HOUR,
  });

  it('holds the shared device and group members, merged, never the change itself', () => {
    const self = change('SELF', 0, 1, { devices: ['sw-1', 'core-1'], sites: [] });
    const others = [
      change('DEVICE', 2, 3, { sites: [] }),
      change('GROUP', 2.5, 4, { devices: ['core-2'], sites: [] }),
      change('ELSEWHERE', 5, 6, { devices: ['sw-9'], sites: [] }),
    ];

    const busy = createConflictIndex([self, ...others], rules).busyFor(self, T0, T0 + 48 * HOUR);

    expect(busy).toEqual([span(2, 4)]);
  });

  it('holds a site where the others already reach its limit, counting the change itself out', () => {
    const self = change('SELF', 0, 1, { devices: ['sw-1'] });
    const others = [
      change('A', 0, 3, { devices: ['sw-2'] }),
      change('B', 2, 5, { devices: ['sw-3'] }),
      change('C', 6, 7, { devices: ['sw-4'] }),
    ];

    const busy = createConflictIndex([self, ...others], rules).busyFor(self, T0, T0 + 48 * HOUR);

    expect(busy).toEqual([span(2, 3)]);
  });

  it('finds the next free slot after the busy intervals; touching is free', () => {
    const busy = [span(1, 2), span(2.5, 4)];

    expect(freeSlots(() => busy, T0 + HOUR, HOUR)).toEqual([span(4, 5)]);
    expect(freeSlots(() => [span(1, 2), span(3.5, 4)], T0, HOUR, 2)).toEqual([span(0, 1), span(2, 3)]);
  });
});

describe('scheduledChangeOf: Terraform stacks', () => {
  function subjectWith(id: string, terraform: { dir: string; workspace?: string }): ChangeSubject {
    return {
      file: `changes/${id}.yaml`,
      proposal: {
        id,
        title: id,
        type: 'normal',
        domain: 'sdwan',
        requester: { team: 'netops', github: 'alice' },
        targets: {},
        execution: [{ terraform }],
      },
      startMs: T0,
      endMs: T0 + HOUR,
      rollbackMs: 0,
      timezone: 'UTC',
    } as unknown as ChangeSubject;
  }

  it.each([
    [
      { dir: 'terraform/sdwan/', workspace: 'prod' },
      { dir: 'terraform/sdwan', workspace: 'prod' },
    ],
    [
      { dir: './terraform/sdwan', workspace: 'prod' },
      { dir: 'terraform/sdwan', workspace: 'prod' },
    ],
    [
      { dir: 'terraform//sdwan', workspace: 'prod' },
      { dir: 'terraform/sdwan', workspace: 'prod' },
    ],
    [
      { dir: 'terraform/../terraform/sdwan', workspace: 'prod' },
      { dir: 'terraform/sdwan', workspace: 'prod' },
    ],
    [{ dir: 'terraform/sdwan' }, { dir: 'terraform/sdwan', workspace: 'default' }],
  ])('%j and %j are one stack: overlapping changes conflict', (first, second) => {
    const a = scheduledChangeOf(subjectWith('A', first));
    const b = scheduledChangeOf(subjectWith('B', second));

    const conflicts = findConflicts([a, b]);

    expect(a.stacks).toEqual(b.stacks);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.reasons).toContainEqual(expect.objectContaining({ kind: 'stack' }));
  });
});

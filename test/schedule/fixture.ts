/**
 * A small repository for the schedule: two switches and a core pair in America/Chicago, a Sunday
 * allow window, one change before and one after the end of daylight saving time (1 Nov 2026), and two
 * changes on sw-2 whose occupied intervals overlap.
 */
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';

export const WINDOWS = `apiVersion: netchange/v1
kind: WindowPolicy
timezone: America/Chicago
windows:
  - name: sunday-maintenance
    effect: allow
    reason: Agreed maintenance window
    schedule: {cron: "0 1 * * 0", duration: PT4H}
    scope: {sites: [plant-a]}
`;

function change(id: string, device: string, start: string, end: string, title = `Change ${id}`): string {
  return proposalYaml({ id, devices: device, limit: device, start, end }).replace(
    'title: Add VLAN 40',
    `title: ${JSON.stringify(title)}`,
  );
}

export async function scheduleRepository(): Promise<TestRepository> {
  const repository = await createRepository({
    ...BASE_TREE,
    ...POLICY_TREE,
    'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\n',
    'policies/windows.yaml': WINDOWS,
    'changes/a-before-dst.yaml': change(
      'CHG-A',
      'sw-1',
      '2026-10-25T02:00',
      '2026-10-25T03:00',
      'Before: the clocks',
    ),
    'changes/b-after-dst.yaml': change('CHG-B', 'sw-1', '2026-11-08T02:00', '2026-11-08T03:00'),
    'changes/c-overlap.yaml': change('CHG-C', 'sw-2', '2026-11-15T02:00', '2026-11-15T03:00'),
  });
  await repository.commit('three changes');
  // CHG-A is edited once more (its calendar event's SEQUENCE grows) and CHG-D overlaps CHG-C on sw-2.
  await repository.write({
    'changes/a-before-dst.yaml': change(
      'CHG-A',
      'sw-1',
      '2026-10-25T02:00',
      '2026-10-25T03:30',
      'Before: the clocks',
    ),
    'changes/d-overlap.yaml': change('CHG-D', 'sw-2', '2026-11-15T02:30', '2026-11-15T03:30'),
  });
  await repository.commit('CHG-A longer, CHG-D');
  return repository;
}

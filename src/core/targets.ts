import type { ChangeSubject } from './model.js';

/**
 * What a change touches, as windows, risk rules and locks see it: the devices and sites it
 * declares, joined with the hosts its steps actually reach (resolved with Ansible's pattern rules)
 * and their sites.
 * why: a limit or a play's `hosts` can reach more than the targets name; a window scoped to a plant
 * must see a switch reached through `limit: sw*` as surely as one listed by name.
 */
export function touchedDevices(subject: ChangeSubject): readonly string[] {
  const declared = subject.proposal.targets.devices;
  const reached = subject.resolvedHosts;
  if (!reached || reached.length === 0) return declared ?? NOTHING;
  // why: once the reached hosts are known, a declared glob (`sw-*`) stands for them, not for itself.
  return union(
    declared?.filter((device) => !GLOB.test(device)),
    reached,
  );
}

/** The sites a change declares, joined with the sites of the hosts its steps reach. */
export function touchedSites(subject: ChangeSubject): readonly string[] {
  return union(subject.proposal.targets.sites, subject.resolvedSites);
}

const NOTHING: readonly string[] = [];
const GLOB = /[*?[\]{}!]/;

function union(
  declared: readonly string[] | undefined,
  reached: readonly string[] | undefined,
): readonly string[] {
  if (!reached || reached.length === 0) return declared ?? NOTHING;
  if (!declared || declared.length === 0) return reached;
  return [...new Set([...declared, ...reached])].sort();
}

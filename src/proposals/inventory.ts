import type { HelperHost } from './ansible-helper.js';

/** Hosts of one Ansible inventory, the groups each belongs to and its site. Never variables. */
export interface Inventory {
  /** Host name → sorted group names, transitively (without `all` and `ungrouped`). */
  hostGroups: Map<string, string[]>;
  /** Host name → its site: the `site` variable the inventory file gives it (host or group vars). */
  hostSites: Map<string, string>;
}

/** An inventory that could be read, or why not (a parse error, an executable script). */
export type InventoryOutcome =
  | { ok: true; inventory: Inventory }
  | { ok: false; message: string; hint: string };

/** Builds an Inventory from the helper's (or the cache's) host records. */
export function inventoryFromHosts(hosts: Record<string, HelperHost>): Inventory {
  const hostGroups = new Map<string, string[]>();
  const hostSites = new Map<string, string>();
  for (const [name, host] of Object.entries(hosts)) {
    hostGroups.set(name, [...host.groups].sort());
    if (host.site) hostSites.set(name, host.site);
  }
  return { hostGroups, hostSites };
}

/** True when a cached value has the shape of the helper's host records. */
export function isHostRecords(value: unknown): value is Record<string, HelperHost> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every(
    (host: unknown) =>
      host !== null &&
      typeof host === 'object' &&
      Array.isArray((host as HelperHost).groups) &&
      ((host as HelperHost).site === undefined || typeof (host as HelperHost).site === 'string'),
  );
}

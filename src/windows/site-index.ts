/**
 * Windows grouped by the sites their scope names. why: an enterprise policy holds thousands of
 * windows, each for a site or two; a change at one site should read that site's windows and the
 * site-wide ones, not every window in the policy.
 */
import type { CompiledWindow } from './model.js';

export interface SiteIndex {
  bySite: Map<string, CompiledWindow[]>;
  /** Windows whose scope names no sites: they apply at every site. */
  everySite: CompiledWindow[];
}

const indexes = new WeakMap<readonly CompiledWindow[], SiteIndex>();

/** The index of `windows`, built once per list. */
export function siteIndexOf(windows: readonly CompiledWindow[]): SiteIndex {
  let index = indexes.get(windows);
  if (index) return index;
  index = { bySite: new Map(), everySite: [] };
  for (const window of windows) {
    const sites = window.scope.sites;
    if (sites === undefined) {
      index.everySite.push(window);
      continue;
    }
    for (const site of new Set(sites)) {
      const list = index.bySite.get(site);
      if (list) list.push(window);
      else index.bySite.set(site, [window]);
    }
  }
  indexes.set(windows, index);
  return index;
}

/** The windows that may apply at any of `sites`, in policy order, each once. */
export function windowsAtSites(index: SiteIndex, sites: readonly string[]): CompiledWindow[] {
  if (sites.length === 0) return index.everySite;
  const found = new Set(index.everySite);
  for (const site of sites) for (const window of index.bySite.get(site) ?? []) found.add(window);
  return [...found].sort((a, b) => a.index - b.index);
}

/**
 * Which device names the repository's files never mention: `freeze --device` warns about those, as
 * it warns about a --site no window names, since a typo (sw-plnt-a-01) would hold no change at all.
 *
 * why the files' text and not the inventories' hosts: only Ansible reads an inventory right (ranges,
 * group files, plugins), and starting it costs a second or more while a site is on fire. A name no
 * inventory, proposal or policy spells out is not a host netchange will see in a change; a host made
 * only by a range (`sw-[01:20]`) is warned about too, which the warning's wording allows for.
 */
import { readRepositoryTextFile } from '../documents/read-file.js';

/** Characters of a host name: a match must not run on into them (sw-1 is not named by sw-10). */
const NAME_CHARACTER = 'A-Za-z0-9_.\\-';
/** Paths likely to hold the inventories, read first so the usual (correct) name is found early. */
const INVENTORY_LIKE = /(^|\/)(inventor|hosts|host_vars|group_vars)/i;

/**
 * The `devices` that no file of `files` (repository-relative) names as a whole word, in the order
 * given. Files that cannot be read as text (too large, binary, a symlink out of the repository) are
 * skipped; reading stops once every device is found.
 */
export function devicesNoFileNames(
  root: string,
  files: readonly string[],
  devices: readonly string[],
  maxBytes: number,
): string[] {
  const unnamed = new Map(devices.map((device) => [device, wholeWord(device)]));
  const ordered = [...files].sort(
    (a, b) => Number(INVENTORY_LIKE.test(b)) - Number(INVENTORY_LIKE.test(a)) || a.localeCompare(b),
  );
  for (const file of ordered) {
    if (unnamed.size === 0) break;
    const read = readRepositoryTextFile(root, file, maxBytes);
    if (!read.ok) continue;
    for (const [device, pattern] of unnamed) if (pattern.test(read.text)) unnamed.delete(device);
  }
  return [...unnamed.keys()];
}

function wholeWord(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![${NAME_CHARACTER}])${escaped}(?![${NAME_CHARACTER}])`);
}

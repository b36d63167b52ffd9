/**
 * Host ranges in a static inventory (`sw[01:50]`, `db-[a:f]`, `www[0:98:2]`): Ansible expands each
 * into one host per value before anything else runs. A pull request's inventory with `sw[0:99999999]`
 * would hold validate's helper (and the runner's memory) until the helper's timeout, so a range past
 * what any network has is refused from the text, before Python sees it.
 */

/** The most hosts one inventory line may expand to; a plant or a campus has thousands. */
export const MAX_RANGE_HOSTS = 100_000;

const RANGE = /\[(?:(\d+):(\d+)|([a-zA-Z]):([a-zA-Z]))(?::(\d+))?\]/g;

export interface OversizedRange {
  /** 1-based line number. */
  line: number;
  /** The host pattern as written, e.g. `sw[0:99999999]`. */
  pattern: string;
  /** How many hosts the line expands to (the product of its ranges). */
  hosts: number;
}

/** The first line whose ranges expand to more than {@link MAX_RANGE_HOSTS} hosts, if any. */
export function findOversizedRange(text: string): OversizedRange | undefined {
  // why: inventories without a range (most) cost one scan.
  if (!/\[[\da-zA-Z]+:[\da-zA-Z]/.test(text)) return undefined;
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    let hosts = 1;
    let found = false;
    for (const match of line.matchAll(RANGE)) {
      found = true;
      hosts *= rangeSize(match);
    }
    if (found && hosts > MAX_RANGE_HOSTS) {
      const pattern = line.trim().split(/[\s=]/)[0]?.replace(/:$/, '') ?? line.trim();
      return { line: index + 1, pattern, hosts };
    }
  }
  return undefined;
}

function rangeSize(match: RegExpMatchArray): number {
  const [, fromDigits, toDigits, fromLetter, toLetter, strideDigits] = match;
  const stride = strideDigits ? Math.max(1, Number(strideDigits)) : 1;
  const from = fromDigits !== undefined ? Number(fromDigits) : fromLetter!.charCodeAt(0);
  const to = toDigits !== undefined ? Number(toDigits) : toLetter!.charCodeAt(0);
  return to < from ? 0 : Math.floor((to - from) / stride) + 1;
}

/**
 * Duplicate keys in a YAML inventory. Ansible keeps the last value with only a warning, which the
 * host helper does not show, so `site: plant-a` followed by `site: berlin` in one mapping would put the
 * host at one site for Ansible while a reader of the file sees the other. netchange refuses them in
 * its own files; an inventory a step names is held to the same rule.
 */
import { LineCounter, parseDocument } from 'yaml';

export interface DuplicateKey {
  /** 1-based line of the second occurrence. */
  line: number;
  key: string;
}

/** The first duplicate key of a YAML inventory (by its file name), if any; INI inventories have none. */
export function findDuplicateKey(file: string, text: string): DuplicateKey | undefined {
  if (!/\.ya?ml$/.test(file)) return undefined;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, lineCounter, prettyErrors: false });
  const duplicate = document.errors.find((error) => error.code === 'DUPLICATE_KEY');
  if (!duplicate) return undefined;
  const offset = duplicate.pos[0];
  const key = /^[^\s:]+/.exec(text.slice(offset))?.[0]?.replace(/^["']|["']$/g, '') ?? '?';
  return { line: lineCounter.linePos(offset).line, key };
}

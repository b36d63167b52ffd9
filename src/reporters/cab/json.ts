import type { CabPack } from '../../cab/pack.js';
import { jsonDocument } from '../reporter.js';

/**
 * `netchange cab --format json`: the pack as assembled (records as stored, cards, the schedule);
 * what `notify --from cab` and scripts read.
 */
export function renderCabJson(pack: CabPack): string {
  return jsonDocument(pack);
}

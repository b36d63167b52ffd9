import type { Digest } from '../../audit/digest.js';
import { jsonDocument } from '../reporter.js';
import { summaryCounts } from './describe.js';

/** `--format json`: the period, the counts and each section's records as stored (drift records under `changedOutside`). */
export function renderDigestJson(digest: Digest): string {
  return jsonDocument(digestJson(digest));
}

function digestJson(digest: Digest) {
  const all = [...digest.attention, ...digest.emergency, ...digest.other];
  return {
    schemaVersion: 1,
    since: digest.since,
    until: digest.until,
    ...(digest.team ? { team: digest.team } : {}),
    summary: summaryCounts(all),
    attention: digest.attention,
    emergency: digest.emergency,
    other: digest.other,
    changedOutside: digest.outside,
    unreadable: digest.unreadable,
  };
}

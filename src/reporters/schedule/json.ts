import { toRfc3339Utc } from '../../core/time.js';
import type { Schedule } from '../../schedule/model.js';
import { jsonDocument } from '../reporter.js';

/**
 * `--format json`: one object with `changes[]`, `windows[]` and `conflicts[]`; times RFC 3339 UTC
 * (`start`, `end`, and `occupiedEnd` = end plus rollback time), never epoch milliseconds.
 */
export function renderScheduleJson(schedule: Schedule): string {
  return jsonDocument({
    schemaVersion: 1,
    from: schedule.from,
    until: schedule.until,
    timezone: schedule.timezone,
    changes: schedule.changes.map(({ startMs, endMs, occupiedEndMs, ...entry }) => ({
      id: entry.id,
      file: entry.file,
      title: entry.title,
      type: entry.type,
      domain: entry.domain,
      requester: entry.requester,
      state: entry.state,
      start: toRfc3339Utc(startMs),
      end: toRfc3339Utc(endMs),
      occupiedEnd: toRfc3339Utc(occupiedEndMs),
      timezone: entry.timezone,
      devices: entry.devices,
      sites: entry.sites,
      stacks: entry.stacks,
      source: entry.source,
      revision: entry.revision,
      conflicts: entry.conflicts,
    })),
    windows: schedule.windows.map((window) => ({
      window: window.window,
      effect: window.effect,
      ...(window.reason ? { reason: window.reason } : {}),
      timezone: window.timezone,
      start: window.start,
      end: window.end,
      sites: window.sites,
    })),
    conflicts: schedule.conflicts,
  });
}

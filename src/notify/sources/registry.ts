/**
 * What `netchange notify --from` can announce. Each source turns one kind of result into a
 * Notification (src/notify/model.ts); the describing is pure and lives beside this file, the reading
 * is in src/use-cases/notify.ts (one loader per name, typed so a name without a loader fails to
 * compile). Adding a source: one describe module, one entry here, one loader there.
 */

export const NOTIFICATION_SOURCES = {
  digest: 'the daily digest of the evidence records (same period flags as `netchange digest`)',
  cab: "the change advisory board's pack, from a file `netchange cab` wrote (--file PACK.json or PACK.md)",
  'apply-result': 'the result of each apply run in --run-dir DIR (a run directory, or a folder of them)',
} as const;

export type NotificationSourceName = keyof typeof NOTIFICATION_SOURCES;

/** The `--from` choices, in the order the help lists them. */
export const NOTIFICATION_SOURCE_NAMES = Object.keys(NOTIFICATION_SOURCES) as NotificationSourceName[];

/** Times for people: local wall-clock time in a zone, and UTC, without seconds. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
    } catch {
      return undefined;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `2026-11-29 02:00 CST` in `timeZone`; undefined when the zone is unknown. */
export function formatLocal(iso: string, timeZone: string): string | undefined {
  const formatter = formatterFor(timeZone);
  const time = Date.parse(iso);
  if (!formatter || Number.isNaN(time)) return undefined;
  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(time)).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

/** `2026-11-29 08:00 UTC`. */
export function formatUtc(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2026-11-29 02:00 CST (08:00 UTC)`: local first, UTC beside it; UTC alone without a zone. */
export function formatLocalAndUtc(iso: string, timeZone: string | undefined): string {
  const utc = formatUtc(iso);
  const local = timeZone && timeZone !== 'UTC' ? formatLocal(iso, timeZone) : undefined;
  return local ? `${local} (${utc})` : utc;
}

/** A start–end span: `2026-11-29 02:00–02:14 CST (08:00–08:14 UTC)` when both fall on the same local day. */
export function formatSpan(startIso: string, endIso: string, timeZone: string | undefined): string {
  const utcStart = formatUtc(startIso);
  const utcEnd = formatUtc(endIso);
  const utc = sameDay(utcStart, utcEnd)
    ? `${utcStart.slice(0, 16)}–${utcEnd.slice(11)}`
    : `${utcStart} – ${utcEnd}`;
  const localStart = timeZone && timeZone !== 'UTC' ? formatLocal(startIso, timeZone) : undefined;
  const localEnd = timeZone && timeZone !== 'UTC' ? formatLocal(endIso, timeZone) : undefined;
  if (!localStart || !localEnd) return utc;
  const local = sameDay(localStart, localEnd)
    ? `${localStart.slice(0, 16)}–${localEnd.slice(11)}`
    : `${localStart} – ${localEnd}`;
  return `${local} (${sameDay(utcStart, utcEnd) ? `${utcStart.slice(11, 16)}–${utcEnd.slice(11)}` : utc})`;
}

function sameDay(a: string, b: string): boolean {
  return a.slice(0, 10) === b.slice(0, 10);
}

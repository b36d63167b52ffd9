/**
 * Progress while steps run, on stderr (stdout carries the report). On a terminal: a live list of
 * the running steps under the finished ones. In CI or when piped: one timestamped line per event.
 */
import pc from 'picocolors';
import { systemClock } from '../core/system-clock.js';
import { formatClockTime } from '../core/time.js';

export interface ProgressReporter {
  started(key: string, label: string): void;
  finished(key: string, label: string, outcome: string, ok: boolean, durationMs: number): void;
  close(): void;
  /**
   * The zone progress lines show the time of day in, beside UTC, once the repository is known.
   * why: the reporter starts before the run opens the repository that names its zone.
   */
  showTimesIn?(zone: string | undefined): void;
}

export function createProgressReporter(options: {
  stream: NodeJS.WriteStream;
  live: boolean;
  color: boolean;
  /** The clock for timestamps and elapsed times (a `Clock`'s `now`); default: the system clock. */
  now?: () => Date;
  /** The zone progress lines show the time of day in, beside UTC; UTC alone when absent. */
  timeZone?: string;
}): ProgressReporter {
  const now = options.now ?? systemClock.now;
  const colors = pc.createColors(options.color);
  if (!options.live) {
    let zone = options.timeZone;
    const line = (text: string) =>
      options.stream.write(`[${formatClockTime(now().getTime(), zone)}] ${text}\n`);
    return {
      started: (_key, label) => line(`start  ${label}`),
      finished: (_key, label, outcome, _ok, durationMs) =>
        line(`${outcome.padEnd(9)} ${label} (${seconds(durationMs)})`),
      close: () => {},
      showTimesIn: (next) => {
        zone = next ?? options.timeZone;
      },
    };
  }
  const running = new Map<string, { label: string; since: number }>();
  let drawn = 0;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const redraw = (finishedLine?: string) => {
    let text = drawn > 0 ? `\x1b[${drawn}A\x1b[J` : '';
    if (finishedLine) text += `${finishedLine}\n`;
    const width = options.stream.columns ?? 100;
    const rows = [...running.values()].map(({ label, since }) => {
      const elapsed = seconds(now().getTime() - since);
      // why: a row that wraps would break the cursor arithmetic of the redraw; cut the plain text.
      const room = Math.max(10, width - elapsed.length - 4);
      const shown = label.length > room ? `${label.slice(0, room - 1)}…` : label;
      return `${colors.cyan(frames[frame % frames.length] ?? '·')} ${shown} ${colors.dim(elapsed)}`;
    });
    text += rows.map((row) => `${row}\n`).join('');
    drawn = rows.length;
    options.stream.write(text);
  };
  const timer = setInterval(() => {
    frame += 1;
    if (running.size > 0) redraw();
  }, 120);
  timer.unref();
  return {
    started: (key, label) => {
      running.set(key, { label, since: now().getTime() });
      redraw();
    },
    finished: (key, label, outcome, ok, durationMs) => {
      running.delete(key);
      const mark = ok ? colors.green('✓') : colors.red('✗');
      redraw(`${mark} ${label} ${colors.dim(`${outcome}, ${seconds(durationMs)}`)}`);
    },
    close: () => {
      clearInterval(timer);
      if (drawn > 0) options.stream.write(`\x1b[${drawn}A\x1b[J`);
      drawn = 0;
    },
  };
}

/** No output at all (library use, tests). */
export function silentProgress(): ProgressReporter {
  return { started: () => {}, finished: () => {}, close: () => {} };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Window engine throughput: 5,000 proposals against 200 windows (rrule, cron, one-off and holiday
 * calendars in several zones), with the next allowed slot computed for every blocked proposal.
 * Budget (issue 3): the window stage adds at most 0.5 s to a full validation.
 */
import { stringify } from 'yaml';
import type { ChangeProposal } from '../src/core/model.js';
import { parseYaml } from '../src/documents/parse-yaml.js';
import { compileWindowPolicy, evaluateWindows } from '../src/windows/index.js';
import { buildSubject } from '../src/windows/test-support.js';
import type { BenchFigure } from './harness.js';

const PROPOSALS = 5_000;
const WINDOWS = 200;
export const AT = new Date('2026-11-23T12:00:00Z');
const ZONES = [
  'America/Chicago',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'UTC',
  'America/New_York',
];
const SITES = ['plant-a', 'plant-b', 'plant-c', 'hq', 'berlin', 'sydney', 'pune', 'dallas'];
const DOMAINS = ['switching', 'wireless', 'firewall', 'sdwan', 'core'];
// why: a co-managed network's calendars: the US plants, the Berlin office, the partner NOC in India.
const COUNTRIES = ['US', 'DE', 'IN'];
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * A deterministic pseudo-random sequence, so every run measures the same work. why: 32-bit integer
 * arithmetic; the float product this once used lost its low bits and repeated after ~2,000 draws,
 * which made a 10,000-window policy mostly duplicates.
 */
export function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 1) / 2_147_483_648;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

/** A window policy of `count` windows scoped to `sites` (the engine's inputs, not its YAML loader). */
export function policyText(random: () => number, count = WINDOWS, sites: readonly string[] = SITES): string {
  const windows = Array.from({ length: count }, (_, index) => {
    const kind = index % 4;
    const hour = Math.floor(random() * 24);
    const scope = {
      sites: [pick(random, sites), pick(random, sites)].filter(
        (site, position, list) => list.indexOf(site) === position,
      ),
      ...(random() < 0.6 ? { domains: [pick(random, DOMAINS)] } : {}),
    };
    let schedule: Record<string, unknown>;
    if (kind === 0) {
      const days = DAYS.filter(() => random() < 0.5);
      schedule = {
        rrule: days.length ? `FREQ=WEEKLY;BYDAY=${days.join(',')}` : 'FREQ=DAILY',
        start: `${String(hour).padStart(2, '0')}:00`,
        duration: `PT${1 + Math.floor(random() * 10)}H`,
      };
    } else if (kind === 1) {
      schedule = {
        cron: `${Math.floor(random() * 4) * 15} ${hour} * * ${Math.floor(random() * 7)}`,
        duration: `PT${1 + Math.floor(random() * 6)}H`,
      };
    } else if (kind === 2) {
      const day = 1 + Math.floor(random() * 28);
      const month = 12 + Math.floor(random() * 3);
      const date = new Date(Date.UTC(2026, month - 1, day));
      const to = new Date(date.getTime() + (1 + Math.floor(random() * 5)) * 86_400_000);
      schedule = { from: date.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
    } else {
      schedule = { holidays: { country: pick(random, COUNTRIES) } };
    }
    return {
      name: `window-${index}`,
      // why: about one in six windows is an allow window, as maintenance windows are in practice.
      effect: random() < 0.17 ? 'allow' : 'deny',
      reason: `Benchmark window ${index}`,
      timezone: pick(random, ZONES),
      scope,
      schedule,
    };
  });
  return stringify({
    apiVersion: 'netchange/v1',
    kind: 'WindowPolicy',
    timezone: 'America/Chicago',
    horizon: 'P90D',
    windows,
  });
}

/** `count` proposals spread over the next eight weeks, on quarter hours, at `sites`. */
export function benchSubjects(random: () => number, count = PROPOSALS, sites: readonly string[] = SITES) {
  return Array.from({ length: count }, (_, index) =>
    buildSubject({
      file: `changes/chg-${index}.yaml`,
      // Spread over the next eight weeks, on quarter hours.
      startMs: AT.getTime() + Math.floor(random() * 8 * 7 * 96) * 900_000,
      lengthMs: (1 + Math.floor(random() * 8)) * 900_000,
      rollbackMs: random() < 0.5 ? 1_800_000 : 0,
      proposal: {
        domain: pick(random, DOMAINS),
        targets: { sites: [pick(random, sites)], devices: [`sw-${index % 50}`] },
        type: pick(random, ['standard', 'normal', 'normal', 'emergency'] as const),
      } as Partial<ChangeProposal>,
    }),
  );
}

export default async function windowsBench(): Promise<BenchFigure[]> {
  const random = sequence(42);
  const text = policyText(random);
  const subjects = benchSubjects(random);

  const parseStarted = performance.now();
  const document = parseYaml('policies/windows.yaml', text);
  // why: parsing YAML is the loader's cost for any file; the window stage starts at the parsed document.
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const { policy, findings } = compileWindowPolicy(document, { from: AT });
  const compiled = performance.now();
  if (!policy)
    throw new Error(
      `bench policy does not compile: ${findings.map((finding) => finding.message).join('; ')}`,
    );
  let blocked = 0;
  let withSlot = 0;
  let windowFindings = 0;
  for (const subject of subjects) {
    const verdict = evaluateWindows(policy, subject, { at: AT, risk: subject.proposal.risk, bypass: false });
    windowFindings += verdict.findings.length;
    if (!verdict.open) {
      blocked += 1;
      if (verdict.nextAllowed) withSlot += 1;
    }
  }
  const finished = performance.now();
  const cpu = process.cpuUsage(cpuStarted);
  process.stderr.write(
    `bench: windows: ${PROPOSALS} proposals, ${WINDOWS} windows, ${blocked} blocked (${withSlot} with a next allowed slot), ${windowFindings} findings, ${policy.applicable.size} distinct window sets; parse ${Math.round(started - parseStarted)} ms, compile ${Math.round(compiled - started)} ms, evaluate ${Math.round(finished - compiled)} ms; CPU time of compile + evaluate ${Math.round((cpu.user + cpu.system) / 1000)} ms\n`,
  );
  return [
    {
      name: `window stage: compile 200 windows + evaluate 5,000 proposals (nextAllowed for ${blocked} blocked)`,
      value: finished - started,
      unit: 'ms',
      budget: 500,
    },
    {
      name: 'window evaluation only, 5,000 proposals × 200 windows',
      value: finished - compiled,
      unit: 'ms',
      budget: 500,
    },
  ];
}

/**
 * Run in its own process by windows-enterprise.bench.ts, so its peak memory is measured alone:
 * compiles 10,000 windows (500 sites × 20) and evaluates 5,000 proposals, printing the times as JSON.
 */
import { parseYaml } from '../src/documents/parse-yaml.js';
import { compileWindowPolicy, evaluateWindows } from '../src/windows/index.js';
import { AT, benchSubjects, policyText, sequence } from './windows.bench.js';

export const SITE_COUNT = 500;
export const WINDOWS_PER_SITE = 20;
const PROPOSALS = 5_000;

const sites = Array.from({ length: SITE_COUNT }, (_, index) => `site-${String(index).padStart(3, '0')}`);
const random = sequence(7);
const text = policyText(random, SITE_COUNT * WINDOWS_PER_SITE, sites);
const subjects = benchSubjects(random, PROPOSALS, sites);

const parseStarted = performance.now();
const document = parseYaml('policies/windows.yaml', text);
const started = performance.now();
const { policy, findings } = compileWindowPolicy(document, { from: AT });
const compiled = performance.now();
if (!policy) throw new Error(`bench policy does not compile: ${findings.map((f) => f.message).join('; ')}`);
let blocked = 0;
for (const subject of subjects) {
  const verdict = evaluateWindows(policy, subject, { at: AT, risk: subject.proposal.risk, bypass: false });
  if (!verdict.open) blocked += 1;
}
const finished = performance.now();
process.stdout.write(
  `${JSON.stringify({
    parseMs: started - parseStarted,
    compileMs: compiled - started,
    evaluateMs: finished - compiled,
    blocked,
    heapMb: process.memoryUsage().heapUsed / 1_048_576,
  })}\n`,
);

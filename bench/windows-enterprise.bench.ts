/**
 * Issue 18's enterprise-size budget: 10,000 windows (500 sites × 20) × 5,000 proposals compiled and
 * evaluated within 5 s and 500 MB. The work runs in a child process so its peak resident memory
 * (`/usr/bin/time %M`, which includes Node and the TypeScript loader) is its own.
 */
import path from 'node:path';
import { execa } from 'execa';
import type { BenchFigure } from './harness.js';

const CHILD = path.join(import.meta.dirname, 'windows-enterprise.child.ts');

export default async function windowsEnterpriseBench(): Promise<BenchFigure[]> {
  const result = await execa('/usr/bin/time', ['-f', '%M', 'node', '--import', 'tsx', CHILD], {
    cwd: path.resolve(import.meta.dirname, '..'),
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`windows-enterprise child failed: ${result.stderr}`);
  const figures = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as {
    parseMs: number;
    compileMs: number;
    evaluateMs: number;
    blocked: number;
  };
  const peakMb = Number(result.stderr.trim().split('\n').pop()) / 1024;
  return [
    {
      name: 'window stage at enterprise size: compile 10,000 windows (500 sites × 20) + evaluate 5,000 proposals',
      value: (figures.compileMs + figures.evaluateMs) / 1000,
      unit: 's',
      budget: 5,
      comparison: `compile ${Math.round(figures.compileMs)} ms, evaluate ${Math.round(figures.evaluateMs)} ms, YAML parse ${Math.round(figures.parseMs)} ms, ${figures.blocked} blocked`,
    },
    {
      name: 'peak memory of the enterprise-size window run (whole process)',
      value: peakMb,
      unit: 'MB',
      budget: 500,
    },
  ];
}

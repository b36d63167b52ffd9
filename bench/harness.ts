/** One measured figure, printed by `npm run bench` next to its budget. */
export interface BenchFigure {
  /** What was measured, e.g. "validate 5,000 proposals (cold)". */
  name: string;
  /** The measured value, in `unit`. */
  value: number;
  unit: 'ms' | 's' | 'MB' | 'requests' | 'ratio';
  /** The budget the issue names, in `unit`; the figure passes when value <= budget. */
  budget: number;
  /** The comparison the issue names, e.g. "ajv-cli 812 ms", shown with the ratio. */
  comparison?: string;
}

/** Runs a function once and returns its wall time in milliseconds. */
export async function timeIt(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

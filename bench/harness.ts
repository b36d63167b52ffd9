import { simpleGit } from 'simple-git';
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

/** Makes `root` a git repository on branch main and commits everything in it (a fixed bench identity). */
export async function commitAsRepository(root: string, message: string): Promise<void> {
  const git = simpleGit({ baseDir: root });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'bench');
  await git.addConfig('user.email', 'bench@netchange.invalid');
  await git.addConfig('commit.gpgsign', 'false');
  await git.add(['-A']);
  await git.commit(message);
}

import { readFile } from 'node:fs/promises';
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

/** CPU seconds used by waited-for descendants so far (Linux: cutime + cstime of /proc/self/stat). */
export async function childrenCpuSeconds(): Promise<number | undefined> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8');
    // why: after "(command) " the fields start at field 3; cutime and cstime are fields 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** The CPU milliseconds (user and system) of the child processes `run` started and waited for. */
export async function cpuOf(run: () => Promise<unknown>): Promise<number> {
  const before = (await childrenCpuSeconds()) ?? Number.NaN;
  await run();
  const after = (await childrenCpuSeconds()) ?? Number.NaN;
  return (after - before) * 1000;
}

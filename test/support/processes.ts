import { execFileSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { execa } from 'execa';

/** Pids of the running processes whose command line contains `text` (from `ps`), this one excluded. */
export async function processesWith(text: string): Promise<number[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,args=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && (match[2] ?? '').includes(text))
    .map((match) => Number(match[1]))
    .filter((pid) => pid !== process.pid);
}

/**
 * Kills, by pid, the processes whose command line holds `text`: a marker only the test's own
 * processes carry (its temp repository path, a unique sleep), so nothing else is touched.
 */
export async function killProcessesWith(text: string): Promise<void> {
  for (const pid of await processesWith(text)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Waits until `check` holds, polling every 100 ms, for at most `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every file under `directory` (recursively), as absolute paths. */
export async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => `${entry.parentPath}/${entry.name}`);
}

/** The Python that runs the real ansible-inventory, read from its #! line. */
export function realAnsiblePython(): string {
  const command = execFileSync('sh', ['-c', 'command -v ansible-inventory'], { encoding: 'utf8' }).trim();
  const first = execFileSync('head', ['-n', '1', command], { encoding: 'utf8' });
  return first.slice(2).trim().split(/\s+/)[0]!;
}

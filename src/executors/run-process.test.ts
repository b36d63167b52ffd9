import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProcessRunner, runProcess } from './run-process.js';

const BASE = { cwd: os.tmpdir(), timeoutMs: 30_000, killGraceMs: 1_000 };

describe('runProcess', () => {
  it('writes input that arrives after the child started to its standard input', async () => {
    let send: (text: string) => void = () => undefined;
    const input = new Promise<string>((resolve) => {
      send = resolve;
    });

    const running = runProcess({ ...BASE, command: 'cat', args: [], input });
    setTimeout(() => send('{"late":true}'), 50);
    const result = await running;

    expect(result).toMatchObject({ exitCode: 0, stdout: '{"late":true}' });
  });

  it('gives the child only the variables it is given when it inherits nothing', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', NETCHANGE_GIVEN: 'yes' };
    const script = 'echo "given=$NETCHANGE_GIVEN home=" && printenv HOME || echo none';

    const result = await runProcess({
      ...BASE,
      command: 'sh',
      args: ['-c', script],
      env,
      inheritEnvironment: false,
    });

    expect(result.stdout).toBe('given=yes home=\nnone\n');
  });

  it('once loaded, starts the child while its caller is still busy in a synchronous loop', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'netchange-run-process-'));
    const marker = path.join(scratch, 'started');
    try {
      await loadProcessRunner();

      const running = runProcess({ ...BASE, command: 'touch', args: [marker] });
      // why: no await until the child has shown it runs: a start deferred to a later turn never
      // would, and the loop gives up after ten seconds.
      const giveUpAt = Date.now() + 10_000;
      while (!existsSync(marker) && Date.now() < giveUpAt) {
        // busy, as validate is while it parses thousands of proposals
      }
      const startedWhileBusy = existsSync(marker);
      await running;

      expect(startedWhileBusy).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('says ENOENT when the command is not installed', async () => {
    const result = await runProcess({ ...BASE, command: 'netchange-no-such-command', args: [] });

    expect(result.spawnErrorCode).toBe('ENOENT');
    expect(result.spawnError).toContain('netchange-no-such-command');
  });
});

import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { runProcess } from './run-process.js';

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

  it('says ENOENT when the command is not installed', async () => {
    const result = await runProcess({ ...BASE, command: 'netchange-no-such-command', args: [] });

    expect(result.spawnErrorCode).toBe('ENOENT');
    expect(result.spawnError).toContain('netchange-no-such-command');
  });
});

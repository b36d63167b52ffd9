import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { removeRepositories, repositoryWith } from './freeze-fixture.js';

afterAll(async () => {
  await removeRepositories();
});

const WARNING = "warning: no file of the repository names device 'sw-3'";

describe('freeze --device with a name no file of the repository has', () => {
  it('warns about a typo, and not about a device only the inventory names', async () => {
    // why: no .gitignore for .netchange/, so the freezes file is one git lists (untracked).
    const repository = await repositoryWith();
    await repository.write({ '.gitignore': '' });
    const freeze = (device: string) =>
      runCli(['freeze', '--device', device, '--until', '4h', '--reason', 'INC-0042'], {
        cwd: repository.root,
      });

    const typo = await freeze('sw-3');
    const again = await freeze('sw-3');
    const inventoryOnly = await freeze('sw-2');
    const prefix = await freeze('sw');

    expect(typo.exitCode).toBe(0);
    expect(typo.stdout).toMatch(/^froze sw-3 until .* as FRZ-1 /);
    expect(typo.stderr).toContain(
      `${WARNING} (no inventory, proposal or policy): the freeze holds only changes that reach a device of that name; check the spelling`,
    );
    // why: the freezes file netchange wrote names sw-3 now, but vouches for nothing.
    expect(again.stderr).toContain(WARNING);
    expect(inventoryOnly.exitCode).toBe(0);
    expect(inventoryOnly.stderr).not.toContain('names device');
    expect(prefix.stderr).toContain("warning: no file of the repository names device 'sw'");
  });
});

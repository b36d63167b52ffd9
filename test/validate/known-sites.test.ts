import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// why: the window policy's scope is checked against the sites the repository knows; a site only the
// inventory names (no proposal targets it yet) is as real as one a proposal names.
describe('a window scoped to a site', () => {
  it('knows the sites of the inventory, not only those the proposals name, and still flags a typo', async () => {
    const repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    const policy = await readFile(path.join(repository.root, 'policies/windows.yaml'), 'utf8');
    await repository.write({
      'policies/windows.yaml': `${policy}
  - name: berlin-freeze
    effect: deny
    reason: Berlin's network is frozen for the audit
    scope: { sites: [berlin, brelin] }
    schedule: { from: "2027-03-01T00:00", to: "2027-03-02T00:00" }
`,
    });
    await repository.commit('a Berlin freeze');

    const result = await runCli(['validate', '--at', '2026-11-20T12:00:00Z'], { cwd: repository.root });
    await repository.remove();

    expect(result.stdout).toContain("site 'brelin' matches no site in the repository");
    expect(result.stdout).not.toContain("site 'berlin' matches no site");
  });
});

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/repository.js';

const SRC = path.join(PROJECT_ROOT, 'src');

async function sources(folder: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(path.join(SRC, folder), { recursive: true, withFileTypes: true });
  const files = entries.filter(
    (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'),
  );
  return Promise.all(
    files.map(async (entry) => {
      const absolute = path.join(entry.parentPath, entry.name);
      return { file: path.relative(SRC, absolute), text: await readFile(absolute, 'utf8') };
    }),
  );
}

describe('dependencies point one way', () => {
  it('nothing outside src/cli imports src/cli', async () => {
    const offenders = (await sources('.'))
      .filter(({ file }) => !file.startsWith(`cli${path.sep}`))
      .filter(({ text }) => /from '(\.\.\/)+cli\//.test(text) || /import\('(\.\.\/)+cli\//.test(text))
      .map(({ file }) => file);

    expect(offenders).toEqual([]);
  });

  it.each(['windows', 'control', 'reporters'])(
    'src/%s reads no clock, environment, disk, process or network',
    async (folder) => {
      const impure =
        /from 'node:(fs|fs\/promises|child_process|http|https|net)'|from '(execa|simple-git|octokit)'|process\.env|new Date\(\)|Date\.now\(\)|Temporal\.Now/;

      const offenders = (await sources(folder))
        .filter(({ text }) => impure.test(text))
        .map(({ file }) => file);

      expect(offenders).toEqual([]);
    },
  );
});

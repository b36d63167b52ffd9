import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type SimpleGit, simpleGit } from 'simple-git';

/** A file tree: path → content, or `{ symlink: target }`. */
export type Tree = Record<string, string | { symlink: string }>;

export interface TestRepository {
  root: string;
  git: SimpleGit;
  /** Writes files (and symlinks) relative to the root. */
  write(tree: Tree): Promise<void>;
  /** Stages everything and commits; returns the commit sha. */
  commit(message: string): Promise<string>;
  remove(): Promise<void>;
}

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const EXAMPLE_ROOT = path.join(PROJECT_ROOT, 'examples/plant-network');

/** A real git repository in a temp dir: branch main, no signing, a fixed identity. */
export async function createRepository(
  tree: Tree = {},
  options: {
    fromExample?: boolean;
    /** With fromExample: keep only the example's proposals whose file names start with this. */
    onlyChanges?: string;
  } = {},
): Promise<TestRepository> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-'));
  if (options.fromExample) {
    const only = options.onlyChanges;
    await cp(EXAMPLE_ROOT, root, {
      recursive: true,
      filter: (source) =>
        !/[/\\](state|\.terraform|\.netchange)([/\\]|$)/.test(source) &&
        !source.endsWith('.tfstate') &&
        !(
          only &&
          path.dirname(source) === path.join(EXAMPLE_ROOT, 'changes') &&
          !path.basename(source).startsWith(only)
        ),
    });
  }
  const git = simpleGit({ baseDir: root });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'netchange test');
  await git.addConfig('user.email', 'test@netchange.invalid');
  await git.addConfig('commit.gpgsign', 'false');
  const repository: TestRepository = {
    root,
    git,
    async write(files) {
      for (const [relative, content] of Object.entries(files)) {
        const target = path.join(root, relative);
        await mkdir(path.dirname(target), { recursive: true });
        if (typeof content === 'string') await writeFile(target, content);
        else await symlink(content.symlink, target);
      }
    },
    async commit(message) {
      await git.add(['-A']);
      await git.commit(message, undefined, { '--allow-empty': null });
      return (await git.revparse(['HEAD'])).trim();
    },
    async remove() {
      await rm(root, { recursive: true, force: true });
    },
  };
  await repository.write(tree);
  return repository;
}

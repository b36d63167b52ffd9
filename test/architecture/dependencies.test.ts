import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
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

/** One import of a module: static, `export ... from`, or a dynamic `import('...')`. */
interface ModuleImport {
  /** The module as written, e.g. `simple-git` or `../core/errors.js`. */
  specifier: string;
  /** 1-based line of the import. */
  line: number;
  /** `import type` / `export type`, or every named binding marked `type`: erased when compiled. */
  typeOnly: boolean;
}

/** A source file of src/ (tests excluded), with its parsed syntax tree. */
interface SourceFile {
  /** Path relative to src/, with `/` separators: `git/simple-git.ts`. */
  file: string;
  tree: ts.SourceFile;
}

let parsed: Promise<SourceFile[]> | undefined;

/** Every source file of src/, parsed once for all the rules below. */
function parsedSources(): Promise<SourceFile[]> {
  parsed ??= sources('.').then((files) =>
    files.map(({ file, text }) => ({
      file: file.split(path.sep).join('/'),
      tree: ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true),
    })),
  );
  return parsed;
}

function allTypeOnly(elements: readonly { isTypeOnly: boolean }[]): boolean {
  return elements.length > 0 && elements.every((element) => element.isTypeOnly);
}

function importsOf(source: SourceFile): ModuleImport[] {
  const found: ModuleImport[] = [];
  const lineOf = (node: ts.Node) => source.tree.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            allTypeOnly(bindings.elements)));
      found.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && allTypeOnly(clause.elements));
      found.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, line: lineOf(node), typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      // `typeof import('./x.js')` in a type position.
      found.push({ specifier: node.argument.literal.text, line: lineOf(node), typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source.tree);
  return found;
}

/** The src/-relative file a relative specifier names, or undefined for a package or a non-TypeScript file. */
function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.posix.normalize(
    path.posix.join(path.posix.dirname(from), specifier.replace(/\.js$/, '.ts')),
  );
  return existsSync(path.join(SRC, target)) ? target : undefined;
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

describe('adapters at the edge', () => {
  // why: one choke point per external system, so a timeout, an environment guard or a retry is
  // written once and every caller gets it. Tests may use the libraries directly.
  const ADAPTERS: [adapter: string, name: string, library: RegExp][] = [
    ['git/simple-git.ts', 'simple-git', /^simple-git(\/|$)/],
    ['executors/run-process.ts', 'execa', /^execa(\/|$)/],
    ['github/octokit-github.ts', 'octokit or @octokit/*', /^(octokit|@octokit\/.*)$/],
  ];

  it.each(ADAPTERS)('only src/%s imports %s', async (adapter, _name, library) => {
    const sourceFiles = await parsedSources();

    const offenders = sourceFiles
      .filter(({ file }) => file !== adapter)
      .flatMap((source) =>
        importsOf(source)
          .filter(({ specifier }) => library.test(specifier))
          .map(
            ({ specifier, line }) => `src/${source.file}:${line} imports '${specifier}'; use src/${adapter}`,
          ),
      );

    expect(offenders).toEqual([]);
    expect(sourceFiles.some(({ file }) => file === adapter)).toBe(true);
  });
});

describe('chat webhooks at the edge', () => {
  // why: retries, Retry-After and keeping the secret URL out of errors are written once, in the
  // adapter; the payload builders may use the client's types (erased when compiled), nothing more.
  it('only src/notify/webhook-http.ts loads @slack/webhook or calls fetch for a webhook', async () => {
    const sourceFiles = await parsedSources();

    const offenders = sourceFiles
      .filter(({ file }) => file !== 'notify/webhook-http.ts')
      .flatMap((source) => [
        ...importsOf(source)
          .filter(({ specifier, typeOnly }) => /^@slack\//.test(specifier) && !typeOnly)
          .map(({ line }) => `src/${source.file}:${line} loads @slack/*; use src/notify/webhook-http.ts`),
        ...(source.file.startsWith('notify/') && /\bfetch\(/.test(source.tree.getFullText())
          ? [`src/${source.file} calls fetch; use src/notify/webhook-http.ts`]
          : []),
      ]);

    expect(offenders).toEqual([]);
  });
});

describe('no import cycles', () => {
  // why type-only imports count too: they are erased when compiled, so they cannot break module
  // loading, but two modules that each need the other's types still cannot be understood, moved or
  // tested one without the other. The cure is the same as for a value cycle (move the shared type
  // down, next to the lower of the two, as the ports in src/core are), and src/ has no such cycle.
  it('no module of src/ reaches itself through its imports (static, dynamic or type-only)', async () => {
    const sourceFiles = await parsedSources();
    const graph = new Map<string, { target: string; line: number }[]>();
    for (const source of sourceFiles) {
      graph.set(
        source.file,
        importsOf(source).flatMap(({ specifier, line }) => {
          const target = resolveRelative(source.file, specifier);
          return target ? [{ target, line }] : [];
        }),
      );
    }

    const cycles = stronglyConnected(graph)
      .filter(
        (component) =>
          component.length > 1 || graph.get(component[0] ?? '')?.some((edge) => edge.target === component[0]),
      )
      .map((component) => describeCycle(graph, component));

    expect(cycles).toEqual([]);
  });
});

describe('who reads the system clock', () => {
  // why: a clock read deep inside makes output depend on when the test runs; only the CLI reads the
  // clock and passes `now` (or a Clock) down. These files outside src/cli still read it; the list
  // only shrinks.
  const CLOCK_READERS_OUTSIDE_CLI = [
    // why: the one adapter for the system clock; modules that default to it import it, never Date.
    'core/system-clock.ts',
  ];

  it('nothing outside src/cli and the listed files reads the clock', async () => {
    const offenders = (await parsedSources())
      .filter(({ file }) => !file.startsWith('cli/') && !CLOCK_READERS_OUTSIDE_CLI.includes(file))
      .flatMap((source) =>
        clockReads(source).map((read) => `src/${source.file}:${read.line} reads the clock: ${read.code}`),
      );

    expect(offenders).toEqual([]);
  });

  it('every listed file still reads the clock (take a file off the list once it no longer does)', async () => {
    const sourceFiles = await parsedSources();

    const stale = CLOCK_READERS_OUTSIDE_CLI.filter((file) => {
      const source = sourceFiles.find((candidate) => candidate.file === file);
      return source === undefined || clockReads(source).length === 0;
    });

    expect(stale).toEqual([]);
  });
});

/** `new Date()` without arguments, `Date.now()` and `Temporal.Now`: the places a file reads the clock. */
function clockReads(source: SourceFile): { line: number; code: string }[] {
  const reads: { line: number; code: string }[] = [];
  const visit = (node: ts.Node) => {
    const readsClock =
      (ts.isNewExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'Date' &&
        (node.arguments?.length ?? 0) === 0) ||
      (ts.isPropertyAccessExpression(node) &&
        ts.isIdentifier(node.expression) &&
        ((node.expression.text === 'Date' && node.name.text === 'now') ||
          (node.expression.text === 'Temporal' && node.name.text === 'Now')));
    if (readsClock) {
      const line = source.tree.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      reads.push({ line, code: node.getText(source.tree) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source.tree);
  return reads;
}

/** Tarjan's strongly connected components of the import graph. */
function stronglyConnected(graph: Map<string, { target: string }[]>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    order.set(node, order.size);
    low.set(node, order.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const { target } of graph.get(node) ?? []) {
      if (!order.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, order.get(target) as number));
      }
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!order.has(node)) visit(node);
  return components;
}

/** One shortest cycle through the component's first file, each step with the line of its import. */
function describeCycle(graph: Map<string, { target: string; line: number }[]>, component: string[]): string {
  const members = new Set(component);
  const start = component[0] as string;
  const cameFrom = new Map<string, { from: string; line: number }>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const { target, line } of graph.get(node) ?? []) {
      if (!members.has(target) || cameFrom.has(target)) continue;
      cameFrom.set(target, { from: node, line });
      if (target === start) break;
      queue.push(target);
    }
    if (cameFrom.has(start)) break;
  }
  const steps: string[] = [];
  let node = start;
  do {
    const step = cameFrom.get(node) as { from: string; line: number };
    steps.unshift(`src/${step.from}:${step.line} imports src/${node}`);
    node = step.from;
  } while (node !== start);
  return `import cycle: ${steps.join(', ')}`;
}

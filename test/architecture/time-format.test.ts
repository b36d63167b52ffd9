import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/repository.js';

// One time module (src/core/time.ts) owns every notation of a time (docs/times.md): people read
// formatLocalAndUtc and its siblings, machines read toRfc3339Utc. A `Date` method that writes a
// time itself is how an eighth format gets in, so outside the files below none is called.

/** Date methods that write a time in a notation of their own. */
const DATE_NOTATIONS = new Set([
  'toISOString',
  'toUTCString',
  'toGMTString',
  'toDateString',
  'toTimeString',
  'toLocaleDateString',
  'toLocaleTimeString',
]);

/** Files that may call them, and why. Keep it small: every other file goes through src/core/time.ts. */
const ALLOWED: Record<string, string> = {
  'core/time.ts': 'the time module itself: RFC 3339 and the display format are built here',
  'runs/run-directory.ts': 'a run directory name (colons replaced), not a time anyone reads as one',
};

/**
 * Files other branches of the same change are converting (issue 14). Not an allow-list: each entry
 * fails the test once its file no longer calls such a method, so the list can only shrink.
 */
const CONVERSION_PENDING: Record<string, string> = {
  'github/publish.ts': "the sent-comment record's sentAt: toRfc3339Utc",
};

interface DateNotationCall {
  /** Path relative to src/ with `/` separators. */
  file: string;
  line: number;
  method: string;
}

async function dateNotationCalls(): Promise<DateNotationCall[]> {
  const src = path.join(PROJECT_ROOT, 'src');
  const entries = await readdir(src, { recursive: true, withFileTypes: true });
  const files = entries.filter(
    (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'),
  );
  const calls: DateNotationCall[] = [];
  for (const entry of files) {
    const absolute = path.join(entry.parentPath, entry.name);
    const file = path.relative(src, absolute).split(path.sep).join('/');
    const tree = ts.createSourceFile(file, await readFile(absolute, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        DATE_NOTATIONS.has(node.expression.name.text)
      ) {
        const line = tree.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        calls.push({ file, line, method: node.expression.name.text });
      }
      ts.forEachChild(node, visit);
    };
    visit(tree);
  }
  return calls;
}

describe('one time format', () => {
  it('writes times only through src/core/time.ts: no Date notation method elsewhere in src/', async () => {
    const calls = await dateNotationCalls();

    const offending = calls
      .filter((call) => !(call.file in ALLOWED) && !(call.file in CONVERSION_PENDING))
      .map(
        (call) =>
          `src/${call.file}:${call.line} calls .${call.method}(): use toRfc3339Utc for JSON and records, formatLocalAndUtc (or a sibling) for people`,
      );
    expect(offending).toEqual([]);
  });

  it('keeps the pending list honest: a converted file leaves it', async () => {
    const calling = new Set((await dateNotationCalls()).map((call) => call.file));

    const converted = Object.keys(CONVERSION_PENDING).filter((file) => !calling.has(file));
    expect(converted.map((file) => `src/${file} is converted: remove it from CONVERSION_PENDING`)).toEqual(
      [],
    );
  });
});

import { describe, expect, it } from 'vitest';
import { anchorBlock, findAnchors, parseExpectation } from './anchor.js';
import { recordPath } from './chain.js';
import type { EvidenceCommit, EvidenceCommitShape } from './evidence-git.js';
import { parseHistory } from './evidence-git.js';
import { checkHistory, checkShapes } from './history.js';

const HASH = 'a'.repeat(64);

function commit(index: number, changes: EvidenceCommit['changes'], sequence = index): EvidenceCommit {
  return { commit: String(index).repeat(40).slice(0, 40), sequence, hash: HASH, changes };
}

function added(sequence: number): EvidenceCommit['changes'][number] {
  return { status: 'A', path: recordPath(sequence), blob: 'b'.repeat(40) };
}

function shape(
  index: number,
  records: number,
  overrides: Partial<EvidenceCommitShape> = {},
): EvidenceCommitShape {
  return {
    commit: String(index).repeat(40).slice(0, 40),
    sequence: index,
    hash: HASH,
    rootTreeSize: 34,
    recordsTreeSize: 43 * records,
    ...overrides,
  };
}

describe('checkHistory', () => {
  it('accepts commits that each add the next record, and keeps the first announcement', () => {
    const verdict = checkHistory([commit(1, [added(1)]), commit(2, [added(2)])]);

    expect(verdict.problem).toBeUndefined();
    expect([...verdict.announced.keys()]).toEqual([1, 2]);
  });

  it.each([
    [
      'changes an earlier record',
      [added(2), { status: 'M', path: recordPath(1), blob: 'c'.repeat(40) }],
      1,
      'changed record #1',
    ],
    [
      'removes an earlier record',
      [added(2), { status: 'D', path: recordPath(1), blob: '0'.repeat(40) }],
      1,
      'removed record #1',
    ],
    [
      'adds a file that is not a record',
      [added(2), { status: 'A', path: 'ci.yaml', blob: 'c'.repeat(40) }],
      2,
      'ci.yaml, which is not a record',
    ],
    ['adds two records', [added(2), added(3)], 2, 'adds 2 records at once'],
    ['skips a sequence', [added(3)], 2, 'record #2 is missing'],
    ['adds nothing', [], 2, 'adds no record'],
  ] as const)('names a commit that %s', (_case, changes, sequence, message) => {
    const verdict = checkHistory([commit(1, [added(1)]), commit(2, [...changes])]);

    expect(verdict.problem).toMatchObject({
      sequence,
      problem: expect.any(String),
      commit: commit(2, []).commit,
    });
    expect(verdict.problem?.message).toContain(message);
  });

  it('refuses a record its commit does not announce', () => {
    const verdict = checkHistory([{ commit: 'f'.repeat(40), changes: [added(1)] }]);

    expect(verdict.problem?.message).toContain('without announcing it');
  });
});

describe('checkShapes', () => {
  it('accepts one record more per commit on a records-only tree', () => {
    expect(checkShapes([shape(1, 1), shape(2, 2), shape(3, 3)]).problem).toBeUndefined();
  });

  it.each([
    ['a commit that adds nothing', [shape(1, 1), shape(2, 1)], 'does not add exactly one record'],
    [
      'a file beside records/',
      [shape(1, 1), shape(2, 2, { rootTreeSize: 80 })],
      'holds files outside records/',
    ],
    ['a wrong announcement', [shape(1, 1), shape(2, 2, { sequence: 1 })], 'announces #1'],
  ] as const)('flags %s', (_case, shapes, message) => {
    expect(checkShapes(shapes).problem?.message).toContain(message);
  });
});

describe('parseHistory', () => {
  it('reads commits, trailers and raw changes from git log -z output', () => {
    const sha = 'c'.repeat(40);
    const output = `\x1e${sha}\x1f7\x1d${HASH}\0\n:000000 100644 ${'0'.repeat(40)} ${'b'.repeat(40)} A\0${recordPath(7)}\0`;

    expect(parseHistory(output)).toEqual([
      {
        commit: sha,
        sequence: 7,
        hash: HASH,
        changes: [{ status: 'A', path: recordPath(7), blob: 'b'.repeat(40) }],
      },
    ]);
  });
});

describe('anchors', () => {
  it('round-trips through a markdown body', () => {
    const head = { sequence: 42, hash: HASH };

    expect(findAnchors(`text\n${anchorBlock(head)}\nmore`)).toEqual([head]);
  });

  it.each([`42:sha256:${HASH}`, `42:${HASH}`])('parses --expect %s', (value) => {
    expect(parseExpectation(value)).toMatchObject({ sequence: 42, hash: HASH });
  });

  it.each(['42', `0:${HASH}`, '42:sha256:abc', `x:${HASH}`])('refuses --expect %s', (value) => {
    expect(() => parseExpectation(value)).toThrow('is not SEQUENCE:HASH');
  });
});

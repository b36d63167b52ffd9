import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCelValue } from '../../src/control/cel.js';

/** The conversion written the obvious way: a full deep copy. The real one copies only where needed. */
function oracle(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(oracle);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, oracle(item)]),
    );
  }
  return value;
}

describe('toCelValue', () => {
  it('turns whole numbers into CEL ints and keeps fractions as doubles, leaving the proposal untouched', () => {
    const proposal = {
      title: 'x',
      targets: { sites: ['a'] },
      execution: [{ name: 'a' }, { extraVars: { vlan_id: 40, ratio: 0.5 } }],
    };
    const before = structuredClone(proposal);

    const converted = toCelValue(proposal) as typeof proposal;

    expect(converted).toEqual({
      title: 'x',
      targets: { sites: ['a'] },
      execution: [{ name: 'a' }, { extraVars: { vlan_id: 40n, ratio: 0.5 } }],
    });
    expect(proposal).toEqual(before);
    expect(converted.targets).toBe(proposal.targets);
  });

  it('matches a full deep copy for any JSON-like data', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.option(tie('value'), { nil: undefined }), {
          maxKeys: 4,
        }),
      ),
    })).value;

    fc.assert(
      fc.property(json, (value) => {
        expect(toCelValue(value)).toEqual(oracle(value));
      }),
    );
  });
});

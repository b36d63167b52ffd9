import { describe, expect, it } from 'vitest';
import { findOversizedRange, MAX_RANGE_HOSTS } from './inventory-ranges.js';

describe('findOversizedRange', () => {
  it.each([
    ['a YAML host key', 'all:\n  hosts:\n    sw[0:99999999]: {}\n', 3, 'sw[0:99999999]', 100_000_000],
    [
      'an INI host line with variables',
      '[switches]\nsw-[000000:999999].plant ansible_host=x\n',
      2,
      'sw-[000000:999999].plant',
      1_000_000,
    ],
    [
      'two ranges in one name (their product)',
      'rack[0:999]-sw[0:999]:\n',
      1,
      'rack[0:999]-sw[0:999]',
      1_000_000,
    ],
    ['a stride', 'sw[0:999999:2]\n', 1, 'sw[0:999999:2]', 500_000],
  ])('finds %s', (_case, text, line, pattern, hosts) => {
    expect(findOversizedRange(text)).toEqual({ line, pattern, hosts });
  });

  it.each([
    ['a real range', 'sw[01:50]\ndb-[a:f]\n'],
    ['the limit itself', `sw[1:${MAX_RANGE_HOSTS}]\n`],
    ['INI section headers', '[switches]\n[switches:children]\n[all:vars]\n[a:vars]\n'],
    ['a YAML flow list', 'tags: [a, b]\n'],
    ['an IPv6 literal', 'ansible_host: "[2001:db8::1]"\n'],
    ['no range at all', 'all:\n  hosts:\n    sw-plant-a-01: {}\n'],
  ])('lets %s pass', (_case, text) => {
    expect(findOversizedRange(text)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from './inventory-keys.js';

const INVENTORY = `all:
  children:
    switches:
      hosts:
        sw-plant-a-01:
          site: plant-a
          site: berlin
`;

describe('findDuplicateKey', () => {
  it('names the line and key of a duplicate in a YAML inventory', () => {
    expect(findDuplicateKey('inventory/hosts.yaml', INVENTORY)).toEqual({ line: 7, key: 'site' });
  });

  it('passes an inventory without duplicates, and an INI inventory it cannot read as YAML', () => {
    expect(findDuplicateKey('inventory/hosts.yml', INVENTORY.replace('site: berlin\n', ''))).toBeUndefined();
    expect(findDuplicateKey('inventory/hosts', '[switches]\nsw-1 site=a\nsw-1 site=b\n')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { TerraformStep } from '../../core/model.js';
import {
  normalTerraformDirectory,
  terraformLockParts,
  terraformPathsRun,
  terraformStackKey,
} from './checks.js';

const SPELLINGS = [
  'terraform/sdwan',
  'terraform/sdwan/',
  './terraform/sdwan',
  'terraform//sdwan',
  'terraform/../terraform/sdwan',
  './/terraform/./sdwan//',
];

describe('a Terraform directory however it is spelled', () => {
  it.each(SPELLINGS)('%j is terraform/sdwan for locks, apply and conflicts', (dir) => {
    const step: TerraformStep = { dir, workspace: 'prod' };

    expect(normalTerraformDirectory(dir)).toBe('terraform/sdwan');
    expect(terraformLockParts({ terraform: step })).toEqual([['terraform', 'sdwan', 'prod']]);
    expect(terraformPathsRun({ terraform: step })).toEqual(['terraform/sdwan']);
    expect(terraformStackKey(step)).toBe('terraform/sdwan:prod');
  });
});

describe('a Terraform step without a workspace', () => {
  it('has the lock and stack of workspace: default, and keeps the lock name it had', () => {
    const unnamed: TerraformStep = { dir: 'terraform/sdwan' };
    const named: TerraformStep = { dir: 'terraform/sdwan', workspace: 'default' };

    expect(terraformLockParts({ terraform: unnamed })).toEqual([['terraform', 'sdwan']]);
    expect(terraformLockParts({ terraform: named })).toEqual(terraformLockParts({ terraform: unnamed }));
    expect(terraformStackKey(named)).toBe('terraform/sdwan');
    expect(terraformStackKey(unnamed)).toBe('terraform/sdwan');
  });
});

import { describe, expect, it } from 'vitest';
import type { ChangeSubject } from '../core/model.js';
import { lockNames, refSafe } from './locks.js';

function subject(proposal: Partial<ChangeSubject['proposal']>): ChangeSubject {
  return { proposal: { targets: {}, execution: [], ...proposal } } as unknown as ChangeSubject;
}

describe('lockNames', () => {
  it('names one lock per device and Terraform stack, sorted', () => {
    const names = lockNames(
      subject({
        targets: { devices: ['sw-plant-a-02', 'fw-hq-01'] },
        execution: [
          { terraform: { dir: 'terraform/sdwan', workspace: 'prod' } },
          { ansible: { playbook: 'playbooks/x.yaml' } },
        ],
      } as Partial<ChangeSubject['proposal']>),
    );

    expect(names).toEqual(['device-fw-hq-01', 'device-sw-plant-a-02', 'terraform-sdwan-prod']);
  });

  it.each([
    ['sw plant/a', 'sw-plant-a'],
    ['..hidden', 'hidden'],
    ['a..b', 'a.b'],
    ['x.lock', 'x-lock'],
    ['~^:?*[', 'unnamed'],
  ])('makes %j a name git accepts: %j', (input, expected) => {
    expect(refSafe(input)).toBe(expected);
  });
});

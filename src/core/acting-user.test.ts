import { describe, expect, it } from 'vitest';
import { actingUser } from './acting-user.js';

const alice = { userInfo: () => ({ username: 'alice' }) };
const nobody = {
  userInfo: (): { username: string } => {
    throw new Error('uv_os_get_passwd returned ENOENT');
  },
};

describe('actingUser', () => {
  it.each([
    [
      'the GitHub actor in GitHub Actions',
      { GITHUB_ACTOR: 'dana', GITHUB_ACTIONS: 'true' },
      alice,
      { name: 'dana', kind: 'automation' },
    ],
    ['the operating-system user at a terminal', {}, alice, { name: 'alice', kind: 'person' }],
    ['an automation when CI=1', { CI: '1' }, alice, { name: 'alice', kind: 'automation' }],
    ['an automation when CI=true', { CI: 'true' }, alice, { name: 'alice', kind: 'automation' }],
    [
      'USER when the system has no entry for the user',
      { USER: 'eli' },
      nobody,
      { name: 'eli', kind: 'person' },
    ],
    [
      'netchange when nothing names anyone',
      { GITHUB_ACTOR: '' },
      nobody,
      { name: 'netchange', kind: 'person' },
    ],
  ])('names %s', (_case, env, system, expected) => {
    expect(actingUser(env, system)).toEqual(expected);
  });
});

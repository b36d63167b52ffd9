/**
 * The one rule for who is acting: the name evidence records, lock holders and apply results carry.
 */
import os from 'node:os';

/** Who runs netchange. */
export interface ActingUser {
  /** The GitHub login in GitHub Actions (GITHUB_ACTOR), else the operating-system user. */
  name: string;
  /** `automation` when a CI system runs netchange (CI=true or CI=1, or GitHub Actions), else `person`. */
  kind: 'person' | 'automation';
}

/** Where the operating-system user comes from (node:os; a test passes its own). */
export interface LocalUserSource {
  userInfo(): { username: string };
}

/**
 * Who is acting, from the environment: GITHUB_ACTOR, else the operating-system user (USER or
 * LOGNAME when the system has no entry for it), else `netchange`.
 */
export function actingUser(
  env: Readonly<Record<string, string | undefined>>,
  system: LocalUserSource = os,
): ActingUser {
  const automation = env.CI === 'true' || env.CI === '1' || env.GITHUB_ACTIONS === 'true';
  return {
    name: nonEmpty(env.GITHUB_ACTOR) ?? localUserName(env, system) ?? 'netchange',
    kind: automation ? 'automation' : 'person',
  };
}

function localUserName(
  env: Readonly<Record<string, string | undefined>>,
  system: LocalUserSource,
): string | undefined {
  try {
    return nonEmpty(system.userInfo().username);
  } catch {
    // why: a container's user id often has no passwd entry, and then userInfo() throws.
    return nonEmpty(env.USER) ?? nonEmpty(env.LOGNAME);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

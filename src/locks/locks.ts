/**
 * Locks on devices and Terraform stacks: one git ref per lock, `refs/netchange/locks/<name>`,
 * pointing at an annotated tag object whose message is the lease (holder, expiry). Creating a ref
 * is atomic both on GitHub (422 when it exists) and in a local repository (`update-ref` with the
 * zero old value), so two runs never hold the same lock; a lease whose holder died expires and can
 * be taken over. The same code holds the locks across CI runners (the GitHub repository) and
 * between applies on one machine (the local repository).
 */
import { NetchangeError } from '../core/errors.js';
import type { ChangeSubject } from '../core/model.js';
import { touchedDevices } from '../core/targets.js';
import { formatLocalAndUtc, toRfc3339Utc } from '../core/time.js';
import { executorOf } from '../executors/registry.js';

export const LOCK_PREFIX = 'refs/netchange/locks/';

/** A lease outlives the change's occupied interval by this much (a dead holder's lock frees itself). */
export const LEASE_MARGIN_MS = 30 * 60_000;

/** A ref the lock store knows: what it points at and the type of that object. */
export interface LockRef {
  sha: string;
  type: string;
}

/**
 * Where lock refs live: the GitHub repository (the GitHub port implements this) or the local
 * repository (`createGitLockRefs`).
 */
export interface LockRefs {
  /** Creates the ref only when it does not exist; atomic. */
  createRef(ref: string, sha: string): Promise<'created' | 'exists'>;
  /** The ref, or undefined when it does not exist. */
  getRef(ref: string): Promise<LockRef | undefined>;
  /** Deletes the ref; false when it did not exist. */
  deleteRef(ref: string): Promise<boolean>;
  /** Writes an annotated tag object pointing at `object` and returns its sha. */
  createTagObject(tag: { name: string; message: string; object: string }): Promise<string>;
  /** The message of a tag object, or undefined when it is not one. */
  getTagMessage(sha: string): Promise<string | undefined>;
}

/** What a lock's tag message records. */
export interface Lease {
  /** Who holds it: the workflow run or user. */
  holder: string;
  /** The proposal being applied. */
  proposal: string;
  /** RFC 3339. */
  acquiredAt: string;
  /** RFC 3339; after this instant anyone may take the lock over. */
  expiresAt: string;
}

/** A lock held by this run. */
export interface HeldLock {
  name: string;
  ref: string;
  lease: Lease;
}

/** The lock names of a change: one per device it touches and per stack its executors name (Terraform), sorted. */
export function lockNames(subject: ChangeSubject): string[] {
  const names = new Set<string>();
  // why: the hosts the steps reach, not only those named: `limit: sw*` locks every switch it reaches.
  for (const device of touchedDevices(subject)) names.add(`device-${refSafe(device)}`);
  for (const step of subject.proposal.execution) {
    for (const parts of executorOf(step).lockParts(step)) names.add(parts.map(refSafe).join('-'));
  }
  // why: a fixed order means two runs needing overlapping sets cannot each hold half and wait.
  return [...names].sort();
}

/** A ref component git and GitHub accept: letters, digits, `.`, `_`, `-`; no `..`, no leading dot. */
export function refSafe(value: string): string {
  return (
    value
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/^[.-]+|[.-]+$/g, '')
      .replace(/\.lock$/, '-lock') || 'unnamed'
  );
}

export interface AcquireOptions {
  holder: string;
  proposal: string;
  now: Date;
  /** How long the lease lasts. */
  ttlMs: number;
  /** A commit in the repository the lease tag points at (the applied commit). */
  commit: string;
  /** Zone the refusal shows the expiry in (the proposal's); UTC alone when absent. */
  timeZone?: string;
  /**
   * Which store `refs` is, so a refusal names the `unlock` that reaches it. Default: `github`.
   * why: the default keeps the GitHub callers unchanged; the local store is the one a caller creates itself.
   */
  store?: LockStore;
}

/** Where the lock refs live: the GitHub repository, or the local repository (`unlock --local`). */
export type LockStore = 'github' | 'local';

/** The command that releases a lock left behind in `store`. */
export function unlockCommand(name: string, store: LockStore = 'github'): string {
  return `netchange unlock ${name}${store === 'local' ? ' --local' : ''}`;
}

/**
 * Takes every lock or none: on the first lock held by someone else (with a live lease), releases
 * what it took and throws E_GATE naming the holder and the expiry.
 */
export async function acquireLocks(
  refs: LockRefs,
  names: readonly string[],
  options: AcquireOptions,
): Promise<HeldLock[]> {
  const held: HeldLock[] = [];
  try {
    for (const name of names) held.push(await acquireLock(refs, name, options));
    return held;
  } catch (error) {
    await releaseLocks(refs, held);
    throw error;
  }
}

async function acquireLock(refs: LockRefs, name: string, options: AcquireOptions): Promise<HeldLock> {
  const ref = `${LOCK_PREFIX}${name}`;
  const lease: Lease = {
    holder: options.holder,
    proposal: options.proposal,
    acquiredAt: toRfc3339Utc(options.now.getTime()),
    expiresAt: toRfc3339Utc(options.now.getTime() + options.ttlMs),
  };
  const tag = await refs.createTagObject({
    name: `netchange-lock-${name}`,
    message: JSON.stringify(lease),
    object: options.commit,
  });
  if ((await refs.createRef(ref, tag)) === 'created') return { name, ref, lease };

  const current = await readLease(refs, ref);
  if (current && Date.parse(current.expiresAt) > options.now.getTime()) {
    const until = formatLocalAndUtc(Date.parse(current.expiresAt), options.timeZone);
    throw new NetchangeError(
      'E_GATE',
      `lock ${name} is held by ${current.holder} for ${current.proposal} until ${until}`,
      {
        hint: `Wait for that run to finish. If its holder died, the lease expires ${until}; an operator can release it with: ${unlockCommand(name, options.store)}`,
      },
    );
  }
  // why: the holder died (expired or unreadable lease): delete and create again. Creation stays the
  // atomic step, so of two runs taking over at once only one succeeds.
  await refs.deleteRef(ref);
  if ((await refs.createRef(ref, tag)) === 'created') return { name, ref, lease };
  throw new NetchangeError('E_GATE', `lock ${name} was taken over by another run at the same moment`, {
    hint: 'Run apply again after that run finishes.',
  });
}

/**
 * Runs `run` holding every lock of the change in `refs`, and releases them however it ends. The
 * lease lasts until the change's occupied interval ends, plus a margin.
 */
export async function withLocks<T>(
  refs: LockRefs,
  subject: ChangeSubject,
  options: { holder: string; now: Date; commit: string; store?: LockStore },
  run: () => Promise<T>,
): Promise<T> {
  const ttlMs = Math.max(subject.endMs + subject.rollbackMs - options.now.getTime(), 0) + LEASE_MARGIN_MS;
  const held = await acquireLocks(refs, lockNames(subject), {
    holder: options.holder,
    proposal: subject.proposal.id,
    now: options.now,
    ttlMs,
    commit: options.commit,
    timeZone: subject.timezone,
    ...(options.store ? { store: options.store } : {}),
  });
  try {
    return await run();
  } finally {
    await releaseLocks(refs, held);
  }
}

/** Releases locks this run holds (a lock already gone is fine). */
export async function releaseLocks(refs: LockRefs, held: readonly HeldLock[]): Promise<void> {
  for (const lock of [...held].reverse()) await refs.deleteRef(lock.ref);
}

/** The lease of a lock, or undefined when the lock does not exist or its lease cannot be read. */
export async function readLease(refs: LockRefs, ref: string): Promise<Lease | undefined> {
  const found = await refs.getRef(ref);
  if (!found) return undefined;
  const message = found.type === 'tag' ? await refs.getTagMessage(found.sha) : undefined;
  if (!message) return undefined;
  try {
    const lease = JSON.parse(message) as Partial<Lease>;
    if (
      typeof lease.holder === 'string' &&
      typeof lease.expiresAt === 'string' &&
      typeof lease.proposal === 'string'
    ) {
      return {
        holder: lease.holder,
        proposal: lease.proposal,
        acquiredAt: lease.acquiredAt ?? '',
        expiresAt: lease.expiresAt,
      };
    }
  } catch {
    // why: a lease someone wrote by hand and broke counts as expired, so the lock can be taken over.
  }
  return undefined;
}

/** `netchange unlock NAME`: removes a lock and says whose it was. */
/**
 * Whether `name` (or its full ref) is a lock name netchange can have taken: one `refSafe` component.
 * why: every other name is one no lock is held under (many, like `a..b` or `x y`, git cannot even
 * hold), so `unlock` refuses it as mistyped rather than reporting that no lock was there.
 */
export function isLockName(name: string): boolean {
  const bare = name.replace(/^refs\/netchange\/locks\//, '');
  return refSafe(bare) === bare;
}

export async function unlock(refs: LockRefs, name: string): Promise<{ released: boolean; lease?: Lease }> {
  const ref = `${LOCK_PREFIX}${name.replace(/^refs\/netchange\/locks\//, '')}`;
  const lease = await readLease(refs, ref);
  const released = await refs.deleteRef(ref);
  return { released, ...(lease ? { lease } : {}) };
}

export { createGitLockRefs } from './git-lock-refs.js';
export {
  type AcquireOptions,
  acquireLocks,
  type HeldLock,
  type Lease,
  LOCK_PREFIX,
  type LockRef,
  type LockRefs,
  lockNames,
  readLease,
  refSafe,
  releaseLocks,
  unlock,
  withLocks,
} from './locks.js';

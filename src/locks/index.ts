export { createGitLockRefs } from './git-lock-refs.js';
export {
  type AcquireOptions,
  acquireLocks,
  type HeldLock,
  type Lease,
  LOCK_PREFIX,
  type LockRef,
  type LockRefs,
  type LockStore,
  lockNames,
  readLease,
  refSafe,
  releaseLocks,
  unlock,
  unlockCommand,
  withLocks,
} from './locks.js';

// What deleting a client or an account, or changing a password, revokes: the one policy, composed
// from the storage port's small atomic operations (no adapter cascades on its own). Each step is
// idempotent, so a command that failed part-way can simply be run again. docs/security.md,
// "What a deletion or password change revokes", says the same for operators.
import type { Clock } from '../lib/clock.js';
import type { Storage } from '../storage/ports.js';

export type LifecycleStorage = Pick<Storage, 'clients' | 'accounts' | 'sessions' | 'interactions' | 'consents' | 'grants'>;

export interface LifecycleDeps {
  storage: LifecycleStorage;
  clock: Clock;
}

/**
 * Deletes the client, revokes every grant it holds (codes, access and refresh tokens) and forgets
 * every consent given to it. False when the client does not exist.
 */
export async function deleteClient(clientId: string, deps: LifecycleDeps): Promise<boolean> {
  const { storage } = deps;
  if (!(await storage.clients.find(clientId))) return false;
  return deleteRevokingAround(() => storage.clients.delete(clientId), async (now) => {
    await storage.grants.revokeByClient(clientId, now);
    await storage.consents.deleteByClient(clientId);
  }, deps.clock);
}

/**
 * Deletes the account: its browser sessions end, interactions it signed in to are dropped, every
 * grant it holds is revoked (pending codes, access and refresh tokens) and its consents are
 * forgotten. False when the account does not exist.
 */
export async function deleteAccount(accountId: string, deps: LifecycleDeps): Promise<boolean> {
  const { storage } = deps;
  if (!(await storage.accounts.findById(accountId))) return false;
  return deleteRevokingAround(() => storage.accounts.delete(accountId), async (now) => {
    await endSignIns(accountId, storage);
    await storage.grants.revokeByAccount(accountId, now);
    await storage.consents.deleteByAccount(accountId);
  }, deps.clock);
}

export interface PasswordChangeOptions {
  /** The session digest of the browser that changed the password, which stays signed in. */
  keepSession?: string;
}

/**
 * Replaces the password hash. Whoever knew the old password keeps nothing: every other browser
 * session ends, interactions signed in with it are dropped, and every grant is revoked (pending
 * codes, access and refresh tokens). Consents stay: the user approved those clients, not a
 * password. False when the account does not exist.
 */
export async function changePassword(
  accountId: string, passwordHash: string, deps: LifecycleDeps, options: PasswordChangeOptions = {},
): Promise<boolean> {
  const { storage } = deps;
  const now = deps.clock();
  // The hash first: from here on the old password opens nothing new.
  if (!(await storage.accounts.setPasswordHash(accountId, passwordHash, now))) return false;
  await endSignIns(accountId, storage, options.keepSession);
  await storage.grants.revokeByAccount(accountId, now);
  return true;
}

async function endSignIns(accountId: string, storage: LifecycleStorage, keepSession?: string): Promise<void> {
  await storage.sessions.deleteByAccount(accountId, keepSession);
  await storage.interactions.deleteByAccount(accountId);
}

/**
 * Revokes while the row still exists, so a failure part-way leaves something to delete again;
 * deletes the row, after which nothing new can be issued for it (every flow reads it first); then
 * revokes once more, for whatever a request racing with the deletion issued in between.
 */
async function deleteRevokingAround(remove: () => Promise<boolean>, revoke: (now: number) => Promise<void>, clock: Clock): Promise<boolean> {
  await revoke(clock());
  const deleted = await remove();
  await revoke(clock());
  return deleted;
}

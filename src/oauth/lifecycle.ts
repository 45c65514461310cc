// What deleting a client or an account, changing a password, or ending a browser session (a
// logout, `gatehouse session revoke`) revokes: the one policy, composed
// from the storage port's small atomic operations (no adapter cascades on its own). Each step is
// idempotent, so a command that failed part-way can simply be run again. docs/security.md,
// "What a deletion or password change revokes", says the same for operators.
import type { Clock } from '../lib/clock.js';
import type { Storage } from '../storage/ports.js';
import type { SessionRecord } from '../storage/records.js';

export type LifecycleStorage = Pick<Storage, 'clients' | 'accounts' | 'sessions' | 'interactions' | 'consents' | 'grants' | 'accountEvents'>;

export interface LifecycleDeps {
  storage: LifecycleStorage;
  clock: Clock;
  /**
   * Told once per browser session a deletion or password change ends, after it ended, so the
   * logout channels reach the clients it signed into (oidc/logout-notifier.ts). Optional here.
   */
  sessionEnded?: ((ended: EndedSession) => Promise<void>) | undefined;
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
 * grant it holds is revoked (pending codes, access and refresh tokens), its consents and its
 * security events are forgotten. False when the account does not exist.
 */
export async function deleteAccount(accountId: string, deps: LifecycleDeps): Promise<boolean> {
  const { storage } = deps;
  if (!(await storage.accounts.findById(accountId))) return false;
  return deleteRevokingAround(() => storage.accounts.delete(accountId), async (now) => {
    await endSignIns(accountId, deps);
    await storage.grants.revokeByAccount(accountId, now);
    await storage.consents.deleteByAccount(accountId);
    // Its recent security activity (the account page's) goes with it.
    await storage.accountEvents.deleteByAccount(accountId);
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
  await endSignIns(accountId, deps, options.keepSession);
  await storage.grants.revokeByAccount(accountId, now);
  return true;
}

async function endSignIns(accountId: string, deps: LifecycleDeps, keepSession?: string): Promise<void> {
  const { storage } = deps;
  // Read first, only to tell the logout channels which sessions end.
  const ending = deps.sessionEnded
    ? (await storage.sessions.listByAccount(accountId, deps.clock())).filter((s) => s.sessionDigest !== keepSession)
    : [];
  await storage.sessions.deleteByAccount(accountId, keepSession);
  await storage.interactions.deleteByAccount(accountId);
  for (const s of ending) await deps.sessionEnded?.({ sid: s.sid, accountId: s.accountId, clientIds: s.clientIds });
}

/**
 * The account disconnects one client (the account page's connected apps): the consent is
 * forgotten, so the client must ask again, and every grant the account gave it is revoked (its
 * codes, access and refresh tokens). The client and the account's other clients are untouched.
 * A code issued but not yet redeemed has its grant id already, and `grants.revoke` consumes it
 * by that id (a Redis marker there). Returns how many live grants were revoked.
 */
export async function disconnectClient(accountId: string, clientId: string, deps: LifecycleDeps): Promise<number> {
  const { storage } = deps;
  // The consent first: from here on a new authorization for the client asks the user again.
  await storage.consents.delete(accountId, clientId);
  const now = deps.clock();
  let revoked = 0;
  for (const grant of await storage.grants.listByAccount(accountId)) {
    if (grant.clientId !== clientId || grant.revokedAt !== null) continue;
    await storage.grants.revoke(grant.grantId, now);
    revoked++;
  }
  return revoked;
}

/** One ended browser session, for the logout channels (oidc/logout-notifier.ts's SessionEnded). */
export interface EndedSession {
  sid: string;
  accountId: string;
  clientIds: readonly string[];
}

export interface SessionEndDeps extends LifecycleDeps {
  /** Told once per ended session, after it ended (oidc/logout-notifier.ts; injected, as oauth/ knows no OIDC). */
  sessionEnded(ended: EndedSession): Promise<void>;
}

/**
 * Whether a grant made in an ended session survives it (OIDC Core §11): only offline access,
 * which the user granted precisely so the client keeps working while they are not signed in.
 */
export function survivesLogout(grant: { scopes: readonly string[] }): boolean {
  return grant.scopes.includes('offline_access');
}

/**
 * Ends one browser session: the session record goes (its cookie opens nothing any more), every
 * grant made in it without `offline_access` is revoked (its codes, access and refresh tokens;
 * OIDC Core §11), grants with `offline_access` stay, and the logout channels are told (Back-Channel
 * Logout 1.0 §2.5 through the notifier). Idempotent: ending it again revokes again, notifies again.
 */
export async function endSession(session: SessionRecord, deps: SessionEndDeps): Promise<void> {
  const { storage } = deps;
  // The record first: from here on nothing new is issued in this session.
  await storage.sessions.delete(session.sessionDigest);
  const now = deps.clock();
  for (const grant of await storage.grants.listBySid(session.sid)) {
    if (grant.revokedAt === null && !survivesLogout(grant)) await storage.grants.revoke(grant.grantId, now);
  }
  await deps.sessionEnded({ sid: session.sid, accountId: session.accountId, clientIds: session.clientIds });
}

/** Ends the live session with this sid (`gatehouse session revoke`); false when there is none. */
export async function endSessionBySid(sid: string, deps: SessionEndDeps): Promise<boolean> {
  const session = await deps.storage.sessions.findBySid(sid, deps.clock());
  if (!session) return false;
  await endSession(session, deps);
  return true;
}

/** Ends every live session of the account, each as a logout (`gatehouse user sessions-revoke`); returns how many. */
export async function endAccountSessions(accountId: string, deps: SessionEndDeps): Promise<number> {
  const sessions = await deps.storage.sessions.listByAccount(accountId, deps.clock());
  for (const session of sessions) await endSession(session, deps);
  return sessions.length;
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

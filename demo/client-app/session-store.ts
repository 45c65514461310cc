// Server-side sessions for the demo client: the browser holds only an opaque random id in an
// HttpOnly cookie; tokens never leave this process. In memory, which is enough for a demo.
// Signed-in sessions are indexed by the OP session (`sid`) and account (`sub`) of their ID token,
// so a back-channel logout (Back-Channel Logout 1.0 §2.7) finds every session it ends.
import { createHash, randomBytes } from 'node:crypto';
import type { IDToken } from 'openid-client';

/** A login started at the authorization endpoint and not yet finished (OIDC Core §3.1.2.1). */
export interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  startedAt: number;
}

/** What the client keeps after the code exchange (the seed's step 7). */
export interface SignedInUser {
  claims: IDToken;
  /** The Gatehouse session the ID token was issued in (its `sid` claim), kept from the first ID token. */
  sid: string | undefined;
  accessToken: string;
  /** Seconds since the epoch. */
  accessTokenExpiresAt: number;
  refreshToken: string | undefined;
  scope: string;
  refreshedAt: number | undefined;
}

export interface Session {
  /** Echoed in every form so a cross-site POST cannot act on the session. */
  csrfToken: string;
  /** Keyed by `state`, so two tabs can each log in. */
  pending: Map<string, PendingLogin>;
  user: SignedInUser | undefined;
  /** The implicit request last started from /implicit (demo of the legacy flow); neither value is secret. */
  implicit?: { state: string; nonce: string } | undefined;
  expiresAt: number;
}

export interface SessionStoreOptions {
  ttlSeconds: number;
  maxSessions: number;
  now: () => number;
}

/** Which sessions a logout token names (Back-Channel Logout 1.0 §2.4): its `sid`, or else every session of its `sub`. */
export interface LogoutTarget {
  sid?: string;
  sub?: string;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  /** sid -> keys of the sessions signed in from it; sub -> likewise. Entries are checked against the session on use. */
  readonly #bySid = new Map<string, Set<string>>();
  readonly #bySub = new Map<string, Set<string>>();
  /** What each key was indexed under, so removing a session removes exactly its entries. */
  readonly #indexed = new Map<string, { sid?: string; sub: string }>();
  readonly #options: SessionStoreOptions;

  constructor(options: SessionStoreOptions) {
    this.#options = options;
  }

  /** A new session and the id to put in the cookie; only the id's digest is kept here. */
  create(): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    const session: Session = { csrfToken: randomBytes(24).toString('base64url'), pending: new Map(), user: undefined, expiresAt: 0 };
    this.#save(id, session);
    return { id, session };
  }

  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const key = digest(id);
    const session = this.#sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.#options.now()) {
      this.#remove(key);
      return undefined;
    }
    session.expiresAt = this.#options.now() + this.#options.ttlSeconds;
    return session;
  }

  /**
   * Moves a session to a fresh id (on login), so an id planted before login is worthless after it;
   * a signed-in session is indexed by its user's `sid` and `sub` here.
   */
  rotate(oldId: string, session: Session): string {
    this.#remove(digest(oldId));
    const id = randomBytes(32).toString('base64url');
    session.csrfToken = randomBytes(24).toString('base64url');
    this.#save(id, session);
    return id;
  }

  destroy(id: string | undefined): void {
    if (id) this.#remove(digest(id));
  }

  /**
   * Removes every session signed in from the OP session `sid` (and, when `sub` is given too, of
   * that account), or with no `sid`, every session of `sub`; returns what was removed, so the
   * caller can revoke their tokens.
   */
  endSessions(target: LogoutTarget): Session[] {
    const keys = target.sid !== undefined ? this.#bySid.get(target.sid) : target.sub !== undefined ? this.#bySub.get(target.sub) : undefined;
    const ended: Session[] = [];
    for (const key of [...keys ?? []]) {
      const user = this.#sessions.get(key)?.user;
      // The index may be stale (the user logged in again in that session): the session itself decides.
      if (!user) continue;
      if (target.sid !== undefined && user.sid !== target.sid) continue;
      if (target.sub !== undefined && user.claims.sub !== target.sub) continue;
      ended.push(this.#sessions.get(key)!);
      this.#remove(key);
    }
    return ended;
  }

  #save(id: string, session: Session): void {
    session.expiresAt = this.#options.now() + this.#options.ttlSeconds;
    if (this.#sessions.size >= this.#options.maxSessions) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#remove(oldest.value);
    }
    const key = digest(id);
    this.#sessions.set(key, session);
    if (session.user) this.#index(key, session.user);
  }

  #index(key: string, user: SignedInUser): void {
    const entry = { ...(user.sid !== undefined ? { sid: user.sid } : {}), sub: user.claims.sub };
    this.#indexed.set(key, entry);
    if (entry.sid !== undefined) addTo(this.#bySid, entry.sid, key);
    addTo(this.#bySub, entry.sub, key);
  }

  #remove(key: string): void {
    this.#sessions.delete(key);
    const entry = this.#indexed.get(key);
    if (!entry) return;
    this.#indexed.delete(key);
    if (entry.sid !== undefined) removeFrom(this.#bySid, entry.sid, key);
    removeFrom(this.#bySub, entry.sub, key);
  }
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  const keys = index.get(value);
  if (keys) keys.add(key);
  else index.set(value, new Set([key]));
}

function removeFrom(index: Map<string, Set<string>>, value: string, key: string): void {
  const keys = index.get(value);
  if (!keys) return;
  keys.delete(key);
  if (keys.size === 0) index.delete(value);
}

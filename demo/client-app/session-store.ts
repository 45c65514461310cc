// Server-side sessions for the demo client: the browser holds only an opaque random id in an
// HttpOnly cookie; tokens never leave this process. In memory, which is enough for a demo.
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
  expiresAt: number;
}

export interface SessionStoreOptions {
  ttlSeconds: number;
  maxSessions: number;
  now: () => number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
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
      this.#sessions.delete(key);
      return undefined;
    }
    session.expiresAt = this.#options.now() + this.#options.ttlSeconds;
    return session;
  }

  /** Moves a session to a fresh id (on login), so an id planted before login is worthless after it. */
  rotate(oldId: string, session: Session): string {
    this.#sessions.delete(digest(oldId));
    const id = randomBytes(32).toString('base64url');
    session.csrfToken = randomBytes(24).toString('base64url');
    this.#save(id, session);
    return id;
  }

  destroy(id: string | undefined): void {
    if (id) this.#sessions.delete(digest(id));
  }

  #save(id: string, session: Session): void {
    session.expiresAt = this.#options.now() + this.#options.ttlSeconds;
    if (this.#sessions.size >= this.#options.maxSessions) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
    this.#sessions.set(digest(id), session);
  }
}

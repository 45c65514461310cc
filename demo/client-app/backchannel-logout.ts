// The demo client's back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0): when the
// Gatehouse session this app signed in from ends, Gatehouse POSTs a logout token to
// /backchannel-logout. The token is verified with gatehouse/resource-server's verifier (§2.6:
// signature against Gatehouse's JWKS, iss, aud = this client, iat/exp, the event, sid/sub, no
// nonce, jti not seen before); every demo session of that sid (or sub) is dropped (§2.7) and its
// tokens revoked; the answer is 200 with Cache-Control: no-store, or 400 with a JSON error (§2.8).
// What arrived is kept in a short log, shown at /backchannel-logouts and on the home page — the
// token itself never: the jti is shortened, the signature never shown.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createLogoutTokenVerifier, LogoutTokenError, type LogoutTokenVerifier } from '../../src/resource-server/index.js';
import type { RelyingParty } from './relying-party.js';
import type { Session, SessionStore } from './session-store.js';
import { escapeHtml, layout } from './views.js';

export const backchannelLogoutPath = '/backchannel-logout';
export const backchannelLogoutLogPath = '/backchannel-logouts';

/** One POST to the back-channel logout endpoint, as shown to the user. */
export interface BackchannelLogoutEntry {
  /** Seconds since the epoch. */
  receivedAt: number;
  /** `unavailable`: the token could not be checked (Gatehouse's keys unreachable); Gatehouse retries. */
  outcome: 'verified' | 'refused' | 'unavailable';
  /** From a verified token only. */
  sid?: string;
  sub?: string;
  /** The first characters of a verified token's jti. */
  jti?: string;
  /** Why the token was refused or could not be checked. */
  reason?: string;
  /** Demo sessions the token ended. */
  sessionsEnded: number;
  /** Tokens of those sessions revoked at Gatehouse (RFC 7009); null while the revocations are under way. */
  tokensRevoked: number | null;
}

/** A verified logout token, decoded, for the playground: header and payload, never the token itself. */
export interface DecodedLogoutToken {
  receivedAt: number;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** A prefix and the length of the compact JWT. */
  masked: string;
  jwksUri: string;
}

/** What the endpoint has received, newest first; another page (the playground) can show it too. */
export interface BackchannelLogoutLog {
  entries(): readonly BackchannelLogoutEntry[];
  /** The last verified logout token for `sid`, decoded (the last 50 verified tokens are kept). */
  decodedFor(sid: string): DecodedLogoutToken | undefined;
  /** Calls `listener` whenever an entry is added or completed; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export interface BackchannelLogoutOptions {
  relyingParty: RelyingParty;
  sessions: SessionStore;
  now: () => number;
  /** Entries kept; default 20. */
  maxEntries?: number;
}

const shortened = (value: string) => (value.length > 8 ? `${value.slice(0, 8)}…` : value);
const timestamp = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Registers POST /backchannel-logout and GET /backchannel-logouts on `app`; returns the log. */
export function registerBackchannelLogout(app: FastifyInstance, options: BackchannelLogoutOptions): BackchannelLogoutLog {
  const { relyingParty, sessions, now } = options;
  const maxEntries = options.maxEntries ?? 20;
  const entries: BackchannelLogoutEntry[] = [];
  const listeners = new Set<() => void>();
  const changed = () => { for (const listener of listeners) listener(); };
  const record = (entry: BackchannelLogoutEntry) => {
    entries.unshift(entry);
    entries.length = Math.min(entries.length, maxEntries);
    changed();
    return entry;
  };
  // Decoded verified tokens by sid, oldest first; bounded, so a flood of logouts cannot grow memory.
  const decoded = new Map<string, DecodedLogoutToken>();
  const maxDecoded = 50;
  const log: BackchannelLogoutLog = {
    entries: () => entries,
    decodedFor: (sid) => decoded.get(sid),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  // Built on first use, from discovery: the jwks_uri and this client's id. A failed discovery is tried again next time.
  let verifier: Promise<LogoutTokenVerifier> | null = null;
  let verifiedWith = '';
  const logoutTokens = () => {
    verifier ??= relyingParty.jwksUri().then((jwksUri) => { verifiedWith = jwksUri; return jwksUri; }).then(
      (jwksUri) => createLogoutTokenVerifier({ issuer: relyingParty.issuer, clientId: relyingParty.clientId, jwksUri, now }),
      (error: unknown) => { verifier = null; throw error; },
    );
    return verifier;
  };

  async function revokeTokens(request: FastifyRequest, ended: Session[]): Promise<number> {
    const revocations = ended.flatMap(({ user }) => (user ? [
      ...(user.refreshToken ? [relyingParty.revoke(user.refreshToken, 'refresh_token')] : []),
      relyingParty.revoke(user.accessToken, 'access_token'),
    ] : []));
    let revoked = 0;
    for (const result of await Promise.allSettled(revocations)) {
      if (result.status === 'fulfilled') revoked++;
      else request.log.warn({ error: String((result.reason as Error)?.message ?? result.reason) }, 'token revocation after back-channel logout failed');
    }
    return revoked;
  }

  const refuse = (reply: FastifyReply, status: 400 | 503, error: string, description: string) =>
    reply.code(status).header('Cache-Control', 'no-store').send({ error, error_description: description });

  app.register(async (scope) => {
    // Any other body reaches the handler as text, so it gets the §2.8 answer (400) instead of a 415.
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => done(null, body));

    scope.post(backchannelLogoutPath, async (request, reply) => {
      const form = /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
      const logoutToken = form ? (request.body as Record<string, unknown> | undefined)?.logout_token : undefined;
      if (typeof logoutToken !== 'string' || logoutToken === '') {
        record({ receivedAt: now(), outcome: 'refused', reason: 'no logout_token in a form body (§2.5)', sessionsEnded: 0, tokensRevoked: 0 });
        return refuse(reply, 400, 'invalid_request', 'expected a form body with logout_token (Back-Channel Logout 1.0 §2.5)');
      }
      let verified;
      try {
        verified = await (await logoutTokens()).verify(logoutToken);
      } catch (error) {
        if (error instanceof LogoutTokenError) {
          request.log.info({ reason: error.message }, 'logout token refused');
          record({ receivedAt: now(), outcome: 'refused', reason: error.message, sessionsEnded: 0, tokensRevoked: 0 });
          return refuse(reply, 400, 'invalid_request', error.message);
        }
        // Gatehouse's keys could not be read: not the token's fault; a 5xx makes Gatehouse try again.
        request.log.warn({ error: String((error as Error).message) }, 'logout token could not be checked');
        record({ receivedAt: now(), outcome: 'unavailable', reason: 'Gatehouse\'s keys could not be read', sessionsEnded: 0, tokensRevoked: 0 });
        return refuse(reply, 503, 'temporarily_unavailable', 'the logout token could not be checked now; try again');
      }
      const { sid, sub, jti } = verified;
      if (sid !== undefined) {
        decoded.delete(sid);
        decoded.set(sid, {
          receivedAt: now(), header: decodeProtectedHeader(logoutToken) as Record<string, unknown>,
          payload: decodeJwt(logoutToken) as Record<string, unknown>,
          masked: `${logoutToken.slice(0, 8)}… (${logoutToken.length} characters)`, jwksUri: verifiedWith,
        });
        if (decoded.size > maxDecoded) decoded.delete(decoded.keys().next().value!);
      }
      const ended = sessions.endSessions({ ...(sid !== undefined ? { sid } : {}), ...(sub !== undefined ? { sub } : {}) });
      const entry = record({
        receivedAt: now(), outcome: 'verified', ...(sid !== undefined ? { sid } : {}), ...(sub !== undefined ? { sub } : {}),
        jti: shortened(jti), sessionsEnded: ended.length, tokensRevoked: ended.length === 0 ? 0 : null,
      });
      request.log.info({ sessionsEnded: ended.length }, 'back-channel logout');
      // The sessions are gone, which is what §2.7 asks; revoking their tokens at Gatehouse (the refresh
      // tokens survive a Gatehouse logout with offline_access) goes on after the answer.
      if (ended.length > 0) {
        void revokeTokens(request, ended).then((count) => { entry.tokensRevoked = count; changed(); });
      }
      return reply.code(200).header('Cache-Control', 'no-store').send();
    });
  });

  app.get(backchannelLogoutLogPath, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(backchannelLogoutPage(log.entries())));

  return log;
}

const outcomeLabel: Record<BackchannelLogoutEntry['outcome'], string> = {
  verified: 'verified', refused: 'refused (400)', unavailable: 'not checked (503)',
};

function describeEntry(entry: BackchannelLogoutEntry): string {
  const when = timestamp(entry.receivedAt);
  const status = `<span class="status ${entry.outcome === 'verified' ? 'ok' : 'error'}">${outcomeLabel[entry.outcome]}</span>`;
  if (entry.outcome !== 'verified') return `${escapeHtml(when)}: ${status} — ${escapeHtml(entry.reason ?? '')}`;
  const revoked = entry.tokensRevoked === null ? 'revoking their tokens' : `${entry.tokensRevoked} token${entry.tokensRevoked === 1 ? '' : 's'} revoked`;
  return `${escapeHtml(when)}: ${status}, sid <code>${escapeHtml(entry.sid ?? '(none)')}</code>; `
    + `${entry.sessionsEnded} session${entry.sessionsEnded === 1 ? '' : 's'} ended, ${revoked}`;
}

/** A panel for any page: the last back-channel logout received, or that none came yet. */
export function backchannelLogoutPanel(entries: readonly BackchannelLogoutEntry[]): string {
  const last = entries[0];
  return `
<section class="panel" aria-labelledby="backchannel">
<h2 id="backchannel">Back-channel logout</h2>
<p class="note">When your Gatehouse session ends — here, in another app you signed into with it, or by an administrator — Gatehouse sends this app's server a signed logout token. The app verifies it and ends its own sessions from that Gatehouse session.</p>
<p id="backchannel-last">Last received: ${last ? describeEntry(last) : 'none yet'}.</p>
<div class="actions"><a class="button secondary" href="${backchannelLogoutLogPath}">Every logout token received</a></div>
</section>`;
}

function backchannelLogoutPage(entries: readonly BackchannelLogoutEntry[]): string {
  const rows = entries.map((entry) => `<tr>
<td>${escapeHtml(timestamp(entry.receivedAt))}</td>
<td><span class="status ${entry.outcome === 'verified' ? 'ok' : 'error'}">${outcomeLabel[entry.outcome]}</span></td>
<td>${entry.sid ? `<code>${escapeHtml(entry.sid)}</code>` : '–'}</td>
<td>${entry.sub ? `<code>${escapeHtml(entry.sub)}</code>` : '–'}</td>
<td>${entry.jti ? `<code>${escapeHtml(entry.jti)}</code>` : '–'}</td>
<td>${entry.outcome === 'verified' ? `${entry.sessionsEnded} ended; ${entry.tokensRevoked === null ? 'revoking tokens' : `${entry.tokensRevoked} tokens revoked`}` : escapeHtml(entry.reason ?? '')}</td>
</tr>`).join('\n');
  return layout('Back-channel logouts', `
<h1>Back-channel logouts received</h1>
<p class="lead">Logout tokens Gatehouse (or anyone) POSTed to <code>${backchannelLogoutPath}</code>, newest first. A token is accepted only when its signature verifies against Gatehouse's keys and its issuer, audience, times, event and jti are right (Back-Channel Logout 1.0 §2.6). Tokens are never shown; the jti is shortened.</p>
<section class="panel">
${entries.length === 0 ? '<p id="backchannel-none">None yet. Log in, then log out (here or in another app signed in with the same Gatehouse session).</p>' : `<table>
<thead><tr><th scope="col">Received</th><th scope="col">Outcome</th><th scope="col">sid</th><th scope="col">sub</th><th scope="col">jti</th><th scope="col">Sessions, or why</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`}
</section>
<div class="actions"><a class="button secondary" href="/">Back to the start</a></div>`);
}

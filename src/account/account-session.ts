// Who is on the account page. The page signs in like any relying party: /account sends the
// browser through /authorize as the built-in client (first-party-client.ts) with state, nonce and
// PKCE kept in a short-lived `gh_account_signin` cookie; the callback redeems the code in-process
// (this module: the same checks as the token endpoint, without minting tokens nobody would use)
// and sets `gh_account`, a short-lived cookie bound to the browser session: an HMAC, under the
// session cookie's value, of the session's sid and an expiry. It opens nothing once the session
// ends or changes, and nothing needs storing. The forms' CSRF token is an HMAC under the same value.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { appendCookie, clearCookie, readCookie, serializeCookie } from '../http/cookies.js';
import { hmacSha256Base64url, sha256Base64url } from '../lib/digest.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { randomToken } from '../lib/random.js';
import { digestOf } from '../oauth/opaque-token.js';
import { verifyCodeVerifier } from '../oauth/pkce.js';
import { currentSessionRecord, sessionCookie } from '../interaction/browser-session.js';
import type { AccountRecord, SessionRecord } from '../storage/records.js';
import { accountClientId, accountPath, accountRedirectUri } from './first-party-client.js';

export const accountCookie = 'gh_account';
export const signInCookie = 'gh_account_signin';
/** How long the account page stays open without a new round trip through /authorize. */
export const accountCookieSeconds = 15 * 60;
/** How long a sign-in started at /account may take. */
const signInSeconds = 10 * 60;

export interface AccountVisit {
  session: SessionRecord;
  account: AccountRecord;
}

/** The signed-in account of this browser, when its account cookie is valid for its live session. */
export async function accountVisit(request: FastifyRequest, deps: ServerDeps): Promise<AccountVisit | null> {
  const cookie = readCookie(request.headers.cookie, accountCookie);
  const sessionValue = readCookie(request.headers.cookie, sessionCookie);
  if (!cookie || !sessionValue) return null;
  const [sid, expires, mac] = cookie.split('.');
  if (!sid || !expires || !mac || !/^\d+$/.test(expires) || Number(expires) <= deps.clock()) return null;
  if (!constantTimeEqual(mac, accountMac(sessionValue, sid, expires))) return null;
  const session = await currentSessionRecord(request, deps);
  if (!session || session.sid !== sid) return null;
  const account = await deps.storage.accounts.findById(session.accountId);
  return account ? { session, account } : null;
}

function accountMac(sessionValue: string, sid: string, expires: string): string {
  return hmacSha256Base64url(sessionValue, `gatehouse account page ${sid}.${expires}`);
}

/** The account forms' CSRF token: only this browser's own page can carry it, and it changes with every session. */
export function accountCsrfToken(request: FastifyRequest): string {
  const value = readCookie(request.headers.cookie, sessionCookie);
  return value ? hmacSha256Base64url(value, 'gatehouse account form') : '';
}

export function accountCsrfValid(request: FastifyRequest, sent: string | undefined): boolean {
  const expected = accountCsrfToken(request);
  return expected !== '' && sent !== undefined && constantTimeEqual(sent, expected);
}

/** Starts the round trip through /authorize; returns the URL to send the browser to. */
export function startAccountSignIn(reply: FastifyReply, deps: ServerDeps): string {
  const state = randomToken();
  const verifier = randomToken();
  const nonce = randomToken();
  appendCookie(reply, serializeCookie(signInCookie, `${state}.${verifier}`, {
    secure: deps.secureCookies, maxAge: signInSeconds, path: accountPath,
  }));
  const url = new URL(`${deps.config.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: accountClientId, redirect_uri: accountRedirectUri(deps.config.issuer),
    scope: 'openid', state, nonce, code_challenge: sha256Base64url(verifier), code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export type CallbackOutcome = { ok: true } | { ok: false; reason: 'state' | 'code' | 'session' };

/**
 * The callback: the state must be the one this browser started with (RFC 6749 §10.12), the code
 * ours, unexpired, for the built-in client and redirect URI, its PKCE verifier right (RFC 7636
 * §4.6), and issued in this browser's live session. The code is spent either way.
 */
export async function finishAccountSignIn(
  request: FastifyRequest, reply: FastifyReply, query: Record<string, string>, deps: ServerDeps,
): Promise<CallbackOutcome> {
  const started = readCookie(request.headers.cookie, signInCookie);
  appendCookie(reply, clearCookie(signInCookie, { secure: deps.secureCookies, path: accountPath }));
  const [state, verifier] = (started ?? '').split('.');
  if (!state || !verifier || !query.state || !constantTimeEqual(query.state, state)) return { ok: false, reason: 'state' };
  if (!query.code) return { ok: false, reason: 'code' };
  const now = deps.clock();
  const consumed = await deps.storage.authorizationCodes.consume(digestOf(query.code), now);
  if (!consumed || !consumed.firstUse) return { ok: false, reason: 'code' };
  const { code } = consumed;
  if (code.expiresAt <= now || code.clientId !== accountClientId || code.redirectUri !== accountRedirectUri(deps.config.issuer)) {
    return { ok: false, reason: 'code' };
  }
  try {
    verifyCodeVerifier(verifier, code.codeChallenge);
  } catch {
    return { ok: false, reason: 'code' };
  }
  const session = await currentSessionRecord(request, deps);
  const sessionValue = readCookie(request.headers.cookie, sessionCookie);
  if (!session || !sessionValue || session.sid !== code.sid || session.accountId !== code.accountId) return { ok: false, reason: 'session' };
  const expires = String(now + accountCookieSeconds);
  appendCookie(reply, serializeCookie(accountCookie, `${session.sid}.${expires}.${accountMac(sessionValue, session.sid, expires)}`, {
    secure: deps.secureCookies, maxAge: accountCookieSeconds, path: accountPath,
  }));
  return { ok: true };
}

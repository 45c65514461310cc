// The browser session (who is logged in here): a random cookie value, stored as its digest.
// A new value on every login prevents session fixation.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomIdentifier, randomToken } from '../lib/random.js';
import { hmacSha256Base64url, sha256Hex } from '../lib/digest.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { appendCookie, readCookie, serializeCookie } from '../http/cookies.js';
import type { ServerDeps } from '../http/server-deps.js';
import type { Authentication } from '../oidc/prompt.js';
import type { SessionRecord } from '../storage/records.js';

export const sessionCookie = 'gh_session';

export async function currentSession(request: FastifyRequest, deps: ServerDeps): Promise<Authentication | null> {
  const session = await currentSessionRecord(request, deps);
  return session ? { accountId: session.accountId, authTime: session.authTime } : null;
}

/** The browser's live session record (with its sid and clients), or null. */
export async function currentSessionRecord(request: FastifyRequest, deps: ServerDeps): Promise<SessionRecord | null> {
  const value = readCookie(request.headers.cookie, sessionCookie);
  if (!value) return null;
  return deps.storage.sessions.find(sha256Hex(value), deps.clock());
}

/** Whether the request carries a session cookie at all (live or not). */
export function hasSessionCookie(request: FastifyRequest): boolean {
  return Boolean(readCookie(request.headers.cookie, sessionCookie));
}

/**
 * The logout confirmation's CSRF token (RP-Initiated Logout 1.0 §6): an HMAC of a fixed label
 * under the browser's session cookie value, so only this browser's own page can carry it, it
 * changes with every session, and nothing needs storing. null without a session cookie.
 */
export function logoutCsrfToken(request: FastifyRequest): string | null {
  const value = readCookie(request.headers.cookie, sessionCookie);
  return value ? hmacSha256Base64url(value, 'gatehouse end_session confirmation') : null;
}

export function logoutCsrfTokenValid(request: FastifyRequest, sent: string | undefined): boolean {
  const expected = logoutCsrfToken(request);
  return expected !== null && sent !== undefined && constantTimeEqual(sent, expected);
}

/** Clears the session cookie (the record is ended by the caller, through oauth/lifecycle.ts). */
export function clearSessionCookie(reply: FastifyReply, deps: ServerDeps): void {
  appendCookie(reply, serializeCookie(sessionCookie, '', { secure: deps.secureCookies, maxAge: 0 }));
}

export async function startSession(
  request: FastifyRequest, reply: FastifyReply, accountId: string, deps: ServerDeps,
): Promise<Authentication & { sessionDigest: string }> {
  const previous = readCookie(request.headers.cookie, sessionCookie);
  if (previous) await deps.storage.sessions.delete(sha256Hex(previous));
  const now = deps.clock();
  const value = randomToken();
  const sessionDigest = sha256Hex(value);
  await deps.storage.sessions.insert({
    // The sid is its own random value: never the cookie nor its digest, so tokens carrying it
    // give nothing that opens the session (Back-Channel Logout 1.0 §2.1). Operators type it
    // (`gatehouse session revoke SID`), so it never starts with '-' (randomIdentifier).
    sessionDigest, sid: randomIdentifier(16), accountId, clientIds: [],
    authTime: now, createdAt: now, expiresAt: now + deps.config.sessionTtl,
  });
  appendCookie(reply, serializeCookie(sessionCookie, value, { secure: deps.secureCookies, maxAge: deps.config.sessionTtl }));
  return { accountId, authTime: now, sessionDigest };
}

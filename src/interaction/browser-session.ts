// The browser session (who is logged in here): a random cookie value, stored as its digest.
// A new value on every login prevents session fixation.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../lib/random.js';
import { sha256Hex } from '../lib/digest.js';
import { appendCookie, readCookie, serializeCookie } from '../http/cookies.js';
import type { ServerDeps } from '../http/server-deps.js';
import type { Authentication } from '../oidc/prompt.js';

export const sessionCookie = 'gh_session';

export async function currentSession(request: FastifyRequest, deps: ServerDeps): Promise<Authentication | null> {
  const value = readCookie(request.headers.cookie, sessionCookie);
  if (!value) return null;
  const session = await deps.storage.sessions.find(sha256Hex(value), deps.clock());
  return session ? { accountId: session.accountId, authTime: session.authTime } : null;
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
    sessionDigest, accountId, authTime: now, createdAt: now, expiresAt: now + deps.config.sessionTtl,
  });
  appendCookie(reply, serializeCookie(sessionCookie, value, { secure: deps.secureCookies, maxAge: deps.config.sessionTtl }));
  return { accountId, authTime: now, sessionDigest };
}

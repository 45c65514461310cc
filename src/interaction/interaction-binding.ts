// Binds each interaction to the browser that started it (RFC 6749 §10.12, RFC 9700 §4.7): one
// cookie per interaction, path-scoped to /interaction/<id>, so two sign-ins in one browser (two
// tabs, two applications) never share a slot. The cookie holds a random secret and the
// interaction id is its SHA-256: the URL, which lands in history and on screen, never reveals
// what the cookie proves. When the interaction ends, the cookie is cleared and a short note in
// its place (which client, which registered redirect URI) lets the Back button lead somewhere.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../lib/random.js';
import { sha256Hex } from '../lib/digest.js';
import { digestsEqual } from '../lib/constant-time.js';
import { appendCookie, clearCookie, readCookie, readCookies, serializeCookie } from '../http/cookies.js';
import type { ServerDeps } from '../http/server-deps.js';

export const interactionCookie = 'gh_interaction';
export const finishedCookie = 'gh_interaction_done';

export interface InteractionBinding {
  /** Goes into the URL and the store. */
  interactionId: string;
  /** Goes only into the cookie. */
  secret: string;
}

/** What a finished interaction remembers for the Back button. Untrusted: the browser sends it back. */
export interface FinishedNote {
  clientId: string;
  redirectUri: string;
  outcome: 'approved' | 'denied';
}

export function interactionPath(interactionId: string): string {
  return `/interaction/${interactionId}`;
}

export function newInteractionBinding(): InteractionBinding {
  const secret = randomToken(32);
  return { interactionId: sha256Hex(secret), secret };
}

export function bindInteraction(reply: FastifyReply, binding: InteractionBinding, deps: ServerDeps): void {
  appendCookie(reply, serializeCookie(interactionCookie, binding.secret, {
    secure: deps.secureCookies, maxAge: deps.config.interactionTtl, path: interactionPath(binding.interactionId),
  }));
}

/** The interaction must be continued by the browser that started it. */
export function interactionBelongsToBrowser(request: FastifyRequest, interactionId: string): boolean {
  return readCookies(request.headers.cookie, interactionCookie)
    .some((secret) => digestsEqual(sha256Hex(secret), interactionId));
}

/** Ends the binding; with a note, Back to this interaction's page can point to the application. */
export function releaseInteraction(reply: FastifyReply, interactionId: string, note: FinishedNote | null, deps: ServerDeps): void {
  const path = interactionPath(interactionId);
  appendCookie(reply, clearCookie(interactionCookie, { secure: deps.secureCookies, path }));
  if (!note) return;
  const value = Buffer.from(JSON.stringify([note.clientId, note.redirectUri, note.outcome])).toString('base64url');
  // Browsers keep about 4 KiB per cookie; an odd, very long redirect URI just gets no note.
  if (value.length > 3000) return;
  appendCookie(reply, serializeCookie(finishedCookie, value, { secure: deps.secureCookies, maxAge: deps.config.interactionTtl, path }));
}

/** The note left by releaseInteraction, if this browser has one for this page. */
export function finishedNote(request: FastifyRequest): FinishedNote | null {
  const value = readCookie(request.headers.cookie, finishedCookie);
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [clientId, redirectUri, outcome] = parsed as unknown[];
    if (typeof clientId !== 'string' || typeof redirectUri !== 'string') return null;
    if (outcome !== 'approved' && outcome !== 'denied') return null;
    return { clientId, redirectUri, outcome };
  } catch {
    return null;
  }
}

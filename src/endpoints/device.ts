// GET/POST /device (RFC 8628 §3.3): the page where the user enters the code their device shows.
// GET shows the form (prefilled from verification_uri_complete, §3.3.1, but never submitted by
// itself: the user confirms, §5.4); POST checks the form's CSRF token, throttles wrong codes per
// client address (§5.1), and starts a normal interaction (login, then a consent naming the
// device's client) whose answer goes to the device record instead of a redirect URI.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { parseWireParameters, queryOf } from '../http/form.js';
import { appendCookie, readCookie, serializeCookie } from '../http/cookies.js';
import { noteClient } from '../http/request-log.js';
import { hmacSha256Base64url } from '../lib/digest.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { randomToken } from '../lib/random.js';
import { addressSchedule, addressThrottleKey } from '../accounts/login-throttle.js';
import {
  clientUsesDeviceGrant, deviceInteractionParameter, deviceVerificationPath, normalizeUserCode, userCodeDigest,
} from '../oauth/device-authorization.js';
import { formFields } from '../interaction/forms.js';
import { loginThrottlePolicy } from '../interaction/login.js';
import { bindInteraction, interactionPath, newInteractionBinding } from '../interaction/interaction-binding.js';
import { deviceEntryPage } from '../interaction/views/device.js';
import { deviceMessages } from '../interaction/views/device-messages.js';

const formCookie = 'gh_device';

export function devicePage(deps: ServerDeps) {
  return async function device(request: FastifyRequest, reply: FastifyReply) {
    const { params } = parseWireParameters(queryOf(request.url));
    // Prefill only what could be a code, in the form it is shown in.
    const normalized = normalizeUserCode(params.user_code);
    const userCode = normalized ? `${normalized.slice(0, 4)}-${normalized.slice(4)}` : undefined;
    return sendEntry(request, reply, deps, 200, userCode);
  };
}

export function deviceSubmit(deps: ServerDeps) {
  return async function submit(request: FastifyRequest, reply: FastifyReply) {
    const fields = formFields(request.body);
    if (!formTokenValid(request, fields.csrf_token)) return sendEntry(request, reply, deps, 403, fields.user_code, deviceMessages.entry.refused);

    // §5.1: every try counts against the address before the code is looked up; a right one is given back.
    const key = `device-${addressThrottleKey(request.ip)}`;
    const schedule = addressSchedule(loginThrottlePolicy(deps.config));
    const now = deps.clock();
    const reservation = await deps.storage.loginThrottle.reserve(key, now, schedule);
    if (!reservation.allowed) {
      request.log.warn({ reqId: request.id, address: request.ip }, 'device code entry throttled');
      reply.header('Retry-After', String(reservation.retryAfter));
      return sendEntry(request, reply, deps, 429, fields.user_code, deviceMessages.entry.throttled(reservation.retryAfter));
    }
    const normalized = normalizeUserCode(fields.user_code);
    const digest = normalized ? userCodeDigest(normalized) : null;
    const record = digest ? await deps.storage.deviceAuthorizations.findByUserCode(digest, now) : null;
    if (!record || record.status !== 'pending') {
      request.log.info({ reqId: request.id, address: request.ip, attempts: reservation.attempts }, 'device code entry: unknown or used code');
      return sendEntry(request, reply, deps, 400, fields.user_code, deviceMessages.entry.invalid);
    }
    await deps.storage.loginThrottle.release(key);
    noteClient(request, record.clientId);
    const client = await deps.clients.find(record.clientId).catch(() => null);
    if (!clientUsesDeviceGrant(client)) return sendEntry(request, reply, deps, 400, fields.user_code, deviceMessages.entry.unavailable);

    // The interaction holds the user code's digest only; its pages look the record up again.
    const binding = newInteractionBinding();
    await deps.storage.interactions.insert({
      interactionId: binding.interactionId, clientId: client.clientId,
      params: { client_id: client.clientId, [deviceInteractionParameter]: record.userCodeDigest },
      accountId: null, authTime: null, csrfToken: randomToken(24), createdAt: now, expiresAt: Math.min(now + deps.config.interactionTtl, record.expiresAt),
    });
    bindInteraction(reply, binding, deps);
    return reply.header('Cache-Control', 'no-store').redirect(interactionPath(binding.interactionId), 303);
  };
}

/**
 * The form's CSRF token (RFC 6749 §10.12): a random cookie for this path, and in the form an
 * HMAC of it, so a page on another site can neither read nor forge the pair.
 */
function formToken(value: string): string {
  return hmacSha256Base64url(value, 'gatehouse device code form');
}

function formTokenValid(request: FastifyRequest, sent: string | undefined): boolean {
  const cookie = readCookie(request.headers.cookie, formCookie);
  return cookie !== undefined && sent !== undefined && constantTimeEqual(sent, formToken(cookie));
}

function sendEntry(request: FastifyRequest, reply: FastifyReply, deps: ServerDeps, status: number, userCode?: string, error?: string) {
  let cookie = readCookie(request.headers.cookie, formCookie);
  if (!cookie || !/^[A-Za-z0-9_-]{32,64}$/.test(cookie)) {
    cookie = randomToken(32);
    appendCookie(reply, serializeCookie(formCookie, cookie, { secure: deps.secureCookies, maxAge: deps.config.interactionTtl, path: deviceVerificationPath }));
  }
  const html = deviceEntryPage({ action: deviceVerificationPath, csrfToken: formToken(cookie), userCode, error });
  return htmlPageHeaders(reply).code(status).send(html);
}

// The interaction pages between /authorize and the redirect back (OIDC Core §3.1.2.3-4): GET
// shows what the user still owes (login, consent) or finishes; POST …/login checks the password,
// POST …/consent records the answer. Every step re-validates the stored request and asks the same
// decision as /authorize (endpoints/authorize.ts). The interaction is bound to the browser that
// started it and every form echoes its CSRF token (RFC 6749 §10.12, RFC 9700 §4.7).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { toOAuthError } from '../http/error-response.js';
import { noteClient } from '../http/request-log.js';
import { OAuthError } from '../oauth/errors.js';
import { matchRedirectUri } from '../oauth/redirect-uri.js';
import type { AuthenticationRequest } from '../oidc/authentication-request.js';
import { recordConsent } from '../oidc/consent.js';
import type { Authentication } from '../oidc/prompt.js';
import type { DeviceAuthorizationRecord, InteractionRecord } from '../storage/records.js';
import { clientUsesDeviceGrant, deviceInteractionParameter } from '../oauth/device-authorization.js';
import { deviceAuthenticationRequest } from '../oidc/device-request.js';
import { deviceDonePage } from '../interaction/views/device.js';
import { deviceMessages } from '../interaction/views/device-messages.js';
import { currentSession, currentSessionRecord } from '../interaction/browser-session.js';
import { consentApproved, csrfTokenValid, formFields } from '../interaction/forms.js';
import {
  finishedNote, interactionBelongsToBrowser, interactionPath, releaseInteraction, type FinishedNote,
} from '../interaction/interaction-binding.js';
import { attemptLogin } from '../interaction/login.js';
import { consentPage, redirectTargetOf } from '../interaction/views/consent.js';
import { clientInfo, imageSources } from '../interaction/views/client-info.js';
import { claimConsentPrefix } from '../oidc/claims.js';
import { documentClientView } from '../interaction/views/document-client.js';
import { formRefusedPage, interactionUnavailablePage, requestErrorPage, serviceUnavailablePage } from '../interaction/views/error.js';
import { finishedPage } from '../interaction/views/finished.js';
import { loginPage } from '../interaction/views/login.js';
import { decide, issueAuthorization, sendAuthorizationError, validateStoredRequest } from './authorize.js';

type Params = { Params: { id: string } };

interface Loaded {
  interaction: InteractionRecord;
  request: AuthenticationRequest;
  /** A device's sign-in (RFC 8628 §3.3, started at /device): its answer goes to this record, not to a redirect URI. */
  device: DeviceAuthorizationRecord | null;
}

export function interactionPage(deps: ServerDeps) {
  return async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const loaded = await load(request, reply, deps);
    return loaded ? advance(request, reply, loaded, deps, false) : reply;
  };
}

export function loginSubmit(deps: ServerDeps) {
  return async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const submitted = await loadSubmitted(request, reply, deps, 'sign-in');
    if (!submitted) return reply;
    const { loaded, fields } = submitted;
    const outcome = await attemptLogin(request, reply, loaded.interaction, fields, deps);
    // Back to the GET, which decides again with the login this interaction now holds.
    if (outcome.ok) return reply.header('Cache-Control', 'no-store').redirect(interactionPath(loaded.interaction.interactionId), 303);
    // RFC 6585 §4: 429 with how long to wait.
    if (outcome.retryAfter !== null) reply.header('Retry-After', String(outcome.retryAfter));
    return sendLogin(reply, loaded, outcome.status ?? (outcome.retryAfter !== null ? 429 : 401), outcome.username, outcome.message, deps.config.signup);
  };
}

export function consentSubmit(deps: ServerDeps) {
  return async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const submitted = await loadSubmitted(request, reply, deps, 'consent');
    if (!submitted) return reply;
    const { loaded, fields } = submitted;
    const decision = await decide(loaded.request, await browserState(request, loaded, deps, false), deps);
    if (decision.next === 'login') return advance(request, reply, loaded, deps, false);
    if (!consentApproved(fields)) return finish(request, reply, loaded, null, deps);
    await recordConsent(decision.authentication.accountId, loaded.request, { consents: deps.storage.consents, now: deps.clock() });
    return advance(request, reply, loaded, deps, true);
  };
}

/** The interaction, if it exists and belongs to this browser, with its request validated again. */
async function load(request: FastifyRequest<Params>, reply: FastifyReply, deps: ServerDeps): Promise<Loaded | null> {
  const id = request.params.id;
  const interaction = await deps.storage.interactions.find(id, deps.clock());
  if (!interaction || !interactionBelongsToBrowser(request, id)) {
    await sendGone(request, reply, deps);
    return null;
  }
  if (interaction.params.client_id) noteClient(request, interaction.params.client_id);
  const deviceDigest = interaction.params[deviceInteractionParameter];
  if (deviceDigest !== undefined) return loadDevice(reply, interaction, deviceDigest, deps);
  try {
    return { interaction, request: await validateStoredRequest(interaction.params, deps), device: null };
  } catch (error) {
    const oauthError = toOAuthError(error, request);
    if (oauthError.status >= 500) sendPage(reply, oauthError.status, serviceUnavailablePage());
    else sendPage(reply, 400, requestErrorPage(oauthError.description));
    return null;
  }
}

/**
 * A device's interaction: its record must still wait for an answer, and its client still be
 * allowed the device grant; else the page says the code expired or was answered already.
 */
async function loadDevice(reply: FastifyReply, interaction: InteractionRecord, digest: string, deps: ServerDeps): Promise<Loaded | null> {
  const record = await deps.storage.deviceAuthorizations.findByUserCode(digest, deps.clock());
  const client = record ? await deps.clients.find(record.clientId) : null;
  if (!record || record.status !== 'pending') {
    sendPage(reply, 400, deviceDonePage('late', client?.clientName ?? interaction.clientId));
    return null;
  }
  if (!clientUsesDeviceGrant(client)) {
    sendPage(reply, 400, requestErrorPage(deviceMessages.entry.unavailable));
    return null;
  }
  return { interaction, request: deviceAuthenticationRequest(record, client, deps.config.issuer, interaction.params), device: record };
}

/** load(), for a form POST: it must also echo the interaction's CSRF token. */
async function loadSubmitted(request: FastifyRequest<Params>, reply: FastifyReply, deps: ServerDeps, form: 'sign-in' | 'consent') {
  const loaded = await load(request, reply, deps);
  if (!loaded) return null;
  const fields = formFields(request.body);
  if (csrfTokenValid(loaded.interaction, fields)) return { loaded, fields };
  sendPage(reply, 403, formRefusedPage(form));
  return null;
}

async function browserState(request: FastifyRequest, loaded: Loaded, deps: ServerDeps, freshConsent: boolean) {
  const { accountId, authTime } = loaded.interaction;
  const freshLogin = accountId !== null && authTime !== null ? { accountId, authTime } : null;
  // A login inside this interaction is what counts (prompt=login, max_age); else the browser's session.
  const session = freshLogin ? null : await currentSession(request, deps);
  return { session, freshLogin, freshConsent };
}

/** Asks the decision again and shows the page it calls for, or finishes. */
async function advance(request: FastifyRequest, reply: FastifyReply, loaded: Loaded, deps: ServerDeps, freshConsent: boolean) {
  const decision = await decide(loaded.request, await browserState(request, loaded, deps, freshConsent), deps);
  if (decision.next === 'login') return sendLogin(reply, loaded, 200, loaded.request.loginHint ?? undefined, undefined, deps.config.signup);
  if (decision.next === 'issue') return finish(request, reply, loaded, decision.authentication, deps);
  const account = await deps.storage.accounts.findById(decision.authentication.accountId);
  const client = clientInfo(loaded.request.client.clientName, loaded.request.client.metadata);
  return sendPage(reply, 200, consentPage({
    action: `${interactionPath(loaded.interaction.interactionId)}/consent`, csrfToken: loaded.interaction.csrfToken,
    clientName: loaded.request.client.clientName, username: account?.username ?? '', scopes: loaded.request.scopes,
    selfRegistered: loaded.request.client.metadata.registration !== undefined, redirectTarget: redirectTargetOf(loaded.request.redirectUri),
    claims: claimsToApprove(loaded.request.consentItems), client,
    documentClient: documentClientView(loaded.request.client), device: loaded.device !== null,
  }), formTargets(loaded), imageSources(client));
}

/** Ends the interaction: the code for an authentication, access_denied for a refusal (RFC 6749 §4.1.2.1). */
async function finish(request: FastifyRequest, reply: FastifyReply, loaded: Loaded, authentication: Authentication | null, deps: ServerDeps) {
  const { interactionId } = loaded.interaction;
  await deps.storage.interactions.delete(interactionId);
  if (loaded.device) return finishDevice(request, reply, loaded, loaded.device, authentication, deps);
  const note: FinishedNote = {
    clientId: loaded.request.client.clientId, redirectUri: loaded.request.redirectUri,
    outcome: authentication ? 'approved' : 'denied',
  };
  releaseInteraction(reply, interactionId, note, deps);
  // The login inside this interaction started the browser's session: its cookie is already set.
  if (authentication) return issueAuthorization(reply, loaded.request, authentication, deps, await currentSessionRecord(request, deps));
  return sendAuthorizationError(reply, loaded.request, new OAuthError('access_denied', 'the user denied the request'), deps);
}

/**
 * RFC 8628 §3.3: the user's answer goes to the device record, which the device's next poll
 * reads; this browser only learns that it is done. One answer wins: a second (another tab) or a
 * late one (the code expired meanwhile) is told so.
 */
async function finishDevice(
  request: FastifyRequest, reply: FastifyReply, loaded: Loaded, device: DeviceAuthorizationRecord, authentication: Authentication | null, deps: ServerDeps,
) {
  releaseInteraction(reply, loaded.interaction.interactionId, null, deps);
  const approval = authentication ? { accountId: authentication.accountId, authTime: authentication.authTime } : null;
  const answered = await deps.storage.deviceAuthorizations.decide(device.userCodeDigest, deps.clock(), approval);
  const outcome = !answered ? 'late' : authentication ? 'approved' : 'denied';
  request.log.info({ reqId: request.id, clientId: device.clientId, grantId: device.grantId, outcome }, 'device authorization answered');
  return sendPage(reply, answered ? 200 : 400, deviceDonePage(outcome, loaded.request.client.clientName));
}

/**
 * No live interaction here for this browser. If this browser finished it (Back after signing
 * in), say so and link to the application — only to an origin registered for the client, since
 * the note comes back from the browser. Otherwise it expired or belongs to another browser.
 */
async function sendGone(request: FastifyRequest, reply: FastifyReply, deps: ServerDeps): Promise<void> {
  const note = finishedNote(request);
  const client = note ? await deps.clients.find(note.clientId).catch(() => null) : null;
  if (!note || !client) {
    sendPage(reply, 400, interactionUnavailablePage());
    return;
  }
  const registered = matchRedirectUri(client, note.redirectUri);
  const origin = registered ? new URL(registered).origin : 'null';
  const session = await currentSession(request, deps);
  const account = session ? await deps.storage.accounts.findById(session.accountId) : null;
  sendPage(reply, 200, finishedPage({
    clientName: client.clientName, outcome: note.outcome,
    returnTo: /^https?:\/\//.test(origin) ? `${origin}/` : null, username: account?.username ?? null,
  }));
}

function sendLogin(reply: FastifyReply, loaded: Loaded, status: number, username?: string, error?: string, signUpEnabled = false) {
  const client = clientInfo(loaded.request.client.clientName, loaded.request.client.metadata);
  return sendPage(reply, status, loginPage({
    action: `${interactionPath(loaded.interaction.interactionId)}/login`, csrfToken: loaded.interaction.csrfToken,
    clientName: loaded.request.client.clientName, username, error, client,
    // The way back to this sign-in rides along to /reset and /signup (endpoints/account-email.ts#safeReturnTo).
    resetHref: `/reset?return_to=${encodeURIComponent(interactionPath(loaded.interaction.interactionId))}`,
    signUpHref: signUpEnabled ? `/signup?return_to=${encodeURIComponent(interactionPath(loaded.interaction.interactionId))}` : undefined,
  }), formTargets(loaded), imageSources(client));
}

/** The claims asked for by name that the consent page lists beside the scopes (oidc/claims.ts). */
function claimsToApprove(items: readonly string[]): string[] {
  return items.filter((item) => item.startsWith(claimConsentPrefix)).map((item) => item.slice(claimConsentPrefix.length));
}

/** The login and consent forms end in a redirect to the client, which CSP form-action must allow. */
function formTargets(loaded: Loaded): string[] {
  if (loaded.device) return [];
  return [new URL(loaded.request.redirectUri).origin];
}

function sendPage(reply: FastifyReply, status: number, html: string, formTargets: string[] = [], images: string[] = []): FastifyReply {
  return htmlPageHeaders(reply, formTargets, [], images).code(status).send(html);
}

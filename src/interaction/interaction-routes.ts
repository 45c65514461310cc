// The interaction pages between /authorize and the redirect back: GET shows login or consent
// (or finishes), POST …/login checks the password, POST …/consent records the decision.
// Every POST carries the interaction's CSRF token; the interaction is bound to this browser.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import type { WireParameters } from '../http/form.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { toOAuthError } from '../http/error-response.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { OAuthError } from '../oauth/errors.js';
import type { AuthenticationRequest } from '../oidc/authentication-request.js';
import { decideInteraction, type InteractionDecision } from '../oidc/prompt.js';
import type { InteractionRecord } from '../storage/records.js';
import { currentSession, interactionBelongsToBrowser, releaseInteraction } from './browser-session.js';
import { issueAndRespond, sendAuthorizationError, trustRedirect, validateRequest } from './authorization-flow.js';
import { attemptLogin } from './login.js';
import { consentPage } from './views/consent.js';
import { errorPage } from './views/error.js';
import { loginPage } from './views/login.js';

interface Loaded {
  interaction: InteractionRecord;
  request: AuthenticationRequest;
}

type Params = { Params: { id: string } };

function sendPageError(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  return htmlPageHeaders(reply).code(status).send(errorPage(title, message));
}

async function load(request: FastifyRequest<Params>, reply: FastifyReply, deps: ServerDeps): Promise<Loaded | null> {
  const id = request.params.id;
  const interaction = await deps.storage.interactions.find(id, deps.clock());
  if (!interaction || !interactionBelongsToBrowser(request, id)) {
    sendPageError(reply, 400, 'This sign-in has expired', 'The sign-in request is no longer valid in this browser. Go back to the application and start again.');
    return null;
  }
  try {
    const trusted = await trustRedirect(interaction.params, [], deps);
    return { interaction, request: await validateRequest(interaction.params, [], trusted, deps) };
  } catch (error) {
    const oauthError = toOAuthError(error, request);
    if (oauthError.status >= 500) {
      sendPageError(reply, oauthError.status, 'Temporarily unavailable', 'The sign-in service is busy or briefly unavailable. Wait a moment and reload this page.');
    } else {
      sendPageError(reply, 400, 'This sign-in request cannot continue', oauthError.description);
    }
    return null;
  }
}

async function decide(request: FastifyRequest, loaded: Loaded, deps: ServerDeps, freshConsent: boolean): Promise<InteractionDecision> {
  const { interaction } = loaded;
  const freshLogin = interaction.accountId !== null && interaction.authTime !== null
    ? { accountId: interaction.accountId, authTime: interaction.authTime } : null;
  const session = freshLogin ? null : await currentSession(request, deps);
  const accountId = freshLogin?.accountId ?? session?.accountId;
  const consent = accountId ? await deps.storage.consents.find(accountId, loaded.request.client.clientId) : null;
  return decideInteraction({ request: loaded.request, session, freshLogin, freshConsent, consent, now: deps.clock() });
}

function formTargets(loaded: Loaded): string[] {
  return [new URL(loaded.request.redirectUri).origin];
}

async function finish(reply: FastifyReply, loaded: Loaded, decision: InteractionDecision & { next: 'issue' | 'consent' }, deps: ServerDeps) {
  await deps.storage.interactions.delete(loaded.interaction.interactionId);
  releaseInteraction(reply, deps);
  return issueAndRespond(reply, loaded.request, decision.authentication, deps);
}

async function showStep(request: FastifyRequest, reply: FastifyReply, loaded: Loaded, deps: ServerDeps, error?: string) {
  const decision = await decide(request, loaded, deps, false);
  const action = `/interaction/${loaded.interaction.interactionId}`;
  const clientName = loaded.request.client.clientName;
  if (decision.next === 'login') {
    return htmlPageHeaders(reply, formTargets(loaded)).code(error ? 401 : 200).send(loginPage({
      action: `${action}/login`, csrfToken: loaded.interaction.csrfToken, clientName,
      username: loaded.request.loginHint ?? undefined, error,
    }));
  }
  if (decision.next === 'consent') {
    const account = await deps.storage.accounts.findById(decision.authentication.accountId);
    return htmlPageHeaders(reply, formTargets(loaded)).send(consentPage({
      action: `${action}/consent`, csrfToken: loaded.interaction.csrfToken, clientName,
      username: account?.username ?? '', scopes: loaded.request.scopes,
    }));
  }
  return finish(reply, loaded, decision, deps);
}

function csrfValid(loaded: Loaded, body: WireParameters | undefined): boolean {
  const sent = body?.params.csrf_token;
  return sent !== undefined && constantTimeEqual(sent, loaded.interaction.csrfToken);
}

export function interactionPage(deps: ServerDeps) {
  return async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const loaded = await load(request, reply, deps);
    if (!loaded) return reply;
    return showStep(request, reply, loaded, deps);
  };
}

export function loginSubmit(deps: ServerDeps) {
  return async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const loaded = await load(request, reply, deps);
    if (!loaded) return reply;
    const body = request.body as WireParameters | undefined;
    if (!csrfValid(loaded, body)) return sendPageError(reply, 403, 'Request refused', 'The form was not submitted from this sign-in page. Go back and try again.');
    const outcome = await attemptLogin(request, reply, loaded.interaction, body?.params ?? {}, deps);
    if (outcome.ok) return reply.header('Cache-Control', 'no-store').redirect(`/interaction/${loaded.interaction.interactionId}`, 303);
    if (outcome.throttled) reply.code(429).header('Retry-After', String(deps.config.loginFailureWindow));
    else reply.code(401);
    return htmlPageHeaders(reply, formTargets(loaded)).send(loginPage({
      action: `/interaction/${loaded.interaction.interactionId}/login`, csrfToken: loaded.interaction.csrfToken,
      clientName: loaded.request.client.clientName, username: outcome.username, error: outcome.message,
    }));
  };
}

export function consentSubmit(deps: ServerDeps) {
  return async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const loaded = await load(request, reply, deps);
    if (!loaded) return reply;
    const body = request.body as WireParameters | undefined;
    if (!csrfValid(loaded, body)) return sendPageError(reply, 403, 'Request refused', 'The form was not submitted from this consent page. Go back and try again.');
    const decision = await decide(request, loaded, deps, false);
    if (decision.next === 'login') return showStep(request, reply, loaded, deps);
    const { interactionId } = loaded.interaction;
    if (body?.params.decision !== 'approve') {
      await deps.storage.interactions.delete(interactionId);
      releaseInteraction(reply, deps);
      return sendAuthorizationError(reply, loaded.request, new OAuthError('access_denied', 'the user denied the request'), deps);
    }
    const now = deps.clock();
    const { accountId } = decision.authentication;
    const clientId = loaded.request.client.clientId;
    const previous = await deps.storage.consents.find(accountId, clientId);
    const scopes = [...new Set([...(previous?.scopes ?? []), ...loaded.request.scopes])];
    await deps.storage.consents.save({ accountId, clientId, scopes, createdAt: previous?.createdAt ?? now, updatedAt: now });
    return finish(reply, loaded, { next: 'issue', authentication: decision.authentication }, deps);
  };
}

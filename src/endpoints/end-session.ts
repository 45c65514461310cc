// GET/POST /end_session (OpenID Connect RP-Initiated Logout 1.0 §2) and POST /end_session/confirm
// (the user's answer, §6): validate (oidc/end-session.ts), turn a cookieless cross-site POST into
// the same GET so the browser's session cookie comes along, ask when the request does not name the
// signed-in user, end the session (oauth/lifecycle.ts), then redirect to the registered
// post_logout_redirect_uri with state (§3) or show the signed-out page — with the session's
// front-channel logout iframes first, when it has any (Front-Channel Logout 1.0 §3). A wrong
// request is a page, never a redirect.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { parseWireParameters, queryOf, type WireParameters } from '../http/form.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { toOAuthError } from '../http/error-response.js';
import { endSession } from '../oauth/lifecycle.js';
import {
  logoutNeedsConfirmation, postLogoutRedirect, validateLogoutRequest, type LogoutRequest,
} from '../oidc/end-session.js';
import { frontchannelLogoutFrames } from '../oidc/frontchannel-logout.js';
import type { SessionRecord } from '../storage/records.js';
import {
  clearSessionCookie, currentSessionRecord, hasSessionCookie, logoutCsrfToken, logoutCsrfTokenValid,
} from '../interaction/browser-session.js';
import { formFields } from '../interaction/forms.js';
import {
  logoutConfirmPage, logoutErrorPage, logoutRefusedPage, signedOutPage, stayedSignedInPage,
} from '../interaction/views/logout.js';
import { frontchannelLogoutPage } from '../interaction/views/frontchannel-logout.js';

export const endSessionPath = '/end_session';
const confirmPath = `${endSessionPath}/confirm`;

export function endSessionEndpoint(deps: ServerDeps) {
  return async function endSessionRequest(request: FastifyRequest, reply: FastifyReply) {
    const { params, duplicated } = request.method === 'POST'
      ? (request.body as WireParameters | undefined) ?? { params: {}, duplicated: [] }
      : parseWireParameters(queryOf(request.url));
    const logout = await validated(request, reply, params, duplicated, deps);
    if (!logout) return reply;

    // §2 allows POST; a form POSTed from the RP's site carries no SameSite=Lax session cookie, so
    // the session would stay alive at the OP unseen. The same request again as a top-level GET
    // navigation does carry it (the parameters are those §2 also allows in a GET).
    if (request.method === 'POST' && !hasSessionCookie(request)) {
      const query = new URLSearchParams(logout.params).toString();
      return reply.header('Cache-Control', 'no-store').redirect(`${deps.config.issuer}${endSessionPath}${query ? `?${query}` : ''}`, 303);
    }

    const session = await currentSessionRecord(request, deps);
    const account = session ? await deps.storage.accounts.findById(session.accountId) : null;
    // A pairwise client's hint names the account by the client's own subject (OIDC Core §8.1).
    const hintSubject = session && logout.client ? deps.subjects.subjectFor(logout.client, session.accountId) : session?.accountId ?? null;
    if (session && logoutNeedsConfirmation(logout, session, account?.username ?? null, hintSubject)) {
      // A session is only ever found through its cookie, so the token exists; never end it unasked.
      const csrfToken = logoutCsrfToken(request) ?? '';
      return htmlPageHeaders(reply, formTargets(logout)).send(logoutConfirmPage({
        action: confirmPath, csrfToken, params: logout.params, username: account?.username ?? session.accountId,
        clientName: logout.client?.clientName ?? null, uiLocales: logout.uiLocales,
      }));
    }
    return finishLogout(reply, logout, session, deps);
  };
}

/** The confirmation form's answer: only from this browser's own page (its CSRF token). */
export function endSessionConfirm(deps: ServerDeps) {
  return async function confirm(request: FastifyRequest, reply: FastifyReply) {
    const { params, duplicated } = (request.body as WireParameters | undefined) ?? { params: {}, duplicated: [] };
    const fields = formFields(request.body);
    const logout = await validated(request, reply, params, duplicated, deps);
    if (!logout) return reply;
    const session = await currentSessionRecord(request, deps);
    // With no session there is nothing left to end, and nothing for a forged form to harm.
    if (session && !logoutCsrfTokenValid(request, fields.csrf_token)) {
      return htmlPageHeaders(reply).code(403).send(logoutRefusedPage(logout.uiLocales));
    }
    if (session && fields.decision !== 'logout') return htmlPageHeaders(reply).send(stayedSignedInPage(logout.uiLocales));
    return finishLogout(reply, logout, session, deps);
  };
}

async function validated(
  request: FastifyRequest, reply: FastifyReply, params: Record<string, string>, duplicated: readonly string[], deps: ServerDeps,
): Promise<LogoutRequest | null> {
  try {
    return await validateLogoutRequest(params, duplicated, { clients: deps.clients, verifyHint: deps.verifyLogoutHint });
  } catch (error) {
    const oauthError = toOAuthError(error, request);
    const uiLocales = (params.ui_locales ?? '').split(' ').filter((t) => t !== '');
    htmlPageHeaders(reply).code(oauthError.status >= 500 ? oauthError.status : 400)
      .send(logoutErrorPage(oauthError.description, oauthError.code, uiLocales));
    return null;
  }
}

/** Ends the session (if any), clears the cookie, and goes back to the client or says so. */
async function finishLogout(reply: FastifyReply, logout: LogoutRequest, session: SessionRecord | null, deps: ServerDeps) {
  if (session) {
    await endSession(session, {
      storage: deps.storage, clock: deps.clock, sessionEnded: (ended) => deps.logoutNotifier.sessionEnded(ended),
    });
  }
  clearSessionCookie(reply, deps);
  const location = postLogoutRedirect(logout);
  // Front-Channel Logout 1.0 §3: each client the session signed into with a front-channel logout
  // URI is told in an iframe before the browser goes on; the page may frame those origins only.
  const frames = session ? await frontchannelLogoutFrames(session, { clients: deps.storage.clients, issuer: deps.config.issuer }) : [];
  if (frames.length > 0) {
    return htmlPageHeaders(reply, [], frames.map((frame) => frame.origin)).send(frontchannelLogoutPage({
      frames, continueTo: location, clientName: logout.client?.clientName ?? null, uiLocales: logout.uiLocales,
      timeoutMs: deps.config.frontchannelLogoutTimeout * 1000,
    }));
  }
  if (location) return reply.header('Cache-Control', 'no-store').redirect(location, 303);
  return htmlPageHeaders(reply).send(signedOutPage(logout.client?.clientName ?? null, logout.uiLocales));
}

/** The confirmation form's POST ends in a redirect to the client, which CSP form-action must allow. */
function formTargets(logout: LogoutRequest): string[] {
  const origin = logout.postLogoutRedirectUri ? new URL(logout.postLogoutRedirectUri).origin : 'null';
  return origin === 'null' ? [] : [origin];
}

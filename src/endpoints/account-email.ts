// The pages of the mail-based account flows (the rules are in accounts/email-links.ts):
//   GET|POST /reset                ask for a reset link (the same answer whether or not the account exists)
//   GET /reset?token=… , POST /reset/confirm    the new-password form and its submission
//   GET|POST /verify-email         a verification link's landing page (a button: a mail scanner's GET spends nothing)
//   GET|POST /account/email        ask to change the signed-in account's address (session + CSRF)
//   GET|POST /account/email/confirm  the change link's landing page
//   GET|POST /signup               self-registration, only when config `signup` is on (else no route: 404)
// Forms without a session carry a CSRF token: a random cookie (gh_form) and its HMAC in the form,
// as /device does; the signed-in form's token is an HMAC under the session cookie. Link forms
// carry the link's token, which no other site knows.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { parseWireParameters, queryOf } from '../http/form.js';
import { appendCookie, readCookie, serializeCookie } from '../http/cookies.js';
import { hmacSha256Base64url } from '../lib/digest.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { randomToken } from '../lib/random.js';
import { formFields } from '../interaction/forms.js';
import { currentSession, sessionCookie } from '../interaction/browser-session.js';
import {
  confirmEmailChange, confirmEmailChangePath, liveLink, requestEmailChange, requestPasswordReset, resetPassword, resetPath, signUp,
  verifyEmail, verifyEmailPath,
} from '../accounts/email-links.js';
import { emailLinkDeps } from '../interaction/email-link-deps.js';
import {
  confirmLinkPage, emailChangePage, linkInvalidPage, messagePage, resetFormPage, resetRequestPage, resetSentPage, signUpPage,
} from '../interaction/views/account-email.js';
import { accountEmailMessages as m } from '../interaction/views/account-email-messages.js';

export { resetPath, verifyEmailPath, confirmEmailChangePath };
export const signUpPath = '/signup';
export const emailChangePath = '/account/email';

const formCookie = 'gh_form';

/** Only a way back to an interaction page of this server: never an open redirect. */
export function safeReturnTo(value: string | undefined): string | undefined {
  return value !== undefined && /^\/interaction\/[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
}

function queryParams(request: FastifyRequest): Record<string, string> {
  return parseWireParameters(queryOf(request.url)).params;
}

function formToken(cookie: string): string {
  return hmacSha256Base64url(cookie, 'gatehouse account form');
}

/** The form CSRF token for this browser, setting its cookie when it has none. */
function formCsrf(request: FastifyRequest, reply: FastifyReply, deps: ServerDeps): string {
  let cookie = readCookie(request.headers.cookie, formCookie);
  if (!cookie || !/^[A-Za-z0-9_-]{32,64}$/.test(cookie)) {
    cookie = randomToken(32);
    appendCookie(reply, serializeCookie(formCookie, cookie, { secure: deps.secureCookies, maxAge: 3600 }));
  }
  return formToken(cookie);
}

function formCsrfValid(request: FastifyRequest, sent: string | undefined): boolean {
  const cookie = readCookie(request.headers.cookie, formCookie);
  return cookie !== undefined && sent !== undefined && constantTimeEqual(sent, formToken(cookie));
}

/**
 * The CSRF token of the signed-in email-change form: an HMAC under this browser's session cookie,
 * so only a page this server rendered for the session can carry it (the /account page may embed it).
 */
export function emailChangeCsrfToken(request: FastifyRequest): string | null {
  const value = readCookie(request.headers.cookie, sessionCookie);
  return value ? hmacSha256Base64url(value, 'gatehouse account email change') : null;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return htmlPageHeaders(reply).code(status).send(html);
}

// --- password reset -------------------------------------------------------------------------

export function resetPage(deps: ServerDeps) {
  return async function reset(request: FastifyRequest, reply: FastifyReply) {
    const query = queryParams(request);
    if (query.token !== undefined) {
      const record = await liveLink(query.token, 'reset_password', emailLinkDeps(deps));
      const account = record ? await deps.storage.accounts.findById(record.accountId) : null;
      if (!account) return send(reply, 400, linkInvalidPage(true));
      return send(reply, 200, resetFormPage({ action: `${resetPath}/confirm`, csrfToken: formCsrf(request, reply, deps), token: query.token, username: account.username }));
    }
    const returnTo = safeReturnTo(query.return_to);
    return send(reply, 200, resetRequestPage({ action: resetPath, csrfToken: formCsrf(request, reply, deps), returnTo }));
  };
}

export function resetSubmit(deps: ServerDeps) {
  return async function submit(request: FastifyRequest, reply: FastifyReply) {
    const fields = formFields(request.body);
    const returnTo = safeReturnTo(fields.return_to);
    const again = (status: number, error: string) => send(reply, status,
      resetRequestPage({ action: resetPath, csrfToken: formCsrf(request, reply, deps), returnTo, identifier: fields.identifier, error }));
    if (!formCsrfValid(request, fields.csrf_token)) return again(403, m.formExpired);
    const outcome = await requestPasswordReset(fields.identifier ?? '', request.ip, emailLinkDeps(deps));
    if (outcome === 'throttled') {
      reply.header('Retry-After', '3600');
      return again(429, m.resetRequest.throttled);
    }
    return send(reply, 200, resetSentPage(returnTo));
  };
}

export function resetConfirm(deps: ServerDeps) {
  return async function confirm(request: FastifyRequest, reply: FastifyReply) {
    const fields = formFields(request.body);
    const token = fields.token ?? '';
    const links = emailLinkDeps(deps);
    const formAgain = async (status: number, error: string) => {
      const record = await liveLink(token, 'reset_password', links);
      const account = record ? await deps.storage.accounts.findById(record.accountId) : null;
      if (!account) return send(reply, 400, linkInvalidPage(true));
      return send(reply, status, resetFormPage({ action: `${resetPath}/confirm`, csrfToken: formCsrf(request, reply, deps), token, username: account.username, error }));
    };
    if (!formCsrfValid(request, fields.csrf_token)) return formAgain(403, m.formExpired);
    const password = fields.password ?? '';
    if (password !== (fields.password_confirm ?? '')) return formAgain(400, m.resetForm.mismatch);
    const outcome = await resetPassword(token, password, links);
    if (outcome.ok) return send(reply, 200, messagePage(m.resetDone.title, m.resetDone.lead));
    if (outcome.reason === 'weak') return formAgain(400, outcome.message);
    return send(reply, 400, linkInvalidPage(true));
  };
}

// --- email verification -----------------------------------------------------------------------

export function verifyEmailPage(deps: ServerDeps) {
  return async function verify(request: FastifyRequest, reply: FastifyReply) {
    const token = queryParams(request).token ?? '';
    if (!(await liveLink(token, 'verify_email', emailLinkDeps(deps)))) return send(reply, 400, linkInvalidPage(false));
    return send(reply, 200, confirmLinkPage({ title: m.verify.title, lead: m.verify.lead, submit: m.verify.submit, action: verifyEmailPath, token }));
  };
}

export function verifyEmailSubmit(deps: ServerDeps) {
  return async function verify(request: FastifyRequest, reply: FastifyReply) {
    const outcome = await verifyEmail(formFields(request.body).token ?? '', emailLinkDeps(deps));
    if (outcome !== 'verified') return send(reply, 400, linkInvalidPage(false));
    return send(reply, 200, messagePage(m.verify.doneTitle, m.verify.done));
  };
}

// --- email change -------------------------------------------------------------------------

export function emailChangeForm(deps: ServerDeps) {
  return async function form(request: FastifyRequest, reply: FastifyReply) {
    const session = await currentSession(request, deps);
    const account = session ? await deps.storage.accounts.findById(session.accountId) : null;
    const csrfToken = emailChangeCsrfToken(request);
    if (!account || !csrfToken) return send(reply, 401, messagePage(m.emailChange.title, m.emailChange.signInFirst));
    return send(reply, 200, emailChangePage({ action: emailChangePath, csrfToken, current: account.email }));
  };
}

export function emailChangeSubmit(deps: ServerDeps) {
  return async function submit(request: FastifyRequest, reply: FastifyReply) {
    const fields = formFields(request.body);
    const session = await currentSession(request, deps);
    const account = session ? await deps.storage.accounts.findById(session.accountId) : null;
    const csrfToken = emailChangeCsrfToken(request);
    if (!account || !csrfToken) return send(reply, 401, messagePage(m.emailChange.title, m.emailChange.signInFirst));
    const again = (status: number, error: string) => send(reply, status,
      emailChangePage({ action: emailChangePath, csrfToken, current: account.email, email: fields.email, error }));
    const sent = fields.csrf_token;
    if (sent === undefined || !constantTimeEqual(sent, csrfToken)) return again(403, m.formExpired);
    const outcome = await requestEmailChange(account.accountId, fields.email ?? '', emailLinkDeps(deps));
    if (outcome === 'sent') return send(reply, 200, messagePage(m.emailChange.sentTitle, m.emailChange.sent));
    if (outcome === 'same') return again(400, m.emailChange.same);
    if (outcome === 'throttled') return again(429, m.emailChange.throttled);
    return again(400, outcome.problem);
  };
}

export function emailChangeConfirmPage(deps: ServerDeps) {
  return async function confirm(request: FastifyRequest, reply: FastifyReply) {
    const token = queryParams(request).token ?? '';
    if (!(await liveLink(token, 'change_email', emailLinkDeps(deps)))) return send(reply, 400, linkInvalidPage(false));
    const c = m.emailChange;
    return send(reply, 200, confirmLinkPage({ title: c.confirmTitle, lead: c.confirmLead, submit: c.confirmSubmit, action: confirmEmailChangePath, token }));
  };
}

export function emailChangeConfirmSubmit(deps: ServerDeps) {
  return async function confirm(request: FastifyRequest, reply: FastifyReply) {
    const outcome = await confirmEmailChange(formFields(request.body).token ?? '', emailLinkDeps(deps));
    if (outcome !== 'changed') return send(reply, 400, linkInvalidPage(false));
    return send(reply, 200, messagePage(m.emailChange.doneTitle, m.emailChange.done));
  };
}

// --- self-registration ----------------------------------------------------------------------

export function signUpForm(deps: ServerDeps) {
  return async function form(request: FastifyRequest, reply: FastifyReply) {
    const returnTo = safeReturnTo(queryParams(request).return_to);
    return send(reply, 200, signUpPage({ action: signUpPath, csrfToken: formCsrf(request, reply, deps), returnTo }));
  };
}

export function signUpSubmit(deps: ServerDeps) {
  return async function submit(request: FastifyRequest, reply: FastifyReply) {
    const fields = formFields(request.body);
    const returnTo = safeReturnTo(fields.return_to);
    const values = { username: fields.username ?? '', email: fields.email ?? '' };
    const again = (status: number, field: string, message: string) => send(reply, status,
      signUpPage({ action: signUpPath, csrfToken: formCsrf(request, reply, deps), returnTo, values, error: { field, message } }));
    if (!formCsrfValid(request, fields.csrf_token)) return again(403, 'form', m.formExpired);
    const outcome = await signUp({ ...values, password: fields.password ?? '' }, request.ip, emailLinkDeps(deps));
    if (!outcome.ok) {
      if (outcome.status === 429) reply.header('Retry-After', '3600');
      return again(outcome.status, outcome.field, outcome.message);
    }
    return send(reply, 201, messagePage(m.signup.doneTitle, m.signup.done, returnTo));
  };
}

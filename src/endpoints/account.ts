// The account page's routes (/account): sign in through /authorize as the built-in client
// (account/first-party-client.ts, account/account-session.ts), then the page and its forms.
// Every POST needs the account cookie and the form's CSRF token; what a change revokes is
// oauth/lifecycle.ts's (changePassword, endSession, disconnectClient).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerDeps } from '../http/server-deps.js';
import { parseWireParameters, queryOf } from '../http/form.js';
import { htmlPageHeaders } from '../http/security-headers.js';
import { formFields } from '../interaction/forms.js';
import { loginThrottlePolicy } from '../interaction/login.js';
import { usernameSchedule } from '../accounts/login-throttle.js';
import { passwordProblem } from '../accounts/password-policy.js';
import { hashPassword } from '../accounts/password.js';
import { changePassword, disconnectClient, endSession } from '../oauth/lifecycle.js';
import {
  accountCsrfToken, accountCsrfValid, accountVisit, finishAccountSignIn, startAccountSignIn, type AccountVisit,
} from '../account/account-session.js';
import { accountClientId, accountPath } from '../account/first-party-client.js';
import { accountMessages as m, accountNotices, fill, type AccountNotice } from '../account/messages.js';
import { accountPage, accountRefusedPage, accountSignInFailedPage, type AccountPageView } from '../account/view.js';
import { recordAccountEvent } from '../account/events.js';

const maxNameLength = 200;

/** GET /account: the page, or the round trip through /authorize first. */
export function accountPageEndpoint(deps: ServerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const visit = await accountVisit(request, deps);
    if (!visit) return reply.header('Cache-Control', 'no-store').redirect(startAccountSignIn(reply, deps), 303);
    const done = parseWireParameters(queryOf(request.url)).params.done;
    const notice = accountNotices.find((n) => n === done);
    return render(request, reply, visit, deps, { notice });
  };
}

/** GET /account/callback: the built-in client's redirect URI. */
export function accountCallbackEndpoint(deps: ServerDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const { params } = parseWireParameters(queryOf(request.url));
    const outcome = await finishAccountSignIn(request, reply, params, deps);
    if (!outcome.ok) {
      request.log.info({ reqId: request.id, reason: outcome.reason, error: params.error?.slice(0, 64) }, 'account page sign-in refused');
      return htmlPageHeaders(reply).code(400).send(accountSignInFailedPage());
    }
    return reply.header('Cache-Control', 'no-store').redirect(accountPath, 303);
  };
}

type FormHandler = (request: FastifyRequest, reply: FastifyReply, visit: AccountVisit, fields: Record<string, string>) => Promise<unknown>;

/** Every account form: signed in (else back to /account, which signs in), then the CSRF token. */
function accountForm(deps: ServerDeps, handle: FormHandler) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const visit = await accountVisit(request, deps);
    if (!visit) return reply.header('Cache-Control', 'no-store').redirect(accountPath, 303);
    const fields = formFields(request.body);
    if (!accountCsrfValid(request, fields.csrf_token)) return htmlPageHeaders(reply).code(403).send(accountRefusedPage());
    return handle(request, reply, visit, fields);
  };
}

function done(reply: FastifyReply, notice: AccountNotice) {
  return reply.header('Cache-Control', 'no-store').redirect(`${accountPath}?done=${notice}`, 303);
}

export function accountProfileSubmit(deps: ServerDeps) {
  return accountForm(deps, async (request, reply, visit, fields) => {
    const name = (fields.name ?? '').trim();
    if ([...name].length > maxNameLength) {
      return render(request, reply, visit, deps, { error: { form: 'profile', message: m.nameTooLong } }, 400);
    }
    const { account } = visit;
    await deps.storage.accounts.updateClaims(account.accountId, {
      email: account.email, emailVerified: account.emailVerified, name: name === '' ? null : name, profile: account.profile ?? {},
    }, deps.clock());
    return done(reply, 'nameSaved');
  });
}

export function accountPasswordSubmit(deps: ServerDeps) {
  return accountForm(deps, async (request, reply, visit, fields) => {
    const refuse = (message: string, status = 400) => render(request, reply, visit, deps, { error: { form: 'password', message } }, status);
    const current = fields.current_password ?? '';
    const next = fields.new_password ?? '';
    if (next !== (fields.confirm_password ?? '')) return refuse(m.passwordMismatch);
    if (passwordProblem(next) !== null) return refuse(m.passwordPolicy);
    // Guesses at the current password are throttled like logins, under a key of their own.
    const key = `account-password:${visit.account.accountId}`;
    const reservation = await deps.storage.loginThrottle.reserve(key, deps.clock(), usernameSchedule(loginThrottlePolicy(deps.config)));
    if (!reservation.allowed) {
      reply.header('Retry-After', String(reservation.retryAfter));
      return refuse(fill(m.passwordThrottled, { seconds: String(reservation.retryAfter) }), 429);
    }
    if (current === '' || !(await deps.passwords.verify(visit.account.passwordHash, current))) {
      request.log.info({ reqId: request.id, accountId: visit.account.accountId }, 'account page: wrong current password');
      return refuse(m.wrongPassword, 401);
    }
    await deps.storage.loginThrottle.clear(key);
    const hash = await hashPassword(next, deps.config.argon2);
    await changePassword(visit.account.accountId, hash, lifecycleDeps(deps), { keepSession: visit.session.sessionDigest });
    await recordAccountEvent(deps, visit.account.accountId, 'password_changed', request.ip);
    request.log.info({ reqId: request.id, accountId: visit.account.accountId }, 'account page: password changed');
    return done(reply, 'passwordChanged');
  });
}

export function accountSessionEndSubmit(deps: ServerDeps) {
  return accountForm(deps, async (_request, reply, visit, fields) => {
    const sessions = await deps.storage.sessions.listByAccount(visit.account.accountId, deps.clock());
    const others = sessions.filter((s) => s.sessionDigest !== visit.session.sessionDigest);
    if (fields.sid === 'others') {
      for (const s of others) await endSession(s, lifecycleDeps(deps));
      return done(reply, 'sessionsEnded');
    }
    // Only the account's own sessions, and not this one (the sign-out link ends this one).
    const target = others.find((s) => s.sid === fields.sid);
    if (!target) return done(reply, 'sessionGone');
    await endSession(target, lifecycleDeps(deps));
    return done(reply, 'sessionEnded');
  });
}

export function accountAppRevokeSubmit(deps: ServerDeps) {
  return accountForm(deps, async (request, reply, visit, fields) => {
    const clientId = fields.client_id ?? '';
    if (clientId !== '' && clientId !== accountClientId) {
      const revoked = await disconnectClient(visit.account.accountId, clientId, lifecycleDeps(deps));
      request.log.info({ reqId: request.id, accountId: visit.account.accountId, clientId, revoked }, 'account page: app disconnected');
    }
    return done(reply, 'appRevoked');
  });
}

function lifecycleDeps(deps: ServerDeps) {
  return { storage: deps.storage, clock: deps.clock, sessionEnded: deps.logoutNotifier.sessionEnded.bind(deps.logoutNotifier) };
}

async function render(
  request: FastifyRequest, reply: FastifyReply, visit: AccountVisit, deps: ServerDeps,
  extra: Pick<AccountPageView, 'notice' | 'error'>, status = 200,
) {
  const { account, session } = visit;
  const now = deps.clock();
  const names = new Map<string, string>();
  const nameOf = async (clientId: string) => {
    if (!names.has(clientId)) {
      const client = await deps.clients.find(clientId).catch(() => null);
      names.set(clientId, client?.clientName || clientId);
    }
    return names.get(clientId)!;
  };
  const sessions = await deps.storage.sessions.listByAccount(account.accountId, now);
  const sessionViews = await Promise.all(sessions.map(async (s) => ({
    sid: s.sid, current: s.sessionDigest === session.sessionDigest, authTime: s.authTime, createdAt: s.createdAt,
    appNames: await Promise.all(s.clientIds.filter((id) => id !== accountClientId).map(nameOf)),
  })));
  sessionViews.sort((a, b) => Number(b.current) - Number(a.current));

  // Connected apps: a remembered consent, or a live grant (a trusted client asks no consent).
  const apps = new Map<string, { scopes: Set<string>; since: number }>();
  const add = (clientId: string, scopes: readonly string[], since: number) => {
    if (clientId === accountClientId) return;
    const app = apps.get(clientId) ?? { scopes: new Set<string>(), since };
    for (const s of scopes) app.scopes.add(s);
    app.since = Math.min(app.since, since);
    apps.set(clientId, app);
  };
  for (const c of await deps.storage.consents.listByAccount(account.accountId)) add(c.clientId, c.scopes, c.createdAt);
  for (const g of await deps.storage.grants.listByAccount(account.accountId)) if (g.revokedAt === null) add(g.clientId, g.scopes, g.createdAt);
  const appViews = await Promise.all([...apps].map(async ([clientId, app]) => ({
    clientId, name: await nameOf(clientId), scopes: [...app.scopes], since: app.since,
  })));

  const events = await deps.storage.accountEvents.listByAccount(account.accountId, 20);
  return htmlPageHeaders(reply).code(status).send(accountPage({
    username: account.username, name: account.name, email: account.email, emailVerified: account.emailVerified,
    csrfToken: accountCsrfToken(request), sessions: sessionViews, apps: appViews,
    events: events.map((ev) => ({ kind: ev.kind, at: ev.at, address: ev.address })), ...extra,
  }));
}

// The demo client (the seed's Client-Server): routes for home, login, callback, profile,
// refresh and logout, and back-channel logout (backchannel-logout.ts). Tokens live in the
// server-side session; the browser gets a cookie only.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AuthorizationResponseError, ResponseBodyError } from 'openid-client';
import { timingSafeEqual } from 'node:crypto';
import { implicitAvailable, registerImplicit } from './implicit.js';
import { backchannelLogoutPanel, registerBackchannelLogout, type BackchannelLogoutLog } from './backchannel-logout.js';
import { callProtectedApi, tokenRefused } from './protected-api.js';
import { registerPlayground } from './playground/index.js';
import type { RelyingParty } from './relying-party.js';
import { SessionStore, type Session } from './session-store.js';
import { stylesheet } from './styles.js';
import { errorPage, homePage, profilePage } from './views.js';

export interface ClientAppOptions {
  /** Where browsers reach this app, e.g. http://localhost:4000 (the redirect URI is <baseUrl>/callback). */
  baseUrl: string;
  apiUrl: string;
  relyingParty: RelyingParty;
  /** The public implicit client first-run registers when Gatehouse runs the implicit flow. */
  implicitClientId?: string | undefined;
  now: () => number;
  logLevel?: string;
}

/** The app, and what its back-channel logout endpoint has received. */
export type ClientApp = FastifyInstance & { backchannelLogouts: BackchannelLogoutLog };

const cookieName = 'demo_session';
/** Refresh a little before expiry so the API never sees a token that dies in flight. */
const refreshMargin = 5;

/**
 * What may be logged about a failure: openid-client errors carry the offending response or
 * JWT as their cause, which can hold tokens, so only the message and code are kept.
 */
function problem(error: unknown): { error: string; code?: string } {
  const { message, code } = error as { message?: unknown; code?: unknown };
  return { error: String(message ?? error), ...(typeof code === 'string' ? { code } : {}) };
}

// form-action also governs where a form's redirect may go: the logout form ends at Gatehouse's
// end_session_endpoint (RP-initiated logout), so the issuer's origin is allowed too.
const cspFor = (issuer: string) =>
  `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${new URL(issuer).origin}; frame-ancestors 'none'; base-uri 'none'`;

export function buildClientApp(options: ClientAppOptions): ClientApp {
  const { relyingParty, now } = options;
  const csp = cspFor(relyingParty.issuer);
  const secureCookie = new URL(options.baseUrl).protocol === 'https:';
  const sessions = new SessionStore({ ttlSeconds: 8 * 3600, maxSessions: 10_000, now });
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      // The callback URL carries the authorization code: log paths, never query strings.
      serializers: { req: (req) => ({ method: req.method, path: req.url.split('?')[0] }) },
    },
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));

  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    // A page with its own policy (the implicit callback allows its one same-origin script) keeps it.
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', csp);
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
  });

  const cookieValue = (request: FastifyRequest) =>
    /(?:^|;\s*)demo_session=([A-Za-z0-9_-]+)/.exec(request.headers.cookie ?? '')?.[1];
  const setCookie = (reply: FastifyReply, id: string) =>
    reply.header('Set-Cookie', `${cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax${secureCookie ? '; Secure' : ''}`);
  const clearCookie = (reply: FastifyReply) =>
    reply.header('Set-Cookie', `${cookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secureCookie ? '; Secure' : ''}`);
  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const csrfMatches = (session: Session, sent: unknown) => typeof sent === 'string'
    && sent.length === session.csrfToken.length && timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrfToken));

  const playground = registerPlayground(app, {
    relyingParty, apiUrl: options.apiUrl, now, csrfMatches, html,
    findSession: (request) => sessions.find(cookieValue(request)),
    // Called at request time only, once the back-channel endpoint below is registered.
    logoutTokenFor: (sid) => backchannelLogouts.decodedFor(sid),
    refused: (reply) => html(reply, 403, errorPage({ title: 'Request refused', description: 'The form was not sent from this app.' })),
    implicitAvailable: () => implicitAvailable(relyingParty, options.implicitClientId),
  });

  registerImplicit(app, {
    baseUrl: options.baseUrl, relyingParty, clientId: options.implicitClientId, html, csp,
    signedInAs: (request) => { const user = sessions.find(cookieValue(request))?.user; return user ? String(user.claims.name ?? user.claims.sub) : undefined; },
    session: (request, reply) => {
      const id = cookieValue(request);
      const found = sessions.find(id);
      if (found && id) return found;
      const created = sessions.create();
      setCookie(reply, created.id);
      return created.session;
    },
  });

  app.get('/assets/app.css', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/css; charset=utf-8').send(stylesheet));

  const backchannelLogouts = registerBackchannelLogout(app, { relyingParty, sessions, now });

  app.get('/', async (request, reply) => {
    const user = sessions.find(cookieValue(request))?.user;
    const notice = (request.query as Record<string, string>).logged_out === '1' ? 'You are logged out, here and at Gatehouse. Your refresh token was revoked.' : undefined;
    return html(reply, 200, homePage({
      signedInAs: user ? String(user.claims.name ?? user.claims.sub) : undefined, notice, extra: backchannelLogoutPanel(backchannelLogouts.entries()),
    }));
  });

  app.get('/login', async (request, reply) => {
    let id = cookieValue(request);
    let session = sessions.find(id);
    if (!session || !id) ({ id, session } = sessions.create());
    let login;
    try {
      login = await relyingParty.startLogin();
    } catch (error) {
      request.log.error(problem(error), 'discovery failed');
      return html(reply, 502, errorPage({ title: 'Gatehouse is unreachable', description: 'The Demo app could not read Gatehouse\'s configuration. Is it running?' }));
    }
    // A few tabs may log in at once; older unfinished attempts are dropped.
    if (session.pending.size >= 5) session.pending.delete(session.pending.keys().next().value!);
    session.pending.set(login.state, login.pending);
    playground.loginStarted(session, login, (request.query as Record<string, unknown>).from);
    setCookie(reply, id);
    return reply.redirect(login.url.href, 303);
  });

  app.get('/callback', async (request, reply) => {
    const id = cookieValue(request);
    const session = sessions.find(id);
    const state = (request.query as Record<string, unknown>).state;
    const pending = typeof state === 'string' ? session?.pending.get(state) : undefined;
    if (!session || !id || typeof state !== 'string' || !pending) {
      const experiment = session ? playground.unknownState(session, typeof state === 'string' ? state : undefined) : undefined;
      if (experiment) return reply.redirect(experiment, 303);
      return html(reply, 400, errorPage({ title: 'This login cannot be finished', description: 'It was started in another browser, has already been used, or has expired. Please log in again.' }));
    }
    const callbackUrl = new URL(request.url, options.baseUrl);
    const experiment = playground.experimentOf(session, state);
    // The tamper-state experiment hands the callback back to the browser; the login stays pending.
    if (experiment === 'tamper-state') return html(reply, 200, playground.tamperForm(session, callbackUrl, state));
    session.pending.delete(state);
    if (experiment) return reply.redirect(await playground.runExperiment(session, callbackUrl, state, pending), 303);
    try {
      session.user = await playground.recordSignIn(session, callbackUrl, () => relyingParty.finishLogin(callbackUrl, state, pending));
    } catch (error) {
      if (error instanceof AuthorizationResponseError || error instanceof ResponseBodyError) {
        request.log.info({ error: error.error }, 'authorization did not complete');
        return html(reply, 400, errorPage({ title: 'You are not logged in', code: error.error, description: error.error_description }));
      }
      request.log.error(problem(error), 'code exchange failed');
      return html(reply, 502, errorPage({ title: 'Login failed', description: 'The answer from Gatehouse could not be validated.' }));
    }
    setCookie(reply, sessions.rotate(id, session));
    // Off the callback URL at once, so the one-time code is not left in history or reloaded.
    return reply.redirect(playground.landingAfterSignIn(session, state) ?? '/me', 303);
  });

  app.get('/me', async (request, reply) => {
    const session = sessions.find(cookieValue(request));
    if (!session?.user) return reply.redirect('/', 303);
    try {
      if (session.user.accessTokenExpiresAt - refreshMargin <= now() && session.user.refreshToken) {
        session.user = await relyingParty.refresh(session.user);
      }
      let api = await callProtectedApi(options.apiUrl, session.user.accessToken);
      if (tokenRefused(api) && session.user.refreshToken) {
        session.user = await relyingParty.refresh(session.user);
        api = await callProtectedApi(options.apiUrl, session.user.accessToken);
      }
      return html(reply, 200, profilePage({ user: session.user, api, csrfToken: session.csrfToken, now: now() }));
    } catch (error) {
      return sessionEnded(request, reply, session, error);
    }
  });

  app.post('/refresh', async (request, reply) => {
    const session = sessions.find(cookieValue(request));
    if (!session?.user) return reply.redirect('/', 303);
    if (!csrfMatches(session, (request.body as Record<string, unknown> | undefined)?.csrf_token)) return html(reply, 403, errorPage({ title: 'Request refused', description: 'The form was not sent from this app.' }));
    try {
      session.user = await relyingParty.refresh(session.user);
    } catch (error) {
      return sessionEnded(request, reply, session, error);
    }
    return reply.redirect('/me', 303);
  });

  app.post('/logout', async (request, reply) => {
    const id = cookieValue(request);
    const session = sessions.find(id);
    if (!session) return reply.redirect('/', 303);
    if (!csrfMatches(session, (request.body as Record<string, unknown> | undefined)?.csrf_token)) return html(reply, 403, errorPage({ title: 'Request refused', description: 'The form was not sent from this app.' }));
    const user = session.user;
    const fromPlayground = (request.body as Record<string, unknown> | undefined)?.from === 'playground';
    sessions.destroy(id);
    let endSession: URL | null = null;
    if (user) {
      // Revoking the refresh token ends the grant's future (RFC 7009 §2); the access token too, so it dies now.
      const revocations = await playground.recordLogout(session, fromPlayground, () => Promise.allSettled([
        user.refreshToken && relyingParty.revoke(user.refreshToken, 'refresh_token'), relyingParty.revoke(user.accessToken, 'access_token')]));
      for (const result of revocations) {
        if (result.status === 'rejected') request.log.warn(problem(result.reason), 'token revocation failed');
      }
      // Then Gatehouse ends its own session, so the next "Log in" asks for the password again
      // (RP-Initiated Logout 1.0): it asks the user to confirm, then sends the browser back to /?logged_out=1.
      endSession = await relyingParty.endSessionUrl().catch((error: unknown) => {
        request.log.warn(problem(error), 'end_session_endpoint unavailable');
        return null;
      });
    }
    if (fromPlayground) {
      // The playground keeps its record of this sign-out in a fresh session that holds no user.
      const next = sessions.create();
      playground.loggedOut(session, next.session, endSession);
      setCookie(reply, next.id);
    } else {
      clearCookie(reply);
    }
    return reply.redirect(endSession?.toString() ?? '/?logged_out=1', 303);
  });

  /** A refused refresh token (revoked, expired, reused) ends the session; other failures do not. */
  function sessionEnded(request: FastifyRequest, reply: FastifyReply, session: Session, error: unknown) {
    if (!(error instanceof ResponseBodyError)) {
      // Gatehouse unreachable or its answer unusable: keep the session, the user may retry.
      request.log.error(problem(error), 'refresh failed');
      return html(reply, 502, errorPage({ title: 'Gatehouse is unreachable', description: 'The tokens could not be refreshed right now. Please try again.' }));
    }
    session.user = undefined;
    request.log.warn({ error: error.error }, 'refresh token refused');
    return html(reply, 401, errorPage({ title: 'Your session has ended', code: error.error, description: 'Gatehouse no longer accepts this session. Please log in again.' }));
  }

  return Object.assign(app, { backchannelLogouts });
}

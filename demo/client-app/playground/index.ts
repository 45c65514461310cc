// The playground (issue 11): the seed's seven steps drawn from the user's own sign-in, and "why"
// buttons that break one rule each against the real Gatehouse and show its real answer.
// app.ts calls the hooks below at the points of the flow; the routes live here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizationResponseError, ResponseBodyError, randomPKCECodeVerifier } from 'openid-client';
import { callProtectedApi, type ApiAnswer } from '../protected-api.js';
import type { DecodedLogoutToken } from '../backchannel-logout.js';
import type { RelyingParty } from '../relying-party.js';
import type { PendingLogin, Session, SignedInUser } from '../session-store.js';
import { unregisteredRedirectUri } from './constants.js';
import { checkIdToken, pkceChallengeOf } from './inspect.js';
import { recordInto, recordingFetch, type Exchange } from './recorder.js';
import { maskToken } from './redact.js';
import { carryOver, playgroundOf, type ExperimentKind, type ExperimentRecord } from './state.js';
import { playgroundStylesheet } from './styles.js';
import { playgroundPage, tamperPage } from './views.js';

export { recordingFetch } from './recorder.js';

export interface PlaygroundOptions {
  relyingParty: RelyingParty;
  apiUrl: string;
  now: () => number;
  findSession(request: FastifyRequest): Session | undefined;
  csrfMatches(session: Session, sent: unknown): boolean;
  html(reply: FastifyReply, status: number, body: string): FastifyReply;
  refused(reply: FastifyReply): FastifyReply;
  /** The implicit flow can be tried here: Gatehouse advertises it and the demo's implicit client is registered. */
  implicitAvailable(): Promise<boolean>;
  /** The decoded logout token Gatehouse sent to the back-channel endpoint for `sid`, once it arrived. */
  logoutTokenFor(sid: string): DecodedLogoutToken | undefined;
}


/** What openid-client or Gatehouse said, without the cause (which may hold a token). */
function refusal(error: unknown): { error: string; description?: string } {
  if (error instanceof ResponseBodyError || error instanceof AuthorizationResponseError) {
    return { error: error.error, ...(error.error_description ? { description: error.error_description } : {}) };
  }
  const { message, code, cause } = error as { message?: unknown; code?: unknown; cause?: unknown };
  // openid-client wraps oauth4webapi's precise reason ("unexpected "state" response parameter
  // value"); its message is fixed text, never a token, so it may be shown.
  const reason = cause instanceof Error ? cause.message : String(message ?? error);
  return { error: typeof code === 'string' ? code : 'error', description: reason };
}

function apiExchange(accessToken: string, answer: ApiAnswer): Exchange {
  return {
    from: 'Client-Server', to: 'API', method: 'GET', url: answer.url,
    requestHeaders: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, requestBody: undefined,
    status: answer.status, responseHeaders: answer.challenge ? { 'www-authenticate': answer.challenge, 'content-type': 'application/json' } : { 'content-type': 'application/json' },
    responseBody: JSON.stringify(answer.body),
  };
}

export function registerPlayground(app: FastifyInstance, options: PlaygroundOptions) {
  const { relyingParty, now } = options;

  async function introspectionFact(token: string, label: string): Promise<[string, string]> {
    try {
      const answer = await relyingParty.introspect(token);
      return [`${label} ${maskToken(token)}`, answer.active ? 'still active' : 'active: false (revoked)'];
    } catch (error) {
      return [`${label} ${maskToken(token)}`, `introspection failed: ${refusal(error).error}`];
    }
  }

  async function experiment(kind: ExperimentKind, run: (record: ExperimentRecord) => Promise<void>): Promise<ExperimentRecord> {
    const record: ExperimentRecord = { kind, at: now(), exchanges: [], facts: [], refused: false };
    try {
      await recordInto(record.exchanges, () => run(record));
    } catch (error) {
      Object.assign(record, refusal(error));
    }
    return record;
  }

  const hooks = {
    /** GET /login: the authorization request (step 1) is written down, and who started it. */
    loginStarted(session: Session, login: { url: URL; state: string; pending: PendingLogin }, from: unknown): void {
      const state = playgroundOf(session);
      if (from === 'playground') state.started.set(login.state, 'playground');
      state.signIn = {
        startedAt: now(), authorizationUrl: login.url.href, state: login.state, nonce: login.pending.nonce,
        codeVerifier: login.pending.codeVerifier, codeChallenge: login.url.searchParams.get('code_challenge') ?? '',
        exchanges: [], codeSpent: false,
      };
    },

    /** A login the playground started to break a rule on purpose, or undefined for a normal one. */
    experimentOf(session: Session, state: string): 'swap-verifier' | 'tamper-state' | undefined {
      const playground = playgroundOf(session);
      // The tamper form sent back with state unchanged: a normal sign-in.
      if (playground.tamper?.state === state) { playground.tamper = undefined; return undefined; }
      const purpose = playground.started.get(state);
      return purpose === 'swap-verifier' || purpose === 'tamper-state' ? purpose : undefined;
    },

    /** GET /callback of the swap-verifier experiment: redeems with a wrong verifier, records Gatehouse's answer. */
    async runExperiment(session: Session, callbackUrl: URL, state: string, pending: PendingLogin): Promise<string> {
      const playground = playgroundOf(session);
      playground.started.delete(state);
      const record = await experiment('swap-verifier', async (record) => {
        const wrong = randomPKCECodeVerifier();
        record.facts.push(
          ['code_challenge sent in step 1', pkceChallengeOf(pending.codeVerifier)],
          ['code_verifier sent now (a different one)', wrong],
          ['its S256 challenge', pkceChallengeOf(wrong)],
        );
        await relyingParty.finishLogin(callbackUrl, state, { ...pending, codeVerifier: wrong });
        record.facts.push(['result', 'accepted — this must not happen']);
      });
      record.refused = record.error !== undefined;
      const code = callbackUrl.searchParams.get('code') ?? '';
      // Sent to the token endpoint, which consumed it before checking PKCE: spent, so it may be shown.
      if (record.exchanges.length > 0) record.facts.unshift(['the code, now spent', code]);
      playground.experiments.set('swap-verifier', record);
      return `/playground#why-swap-verifier`;
    },

    /**
     * GET /callback of the tamper-state experiment: the callback is not finished here but handed
     * back to the browser as a form whose state the user (playing the attacker) may change. Sent
     * unchanged, it finishes as a normal sign-in; changed, the real check below refuses it.
     */
    tamperForm(session: Session, callbackUrl: URL, state: string): string {
      const playground = playgroundOf(session);
      const forged = `${state.slice(0, -4)}EVIL`;
      playground.tamper = { state, forged, at: now() };
      playground.started.set(state, 'playground');
      return tamperPage(callbackUrl, forged, state);
    },

    /**
     * GET /callback with a state this session never sent. When the tamper experiment is waiting,
     * the refusal is recorded (the login it belonged to is dropped: its code expires unused) and
     * the browser goes back to the playground; otherwise undefined (the app's own error page).
     */
    unknownState(session: Session, state: string | undefined): string | undefined {
      const playground = playgroundOf(session);
      const tamper = playground.tamper;
      if (!tamper) return undefined;
      playground.tamper = undefined;
      session.pending.delete(tamper.state);
      playground.started.delete(tamper.state);
      playground.experiments.set('tamper-state', {
        kind: 'tamper-state', at: now(), exchanges: [], refused: true,
        error: 'unknown state',
        description: 'this session started no login with that state, so the Client-Server refuses the callback before redeeming its code (RFC 6749 §10.12)',
        facts: [
          ['state sent in step 1 (kept in this app\'s session)', tamper.state],
          ['state your browser brought back', state ?? '(none)'],
          ['token request', 'never sent: the code was not redeemed and expires unused'],
        ],
      });
      return '/playground#why-tamper-state';
    },

    /** GET /callback of a normal sign-in: steps 3-6 recorded while openid-client does them. */
    async recordSignIn(session: Session, callbackUrl: URL, finish: () => Promise<SignedInUser>): Promise<SignedInUser> {
      const signIn = playgroundOf(session).signIn;
      if (!signIn || callbackUrl.searchParams.get('state') !== signIn.state) return finish();
      signIn.callback = { url: callbackUrl.href, receivedAt: now() };
      try {
        const user = await recordInto(signIn.exchanges, finish);
        signIn.codeSpent = true;
        signIn.tokens = { accessToken: user.accessToken, refreshToken: user.refreshToken };
        const tokenResponse = signIn.exchanges.find((e) => e.requestBody?.includes('grant_type=authorization_code'));
        const idToken = tokenResponse ? (JSON.parse(tokenResponse.responseBody) as { id_token?: string }).id_token : undefined;
        if (idToken) {
          const jwksUri = String((await relyingParty.metadata()).jwks_uri);
          const jwks = await recordInto(signIn.exchanges, async () => (await recordingFetch(jwksUri, { method: 'GET', headers: { accept: 'application/json' } })).json()) as { keys?: [] };
          signIn.idToken = await checkIdToken(idToken, user.accessToken, jwksUri, jwks);
        }
        return user;
      } catch (error) {
        signIn.codeSpent = signIn.exchanges.length > 0;
        signIn.failure = refusal(error);
        throw error;
      }
    },

    /** Where a finished sign-in lands: the playground when it started there. */
    landingAfterSignIn(session: Session, state: string): string | undefined {
      const started = playgroundOf(session).started;
      const purpose = started.get(state);
      started.delete(state);
      return purpose === 'playground' ? '/playground' : undefined;
    },

    /** POST /logout: the revocations are recorded, for the sign-out experiment. */
    async recordLogout<T>(session: Session, fromPlayground: boolean, revoke: () => Promise<T>): Promise<T> {
      if (!fromPlayground) return revoke();
      const sid = playgroundOf(session).signIn?.idToken?.payload.sid;
      const record: ExperimentRecord = { kind: 'sign-out', at: now(), exchanges: [], facts: [], refused: false, ...(typeof sid === 'string' ? { sid } : {}) };
      playgroundOf(session).experiments.set('sign-out', record);
      return recordInto(record.exchanges, revoke);
    },

    /** After a playground sign-out: the record moves to the new, signed-out session. */
    loggedOut(from: Session, to: Session, endSession: URL | null): void {
      carryOver(from, to);
      const record = playgroundOf(to).experiments.get('sign-out');
      if (record) {
        record.facts.push(['browser sent to', endSession ? `${endSession.origin}${endSession.pathname}?${[...endSession.searchParams.keys()].join('&')}` : 'no end_session_endpoint']);
        if (endSession) for (const [name, value] of endSession.searchParams) record.facts.push([name, value]);
      }
    },
  };

  app.get('/assets/playground.css', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/css; charset=utf-8').send(playgroundStylesheet));

  app.get('/playground', async (request, reply) => {
    const session = options.findSession(request);
    const state = session ? playgroundOf(session) : undefined;
    const signIn = state?.signIn;
    // Step 7 happens on every view, as on the profile page: the API is called with the access token.
    if (session?.user && signIn?.tokens && signIn.tokens.accessToken === session.user.accessToken) {
      const answer = await callProtectedApi(options.apiUrl, session.user.accessToken);
      signIn.api = apiExchange(session.user.accessToken, answer);
    }
    const metadata = await relyingParty.metadata().catch(() => undefined);
    return options.html(reply, 200, playgroundPage({
      signedInAs: session?.user ? String(session.user.claims.name ?? session.user.claims.sub) : undefined,
      signedIn: Boolean(session?.user),
      csrfToken: session?.csrfToken,
      signIn, experiments: state?.experiments ?? new Map(),
      logoutToken: (() => { const sid = state?.experiments.get('sign-out')?.sid; return sid ? options.logoutTokenFor(sid) : undefined; })(),
      issuer: relyingParty.issuer, clientId: relyingParty.clientId,
      implicitFlow: metadata?.response_types_supported?.includes('id_token token') ?? false,
      implicitDemo: await options.implicitAvailable(),
      renderedAt: Date.now(),
    }));
  });

  const withSession = (handler: (session: Session, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const session = options.findSession(request);
      if (!session) return reply.redirect('/playground', 303);
      if (!options.csrfMatches(session, (request.body as Record<string, unknown> | undefined)?.csrf_token)) return options.refused(reply);
      return handler(session, reply);
    };

  // Swap the verifier, tamper with state: each needs a fresh authorization request of its own.
  for (const kind of ['swap-verifier', 'tamper-state'] as const) {
    app.post(`/playground/${kind}`, withSession(async (session, reply) => {
      const login = await relyingParty.startLogin();
      if (session.pending.size >= 5) session.pending.delete(session.pending.keys().next().value!);
      session.pending.set(login.state, login.pending);
      playgroundOf(session).started.set(login.state, kind);
      return reply.redirect(login.url.href, 303);
    }));
  }

  app.get('/playground/unregistered-redirect', async (_request, reply) => {
    // A fresh authorization request whose redirect_uri was never registered; nothing to remember,
    // since it can never come back. Gatehouse must show an error page (RFC 6749 §3.1.2.4, §4.1.2.1).
    const login = await relyingParty.startLogin();
    login.url.searchParams.set('redirect_uri', unregisteredRedirectUri);
    return reply.redirect(login.url.href, 303);
  });

  app.post('/playground/replay-code', withSession(async (session, reply) => {
    const playground = playgroundOf(session);
    const signIn = playground.signIn;
    if (!signIn?.callback || !signIn.codeSpent || !signIn.tokens) return reply.redirect('/playground#why-replay-code', 303);
    const callback = new URL(signIn.callback.url);
    const tokens = session.user ?? signIn.tokens;
    const record = await experiment('replay-code', async (record) => {
      record.facts.push(['the spent code, sent again', callback.searchParams.get('code') ?? '']);
      await relyingParty.finishLogin(callback, signIn.state, { codeVerifier: signIn.codeVerifier, nonce: signIn.nonce, startedAt: signIn.startedAt });
      record.facts.push(['result', 'accepted — this must not happen']);
    });
    record.refused = record.error !== undefined;
    // RFC 6749 §4.1.2: a reused code revokes what it issued; the Client-Server asks Gatehouse.
    await recordInto(record.exchanges, async () => {
      record.facts.push(await introspectionFact(tokens.accessToken, 'access token'));
      if (tokens.refreshToken) record.facts.push(await introspectionFact(tokens.refreshToken, 'refresh token'));
    });
    if (record.refused) session.user = undefined;
    playground.experiments.set('replay-code', record);
    return reply.redirect('/playground#why-replay-code', 303);
  }));

  app.post('/playground/reuse-refresh', withSession(async (session, reply) => {
    const playground = playgroundOf(session);
    const user = session.user;
    if (!user?.refreshToken) return reply.redirect('/playground#why-reuse-refresh', 303);
    const old = user.refreshToken;
    let rotated: SignedInUser | undefined;
    const record = await experiment('reuse-refresh', async (record) => {
      rotated = await relyingParty.refresh(user);
      record.facts.push(['refresh token used once (now rotated)', maskToken(old)], ['its successor', maskToken(rotated.refreshToken ?? '')]);
      await relyingParty.refresh({ ...rotated, refreshToken: old });
      record.facts.push(['result', 'accepted — this must not happen']);
    });
    record.refused = record.error !== undefined && rotated !== undefined;
    if (rotated?.refreshToken) {
      // RFC 9700 §4.14.2: reuse of a rotated token revokes the whole family, the successor too.
      await recordInto(record.exchanges, async () => {
        record.facts.push(await introspectionFact(rotated!.refreshToken!, 'the successor'));
        record.facts.push(await introspectionFact(rotated!.accessToken, 'its access token'));
      });
    }
    session.user = record.refused ? undefined : rotated ?? user;
    playground.experiments.set('reuse-refresh', record);
    return reply.redirect('/playground#why-reuse-refresh', 303);
  }));

  return hooks;
}

export type Playground = ReturnType<typeof registerPlayground>;

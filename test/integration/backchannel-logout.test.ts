// OpenID Connect Back-Channel Logout 1.0 end to end through the durable outbox: a real Gatehouse
// (storage per GATEHOUSE_TEST_DATABASE_URL), real loopback receivers, the resource-server
// package's verifier. The notifier is driven directly, as ending a session will drive it.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { startGatehouse, freePort, type TestServer } from '../support/gatehouse.js';
import { createLogger, silentLogger } from '../../src/lib/logger.js';
import { createStorage } from '../../src/storage/create-storage.js';
import { startBackchannelLogout, type BackchannelLogout } from '../../src/outbox/backchannel-logout.js';
import type { OutboxOutcome } from '../../src/outbox/worker.js';
import { backchannelLogoutEvent, createBackchannelLogoutNotifier } from '../../src/oidc/backchannel-logout.js';
import { createLogoutTokenVerifier, LogoutTokenError } from '../../src/resource-server/index.js';

interface Receiver {
  url: string;
  tokens: string[];
  received: Array<{ contentType: string | undefined; body: string }>;
  /** Resolves once `count` logout tokens have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

async function startReceiver(answer: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end()): Promise<Receiver> {
  const tokens: string[] = [];
  const received: Receiver['received'] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body });
      const token = new URLSearchParams(body).get('logout_token');
      if (token) tokens.push(token);
      for (const w of waiters) if (tokens.length >= w.count) w.resolve();
      answer(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`,
    tokens, received,
    waitFor: (count) => new Promise((resolve) => {
      if (tokens.length >= count) return resolve();
      waiters.push({ count, resolve });
    }),
    close: async () => { server.closeAllConnections(); server.close(); await once(server, 'close'); },
  };
}

/** Outcomes as they happen, with a way to wait for one. */
function outcomeLog() {
  const seen: OutboxOutcome[] = [];
  const waiters: Array<{ match: (o: OutboxOutcome) => boolean; resolve: (o: OutboxOutcome) => void }> = [];
  return {
    seen,
    record(outcome: OutboxOutcome) {
      seen.push(outcome);
      for (const w of [...waiters]) if (w.match(outcome)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(outcome); }
    },
    next(match: (o: OutboxOutcome) => boolean): Promise<OutboxOutcome> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

describe('Back-Channel Logout 1.0 through the outbox', () => {
  let server: TestServer;
  const running: BackchannelLogout[] = [];
  const receivers: Receiver[] = [];

  before(async () => {
    server = await startGatehouse({ allowPrivateNetworkFetch: true, outboxMaxAttempts: 3, outboxRetryDelay: 10 });
  });
  // Each test's nodes stop when it ends, so no node of one test takes another's messages.
  afterEach(async () => {
    for (const r of running.splice(0)) await r.close();
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await server.close();
  });

  const start = (options: { outcomes?: ReturnType<typeof outcomeLog>; logger?: ReturnType<typeof createLogger> } = {}) => {
    const node = startBackchannelLogout({
      config: server.config, storage: server.storage, keys: server.keys, clock: server.clock,
      logger: options.logger ?? silentLogger(), pollIntervalMs: 50,
      ...(options.outcomes ? { onOutcome: (o: OutboxOutcome) => options.outcomes!.record(o) } : {}),
    });
    running.push(node);
    return node;
  };
  const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  };

  it('discovery advertises back-channel logout with sid (Back-Channel Logout 1.0 §2.1)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(metadata.backchannel_logout_supported, true);
    assert.equal(metadata.backchannel_logout_session_supported, true);
  });

  it('POSTs a signed logout token to every client of the session with a back-channel logout URI, verified by the RP (Back-Channel Logout 1.0 §2.4, §2.5, §2.6)', async () => {
    const first = await receiver();
    const second = await receiver();
    const a = await server.createClient({ backchannelLogoutUri: first.url, backchannelLogoutSessionRequired: true });
    const b = await server.createClient({ backchannelLogoutUri: `${second.url}?tenant=7` });
    const silent = await server.createClient();
    const node = start();
    await node.notifier.sessionEnded({ sid: 'sid-one', accountId: 'account-1', clientIds: [a.clientId, silent.clientId, b.clientId, a.clientId] });
    await Promise.all([first.waitFor(1), second.waitFor(1)]);

    assert.deepEqual(first.received.map((r) => r.contentType), ['application/x-www-form-urlencoded']);
    for (const [client, r] of [[a, first], [b, second]] as const) {
      const token = r.tokens[0]!;
      assert.equal(decodeProtectedHeader(token).typ, 'logout+jwt');
      const claims = decodeJwt(token);
      assert.equal(claims.iss, server.issuer);
      assert.equal(claims.aud, client.clientId);
      assert.equal(claims.sub, 'account-1');
      assert.equal(claims.sid, 'sid-one');
      assert.equal(claims.exp! - claims.iat!, 120, 'a short life');
      assert.deepEqual(claims.events, { [backchannelLogoutEvent]: {} });
      assert.equal('nonce' in claims, false, 'never a nonce (§2.4)');
      const verifier = createLogoutTokenVerifier({ issuer: server.issuer, clientId: client.clientId, jwksUri: `${server.issuer}/jwks` });
      const verified = await verifier.verify(token);
      assert.deepEqual([verified.sub, verified.sid, verified.jti], ['account-1', 'sid-one', claims.jti]);
      await assert.rejects(verifier.verify(token), LogoutTokenError, 'a replayed jti is refused (§2.6 step 7)');
      await assert.rejects(
        createLogoutTokenVerifier({ issuer: server.issuer, clientId: 'another-client', jwksUri: `${server.issuer}/jwks` }).verify(token),
        LogoutTokenError, 'aud names another client');
    }
    assert.notEqual(decodeJwt(first.tokens[0]!).jti, decodeJwt(second.tokens[0]!).jti);
  });

  it('the verifier refuses an ID token, a token with a nonce, without the event, or without sub and sid (Back-Channel Logout 1.0 §2.6)', async () => {
    const signer = await server.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const good = { iss: server.issuer, aud: 'rp', iat: now, exp: now + 120, jti: 'j-1', sub: 'u', events: { [backchannelLogoutEvent]: {} } };
    const verifier = createLogoutTokenVerifier({ issuer: server.issuer, clientId: 'rp', jwksUri: `${server.issuer}/jwks` });
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['an ID token (typ JWT)', { typ: 'JWT' }, { ...good, jti: 'j-2' }],
      ['a nonce', { typ: 'logout+jwt' }, { ...good, jti: 'j-3', nonce: 'n' }],
      ['no back-channel logout event', { typ: 'logout+jwt' }, { ...good, jti: 'j-4', events: { 'urn:other': {} } }],
      ['neither sub nor sid', { typ: 'logout+jwt' }, { ...good, jti: 'j-5', sub: undefined }],
      ['another issuer', { typ: 'logout+jwt' }, { ...good, jti: 'j-6', iss: 'https://evil.example' }],
      ['issued long ago', { typ: 'logout+jwt' }, { ...good, jti: 'j-7', iat: now - 3600, exp: now + 60 }],
    ];
    for (const [name, header, payload] of cases) {
      await assert.rejects(verifier.verify(await signer.sign(header, JSON.parse(JSON.stringify(payload)))), LogoutTokenError, name);
    }
    assert.equal((await verifier.verify(await signer.sign({ typ: 'logout+jwt' }, good))).sub, 'u', 'the same token, well formed, passes');
  });

  it('retries a receiver that is down with growing delays, then gives up after the bound and logs it without the token (issue 10)', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
    const outcomes = outcomeLog();
    const down = `http://127.0.0.1:${await freePort()}/backchannel-logout`;
    const client = await server.createClient({ backchannelLogoutUri: down });
    start({ outcomes, logger });
    const notifier = createBackchannelLogoutNotifier({ clients: server.storage.clients, outbox: server.storage.outbox, clock: server.clock, includeSub: true });
    await notifier.sessionEnded({ sid: 'sid-down', accountId: 'account-2', clientIds: [client.clientId] });

    const firstFailure = await outcomes.next((o) => o.outcome === 'retry' && o.attempts === 1);
    assert.equal(firstFailure.outcome === 'retry' && firstFailure.nextAttemptAt - server.clock(), 10);
    server.clock.advance(10);
    const secondFailure = await outcomes.next((o) => o.outcome === 'retry' && o.attempts === 2);
    assert.equal(secondFailure.outcome === 'retry' && secondFailure.nextAttemptAt - server.clock(), 20, 'the delay doubles');
    server.clock.advance(19);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(outcomes.seen.filter((o) => o.messageId === firstFailure.messageId).length, 2, 'not retried before its time');
    server.clock.advance(1);
    const gaveUp = await outcomes.next((o) => o.outcome === 'gave_up' && o.messageId === firstFailure.messageId);
    assert.equal(gaveUp.attempts, 3);
    const stored = await server.storage.outbox.find(firstFailure.messageId);
    assert.ok(stored?.givenUpAt, 'kept as given up');
    const giveUpLine = lines.find((l) => l.includes('gave up'));
    assert.ok(giveUpLine, 'the give-up is logged');
    assert.match(giveUpLine, /"level":40/);
    assert.match(giveUpLine, new RegExp(client.clientId));
    assert.equal(lines.some((l) => /eyJ[A-Za-z0-9_-]+\./.test(l) || l.includes('sid-down')), false, 'no token or sid in any log line');
  });

  it('does not follow a redirect from the receiver: the redirect counts as a failed attempt (issue 10)', async () => {
    const target = await receiver();
    const redirecting = await receiver((_req, res) => { res.statusCode = 307; res.setHeader('location', target.url); res.end(); });
    const client = await server.createClient({ backchannelLogoutUri: redirecting.url });
    const outcomes = outcomeLog();
    const node = start({ outcomes });
    await node.notifier.sessionEnded({ sid: 'sid-redirect', accountId: 'account-3', clientIds: [client.clientId] });
    const failure = await outcomes.next((o) => o.outcome === 'retry');
    assert.match(failure.outcome === 'retry' ? failure.error : '', /307; redirects are not followed/);
    assert.equal(redirecting.tokens.length, 1);
    assert.equal(target.received.length, 0, 'the redirect target never hears of it');
  });

  it('refuses a private-network receiver unless configured, giving up at once (issue 10)', async () => {
    const local = await receiver();
    const client = await server.createClient({ backchannelLogoutUri: local.url });
    const outcomes = outcomeLog();
    const node = startBackchannelLogout({
      config: { ...server.config, allowPrivateNetworkFetch: false }, storage: server.storage, keys: server.keys, clock: server.clock,
      logger: silentLogger(), pollIntervalMs: 50, onOutcome: (o) => outcomes.record(o),
    });
    running.push(node);
    await node.notifier.sessionEnded({ sid: 'sid-private', accountId: 'account-4', clientIds: [client.clientId] });
    const gaveUp = await outcomes.next((o) => o.outcome === 'gave_up');
    assert.match(gaveUp.outcome === 'gave_up' ? gaveUp.error : '', /not a public address/);
    assert.equal(gaveUp.attempts, 1);
    assert.equal(local.received.length, 0);
  });

  it('a node killed with a pending logout leaves it to another node once the lease expires (issue 10)', async () => {
    const r = await receiver();
    const client = await server.createClient({ backchannelLogoutUri: r.url });
    // The doomed node: its own connection to the same database, no Redis (the outbox is in the database).
    const doomed = await createStorage({ databaseUrl: server.config.databaseUrl, logger: silentLogger(), clock: server.clock });
    const notifier = createBackchannelLogoutNotifier({ clients: doomed.clients, outbox: doomed.outbox, clock: server.clock, includeSub: true });
    await notifier.sessionEnded({ sid: 'sid-killed', accountId: 'account-5', clientIds: [client.clientId] });
    const claimed = await doomed.outbox.claim('doomed-lease', server.clock(), 30, 100);
    assert.equal(claimed.length, 1, 'the doomed node held it');
    await doomed.close();

    const outcomes = outcomeLog();
    start({ outcomes });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(r.tokens.length, 0, 'not while the lease holds');
    server.clock.advance(30);
    await r.waitFor(1);
    assert.equal(decodeJwt(r.tokens[0]!).sid, 'sid-killed');
    assert.equal((await outcomes.next((o) => o.outcome === 'delivered')).attempts, 2);
  });

  it('two nodes sharing the database deliver each logout once (issue 10)', async () => {
    const r = await receiver();
    const client = await server.createClient({ backchannelLogoutUri: r.url });
    const other = await createStorage({ databaseUrl: server.config.databaseUrl, logger: silentLogger(), clock: server.clock });
    const nodes = [start(), startBackchannelLogout({
      config: server.config, storage: other, keys: server.keys, clock: server.clock, logger: silentLogger(), pollIntervalMs: 50,
    })];
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) =>
        nodes[i % 2]!.notifier.sessionEnded({ sid: `sid-many-${i}`, accountId: 'account-6', clientIds: [client.clientId] })));
      await r.waitFor(12);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(r.tokens.length, 12, 'no logout sent twice');
      assert.equal(new Set(r.tokens.map((t) => decodeJwt(t).sid)).size, 12);
    } finally {
      await nodes[1]!.close();
      await other.close();
    }
  });
});

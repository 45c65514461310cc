// Logout as a relying party sees it, with the production wiring (createGatehouse → openGatehouse:
// the app, the outbox worker, the back-channel logout notifier): one browser signs in to two
// clients (single sign-on, one session), the first logs out through RP-Initiated Logout 1.0, and
// both clients' back-channel endpoints receive a logout token for that session, which the
// resource-server package's verifier accepts (RP-Initiated Logout 1.0 §2-3, Back-Channel Logout 1.0 §2.4-2.6).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { createGatehouse, type Gatehouse } from 'gatehouse';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createLogoutTokenVerifier } from '../../src/resource-server/index.js';
import { ScriptedBrowser } from '../support/browser.js';
import { freePort, seedClient, seedUser, type TestClient } from '../support/gatehouse.js';
import { codeFlowLogin } from '../support/openid-flow.js';

interface Receiver { url: string; tokens: string[]; waitFor(count: number): Promise<void>; close(): Promise<void> }

async function startReceiver(): Promise<Receiver> {
  const tokens: string[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) tokens.push(token);
      for (const waiter of waiters) if (tokens.length >= waiter.count) waiter.resolve();
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`,
    tokens,
    waitFor: (count) => new Promise((resolve) => (tokens.length >= count ? resolve() : waiters.push({ count, resolve }))),
    close: async () => { server.closeAllConnections(); server.close(); await once(server, 'close'); },
  };
}

describe('RP-initiated logout ends the session at every client it signed into', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-logout-'));
  let gatehouse: Gatehouse;
  let http: Server;
  let issuer: string;
  const receivers: Receiver[] = [];
  const loggedOut = 'http://localhost:8765/logged-out';

  before(async () => {
    const port = await freePort();
    issuer = `http://localhost:${port}`;
    gatehouse = await createGatehouse({
      issuer, databaseUrl: `sqlite:${join(dir, 'gatehouse.db')}`, argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
      logLevel: 'silent', allowPrivateNetworkFetch: true, outboxPollInterval: 1,
    }, { logger: silentLogger() });
    http = createServer((request, response) => gatehouse.handle(request, response));
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await new Promise((resolve) => http.close(resolve));
    await gatehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function relyingParty(receiver: Receiver): Promise<{ client: TestClient; config: oidc.Configuration }> {
    const client = await seedClient(gatehouse.storage, systemClock, {
      backchannelLogoutUri: receiver.url, backchannelLogoutSessionRequired: true, postLogoutRedirectUris: [loggedOut],
    });
    const config = await oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret!),
      { execute: [oidc.allowInsecureRequests] });
    return { client, config };
  }

  it('delivers a verified logout token for the session to both clients, returns to the RP with state, and the next sign-in asks for the password', async () => {
    const first = await startReceiver();
    const second = await startReceiver();
    receivers.push(first, second);
    const rp1 = await relyingParty(first);
    const rp2 = await relyingParty(second);
    const user = await seedUser(gatehouse.storage, systemClock);
    const browser = new ScriptedBrowser();

    const one = await codeFlowLogin(rp1.config, rp1.client.redirectUri, user, browser);
    const two = await codeFlowLogin(rp2.config, rp2.client.redirectUri, user, browser);
    const sid = one.tokens.claims()?.sid;
    assert.equal(typeof sid, 'string');
    assert.equal(two.tokens.claims()?.sid, sid, 'single sign-on: both ID tokens name the same session');

    const state = oidc.randomState();
    const logout = oidc.buildEndSessionUrl(rp1.config, {
      id_token_hint: one.tokens.id_token!, post_logout_redirect_uri: loggedOut, state,
    });
    const back = await browser.navigate(logout.toString());
    assert.ok(back.leftTo, `redirected back to the RP, got ${back.status}`);
    const landed = new URL(back.leftTo);
    assert.equal(`${landed.origin}${landed.pathname}`, loggedOut);
    assert.equal(landed.searchParams.get('state'), state, 'RP-Initiated Logout 1.0 §3: state returned');

    // The outbox delivers asynchronously (polled every second here): wait for the tokens, with a
    // deadline far beyond any slow machine's delay so a missing delivery fails instead of hanging.
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([first.waitFor(1), second.waitFor(1)]),
      new Promise((_, reject) => { deadline = setTimeout(() => reject(new Error('no logout token within 120 s')), 120_000); }),
    ]).finally(() => clearTimeout(deadline));
    for (const [receiver, rp] of [[first, rp1], [second, rp2]] as const) {
      const verifier = createLogoutTokenVerifier({ issuer, clientId: rp.client.clientId, jwksUri: `${issuer}/jwks` });
      const claims = await verifier.verify(receiver.tokens[0]!);
      assert.equal(claims.sid, sid, 'Back-Channel Logout 1.0 §2.4: the ended session');
      assert.equal(decodeJwt(receiver.tokens[0]!).aud, rp.client.clientId);
    }

    const again = await browser.navigate(oidc.buildAuthorizationUrl(rp1.config, {
      redirect_uri: rp1.client.redirectUri, scope: 'openid', state: oidc.randomState(), nonce: oidc.randomNonce(),
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }).toString());
    assert.match(again.body, /name="password"/, 'the session is over: the next sign-in asks for the password');
  });
});

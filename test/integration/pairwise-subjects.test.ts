// Pairwise subject identifiers (OIDC Core §8.1) as relying parties see them, with openid-client:
// one `sub` per sector (the sector_identifier_uri's host, else the redirect URIs' host), the same
// `sub` in everything the client is shown (ID token, UserInfo, introspection, JWT access token,
// logout token), and the server recognising its pairwise id_token_hint at /authorize and
// /end_session. Storage per GATEHOUSE_TEST_DATABASE_URL (SQLite or PostgreSQL).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { startWiredGatehouse, type WiredGatehouse } from '../support/wired-gatehouse.js';
import { codeFlowLogin } from '../support/openid-flow.js';
import { ScriptedBrowser } from '../support/browser.js';
import { createLogoutTokenVerifier } from '../../src/resource-server/index.js';
import type { ClientMetadata } from '../../src/storage/records.js';

const pairwise = (extra: ClientMetadata = {}): ClientMetadata => ({ subjectType: 'pairwise', ...extra });
const sharedSector = 'https://sector.example/redirect-uris.json';

async function relyingParty(issuer: string, client: TestClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), client.clientId, {}, oidc.ClientSecretBasic(client.clientSecret!), { execute: [oidc.allowInsecureRequests] });
}

describe('pairwise subject identifiers (OIDC Core §8.1)', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse({ accessTokenFormat: 'jwt' }); });
  after(() => server?.close());

  async function subFor(client: TestClient, user: { username: string; password: string }, browser = new ScriptedBrowser()): Promise<string> {
    const { tokens } = await codeFlowLogin(await relyingParty(server.issuer, client), client.redirectUri, user, browser);
    return tokens.claims()!.sub;
  }

  it('gives each sector its own sub, stable per sector, the same to clients sharing a sector_identifier_uri, and the account id to public clients', async () => {
    const user = await server.createUser();
    const create = (redirectUri: string, metadata: ClientMetadata) => server.createClient({ skipConsent: true, redirectUris: [redirectUri], metadata });
    const localhostA = await create('http://localhost:8765/a', pairwise());
    const localhostB = await create('http://localhost:9876/b', pairwise());
    const loopback = await create('http://127.0.0.1:8765/c', pairwise());
    const sectorOne = await create('http://127.0.0.1:8765/d', pairwise({ sectorIdentifierUri: sharedSector }));
    const sectorTwo = await create('http://localhost:8765/e', pairwise({ sectorIdentifierUri: sharedSector }));
    const publicClient = await create('http://localhost:8765/f', {});

    const localhost = await subFor(localhostA, user);
    assert.match(localhost, /^[A-Za-z0-9_-]{43}$/, 'base64url of a SHA-256');
    assert.notEqual(localhost, user.accountId);
    assert.equal(await subFor(localhostA, user), localhost, 'stable for the same client');
    assert.equal(await subFor(localhostB, user), localhost, 'the same for another client of the same host (sector)');
    const other = await subFor(loopback, user);
    assert.notEqual(other, localhost, 'another sector, another sub');
    const shared = await subFor(sectorOne, user);
    assert.equal(await subFor(sectorTwo, user), shared, 'two clients sharing a sector_identifier_uri see the same sub (OIDC Registration §5)');
    assert.ok(![localhost, other].includes(shared), 'the sector_identifier_uri host is a sector of its own');
    assert.equal(await subFor(publicClient, user), user.accountId, 'public clients see the account id (OIDC Core §8)');
    const someoneElse = await server.createUser();
    assert.notEqual(await subFor(localhostA, someoneElse), localhost, 'another account, another sub');
  });

  it('shows the same pairwise sub in the ID token, UserInfo, introspection and the JWT access token, and no username (OIDC Core §5.3.2, §8; RFC 7662 §2.2; RFC 9068 §2.2)', async () => {
    const user = await server.createUser();
    const client = await server.createClient({ skipConsent: true, metadata: pairwise() });
    const config = await relyingParty(server.issuer, client);
    const { tokens } = await codeFlowLogin(config, client.redirectUri, user);
    const sub = tokens.claims()!.sub;
    assert.notEqual(sub, user.accountId);
    // openid-client compares UserInfo's sub with the one given (OIDC Core §5.3.2).
    assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, sub)).sub, sub);
    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.sub, sub);
    assert.equal(introspection.username, undefined, 'the username would correlate what the pairwise sub keeps apart');
    assert.equal(decodeJwt(tokens.access_token).sub, sub);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal(refreshed.claims()?.sub, sub, 'a refreshed ID token keeps it (OIDC Core §12.2)');
  });

  it('takes its own pairwise id_token_hint: prompt=none goes through and end_session signs out without asking (OIDC Core §3.1.2.1, RP-Initiated Logout 1.0 §2)', async () => {
    const user = await server.createUser();
    const signedOut = 'http://localhost:8765/signed-out';
    const client = await server.createClient({ skipConsent: true, metadata: pairwise(), postLogoutRedirectUris: [signedOut] });
    const config = await relyingParty(server.issuer, client);
    const browser = new ScriptedBrowser();
    const { tokens } = await codeFlowLogin(config, client.redirectUri, user, browser);

    const silent = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirectUri, scope: 'openid', prompt: 'none', id_token_hint: tokens.id_token!, state: 'silent',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    });
    const answer = await browser.navigate(silent.toString());
    assert.ok(answer.leftTo, `redirected to the client, got ${answer.status}`);
    const callback = new URL(answer.leftTo);
    assert.equal(callback.searchParams.get('error'), null, `no ${callback.searchParams.get('error')}: the hint names the signed-in user`);
    assert.ok(callback.searchParams.get('code'));

    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: signedOut, state: 'bye' });
    const back = await browser.navigate(logout.toString());
    assert.ok(back.leftTo?.startsWith(signedOut), `signed out without the confirmation page, got ${back.status}`);
    const again = await browser.navigate(silent.toString());
    assert.equal(new URL(again.leftTo!).searchParams.get('error'), 'login_required', 'the session has ended');
  });
});

describe('pairwise subjects and per-client algorithms in back-channel logout tokens (Back-Channel Logout 1.0 §2.4)', () => {
  let gatehouse: WiredGatehouse;
  let receiver: Server;
  const tokens: string[] = [];
  const waiters: Array<() => void> = [];
  let receiverUrl: string;
  before(async () => {
    gatehouse = await startWiredGatehouse();
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token');
        if (token) tokens.push(token);
        for (const wake of waiters.splice(0)) wake();
        response.end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel-logout`;
  });
  after(async () => {
    receiver?.closeAllConnections();
    receiver?.close();
    await gatehouse?.close();
  });

  async function waitForTokens(count: number): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (tokens.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${tokens.length} of ${count} logout tokens within 120 s`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
  }

  it('signs each client\'s logout token with its ID token algorithm and names the account by its pairwise sub', async () => {
    const user = await gatehouse.createUser();
    const signedOut = 'http://localhost:8765/signed-out';
    const es256 = await gatehouse.createClient({
      skipConsent: true, redirectUris: ['http://localhost:8765/cb'], backchannelLogoutUri: `${receiverUrl}?rp=es256`,
      postLogoutRedirectUris: [signedOut], metadata: pairwise({ idTokenSignedResponseAlg: 'ES256' }),
    });
    const eddsa = await gatehouse.createClient({
      skipConsent: true, redirectUris: ['http://127.0.0.1:8765/cb'], backchannelLogoutUri: `${receiverUrl}?rp=eddsa`,
      metadata: pairwise({ idTokenSignedResponseAlg: 'EdDSA' }),
    });
    const browser = new ScriptedBrowser();
    const first = await codeFlowLogin(await oidc.discovery(new URL(gatehouse.issuer), es256.clientId, { id_token_signed_response_alg: 'ES256' },
      oidc.ClientSecretBasic(es256.clientSecret!), { execute: [oidc.allowInsecureRequests] }), es256.redirectUri, user, browser);
    const second = await codeFlowLogin(await oidc.discovery(new URL(gatehouse.issuer), eddsa.clientId, { id_token_signed_response_alg: 'EdDSA' },
      oidc.ClientSecretBasic(eddsa.clientSecret!), { execute: [oidc.allowInsecureRequests] }), eddsa.redirectUri, user, browser);
    const subs = { [es256.clientId]: first.tokens.claims()!.sub, [eddsa.clientId]: second.tokens.claims()!.sub };
    assert.notEqual(subs[es256.clientId], subs[eddsa.clientId], 'two sectors');

    const logout = oidc.buildEndSessionUrl(first.config, { id_token_hint: first.tokens.id_token!, post_logout_redirect_uri: signedOut });
    const back = await browser.navigate(logout.toString());
    assert.ok(back.leftTo?.startsWith(signedOut), `signed out without asking, got ${back.status}`);
    await waitForTokens(2);
    for (const [client, alg] of [[es256, 'ES256'], [eddsa, 'EdDSA']] as const) {
      const token = tokens.find((t) => decodeJwt(t).aud === client.clientId);
      assert.ok(token, `a logout token for the ${alg} client`);
      assert.equal(decodeProtectedHeader(token).alg, alg);
      const verifier = createLogoutTokenVerifier({ issuer: gatehouse.issuer, clientId: client.clientId, jwksUri: `${gatehouse.issuer}/jwks`, algorithms: [alg] });
      const claims = await verifier.verify(token);
      assert.equal(claims.sub, subs[client.clientId], 'the sub the client knows the user by');
    }
  });
});

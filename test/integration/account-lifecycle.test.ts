// Deleting an account or a client, or changing a password (oauth/lifecycle.ts), seen over real
// HTTP from the client's and the browser's side: tokens stop working at /token, /introspect and
// /userinfo, and a sign-in in progress never completes into a code (RFC 6819 §5.2.2.4).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { changePassword, deleteAccount, deleteClient } from '../../src/oauth/lifecycle.js';
import { hashPassword } from '../../src/accounts/password.js';
import { sha256Hex } from '../../src/lib/digest.js';
import { ScriptedBrowser, type Page } from '../support/browser.js';
import { authorizeUrl, pkceParams, obtainTokens, tokenRequest } from '../support/flow.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

describe('what a deletion or password change revokes, over HTTP', () => {
  let server: TestServer;
  const resource = { id: 'https://api.lifecycle.example', secret: 'a resource introspection secret of some length' };

  before(async () => {
    server = await startGatehouse();
    // RFC 7662 §2.1: a registered resource introspects the tokens issued for it (RFC 8707).
    await server.storage.resources.insert({
      identifier: resource.id, name: null, scopes: ['openid', 'profile', 'email', 'offline_access'], tokenFormat: 'opaque',
      accessTokenTtl: null, introspectionSecretDigest: sha256Hex(resource.secret), createdAt: server.clock(), updatedAt: server.clock(),
    });
  });
  after(() => server.close());

  const lifecycle = () => ({ storage: server.storage, clock: server.clock });
  const basic = (c: TestClient) => ({ clientId: c.clientId, clientSecret: c.clientSecret! });

  /** Asked by the token's client (RFC 7662 §2.1), or by the resource it is for. */
  async function introspect(token: string, caller: { id: string; secret: string }): Promise<unknown> {
    const response = await fetch(`${server.issuer}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(caller.id)}:${encodeURIComponent(caller.secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token }).toString(),
    });
    return ((await response.json()) as { active: unknown }).active;
  }

  const asClient = (c: TestClient) => ({ id: c.clientId, secret: c.clientSecret! });

  async function userinfoStatus(token: string): Promise<number> {
    return (await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;
  }

  async function refresh(client: TestClient, refreshToken: string) {
    return tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refreshToken }, basic(client));
  }

  /** Signs in and stops on the consent page: the interaction now holds this account's login. */
  async function signInUpToConsent(client: TestClient, user: { username: string; password: string }) {
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, pkceParams()));
    assert.match(login.body, /name="password"/);
    const consent = await browser.submitForm(login, { username: user.username, password: user.password });
    assert.match(consent.body, /name="decision"/, 'reached the consent page');
    return { browser, consent };
  }

  function assertNoCode(page: Page & { leftTo?: string }): void {
    assert.equal(page.leftTo, undefined, `no redirect back to the client, got ${page.leftTo}`);
    assert.doesNotMatch(page.headers.get('location') ?? '', /code=/);
  }

  it('after deleteAccount the refresh token no longer refreshes, and introspection and UserInfo refuse the access token', async () => {
    const client = await server.createClient();
    const user = await server.createUser();
    const tokens = await obtainTokens(server, client, user);
    assert.equal(await introspect(tokens.access_token as string, asClient(client)), true);
    server.clock.advance(1);

    assert.equal(await deleteAccount(user.accountId, lifecycle()), true);

    const refused = await refresh(client, tokens.refresh_token as string);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.equal(await introspect(tokens.access_token as string, asClient(client)), false);
    assert.equal(await userinfoStatus(tokens.access_token as string), 401);
  });

  it('after deleteClient its refresh token and access token are dead (RFC 7662 §2.2)', async () => {
    const client = await server.createClient({ metadata: { defaultResource: resource.id } });
    const user = await server.createUser();
    const tokens = await obtainTokens(server, client, user);
    assert.equal(await introspect(tokens.access_token as string, resource), true);
    server.clock.advance(1);

    assert.equal(await deleteClient(client.clientId, lifecycle()), true);

    assert.equal((await refresh(client, tokens.refresh_token as string)).status, 401, 'the client itself is gone');
    assert.equal(await introspect(tokens.access_token as string, resource), false, 'its resource is told the token is dead');
    assert.equal(await userinfoStatus(tokens.access_token as string), 401);
  });

  it('a sign-in in progress for an account deleted meanwhile does not complete into a code', async () => {
    const client = await server.createClient();
    const user = await server.createUser();
    const { browser, consent } = await signInUpToConsent(client, user);
    assert.equal(await deleteAccount(user.accountId, lifecycle()), true);

    const answered = await browser.submitForm(consent, { decision: 'approve' });
    assertNoCode(answered);
    assert.equal(answered.status, 400);
    const again = await browser.navigate(authorizeUrl(server, client, pkceParams()));
    assert.match(again.body, /name="password"/, 'the browser session ended with the account');
  });

  it('a sign-in in progress when the password changes does not complete into a code, and the old session is gone', async () => {
    const client = await server.createClient();
    const user = await server.createUser();
    const { browser, consent } = await signInUpToConsent(client, user);
    const newHash = await hashPassword('a brand new passphrase', { memoryCost: 1024, timeCost: 1, parallelism: 1 });
    assert.equal(await changePassword(user.accountId, newHash, lifecycle()), true);

    const answered = await browser.submitForm(consent, { decision: 'approve' });
    assertNoCode(answered);
    const again = await browser.navigate(authorizeUrl(server, client, pkceParams()));
    assert.match(again.body, /name="password"/, 'signed out: the session ended with the password change');
  });

  it('the tokens of an account whose password changes stop working; a fresh sign-in with the new password works', async () => {
    const client = await server.createClient();
    const user = await server.createUser();
    const tokens = await obtainTokens(server, client, user);
    const password = 'another brand new passphrase';
    server.clock.advance(1);
    assert.equal(await changePassword(user.accountId, await hashPassword(password, { memoryCost: 1024, timeCost: 1, parallelism: 1 }), lifecycle()), true);

    assert.equal((await refresh(client, tokens.refresh_token as string)).body.error, 'invalid_grant');
    assert.equal(await introspect(tokens.access_token as string, asClient(client)), false);
    // Redis markers block codes up to the change's second; a sign-in a second later is unaffected.
    server.clock.advance(1);
    const fresh = await obtainTokens(server, client, { username: user.username, password });
    assert.equal(await introspect(fresh.access_token as string, asClient(client)), true);
  });
});

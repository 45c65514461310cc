// Standard claims (OIDC Core §5.1) by scope (§5.4: profile, email, address, phone) in UserInfo
// and the ID token, and the `claims` request parameter (§5.5): userinfo and id_token members,
// essential, value and values; invalid JSON is invalid_request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { authorizeUrl, pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';
import { ScriptedBrowser } from '../support/browser.js';
import type { AccountProfile } from '../../src/storage/records.js';

const profile: AccountProfile = {
  givenName: 'Katherine', familyName: 'Johnson', middleName: 'Coleman', nickname: 'Kathy',
  profile: 'https://people.example.com/kjohnson', picture: 'https://people.example.com/kjohnson.jpg',
  website: 'https://kjohnson.example.com', gender: 'female', birthdate: '1918-08-26', zoneinfo: 'America/New_York',
  locale: 'en-US', phoneNumber: '+1 757 555 0100', phoneNumberVerified: true,
  address: { streetAddress: '1 NASA Drive', locality: 'Hampton', region: 'VA', postalCode: '23666', country: 'US' },
};

describe('standard claims and the claims parameter', () => {
  let server: TestServer;
  let client: TestClient;
  let user: { accountId: string; username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    client = await server.createClient({ scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'] });
    user = await server.createUser({ name: 'Katherine Johnson', email: 'kj@example.com', profile });
  });
  after(() => server.close());

  async function signIn(params: Record<string, string | undefined>, browser = new ScriptedBrowser()) {
    const pkce = pkcePair();
    const run = await runAuthorization(server, client, user, { ...params, code_challenge: pkce.challenge, code_challenge_method: 'S256' }, browser);
    const code = run.callback?.searchParams.get('code');
    assert.ok(code, `a code (got ${run.callback?.searchParams.get('error_description') ?? run.page.status})`);
    const tokens = await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(tokens.status, 200);
    return tokens.body as { access_token: string; id_token: string; refresh_token?: string };
  }

  async function userinfo(accessToken: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(response.status, 200);
    return await response.json() as Record<string, unknown>;
  }

  it('releases every profile claim for scope=profile, in UserInfo and the ID token (OIDC Core §5.1, §5.4)', async () => {
    const tokens = await signIn({ scope: 'openid profile' });
    const expected = {
      name: 'Katherine Johnson', given_name: 'Katherine', family_name: 'Johnson', middle_name: 'Coleman', nickname: 'Kathy',
      preferred_username: user.username, profile: profile.profile, picture: profile.picture, website: profile.website,
      gender: 'female', birthdate: '1918-08-26', zoneinfo: 'America/New_York', locale: 'en-US',
    };
    const info = await userinfo(tokens.access_token);
    for (const [claim, value] of Object.entries(expected)) assert.equal(info[claim], value, claim);
    assert.equal(typeof info.updated_at, 'number');
    assert.equal(info.address, undefined, 'address needs the address scope');
    assert.equal(info.phone_number, undefined, 'phone_number needs the phone scope');
    assert.equal(info.email, undefined);
    const idToken = decodeJwt(tokens.id_token);
    for (const [claim, value] of Object.entries(expected)) assert.equal(idToken[claim], value, `id_token ${claim}`);
  });

  it('releases address and phone claims for the address and phone scopes (OIDC Core §5.1.1, §5.4)', async () => {
    const tokens = await signIn({ scope: 'openid address phone' });
    const info = await userinfo(tokens.access_token);
    assert.deepEqual(info.address, { street_address: '1 NASA Drive', locality: 'Hampton', region: 'VA', postal_code: '23666', country: 'US' });
    assert.equal(info.phone_number, '+1 757 555 0100');
    assert.equal(info.phone_number_verified, true);
    assert.equal(info.given_name, undefined, 'profile claims need the profile scope');
  });

  it('advertises the scopes, the claims and claims_parameter_supported (OIDC Discovery §3)', async () => {
    const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, string[] | boolean>;
    assert.equal(metadata.claims_parameter_supported, true);
    for (const scope of ['openid', 'profile', 'email', 'address', 'phone', 'offline_access']) assert.ok((metadata.scopes_supported as string[]).includes(scope), scope);
    for (const claim of ['given_name', 'family_name', 'birthdate', 'locale', 'address', 'phone_number', 'phone_number_verified']) {
      assert.ok((metadata.claims_supported as string[]).includes(claim), claim);
    }
  });

  it('puts claims asked for by name where they were asked, after the user approved them (OIDC Core §5.5)', async () => {
    const claims = JSON.stringify({
      userinfo: { given_name: { essential: true }, phone_number: null },
      id_token: { email: null, family_name: { essential: false } },
    });
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, { ...pkceParams(), scope: 'openid', claims }));
    const consent = await browser.submitForm(login, { username: user.username, password: user.password });
    for (const words of ['See your given name', 'See your phone number', 'See your email address', 'See your family name']) {
      assert.match(consent.body, new RegExp(words), `the consent page lists: ${words}`);
    }
    const tokens = await signIn({ scope: 'openid', claims }, browser);
    const idToken = decodeJwt(tokens.id_token);
    assert.equal(idToken.email, 'kj@example.com');
    assert.equal(idToken.family_name, 'Johnson');
    assert.equal(idToken.given_name, undefined, 'asked of UserInfo only');
    const info = await userinfo(tokens.access_token);
    assert.equal(info.given_name, 'Katherine');
    assert.equal(info.phone_number, '+1 757 555 0100');
    assert.equal(info.email, undefined, 'asked of the ID token only');
    assert.equal(info.family_name, undefined);
  });

  it('releases a claim asked for with value or values only when it matches (OIDC Core §5.5.1)', async () => {
    const claims = JSON.stringify({ userinfo: { locale: { values: ['de-DE', 'en-US'] }, zoneinfo: { value: 'Europe/Paris' } } });
    const tokens = await signIn({ scope: 'openid', claims });
    const info = await userinfo(tokens.access_token);
    assert.equal(info.locale, 'en-US');
    assert.equal(info.zoneinfo, undefined);
  });

  it('keeps the claims request across a refresh (OIDC Core §12.2)', async () => {
    const claims = JSON.stringify({ id_token: { birthdate: null }, userinfo: { nickname: null } });
    const tokens = await signIn({ scope: 'openid offline_access', claims });
    assert.ok(tokens.refresh_token);
    const refreshed = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { clientId: client.clientId, clientSecret: client.clientSecret! });
    assert.equal(refreshed.status, 200);
    assert.equal(decodeJwt(refreshed.body.id_token as string).birthdate, '1918-08-26');
    assert.equal((await userinfo(refreshed.body.access_token as string)).nickname, 'Kathy');
  });

  const pkceParams = () => ({ code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });

  for (const [name, claims] of [
    ['invalid JSON', '{"userinfo":'],
    ['a JSON array', '[]'],
    ['a userinfo member that is no object', '{"userinfo":["email"]}'],
    ['a claim that is neither null nor an object', '{"id_token":{"email":true}}'],
    ['a non-boolean essential', '{"id_token":{"email":{"essential":"yes"}}}'],
  ] as const) {
    it(`answers invalid_request for ${name} (OIDC Core §5.5, §3.1.2.6)`, async () => {
      const page = await new ScriptedBrowser().request(authorizeUrl(server, client, { ...pkceParams(), scope: 'openid', claims }));
      assert.equal(page.status, 303);
      const query = new URL(page.headers.get('location')!).searchParams;
      assert.equal(query.get('error'), 'invalid_request');
      assert.match(query.get('error_description') ?? '', /^claims/);
    });
  }
});

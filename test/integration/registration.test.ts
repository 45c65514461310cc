// Dynamic Client Registration over real HTTP: RFC 7591 (register), RFC 7592 (read, replace,
// delete), OIDC Registration 1.0 metadata, the registration policy (initial access tokens, open
// registration's rate limit, cap and expiry) and what a self-registered client sees afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { authorizeUrl, pkcePair, runAuthorization, tokenRequest } from '../support/flow.js';
import { ScriptedBrowser } from '../support/browser.js';
import { purgeExpiredRegistrations } from '../../src/clients/registration-expiry.js';
import type { ConfigInput } from '../../src/config/schema.js';

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
}

async function register(server: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(`${server.issuer}/register`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  }));
}

async function manage(uri: string, method: 'GET' | 'PUT' | 'DELETE', token: string | undefined, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return answer(await fetch(uri, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }));
}

const webClient = { client_name: 'Registered App', redirect_uris: ['http://localhost:8765/callback'], grant_types: ['authorization_code', 'refresh_token'] };
const serviceClient = { client_name: 'Service', grant_types: ['client_credentials'], scope: 'api:read' };

async function asTestClient(server: TestServer, registered: Record<string, unknown>): Promise<TestClient> {
  const record = await server.storage.clients.find(registered.client_id as string);
  assert.ok(record);
  return { clientId: record.clientId, clientSecret: registered.client_secret as string | undefined, redirectUri: record.redirectUris[0]!, record };
}

function withServer(overrides: Partial<ConfigInput>, body: (server: () => TestServer) => void) {
  let server: TestServer;
  before(async () => { server = await startGatehouse(overrides); });
  after(async () => { await server.close(); });
  body(() => server);
}

describe('dynamic client registration, off by default', () => {
  withServer({}, (server) => {
    it('has no registration endpoint and advertises none (RFC 8414 §2)', async () => {
      const metadata = await (await fetch(`${server().issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      assert.equal(metadata.registration_endpoint, undefined);
      assert.equal((await register(server(), webClient)).status, 404);
    });
  });
});

describe('open dynamic client registration (RFC 7591, RFC 7592)', () => {
  withServer({ registration: { policy: 'open', maxPerAddress: 1000, accessTokenTtl: 600 } }, (server) => {
    it('advertises registration_endpoint (RFC 8414 §2, OIDC Discovery §3)', async () => {
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const metadata = await (await fetch(`${server().issuer}${path}`)).json() as Record<string, unknown>;
        assert.equal(metadata.registration_endpoint, `${server().issuer}/register`);
      }
    });

    it('answers 201 with the metadata, a secret that does not expire, the issue time and a registration access token (RFC 7591 §3.2.1)', async () => {
      const registered = await register(server(), { ...webClient, 'client_name#ja-Jpan-JP': '登録アプリ', contacts: ['dev@app.example'], unknown: 1 });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.equal(registered.headers.get('cache-control'), 'no-store');
      const body = registered.body;
      assert.match(body.client_id as string, /^\S{16,}$/);
      assert.match(body.client_secret as string, /^gh_cs_/);
      assert.equal(body.client_secret_expires_at, 0);
      assert.equal(body.client_id_issued_at, server().clock());
      assert.match(body.registration_access_token as string, /^gh_rat_/);
      assert.equal(body.registration_client_uri, `${server().issuer}/register/${body.client_id as string}`);
      assert.deepEqual(
        { name: body.client_name, ja: body['client_name#ja-Jpan-JP'], uris: body.redirect_uris, grants: body.grant_types, types: body.response_types,
          method: body.token_endpoint_auth_method, contacts: body.contacts, unknown: body.unknown },
        { name: 'Registered App', ja: '登録アプリ', uris: webClient.redirect_uris, grants: webClient.grant_types, types: ['code'],
          method: 'client_secret_basic', contacts: ['dev@app.example'], unknown: undefined },
      );
      const record = await server().storage.clients.find(body.client_id as string);
      assert.ok(record?.metadata.registration);
      assert.equal(JSON.stringify(record).includes(body.registration_access_token as string), false, 'only the digest is stored');
    });

    it('gives a public native client no secret and lets it use any loopback port (RFC 8252 §7.3)', async () => {
      const registered = await register(server(), {
        client_name: 'Native', application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback', 'com.example.app:/cb'],
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.equal(registered.body.client_secret, undefined);
      assert.equal(registered.body.client_secret_expires_at, undefined);
      const client = await asTestClient(server(), registered.body);
      const pkce = pkcePair();
      const page = await new ScriptedBrowser().navigate(authorizeUrl(server(), { ...client, redirectUri: 'http://127.0.0.1:49152/callback' },
        { code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
      assert.match(page.leftTo ?? page.url, /\/interaction\//, 'the request went on to login');
      const other = await new ScriptedBrowser().navigate(authorizeUrl(server(), { ...client, redirectUri: 'http://127.0.0.1:49152/elsewhere' },
        { code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
      assert.equal(other.leftTo, undefined);
      assert.ok(other.status >= 400 && other.status < 500, String(other.status));
    });

    const refusals: Array<{ name: string; body: Record<string, unknown>; error: string; description: RegExp }> = [
      { name: 'a redirect URI with a fragment (RFC 6749 §3.1.2, RFC 7591 §3.2.2)', body: { redirect_uris: ['https://app.example/cb#frag'] }, error: 'invalid_redirect_uri', description: /^redirect_uris\[0\] .*fragment/ },
      { name: 'a private-use scheme on a web client (OIDC Registration §2)', body: { redirect_uris: ['com.example:/cb'], token_endpoint_auth_method: 'none' }, error: 'invalid_redirect_uri', description: /a web client cannot use the private-use scheme com\.example/ },
      { name: 'jwks and jwks_uri both (RFC 7591 §2)', body: { ...webClient, jwks_uri: 'https://app.example/jwks', jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] } }, error: 'invalid_client_metadata', description: /jwks and jwks_uri/ },
      { name: 'an unknown signing alg (OIDC Registration §2)', body: { ...webClient, id_token_signed_response_alg: 'XS512' }, error: 'invalid_client_metadata', description: /unsupported algorithm 'XS512'/ },
      { name: 'inconsistent grant and response types (RFC 7591 §2.1)', body: { ...webClient, response_types: [] }, error: 'invalid_client_metadata', description: /response type code/ },
      { name: 'id_token_signed_response_alg none (OIDC Registration §2: every ID token is signed)', body: { ...webClient, id_token_signed_response_alg: 'none' }, error: 'invalid_client_metadata', description: /unsupported algorithm 'none'/ },
      { name: 'pairwise with redirect URIs on two hosts and no sector_identifier_uri (OIDC Core §8.1)', body: { ...webClient, subject_type: 'pairwise', redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] }, error: 'invalid_client_metadata', description: /sector/ },
      { name: 'a sector_identifier_uri on a loopback address, not fetched (OIDC Registration §5, outbound fetch policy)', body: { ...webClient, subject_type: 'pairwise', sector_identifier_uri: 'https://127.0.0.1:9/sector.json' }, error: 'invalid_client_metadata', description: /sector identifier URI could not be fetched/ },
      { name: 'a body that is not an object (RFC 7591 §3.1)', body: ['x'] as unknown as Record<string, unknown>, error: 'invalid_client_metadata', description: /JSON object/ },
    ];
    for (const { name, body, error, description } of refusals) {
      it(`refuses ${name} with 400 ${error} and a description naming the field`, async () => {
        const refused = await register(server(), body);
        assert.equal(refused.status, 400);
        assert.equal(refused.body.error, error);
        assert.match(refused.body.error_description as string, description);
      });
    }

    it('refuses a form body: registration takes JSON (RFC 7591 §3.1)', async () => {
      const response = await answer(await fetch(`${server().issuer}/register`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'redirect_uris=https://app.example/cb',
      }));
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_request');
      assert.match(response.body.error_description as string, /application\/json/);
    });

    it('refuses an empty JSON body as invalid_client_metadata, and malformed JSON as invalid_request (RFC 7591 §3.2.2)', async () => {
      const send = async (body: string) => answer(await fetch(`${server().issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
      const empty = await send('');
      assert.equal(empty.status, 400);
      assert.equal(empty.body.error, 'invalid_client_metadata');
      const malformed = await send('{"redirect_uris": [');
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error, 'invalid_request');
    });

    it('marks a self-registered client on the consent page, with its redirect host, even when its record says skip consent', async () => {
      const registered = await register(server(), webClient);
      const client = await asTestClient(server(), registered.body);
      // Even an operator flag cannot make a self-registered client skip consent.
      await server().storage.clients.update({ ...client.record, skipConsent: true });
      const user = await server().createUser();
      let consentPage = '';
      const browser = new ScriptedBrowser();
      const pkce = pkcePair();
      let page = await browser.navigate(authorizeUrl(server(), client, { code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
      page = await browser.submitForm(page, { username: user.username, password: user.password });
      consentPage = page.body;
      assert.match(consentPage, /name="decision"/);
      assert.match(consentPage, /registered itself/i);
      assert.match(consentPage, /not been verified by the operator/);
      assert.match(consentPage, /localhost:8765/);
    });

    it('reads the registration with its token, issuing a new token each time: the old one stops working (RFC 7592 §2.1, §3)', async () => {
      const registered = await register(server(), webClient);
      const uri = registered.body.registration_client_uri as string;
      const read = await manage(uri, 'GET', registered.body.registration_access_token as string);
      assert.equal(read.status, 200);
      assert.equal(read.body.client_id, registered.body.client_id);
      assert.equal(read.body.client_secret, undefined, 'the secret is never shown again');
      assert.notEqual(read.body.registration_access_token, registered.body.registration_access_token);
      const stale = await manage(uri, 'GET', registered.body.registration_access_token as string);
      assert.equal(stale.status, 401);
      assert.match(stale.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
      assert.equal((await manage(uri, 'GET', read.body.registration_access_token as string)).status, 200);
    });

    it('answers 401 invalid_token for a wrong token, another client\'s token, an unknown client, and a challenge without error for none (RFC 7592 §2.1, RFC 6750 §3)', async () => {
      const a = await register(server(), webClient);
      const b = await register(server(), webClient);
      const uri = a.body.registration_client_uri as string;
      for (const token of ['gh_rat_wrong', b.body.registration_access_token as string]) {
        const refused = await manage(uri, 'GET', token);
        assert.equal(refused.status, 401);
        assert.equal(refused.body.error, 'invalid_token');
      }
      assert.equal((await manage(`${server().issuer}/register/unknown-client`, 'GET', a.body.registration_access_token as string)).status, 401);
      const none = await manage(uri, 'GET', undefined);
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
    });

    it('refuses an expired registration access token with 401 invalid_token (RFC 7592 §3)', async () => {
      const registered = await register(server(), webClient);
      server().clock.advance(601);
      try {
        const refused = await manage(registered.body.registration_client_uri as string, 'GET', registered.body.registration_access_token as string);
        assert.equal(refused.status, 401);
        assert.equal(refused.body.error, 'invalid_token');
      } finally {
        server().clock.advance(-601);
      }
    });

    it('replaces the metadata on PUT, removing omitted fields, and refuses a missing client_id or a chosen secret (RFC 7592 §2.2)', async () => {
      const registered = await register(server(), { ...webClient, contacts: ['a@app.example'], default_max_age: 60 });
      const uri = registered.body.registration_client_uri as string;
      let token = registered.body.registration_access_token as string;
      const noId = await manage(uri, 'PUT', token, { ...webClient });
      assert.equal(noId.status, 400);
      assert.equal(noId.body.error, 'invalid_client_metadata');
      const chosenSecret = await manage(uri, 'PUT', token, { ...webClient, client_id: registered.body.client_id, client_secret: 'gh_cs_mine' });
      assert.equal(chosenSecret.status, 400);
      assert.match(chosenSecret.body.error_description as string, /cannot choose its secret/);
      const replaced = await manage(uri, 'PUT', token, {
        ...webClient, client_id: registered.body.client_id, client_secret: registered.body.client_secret, client_name: 'Renamed', default_max_age: 120,
      });
      assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
      assert.equal(replaced.body.client_name, 'Renamed');
      assert.equal(replaced.body.default_max_age, 120);
      assert.equal(replaced.body.contacts, undefined, 'an omitted field is removed');
      token = replaced.body.registration_access_token as string;
      const badUri = await manage(uri, 'PUT', token, { ...webClient, client_id: registered.body.client_id, redirect_uris: ['https://app.example/#x'] });
      assert.equal(badUri.status, 400);
      assert.equal(badUri.body.error, 'invalid_redirect_uri');
      // The secret still works: a PUT never changes it.
      const client = await asTestClient(server(), registered.body);
      assert.equal((await server().storage.clients.find(client.clientId))?.secretDigest, client.record.secretDigest);
    });

    it('deletes on DELETE with 204; the client then gets 401 invalid_client at the token endpoint and its token is dead (RFC 7592 §2.3)', async () => {
      const registered = await register(server(), serviceClient);
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      const auth = { clientId: registered.body.client_id as string, clientSecret: registered.body.client_secret as string };
      assert.equal((await tokenRequest(server(), { grant_type: 'client_credentials', scope: 'api:read' }, auth)).status, 200);
      const uri = registered.body.registration_client_uri as string;
      const deleted = await fetch(uri, { method: 'DELETE', headers: { authorization: `Bearer ${registered.body.registration_access_token as string}` } });
      assert.equal(deleted.status, 204);
      assert.equal(await deleted.text(), '');
      const afterwards = await tokenRequest(server(), { grant_type: 'client_credentials', scope: 'api:read' }, auth);
      assert.equal(afterwards.status, 401);
      assert.equal(afterwards.body.error, 'invalid_client');
      assert.equal((await manage(uri, 'GET', registered.body.registration_access_token as string)).status, 401);
    });
  });
});

const implicitClient = {
  client_name: 'Legacy SPA', redirect_uris: ['http://localhost:8765/implicit-callback'], token_endpoint_auth_method: 'none',
  grant_types: ['implicit'], response_types: ['id_token token'],
};

describe('implicit clients at registration, with the implicit flow off (the default)', () => {
  withServer({ registration: { policy: 'open', maxPerAddress: 1000 } }, (server) => {
    it('refuses response types id_token and id_token token, and the implicit grant, with invalid_client_metadata (RFC 7591 §2.1, §3.2.2; OIDC Core §3.2)', async () => {
      for (const document of [implicitClient, { ...implicitClient, response_types: ['id_token'] }]) {
        const refused = await register(server(), document);
        assert.equal(refused.status, 400);
        assert.equal(refused.body.error, 'invalid_client_metadata');
        assert.match(refused.body.error_description as string, /the implicit flow is off on this server/);
      }
      assert.equal((await server().storage.clients.list()).length, 0);
    });

    it('refuses a PUT that turns a code client into an implicit one (RFC 7592 §2.2, RFC 7591 §2.1)', async () => {
      const registered = await register(server(), webClient);
      assert.equal(registered.status, 201);
      const uri = registered.body.registration_client_uri as string;
      const { registration_access_token: token, client_id } = registered.body;
      const refused = await manage(uri, 'PUT', token as string, {
        client_id, client_name: 'Now implicit', redirect_uris: webClient.redirect_uris,
        grant_types: ['authorization_code', 'implicit'], response_types: ['code', 'id_token'],
      });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_client_metadata');
      const record = await server().storage.clients.find(client_id as string);
      assert.deepEqual(record?.responseTypes, ['code']);
    });
  });
});

describe('implicit clients at registration, with the implicit flow on', () => {
  withServer({ implicitFlow: true, registration: { policy: 'open', maxPerAddress: 1000 } }, (server) => {
    it('registers a public client with grant implicit and response type id_token token (RFC 7591 §2.1, OIDC Core §3.2)', async () => {
      const registered = await register(server(), implicitClient);
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.deepEqual(registered.body.response_types, ['id_token token']);
      assert.deepEqual(registered.body.grant_types, ['implicit']);
      assert.equal(registered.body.client_secret, undefined);
    });

    it('still refuses an inconsistent pair: id_token token without the implicit grant (RFC 7591 §2.1)', async () => {
      const refused = await register(server(), { ...implicitClient, grant_types: ['authorization_code'], response_types: ['code', 'id_token token'] });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_client_metadata');
      assert.match(refused.body.error_description as string, /needs the implicit grant type/);
    });
  });
});

describe('registration limits: rate limit, cap and expiry of unused registrations', () => {
  withServer({ registration: { policy: 'open', maxPerAddress: 2, addressWindow: 600 } }, (server) => {
    it('refuses the registrations of one address beyond its budget with 429 and Retry-After', async () => {
      assert.equal((await register(server(), webClient)).status, 201);
      assert.equal((await register(server(), webClient)).status, 201);
      const limited = await register(server(), webClient);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '600');
      assert.match(limited.body.error_description as string, /too many registrations/);
    });
  });

  withServer({ registration: { policy: 'open', maxClients: 2 } }, (server) => {
    it('refuses registrations beyond the cap on live dynamic registrations with 503, not counting operator clients', async () => {
      await server().createClient();
      assert.equal((await register(server(), webClient)).status, 201);
      assert.equal((await register(server(), webClient)).status, 201);
      const full = await register(server(), webClient);
      assert.equal(full.status, 503);
      assert.equal(full.body.error, 'temporarily_unavailable');
    });
  });

  withServer({ registration: { policy: 'open', unusedClientTtl: 60 } }, (server) => {
    it('expires a registration that never completed a token request: invalid_client at once, then purged; a used one stays', async () => {
      const unused = await register(server(), serviceClient);
      const used = await register(server(), serviceClient);
      const authOf = (r: Answer) => ({ clientId: r.body.client_id as string, clientSecret: r.body.client_secret as string });
      assert.equal((await tokenRequest(server(), { grant_type: 'client_credentials' }, authOf(used))).status, 200);
      assert.equal((await server().storage.clients.find(used.body.client_id as string))?.registrationExpiresAt, null);
      server().clock.advance(61);
      const expired = await tokenRequest(server(), { grant_type: 'client_credentials' }, authOf(unused));
      assert.equal(expired.status, 401);
      assert.equal(expired.body.error, 'invalid_client');
      assert.equal(await purgeExpiredRegistrations({ storage: server().storage, clock: server().clock }, server().clock(), 100), 1);
      assert.equal(await server().storage.clients.find(unused.body.client_id as string), null);
      assert.equal((await tokenRequest(server(), { grant_type: 'client_credentials' }, authOf(used))).status, 200);
    });
  });
});

describe('registration with an initial access token (RFC 7591 §3)', () => {
  withServer({ registration: { policy: 'initial_access_token' } }, (server) => {
    it('refuses a registration without the token, or with an unknown one, with 401; a one-use token registers once', async () => {
      const none = await register(server(), webClient);
      assert.equal(none.status, 401);
      assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
      const unknown = await register(server(), webClient, { authorization: 'Bearer gh_iat_unknown' });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.error, 'invalid_token');
      const { newOpaqueValue } = await import('../../src/oauth/opaque-token.js');
      const token = newOpaqueValue('gh_iat_');
      await server().storage.initialAccessTokens.insert({ tokenId: 'one-use', tokenDigest: token.digest, usesLeft: 1, expiresAt: null, createdAt: server().clock() });
      assert.equal((await register(server(), webClient, { authorization: `Bearer ${token.value}` })).status, 201);
      assert.equal((await register(server(), webClient, { authorization: `Bearer ${token.value}` })).status, 401);
    });
  });
});

describe('software statements (RFC 7591 §2.3)', () => {
  const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...trusted.publicKey.export({ format: 'jwk' }), kid: 'ss-1', alg: 'ES256' };
  const statement = (key: KeyObject, claims: Record<string, unknown>, issuer = 'https://software.example') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'ss-1' }).setIssuer(issuer).setIssuedAt().sign(key);
  withServer({ registration: { policy: 'open', softwareStatementIssuers: [{ issuer: 'https://software.example', jwks: { keys: [jwk] } }] } }, (server) => {
    it('lets a verified statement\'s claims take precedence over the request and returns it unmodified (RFC 7591 §2.3, §3.2.1)', async () => {
      const signed = await statement(trusted.privateKey, { client_name: 'Certified App', software_id: 'app-4711', software_version: '2.1' });
      const registered = await register(server(), { ...webClient, client_name: 'Impostor', software_statement: signed });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      assert.equal(registered.body.client_name, 'Certified App');
      assert.equal(registered.body.software_id, 'app-4711');
      assert.equal(registered.body.software_statement, signed);
    });

    it('refuses a statement signed by another key or not a JWT with invalid_software_statement, an untrusted issuer with unapproved_software_statement (RFC 7591 §3.2.2)', async () => {
      const forged = await register(server(), { ...webClient, software_statement: await statement(stranger.privateKey, { software_id: 'x' }) });
      assert.equal(forged.status, 400);
      assert.equal(forged.body.error, 'invalid_software_statement');
      const garbage = await register(server(), { ...webClient, software_statement: 'not-a-jwt' });
      assert.equal(garbage.body.error, 'invalid_software_statement');
      const untrusted = await register(server(), { ...webClient, software_statement: await statement(stranger.privateKey, {}, 'https://elsewhere.example') });
      assert.equal(untrusted.status, 400);
      assert.equal(untrusted.body.error, 'unapproved_software_statement');
    });
  });
});

describe('a self-registered client completes the code flow', () => {
  withServer({ registration: { policy: 'open' } }, (server) => {
    it('logs in, consents and exchanges the code with the registered secret; that first token response keeps the client', async () => {
      const registered = await register(server(), webClient);
      const client = await asTestClient(server(), registered.body);
      assert.notEqual(client.record.registrationExpiresAt, null);
      const user = await server().createUser();
      const pkce = pkcePair();
      const run = await runAuthorization(server(), client, user, { code_challenge: pkce.challenge, code_challenge_method: 'S256' });
      const code = run.callback?.searchParams.get('code');
      assert.ok(code, run.page.body.slice(0, 300));
      const tokens = await tokenRequest(server(), { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, code_verifier: pkce.verifier },
        { clientId: client.clientId, clientSecret: client.clientSecret! });
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      assert.equal((await server().storage.clients.find(client.clientId))?.registrationExpiresAt, null);
    });
  });
});

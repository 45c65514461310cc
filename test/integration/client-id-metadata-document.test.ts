// Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document-03) over real HTTP:
// the documents are served by a loopback https server with a self-signed certificate (openssl),
// which Gatehouse trusts through clientIdMetadataDocuments.extraCaCertificates; the MCP
// TypeScript SDK signs in with one, through a real login and consent.
import { decodeJwt } from 'jose';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser, type Page } from '../support/browser.js';
import { pkcePair, tokenRequest } from '../support/flow.js';
import { selfSignedCertificate } from '../support/tls.js';
import * as oidc from 'openid-client';
import { codeFlowLogin } from '../support/openid-flow.js';
import { clientKey, startKeyServer } from '../support/jwt-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const certificate = selfSignedCertificate();
const documents: Record<string, Handler> = {};
const requests: Record<string, number> = {};
let documentServer: HttpsServer;
let documentOrigin: string;
let gatehouse: TestServer;
let user: { username: string; password: string };

const redirectUri = 'http://127.0.0.1:7654/callback';

function documentUrl(name: string): string {
  return `${documentOrigin}/clients/${name}.json`;
}

function json(body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

/** Serves a valid document for `name` (plus `fields`), returning its client_id URL. */
function serveDocument(name: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}): string {
  const clientId = documentUrl(name);
  documents[`/clients/${name}.json`] = json({
    client_id: clientId, client_name: `Test app ${name}`, redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none', ...fields,
  }, headers);
  return clientId;
}

function fetched(name: string): number {
  return requests[`/clients/${name}.json`] ?? 0;
}

function authorizeUrl(server: TestServer, clientId: string, params: Record<string, string> = {}): string {
  const url = new URL(`${server.issuer}/authorize`);
  const { challenge } = pkcePair();
  const all = { response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid profile', state: 's1',
    code_challenge: challenge, code_challenge_method: 'S256', ...params };
  for (const [key, value] of Object.entries(all)) if (value !== '') url.searchParams.set(key, value);
  return url.toString();
}

/** Logs in and approves consent from `start`, as a person would; returns the consent page seen and where the browser was sent. */
async function signIn(start: string, browser = new ScriptedBrowser()): Promise<{ consent: Page | null; leftTo?: string; page: Page }> {
  let page: Page & { leftTo?: string } = await browser.navigate(start);
  let consent: Page | null = null;
  for (let step = 0; step < 4 && !page.leftTo; step++) {
    if (page.body.includes('name="password"')) page = await browser.submitForm(page, { username: user.username, password: user.password });
    else if (page.body.includes('name="decision"')) {
      consent = page;
      page = await browser.submitForm(page, { decision: 'approve' });
    } else break;
  }
  return { consent, page, ...(page.leftTo ? { leftTo: page.leftTo } : {}) };
}

/** The first response to GET /authorize, without following anything. */
async function authorizeOnce(server: TestServer, clientId: string, params: Record<string, string> = {}): Promise<Page> {
  return new ScriptedBrowser().request(authorizeUrl(server, clientId, params));
}

function assertErrorPage(page: Page, text: RegExp): void {
  assert.equal(page.status, 400, page.body.slice(0, 300));
  assert.equal(page.headers.get('location'), null, 'never a redirect: the redirect URI is not verified');
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.body, text);
}

before(async () => {
  documentServer = createHttpsServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const path = new URL(req.url!, 'https://x').pathname;
    requests[path] = (requests[path] ?? 0) + 1;
    const handler = documents[path];
    if (handler) handler(req, res);
    else { res.statusCode = 404; res.end('not found'); }
  });
  await new Promise<void>((resolve) => documentServer.listen(0, '127.0.0.1', resolve));
  documentOrigin = `https://127.0.0.1:${(documentServer.address() as AddressInfo).port}`;
  gatehouse = await startGatehouse({
    allowLoopbackFetch: true,
    clientIdMetadataDocuments: {
      enabled: true, cacheMinSeconds: 60, cacheMaxSeconds: 3600, denyDomains: ['localhost'],
      extraCaCertificates: [certificate.cert],
    },
  });
  user = await gatehouse.createUser();
});

after(async () => {
  await gatehouse.close();
  documentServer.closeAllConnections();
  await new Promise((resolve) => documentServer.close(resolve));
});

describe('Client ID Metadata Documents: sign-in with the MCP TypeScript SDK', () => {
  let mcpServer: Server;
  let mcpUrl: string;

  before(async () => {
    // The MCP server's protected resource metadata (RFC 9728) names Gatehouse as its authorization server.
    mcpServer = createHttpServer((req, res) => {
      if (req.url?.startsWith('/.well-known/oauth-protected-resource')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ resource: mcpUrl, authorization_servers: [gatehouse.issuer], scopes_supported: ['openid', 'profile', 'offline_access'] }));
      } else {
        res.writeHead(401, { 'www-authenticate': 'Bearer' });
        res.end();
      }
    });
    await new Promise<void>((resolve) => mcpServer.listen(0, '127.0.0.1', resolve));
    mcpUrl = `http://127.0.0.1:${(mcpServer.address() as AddressInfo).port}/mcp`;
    // The SDK asks for tokens for the MCP server (RFC 8707 `resource`): it is a registered resource.
    await gatehouse.storage.resources.insert({
      identifier: mcpUrl, name: 'MCP test server', scopes: ['profile'], tokenFormat: 'jwt', accessTokenTtl: null,
      introspectionSecretDigest: null, createdAt: gatehouse.clock(), updatedAt: gatehouse.clock(),
    });
  });
  after(async () => {
    mcpServer.closeAllConnections();
    await new Promise((resolve) => mcpServer.close(resolve));
  });

  it('auth() uses clientMetadataUrl as client_id, the user signs in and consents, and the code is exchanged as a public client with PKCE (CIMD §4, MCP authorization: client registration)', async () => {
    const clientId = serveDocument('mcp-sdk', { client_name: 'MCP SDK test client', scope: 'openid profile offline_access' });
    const provider = new TestProvider(clientId);
    assert.equal(await auth(provider, { serverUrl: mcpUrl }), 'REDIRECT');
    assert.equal((await provider.clientInformation())?.client_id, clientId, 'no dynamic registration: the URL is the client_id');
    const authorizationUrl = provider.authorizationUrl!;
    assert.equal(authorizationUrl.searchParams.get('client_id'), clientId);
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizationUrl.searchParams.get('resource'), mcpUrl);

    const run = await signIn(authorizationUrl.toString());
    assert.ok(run.consent, 'the consent page is shown');
    assert.match(run.consent.body, /MCP SDK test client/);
    assert.match(run.consent.body, new RegExp(`describes itself at <strong>127\\.0\\.0\\.1:${new URL(clientId).port}</strong>`), 'the client_id host (CIMD §6.4)');
    assert.match(run.consent.body, /sent to <strong>127\.0\.0\.1:7654<\/strong>/);
    assert.match(run.consent.body, /runs on your own computer/, 'every redirect URI is loopback');
    assert.ok(run.leftTo?.startsWith(redirectUri), `redirected to the document's redirect URI: ${run.leftTo}`);
    const code = new URL(run.leftTo!).searchParams.get('code');
    assert.ok(code);

    assert.equal(await auth(provider, { serverUrl: mcpUrl, authorizationCode: code }), 'AUTHORIZED');
    const tokens = provider.saved!;
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    // RFC 8707 §2: the access token is for the MCP server, with the scopes it declares.
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.aud, mcpUrl);
    assert.equal(claims.scope, 'profile');
    assert.equal(claims.client_id, clientId);
    assert.ok(tokens.refresh_token, 'the document lists refresh_token and offline_access was granted');
  });
});

describe('Client ID Metadata Documents: discovery', () => {
  it('advertises client_id_metadata_document_supported in RFC 8414 and OIDC discovery metadata when enabled (CIMD §5)', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = await (await fetch(`${gatehouse.issuer}${path}`)).json() as Record<string, unknown>;
      assert.equal(metadata.client_id_metadata_document_supported, true, path);
      assert.ok((metadata.token_endpoint_auth_methods_supported as string[]).includes('none'), path);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256'], path);
    }
  });

  it('does not advertise it, and treats URL client_ids as unknown, when disabled (CIMD §5)', async () => {
    const server = await startGatehouse({ allowLoopbackFetch: true });
    try {
      const metadata = await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json() as Record<string, unknown>;
      assert.equal(metadata.client_id_metadata_document_supported, undefined);
      const clientId = serveDocument('disabled');
      assertErrorPage(await authorizeOnce(server, clientId), /unknown client/);
      assert.equal(fetched('disabled'), 0);
    } finally {
      await server.close();
    }
  });
});

describe('Client ID Metadata Documents: what is refused', () => {
  it('refuses a document whose client_id is not the URL it was fetched from (CIMD §4.1)', async () => {
    documents['/clients/other-id.json'] = json({ client_id: documentUrl('someone-else'), redirect_uris: [redirectUri] });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('other-id')), /client_id is not the URL it was fetched from/);
  });

  it('refuses a URL on a loopback or private address unless configured (CIMD §6.5, RFC 6890)', async () => {
    const server = await startGatehouse({ clientIdMetadataDocuments: { enabled: true, extraCaCertificates: [certificate.cert] } });
    try {
      serveDocument('private');
      assertErrorPage(await authorizeOnce(server, documentUrl('private')), /could not be fetched: .*not a public address/);
      assert.equal(fetched('private'), 0, 'no connection was made');
    } finally {
      await server.close();
    }
  });

  it('verifies the document server\'s certificate: without the test CA configured, the self-signed server is refused (CIMD §3 https)', async () => {
    const server = await startGatehouse({ allowLoopbackFetch: true, clientIdMetadataDocuments: { enabled: true } });
    try {
      serveDocument('untrusted-cert');
      assertErrorPage(await authorizeOnce(server, documentUrl('untrusted-cert')), /could not be fetched: request to .* failed/);
    } finally {
      await server.close();
    }
  });

  it('refuses a document larger than the limit, 5 KB by default (CIMD §6.6)', async () => {
    serveDocument('oversized', { client_name: 'x'.repeat(6000) });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('oversized')), /could not be fetched: .*more than 5120 bytes/);
  });

  it('never follows a redirect: a 3xx is an error and its target is not fetched (CIMD §4)', async () => {
    const target = serveDocument('redirect-target');
    documents['/clients/redirecting.json'] = (_req, res) => { res.writeHead(302, { location: target }); res.end(); };
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('redirecting')), /redirects are not followed/);
    assert.equal(fetched('redirect-target'), 0);
  });

  it('refuses any status other than 200 (CIMD §4)', async () => {
    documents['/clients/gone.json'] = (_req, res) => { res.writeHead(410); res.end(); };
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('gone')), /answered HTTP 410, not 200/);
  });

  it('refuses a document that is not JSON (CIMD §4.1, RFC 8259)', async () => {
    documents['/clients/html.json'] = (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>hello</html>'); };
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('html')), /is not JSON/);
  });

  it('accepts only a redirect_uri the document lists, exactly (CIMD §4.5, RFC 9700 §4.1.3)', async () => {
    const clientId = serveDocument('exact-redirect');
    for (const other of ['http://127.0.0.1:7654/callback/', 'http://127.0.0.1:7655/callback', 'https://attacker.example/callback']) {
      assertErrorPage(await authorizeOnce(gatehouse, clientId, { redirect_uri: other }), /redirect_uri is not registered for this client/);
    }
    assert.equal((await authorizeOnce(gatehouse, clientId)).status, 303);
  });

  it('refuses a shared-secret token_endpoint_auth_method and client_secret fields (CIMD §4.1, §6.2)', async () => {
    serveDocument('basic', { token_endpoint_auth_method: 'client_secret_basic' });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('basic')), /client_secret_basic needs a shared secret/);
    serveDocument('secret', { client_secret: 'hunter2' });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('secret')), /must not contain client_secret/);
  });

  it('refuses a document without redirect_uris (CIMD §4.5)', async () => {
    documents['/clients/no-redirects.json'] = json({ client_id: documentUrl('no-redirects') });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('no-redirects')), /redirect_uris must list at least one/);
  });

  it('refuses client_id URLs that break the identifier rules, without fetching (CIMD §3)', async () => {
    const cases: Array<[string, RegExp]> = [
      [`${documentOrigin}/`, /must contain a path/],
      [`${documentOrigin}/clients/a/../b.json`, /must not contain \. or \.\. path segments/],
      [`${documentOrigin}/clients/x.json#frag`, /must not contain a fragment/],
      [`https://user:pw@127.0.0.1:${new URL(documentOrigin).port}/clients/x.json`, /must not contain a username or password/],
    ];
    const countBefore = Object.values(requests).reduce((a, b) => a + b, 0);
    for (const [clientId, expected] of cases) assertErrorPage(await authorizeOnce(gatehouse, clientId), expected);
    assert.equal(Object.values(requests).reduce((a, b) => a + b, 0), countBefore);
  });

  it('refuses a deny-listed domain without fetching (CIMD §6.8 Client ID Domain Trust)', async () => {
    serveDocument('denied');
    const clientId = `https://localhost:${new URL(documentOrigin).port}/clients/denied.json`;
    assertErrorPage(await authorizeOnce(gatehouse, clientId), /does not accept clients from localhost/);
    assert.equal(fetched('denied'), 0);
  });

  it('requires PKCE: the client is public (CIMD §6.2, OAuth 2.1 §7.5.1)', async () => {
    const clientId = serveDocument('no-pkce');
    const page = await authorizeOnce(gatehouse, clientId, { code_challenge: '', code_challenge_method: '' });
    assert.equal(page.status, 303);
    const location = new URL(page.headers.get('location')!);
    assert.equal(location.origin + location.pathname, redirectUri);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /code_challenge/);
  });

  it('answers invalid_client at the token endpoint when the document cannot be used (CIMD §4.3, RFC 6749 §5.2)', async () => {
    const response = await tokenRequest(gatehouse, {
      grant_type: 'authorization_code', code: 'gh_ac_nothing', redirect_uri: redirectUri, code_verifier: pkcePair().verifier,
      client_id: documentUrl('missing-at-token'),
    });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_client');
    assert.equal(fetched('missing-at-token'), 1);
  });
});

describe('Client ID Metadata Documents: private_key_jwt (CIMD §4.1, RFC 7523 §2.2)', () => {
  let keyServer: Awaited<ReturnType<typeof startKeyServer>>;
  before(async () => { keyServer = await startKeyServer(); });
  after(async () => { await keyServer.close(); });

  async function privateKeyJwtLogin(clientId: string, key: Awaited<ReturnType<typeof clientKey>>) {
    const config = await oidc.discovery(new URL(gatehouse.issuer), clientId, undefined,
      oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), { execute: [oidc.allowInsecureRequests] });
    return codeFlowLogin(config, redirectUri, user);
  }

  it('a document declaring private_key_jwt with jwks completes the code flow and refresh with openid-client, authenticating with its key (CIMD §4.1, RFC 7523 §2.2, OIDC Core §9)', async () => {
    const key = await clientKey('ES256');
    const clientId = serveDocument('pkjwt-jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
    const { tokens, config } = await privateKeyJwtLogin(clientId, key);
    assert.equal(tokens.claims()!.aud, clientId);
    assert.ok(tokens.refresh_token);
    assert.ok((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).access_token);
  });

  it('a document declaring private_key_jwt with jwks_uri completes the code flow; the keys are fetched from the jwks_uri (CIMD §4.1, RFC 7591 §2 jwks_uri)', async () => {
    const key = await clientKey('RS256');
    keyServer.setKeys([key.jwk]);
    const clientId = serveDocument('pkjwt-jwks-uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: keyServer.url });
    const before = keyServer.hits;
    const { tokens } = await privateKeyJwtLogin(clientId, key);
    assert.ok(tokens.id_token);
    assert.ok(keyServer.hits > before, 'the jwks_uri was fetched');
  });

  it('a private_key_jwt document client must authenticate: no assertion, or one signed with another key, is invalid_client (RFC 6749 §5.2, RFC 7523 §3)', async () => {
    const key = await clientKey('ES256');
    const clientId = serveDocument('pkjwt-required', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
    const pkce = pkcePair();
    const run = await signIn(authorizeUrl(gatehouse, clientId, { code_challenge: pkce.challenge }));
    const code = new URL(run.leftTo!).searchParams.get('code')!;
    const bare = await tokenRequest(gatehouse, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pkce.verifier, client_id: clientId });
    assert.equal(bare.status, 401);
    assert.equal(bare.body.error, 'invalid_client');
    const other = await clientKey('ES256', key.kid);
    const config = await oidc.discovery(new URL(gatehouse.issuer), clientId, undefined,
      oidc.PrivateKeyJwt({ key: other.privateKey, kid: other.kid }), { execute: [oidc.allowInsecureRequests] });
    await assert.rejects(codeFlowLogin(config, redirectUri, user), (error: Error & { error?: string }) => error.error === 'invalid_client');
  });

  it('refuses a private_key_jwt document without keys, with both jwks and jwks_uri, or with a private key (CIMD §4.1, RFC 7591 §2)', async () => {
    const key = await clientKey('ES256');
    serveDocument('pkjwt-no-keys', { token_endpoint_auth_method: 'private_key_jwt' });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('pkjwt-no-keys')), /private_key_jwt needs the client&#39;s public keys|private_key_jwt needs the client's public keys/);
    serveDocument('pkjwt-both', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] }, jwks_uri: keyServer.url });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('pkjwt-both')), /jwks and jwks_uri must not both be given/);
    serveDocument('pkjwt-private', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...key.jwk, d: 'c2VjcmV0' }] } });
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('pkjwt-private')), /holds private key material/);
  });

  it('refuses client_secret_basic, client_secret_post and client_secret_jwt documents, saying what to use instead, also at the token endpoint (CIMD §4.1: no shared secret with a document)', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt']) {
      const name = `shared-${method}`;
      serveDocument(name, { token_endpoint_auth_method: method });
      assertErrorPage(await authorizeOnce(gatehouse, documentUrl(name)), new RegExp(`${method} needs a shared secret, which a metadata document cannot establish \\(use private_key_jwt`));
      const response = await tokenRequest(gatehouse, { grant_type: 'authorization_code', code: 'gh_ac_nothing', redirect_uri: redirectUri },
        { clientId: documentUrl(name), clientSecret: 'guessed' });
      assert.equal(response.status, 401);
      assert.equal(response.body.error, 'invalid_client');
    }
  });
});

describe('Client ID Metadata Documents: caching and consent', () => {
  it('reuses a document for its max-age: a second authorization makes no second fetch, one after it does (CIMD §4.4, RFC 9111 §5.2.2.1)', async () => {
    const clientId = serveDocument('cached', {}, { 'cache-control': 'public, max-age=600' });
    assert.equal((await authorizeOnce(gatehouse, clientId)).status, 303);
    assert.equal((await authorizeOnce(gatehouse, clientId)).status, 303);
    assert.equal(fetched('cached'), 1);
    gatehouse.clock.advance(601);
    assert.equal((await authorizeOnce(gatehouse, clientId)).status, 303);
    assert.equal(fetched('cached'), 2);
  });

  it('keeps a no-store document for the configured minimum, never less (CIMD §4.4 bounds)', async () => {
    const clientId = serveDocument('no-store', {}, { 'cache-control': 'no-store' });
    await authorizeOnce(gatehouse, clientId);
    gatehouse.clock.advance(30);
    await authorizeOnce(gatehouse, clientId);
    assert.equal(fetched('no-store'), 1, 'within cacheMinSeconds (60)');
    gatehouse.clock.advance(31);
    await authorizeOnce(gatehouse, clientId);
    assert.equal(fetched('no-store'), 2);
  });

  it('never caches a failed fetch (CIMD §4.4)', async () => {
    documents['/clients/flaky.json'] = (_req, res) => { res.writeHead(503); res.end(); };
    assertErrorPage(await authorizeOnce(gatehouse, documentUrl('flaky')), /answered HTTP 503/);
    serveDocument('flaky');
    assert.equal((await authorizeOnce(gatehouse, documentUrl('flaky'))).status, 303);
    assert.equal(fetched('flaky'), 2);
  });

  it('asks for consent at every authorization, even with a remembered approval (CIMD §6.3, §6.4)', async () => {
    const clientId = serveDocument('consent-every-time', { redirect_uris: ['https://app.example/callback'] });
    const browser = new ScriptedBrowser();
    const first = await signIn(authorizeUrl(gatehouse, clientId, { redirect_uri: 'https://app.example/callback' }), browser);
    assert.ok(first.consent && first.leftTo);
    assert.doesNotMatch(first.consent.body, /runs on your own computer/, 'not a loopback redirect URI');
    assert.match(first.consent.body, /sent to <strong>app\.example<\/strong>/);
    const second = await signIn(authorizeUrl(gatehouse, clientId, { redirect_uri: 'https://app.example/callback' }), browser);
    assert.ok(second.consent, 'consent again, though the session and the approval exist');
    assert.ok(second.leftTo?.startsWith('https://app.example/callback?'));
  });
});

class TestProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;

  constructor(readonly clientMetadataUrl: string) {}

  get redirectUrl(): string {
    return redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'MCP SDK test client', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'openid profile offline_access' };
  }

  clientInformation() { return this.info; }
  saveClientInformation(info: OAuthClientInformationMixed) { this.info = info; }
  tokens() { return this.saved; }
  saveTokens(tokens: OAuthTokens) { this.saved = tokens; }
  redirectToAuthorization(url: URL) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier: string) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
}

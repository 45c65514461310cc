// Durability across restarts, signing key rotation, JWT access tokens (RFC 9068) and the opt-in
// legacy implicit flow (OIDC Core §3.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startGatehouse } from '../support/gatehouse.js';
import { obtainTokens, runAuthorization, tokenRequest } from '../support/flow.js';
import { rotateSigningKeys } from '../../src/keys/signing-keys.js';
import { dropSchema, uniqueSchema } from '../storage-contract/postgres-fixture.js';

async function introspect(issuer: string, token: string, clientId: string, secret: string) {
  const response = await fetch(`${issuer}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await response.json()) as { active: boolean };
}

describe('durability and keys', () => {
  it('keeps clients, users, keys, grants and live tokens across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-restart-'));
    // On PostgreSQL a schema of its own: the shared one may hold another checkout's migrations.
    const schema = uniqueSchema();
    const shared = process.env.GATEHOUSE_TEST_DATABASE_URL;
    const databaseUrl = shared ? `${shared}${shared.includes('?') ? '&' : '?'}schema=${schema}` : `sqlite:${join(dir, 'gatehouse.db')}`;
    try {
      const first = await startGatehouse({ databaseUrl });
      const client = await first.createClient();
      const user = await first.createUser();
      const tokens = await obtainTokens(first, client, user);
      const kids = (await first.keys.publicJwks()).keys.map((k) => k.kid).sort();
      await first.close();

      const second = await startGatehouse({ databaseUrl });
      try {
        const secret = client.clientSecret!;
        assert.equal((await introspect(second.issuer, tokens.access_token as string, client.clientId, secret)).active, true);
        const refreshed = await tokenRequest(second, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, { clientId: client.clientId, clientSecret: secret });
        assert.equal(refreshed.status, 200, 'the grant and refresh token survived');
        const restartedKids = (await second.keys.publicJwks()).keys.map((k) => k.kid).sort();
        assert.deepEqual(restartedKids, kids, 'the same signing keys');
        const again = await obtainTokens(second, client, user);
        assert.ok(again.id_token, 'the user can still log in');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (shared) await dropSchema(schema);
    }
  });

  it('publishes a rotated key before it signs and keeps the old one until it retires', async () => {
    const server = await startGatehouse();
    try {
      const client = await server.createClient({ skipConsent: true });
      const user = await server.createUser();
      const before = await obtainTokens(server, client, user);
      const oldKid = decodeProtectedHeader(before.id_token as string).kid;
      const [fresh] = await rotateSigningKeys(server.storage.signingKeys, server.clock, server.sealer, { publishDelay: 60, retirementGrace: 3600 });
      assert.ok(fresh && fresh.alg === 'RS256');
      server.keys.refresh();
      const published = (await server.keys.publicJwks()).keys.map((k) => k.kid);
      assert.ok(published.includes(fresh.kid) && published.includes(oldKid!), 'both keys are published');
      const during = await obtainTokens(server, client, user);
      assert.equal(decodeProtectedHeader(during.id_token as string).kid, oldKid, 'the new key does not sign before every node has published it');
      server.clock.advance(61);
      server.keys.refresh();
      const after = await obtainTokens(server, client, user);
      assert.equal(decodeProtectedHeader(after.id_token as string).kid, fresh.kid);
      const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
      await jwtVerify(after.id_token as string, jwks, { issuer: server.issuer, currentDate: new Date(server.clock() * 1000) });
      await jwtVerify(during.id_token as string, jwks, { issuer: server.issuer, currentDate: new Date(server.clock() * 1000) });
      assert.ok((await server.keys.publicJwks()).keys.some((k) => k.kid === oldKid), 'the old key stays published through its grace period');
      server.clock.advance(3600);
      server.keys.refresh();
      const retired = (await server.keys.publicJwks()).keys.map((k) => k.kid);
      assert.ok(!retired.includes(oldKid!), 'the old key leaves the JWKS once it has retired');
      assert.ok(retired.includes(fresh.kid));
    } finally {
      await server.close();
    }
  });

  it('issues RFC 9068 JWT access tokens when configured, still revocable and accepted by UserInfo', async () => {
    const server = await startGatehouse({ accessTokenFormat: 'jwt' });
    try {
      const client = await server.createClient();
      const user = await server.createUser();
      const tokens = await obtainTokens(server, client, user);
      const token = tokens.access_token as string;
      assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
      const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks`));
      const { payload } = await jwtVerify(token, jwks, { issuer: server.issuer, typ: 'at+jwt' });
      assert.equal(payload.sub, user.accountId);
      assert.equal(payload.client_id, client.clientId);
      assert.equal(typeof payload.jti, 'string');
      const info = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(info.status, 200);
      assert.equal((await introspect(server.issuer, token, client.clientId, client.clientSecret!)).active, true);

      // Still revocable (RFC 7009 §2): a JWT access token is looked up by its jti, so revocation ends it.
      const revoked = await fetch(`${server.issuer}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret!}`).toString('base64')}` },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      });
      assert.equal(revoked.status, 200);
      assert.equal((await introspect(server.issuer, token, client.clientId, client.clientSecret!)).active, false, 'introspection sees the revocation');
      const after = await fetch(`${server.issuer}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(after.status, 401, 'UserInfo refuses the revoked JWT (RFC 6750 §3.1 invalid_token)');
      assert.match(after.headers.get('www-authenticate') ?? '', /invalid_token/);
    } finally {
      await server.close();
    }
  });

  it('serves the implicit flow only when enabled, with a nonce, limited scopes and short tokens (OIDC Core §3.2.2)', async () => {
    const server = await startGatehouse({ implicitFlow: true });
    try {
      const client = await server.createClient({ responseTypes: ['code', 'id_token', 'id_token token'] });
      const user = await server.createUser();
      const run = await runAuthorization(server, client, user, { response_type: 'id_token token', scope: 'openid profile offline_access' });
      assert.ok(run.callback, 'redirected back');
      assert.equal(run.callback.search, '', 'nothing in the query string (RFC 9700 §2.1.2)');
      const fragment = new URLSearchParams(run.callback.hash.slice(1));
      assert.equal(fragment.get('expires_in'), String(server.config.implicitAccessTokenTtl));
      assert.equal(fragment.get('scope'), 'openid profile', 'offline_access is not available to the implicit flow');
      assert.equal(fragment.get('state'), 'state-123');
      const { payload } = await jwtVerify(fragment.get('id_token')!, createRemoteJWKSet(new URL(`${server.issuer}/jwks`)), { issuer: server.issuer, audience: client.clientId });
      assert.equal(payload.nonce, 'nonce-456');
      assert.equal(typeof payload.at_hash, 'string');

      const noNonce = await runAuthorization(server, client, user, { response_type: 'id_token', nonce: undefined }, run.browser);
      assert.equal(new URLSearchParams(noNonce.callback!.hash.slice(1)).get('error'), 'invalid_request');
      const inQuery = await runAuthorization(server, client, user, { response_type: 'id_token', response_mode: 'query' }, run.browser);
      assert.equal(new URLSearchParams(inQuery.callback!.hash.slice(1)).get('error') ?? inQuery.callback!.searchParams.get('error'), 'invalid_request');
      const notRegistered = await server.createClient();
      const refused = await runAuthorization(server, notRegistered, user, { response_type: 'id_token' }, run.browser);
      assert.equal(new URLSearchParams(refused.callback!.hash.slice(1)).get('error'), 'unauthorized_client');
    } finally {
      await server.close();
    }
  });
});

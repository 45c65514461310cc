// Unit tests: createAccessTokenVerifier against a small stand-in authorization server on a real
// socket (metadata, JWKS, introspection), so each RFC 9068 / RFC 7662 rule can be bent one at a time.
// The same verifier runs against real Gatehouse in test/integration/resource-server.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import Fastify from 'fastify';
import { manualClock } from '../lib/clock.js';
import { BearerError, VerifierUnavailableError } from './errors.js';
import { fastifyBearerAuth } from './fastify.js';
import { authenticateRequest } from './node-http.js';
import { createAccessTokenVerifier, type AccessTokenVerifierOptions } from './verifier.js';

const clock = manualClock(1_700_000_000);
let server: Server;
let issuer = '';
let signingKey: CryptoKey;
let introspections = 0;
const activeTokens = new Map<string, Record<string, unknown>>();
let introspectionStatus = 200;

async function sign(claims: JWTPayload, header: Record<string, unknown> = {}, key: CryptoKey = signingKey): Promise<string> {
  const payload = {
    iss: issuer, aud: 'app', sub: 'user-1', iat: clock(), exp: clock() + 300, jti: 'j1',
    client_id: 'app', scope: 'openid profile', ...claims,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt', ...header }).sign(key);
}

function verifier(overrides: Partial<AccessTokenVerifierOptions> = {}) {
  return createAccessTokenVerifier({
    issuer, audience: 'app', clock,
    introspection: { clientId: 'api', clientSecret: 's3cret' },
    ...overrides,
  });
}

const rejectsWith = (code: string | null) => (e: unknown) => e instanceof BearerError && e.code === code;

before(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/oauth-authorization-server') return json(200, { issuer, jwks_uri: `${issuer}/jwks`, introspection_endpoint: `${issuer}/introspect` });
    if (req.url === '/jwks') return json(200, { keys: [jwk] });
    if (req.url === '/introspect') {
      let body = '';
      req.on('data', (c: Buffer) => { body += c; });
      req.on('end', () => {
        introspections += 1;
        if (introspectionStatus !== 200) return json(introspectionStatus, { error: 'x' });
        if (req.headers.authorization !== `Basic ${Buffer.from('api:s3cret').toString('base64')}`) return json(401, { error: 'invalid_client' });
        const token = new URLSearchParams(body).get('token') ?? '';
        json(200, activeTokens.get(token) ?? { active: false });
      });
      return;
    }
    json(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const live = { active: true, client_id: 'app', sub: 'user-1', scope: 'openid profile', token_type: 'Bearer', iss: issuer, aud: 'app', exp: clock() + 3600 };
  activeTokens.set('gh_at_live', live);
  activeTokens.set('gh_at_short', { ...live, exp: clock() + 30 });
  activeTokens.set('gh_rt_refresh', { ...live, token_type: 'refresh_token' });
  activeTokens.set('gh_at_other_aud', { ...live, aud: 'someone-else' });
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('JWT access tokens (RFC 9068 §4)', () => {
  it('accepts a token signed by a JWKS key with typ at+jwt, the right iss and aud, and reports its scopes', async () => {
    const verified = await verifier().authenticate(`Bearer ${await sign({})}`, { scopes: ['profile'] });
    assert.equal(verified.format, 'jwt');
    assert.equal(verified.subject, 'user-1');
    assert.equal(verified.clientId, 'app');
    assert.deepEqual(verified.scopes, ['openid', 'profile']);
  });

  const bent: { name: string; make: () => Promise<string> }[] = [
    { name: 'an ID token (typ JWT) presented as an access token', make: () => sign({}, { typ: 'JWT' }) },
    { name: 'a token for another audience', make: () => sign({ aud: 'other' }) },
    { name: 'a token from another issuer', make: () => sign({ iss: 'https://evil.example' }) },
    { name: 'a token without client_id', make: () => sign({ client_id: undefined }) },
    { name: 'a token signed by a key not in the JWKS', make: async () => sign({}, {}, (await generateKeyPair('ES256')).privateKey) },
    { name: 'an unsigned token (alg none)', make: async () => {
      const [, payload] = (await sign({})).split('.');
      return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.c2ln`;
    } },
    { name: 'a token with a tampered payload', make: async () => {
      const [h, , s] = (await sign({})).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ sub: 'admin', client_id: 'app', scope: 'admin' })).toString('base64url')}.${s}`;
    } },
  ];
  for (const b of bent) {
    it(`rejects ${b.name} with invalid_token`, async () => {
      await assert.rejects(verifier({ introspection: undefined }).authenticate(`Bearer ${await b.make()}`), rejectsWith('invalid_token'));
    });
  }

  it('rejects an expired token with invalid_token once the clock passes exp (RFC 9068 §4)', async () => {
    const token = await sign({});
    const v = verifier();
    await v.verifyToken(token);
    clock.advance(301);
    try {
      await assert.rejects(v.verifyToken(token), (e: unknown) => e instanceof BearerError && e.code === 'invalid_token' && /expired/.test(e.message));
    } finally {
      clock.advance(-301);
    }
  });

  it('answers insufficient_scope naming the required scope (RFC 6750 §3.1)', async () => {
    await assert.rejects(verifier().authenticate(`Bearer ${await sign({ scope: 'openid' })}`, { scopes: ['profile'] }),
      (e: unknown) => e instanceof BearerError && e.code === 'insufficient_scope' && e.status === 403 && e.scope?.join() === 'profile');
  });
});

describe('opaque access tokens by introspection (RFC 7662)', () => {
  it('accepts an active token and caches the answer instead of asking again', async () => {
    const v = verifier();
    const before = introspections;
    const verified = await v.authenticate('Bearer gh_at_live', { scopes: ['profile'] });
    await v.authenticate('Bearer gh_at_live');
    assert.equal(verified.format, 'opaque');
    assert.equal(verified.subject, 'user-1');
    assert.equal(introspections - before, 1);
  });

  it('asks again after the cache bound, so revocation is seen within cacheMaxTtlSeconds', async () => {
    const v = verifier({ introspection: { clientId: 'api', clientSecret: 's3cret', cacheMaxTtlSeconds: 10 } });
    const before = introspections;
    await v.verifyToken('gh_at_live');
    clock.advance(10);
    await v.verifyToken('gh_at_live');
    assert.equal(introspections - before, 2);
  });

  it('does not trust a cached answer past the token exp (RFC 7662 §4)', async () => {
    const v = verifier({ introspection: { clientId: 'api', clientSecret: 's3cret', cacheMaxTtlSeconds: 3600 } });
    const start = clock();
    activeTokens.set('gh_at_brief', { active: true, client_id: 'app', token_type: 'Bearer', iss: issuer, aud: 'app', exp: start + 5 });
    await v.verifyToken('gh_at_brief');
    activeTokens.set('gh_at_brief', { active: false });
    clock.advance(5);
    await assert.rejects(v.verifyToken('gh_at_brief'), rejectsWith('invalid_token'));
  });

  const inactive = [
    { name: 'an unknown token (active:false)', token: 'gh_at_unknown' },
    { name: 'a refresh token presented as an access token', token: 'gh_rt_refresh' },
    { name: 'a token for another audience', token: 'gh_at_other_aud' },
  ];
  for (const i of inactive) {
    it(`rejects ${i.name} with invalid_token (RFC 6750 §3.1)`, async () => {
      await assert.rejects(verifier().authenticate(`Bearer ${i.token}`), rejectsWith('invalid_token'));
    });
  }

  it('treats an introspection failure as unavailable, never as a bad token, and does not cache it', async () => {
    const v = verifier();
    introspectionStatus = 500;
    try {
      await assert.rejects(v.verifyToken('gh_at_short'), VerifierUnavailableError);
    } finally {
      introspectionStatus = 200;
    }
    assert.equal((await v.verifyToken('gh_at_short')).clientId, 'app');
  });

  it('treats refused resource-server credentials as unavailable (RFC 7662 §2.1)', async () => {
    await assert.rejects(verifier({ introspection: { clientId: 'api', clientSecret: 'wrong' } }).verifyToken('gh_at_live'), VerifierUnavailableError);
  });

  it('treats an unreachable authorization server as unavailable', async () => {
    const v = createAccessTokenVerifier({ issuer: 'http://127.0.0.1:9', audience: 'app', introspection: { clientId: 'a', clientSecret: 'b' }, timeoutMs: 1000 });
    await assert.rejects(v.verifyToken('gh_at_live'), VerifierUnavailableError);
  });

  it('refuses metadata naming another issuer (RFC 8414 §3.3)', async () => {
    const v = createAccessTokenVerifier({ issuer: issuer.replace('127.0.0.1', 'localhost'), audience: 'app', introspection: { clientId: 'api', clientSecret: 's3cret' } });
    await assert.rejects(v.verifyToken('gh_at_live'), VerifierUnavailableError);
  });
});

describe('fastifyBearerAuth', () => {
  it('answers each refusal with its RFC 6750 §3 challenge and passes a good token through', async () => {
    const app = Fastify();
    const requireToken = fastifyBearerAuth(app, verifier({ realm: 'demo' }));
    app.get('/r', { preHandler: requireToken({ scopes: ['profile'] }) }, async (request) => ({ sub: request.accessToken?.subject }));
    const call = (authorization?: string) => app.inject({ url: '/r', headers: authorization ? { authorization } : {} });
    const missing = await call();
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="demo"');
    const malformed = await call('Bearer a b');
    assert.equal(malformed.statusCode, 400);
    assert.match(String(malformed.headers['www-authenticate']), /error="invalid_request"/);
    const invalid = await call('Bearer gh_at_unknown');
    assert.equal(invalid.statusCode, 401);
    assert.match(String(invalid.headers['www-authenticate']), /error="invalid_token"/);
    const weak = await call(`Bearer ${await sign({ scope: 'openid' })}`);
    assert.equal(weak.statusCode, 403);
    assert.match(String(weak.headers['www-authenticate']), /error="insufficient_scope", error_description="[^"]*", scope="profile"/);
    const ok = await call('Bearer gh_at_live');
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { sub: 'user-1' });
    await app.close();
  });
});

describe('authenticateRequest (node:http)', () => {
  it('answers the refusal itself and returns null, or returns the verified token', async () => {
    const v = verifier({ realm: 'plain' });
    const plain = createServer((req, res) => {
      void authenticateRequest(v, req, res, { scopes: ['profile'] }).then((token) => {
        if (token) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: token.subject }));
      });
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`;
    try {
      const refused = await fetch(url, { headers: { authorization: 'Bearer gh_at_unknown' } });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer realm="plain", error="invalid_token"/);
      const ok = await fetch(url, { headers: { authorization: 'Bearer gh_at_live' } });
      assert.deepEqual(await ok.json(), { sub: 'user-1' });
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });
});

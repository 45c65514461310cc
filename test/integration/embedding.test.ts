// The embedding API (src/index.ts, docs/embedding.md): createGatehouse from a typed config,
// mounted beside the host's own routes in a plain node:http server and in a Fastify app; a
// relying party (openid-client) runs the whole code flow against each (OIDC Core §3.1).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import * as oidc from 'openid-client';
import { createGatehouse, ConfigError, type Gatehouse } from 'gatehouse';
import { manualClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { freePort, seedClient, seedUser } from '../support/gatehouse.js';
import { openidClientCodeFlow } from '../support/openid-flow.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-embed-'));
const cheapArgon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

async function embedded(port: number, name: string): Promise<Gatehouse> {
  return createGatehouse({
    issuer: `http://localhost:${port}`, databaseUrl: `sqlite:${join(dir, `${name}.db`)}`, argon2: cheapArgon2, logLevel: 'silent',
  }, { logger: silentLogger() });
}

async function seedAndRun(gatehouse: Gatehouse) {
  const clock = manualClock();
  const client = await seedClient(gatehouse.storage, clock);
  const user = await seedUser(gatehouse.storage, clock);
  const flow = await openidClientCodeFlow(gatehouse.issuer, client, user);
  assert.equal(flow.tokens.claims()?.iss, gatehouse.issuer);
  const info = await oidc.fetchUserInfo(flow.config, flow.tokens.access_token, flow.tokens.claims()!.sub);
  assert.equal(info.preferred_username, user.username);
  const refreshed = await oidc.refreshTokenGrant(flow.config, flow.tokens.refresh_token!);
  assert.ok(refreshed.access_token);
}

describe('embedding Gatehouse in an application', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a full code flow from a plain node:http server that keeps its own routes (OIDC Core §3.1)', async () => {
    const port = await freePort();
    const gatehouse = await embedded(port, 'node-http');
    const server: Server = createServer((request, response) => {
      if (request.url === '/app/hello') return response.end('hello from the host');
      return gatehouse.handle(request, response);
    });
    server.on('clientError', gatehouse.clientErrorHandler);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      assert.equal((server.address() as AddressInfo).port, port);
      assert.equal(await (await fetch(`http://localhost:${port}/app/hello`)).text(), 'hello from the host');
      await seedAndRun(gatehouse);
      const tooLong = await fetch(`http://localhost:${port}/authorize?x=${'a'.repeat(20_000)}`);
      assert.equal(tooLong.status, 431, 'the host server answers with Gatehouse\'s 431 (RFC 6585 §5)');
      assert.match(await tooLong.text(), /Request too large/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await gatehouse.close();
    }
  });

  it('serves a full code flow as a Fastify plugin beside the host\'s routes and parsers (OIDC Core §3.1)', async () => {
    const port = await freePort();
    const gatehouse = await embedded(port, 'fastify');
    const app = Fastify();
    // The host's own JSON route keeps its JSON parser: Gatehouse's form-only parser is encapsulated.
    app.post('/app/echo', async (request) => ({ echoed: request.body }));
    app.setNotFoundHandler(async (_request, reply) => reply.code(404).send('host 404'));
    await app.register(gatehouse.fastifyPlugin);
    await app.listen({ port, host: '127.0.0.1' });
    try {
      const echo = await fetch(`http://localhost:${port}/app/echo`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}',
      });
      assert.deepEqual(await echo.json(), { echoed: { a: 1 } });
      assert.equal(await (await fetch(`http://localhost:${port}/nowhere`)).text(), 'host 404', 'unknown paths stay the host\'s');
      await seedAndRun(gatehouse);
      const wrongMethod = await fetch(`http://localhost:${port}/token`);
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'POST, OPTIONS');
    } finally {
      await app.close();
      await gatehouse.close();
    }
  });

  it('refuses a Fastify prefix and an issuer with a path with a clear message', async () => {
    const port = await freePort();
    const gatehouse = await embedded(port, 'prefix');
    try {
      const app = Fastify();
      app.register(gatehouse.fastifyPlugin, { prefix: '/oidc' });
      await assert.rejects(async () => { await app.ready(); }, /register it without a prefix/);
    } finally {
      await gatehouse.close();
    }
    await assert.rejects(createGatehouse({ issuer: 'http://localhost:1/oidc', databaseUrl: 'sqlite::memory:' }),
      (error: unknown) => error instanceof ConfigError && /issuer with a path/.test(error.message));
  });

  it('reports every configuration problem at once as a ConfigError', async () => {
    await assert.rejects(createGatehouse({ issuer: 'not a url', accessTokenFormat: 'paper' as 'jwt' }),
      (error: unknown) => error instanceof ConfigError && /issuer/.test(error.message) && /accessTokenFormat/.test(error.message));
  });
});

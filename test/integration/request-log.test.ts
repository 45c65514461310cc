// The log of a full code flow: one info line per request (method, route pattern, status,
// duration, client), a line for a failed client authentication (client, method, reason), and
// no secret, password, code or token anywhere — in the JSON and in the pretty format.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { createGatehouse, createLogger, type LogFormat } from 'gatehouse';
import { manualClock } from '../../src/lib/clock.js';
import { freePort, seedClient, seedUser } from '../support/gatehouse.js';
import { openidClientCodeFlow } from '../support/openid-flow.js';

interface LogLine { msg: string; method?: string; route?: string | null; status?: number; ms?: number; client?: string; reason?: string }

async function loggedFlow(format: LogFormat) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-log-'));
  const port = await freePort();
  let output = '';
  const logger = createLogger('info', { write: (line: string) => { output += line; } } as never, format);
  const gatehouse = await createGatehouse({
    issuer: `http://localhost:${port}`, databaseUrl: `sqlite:${join(dir, 'log.db')}`,
    argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  }, { logger });
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    gatehouse.handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    const clock = manualClock();
    const client = await seedClient(gatehouse.storage, clock);
    const user = await seedUser(gatehouse.storage, clock);
    const flow = await openidClientCodeFlow(gatehouse.issuer, client, user);
    await oidc.fetchUserInfo(flow.config, flow.tokens.access_token, flow.tokens.claims()!.sub);
    const refreshed = await oidc.refreshTokenGrant(flow.config, flow.tokens.refresh_token!);
    const wrongSecret = 'gh_cs_this-is-the-wrong-secret';
    const refused = await fetch(`${gatehouse.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${wrongSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${flow.code}&redirect_uri=${encodeURIComponent(client.redirectUri)}`,
    });
    assert.equal(refused.status, 401);
    // The line is written once the response has finished: wait for all of them, generously.
    const deadline = Date.now() + 30_000;
    const requestLines = () => output.split('\n').filter((line) => /\b(GET|POST) \S+ \d{3} [\d.]+ ms/.test(line));
    while (requestLines().length < requests && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const secrets = [client.clientSecret!, wrongSecret, user.password, flow.code, flow.tokens.access_token, flow.tokens.refresh_token!,
      flow.tokens.id_token!, refreshed.access_token, refreshed.refresh_token!, refreshed.id_token!, flow.callback.searchParams.get('state')!];
    return { output, requests, requestLines: requestLines(), client, secrets };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await gatehouse.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('request log', () => {
  it('writes one JSON line per request with route, status, duration and client, and no secret, code or token (issue 9)', async () => {
    const { output, requests, requestLines, client, secrets } = await loggedFlow('json');
    assert.ok(requests >= 8, `a full flow makes several requests (${requests})`);
    assert.equal(requestLines.length, requests, 'exactly one line per request');
    const lines = requestLines.map((line) => JSON.parse(line) as LogLine);
    for (const line of lines) {
      assert.match(line.method!, /^(GET|POST)$/);
      assert.equal(typeof line.status, 'number');
      assert.equal(typeof line.ms, 'number');
      assert.ok(line.route === null || !line.route!.includes('?'), 'the route pattern, never the URL with its query');
    }
    assert.ok(lines.some((line) => line.route === '/interaction/:id'), 'route patterns, not interaction ids');
    const token = lines.filter((line) => line.route === '/token');
    assert.ok(token.length >= 3 && token.every((line) => line.client === client.clientId), 'token requests name the client');
    assert.ok(lines.some((line) => line.route === '/authorize' && line.client === client.clientId));

    const failure = output.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine & { method?: string })
      .find((line) => line.msg === 'client authentication failed');
    assert.ok(failure, 'a failed client authentication is logged');
    assert.equal(failure.client, client.clientId);
    assert.equal(failure.method, 'client_secret_basic');
    assert.equal(failure.reason, 'wrong secret');

    for (const secret of secrets) assert.equal(output.includes(secret), false, `the log holds ${secret.slice(0, 8)}…`);
  });

  it('writes the same lines readably in the pretty format, with no secret, code or token (issue 9)', async () => {
    const { output, requests, requestLines, client, secrets } = await loggedFlow('pretty');
    assert.equal(requestLines.length, requests);
    assert.doesNotMatch(output, /^\{/m, 'no JSON lines');
    assert.match(output, new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  POST /token 200 [\\d.]+ ms .*client=${client.clientId}`, 'm'));
    assert.match(output, new RegExp(`WARN  client authentication failed .*client=${client.clientId} method=client_secret_basic reason="wrong secret"`));
    for (const secret of secrets) assert.equal(output.includes(secret), false, `the log holds ${secret.slice(0, 8)}…`);
  });
});

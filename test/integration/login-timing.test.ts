// An unknown username costs a password hash, like a wrong password (OWASP Authentication Cheat
// Sheet "authentication responses"; RFC 9106 §4 cost): otherwise the login form's response time
// tells which accounts exist. Real HTTP against a server with production-sized argon2id
// parameters, so one verification clearly outweighs the rest of the request; the two kinds of
// attempt are interleaved so machine load affects both alike, and their medians are compared.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { defaultArgon2 } from '../../src/accounts/password.js';
import { ScriptedBrowser } from '../support/browser.js';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';
import { authorizeUrl, pkcePair } from '../support/flow.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('login timing', () => {
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    // Production memory cost, a little more time cost: a verification takes tens of milliseconds.
    server = await startGatehouse({ argon2: { ...defaultArgon2, timeCost: 3 } });
    client = await server.createClient();
  });
  after(() => server?.close());

  /** One failed login POST for `username`; returns its duration in ms (each username is tried once, below any throttle). */
  async function failedLogin(username: string): Promise<number> {
    const browser = new ScriptedBrowser();
    const pkce = pkcePair();
    const login = await browser.navigate(authorizeUrl(server, client, { code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
    const started = performance.now();
    const answer = await browser.submitForm(login, { username, password: 'not-the-password' });
    const elapsed = performance.now() - started;
    assert.equal(answer.status, 401, `a plain failed login for ${username}, not throttled`);
    return elapsed;
  }

  it('spends a password verification on an unknown username, as on a wrong password (OWASP; no account enumeration by timing)', async () => {
    const pairs = 4;
    const users = await Promise.all(Array.from({ length: pairs + 1 }, () => server.createUser()));
    // Warm-up (JIT, the dummy hash made on first use): not measured.
    await failedLogin(users[pairs]!.username);
    await failedLogin(`nobody-${randomUUID()}`);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < pairs; i++) {
      known.push(await failedLogin(users[i]!.username));
      unknown.push(await failedLogin(`nobody-${randomUUID()}`));
    }
    const detail = `known ${known.map(Math.round).join('/')} ms, unknown ${unknown.map(Math.round).join('/')} ms`;
    // Without the dummy verification an unknown name answers in a few ms against tens for a wrong
    // password; with it both cost about the same. Half is far from either, so load cannot flip it.
    assert.ok(median(unknown) >= median(known) / 2, `an unknown username answers much faster than a wrong password: ${detail}`);
  });
});

// An unknown username costs a password hash, like a wrong password (OWASP Authentication Cheat
// Sheet "authentication responses"; RFC 9106 §4 cost): otherwise the login form's response time
// tells which accounts exist. Real HTTP against a server with production-sized argon2id
// parameters, so one verification clearly outweighs the rest of the request. The server runs in
// this process and argon2 on its thread pool, so the process's CPU time per login measures the
// work done, which — unlike wall time — other processes loading the machine do not inflate.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { defaultArgon2, hashPassword } from '../../src/accounts/password.js';
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

  /**
   * One failed login POST for `username` (each username is tried once, below any throttle);
   * returns the CPU milliseconds this process (server and client, all threads) spent on it.
   */
  async function failedLogin(username: string): Promise<number> {
    const browser = new ScriptedBrowser();
    const pkce = pkcePair();
    const login = await browser.navigate(authorizeUrl(server, client, { code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
    const started = process.cpuUsage();
    const answer = await browser.submitForm(login, { username, password: 'not-the-password' });
    const spent = process.cpuUsage(started);
    assert.equal(answer.status, 401, `a plain failed login for ${username}, not throttled`);
    return (spent.user + spent.system) / 1000;
  }

  it('spends a password verification on an unknown username, as on a wrong password (OWASP; no account enumeration by timing)', async (t) => {
    const pairs = 5;
    // Accounts hashed with the server's own (production-sized) parameters, as `user create` does:
    // a wrong password then costs what the dummy verification of an unknown name must cost.
    const users = await Promise.all(Array.from({ length: pairs + 1 }, async () => {
      const username = `known-${randomUUID().slice(0, 8)}`;
      await server.storage.accounts.insert({
        accountId: randomUUID(), username, passwordHash: await hashPassword('the-right-password', server.config.argon2),
        email: null, emailVerified: false, name: null, createdAt: server.clock(), updatedAt: server.clock(),
      });
      return { username };
    }));
    // Warm-up (JIT, the dummy hash made on first use): not measured.
    await failedLogin(users[pairs]!.username);
    await failedLogin(`nobody-${randomUUID()}`);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < pairs; i++) {
      known.push(await failedLogin(users[i]!.username));
      unknown.push(await failedLogin(`nobody-${randomUUID()}`));
    }
    assert.ok(median(known) >= 5, `a wrong password costs a production-sized verification (else this test measures nothing): ${known.map(Math.round).join('/')} ms`);
    const detail = `CPU per login: wrong password ${known.map(Math.round).join('/')} ms, unknown user ${unknown.map(Math.round).join('/')} ms`;
    t.diagnostic(detail);
    // Without the dummy verification an unknown name costs a few ms of CPU against tens for a wrong
    // password; with it both cost about the same. Half is far from either.
    assert.ok(median(unknown) >= median(known) / 2, `an unknown username costs much less work than a wrong password: ${detail}`);
  });
});

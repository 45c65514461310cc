// Issue 9: a write lock held by another process on the SQLite file (the CLI, another node) no
// longer stalls the server. Reads (discovery, introspection of an existing token) are answered
// while the lock is held; a token request waiting on the lock past the bound gets an RFC-shaped
// 503 temporarily_unavailable (RFC 6749 §5.2) instead of a 500; one that waits less completes
// once the lock is released. Only ordering is asserted, never tight timings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startGatehouse, type TestClient, type TestServer } from '../support/gatehouse.js';

const onSqlite = !process.env.GATEHOUSE_TEST_DATABASE_URL;

/** A separate process holding BEGIN IMMEDIATE on the file until told to commit. */
async function holdWriteLock(path: string): Promise<{ release(): Promise<void> }> {
  const source = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`;
  const child: ChildProcess = spawn(process.execPath, ['--input-type=commonjs', '-e', source, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
    child.stdout!.once('data', () => resolve());
  });
  return {
    async release() {
      const exited = once(child, 'exit');
      child.stdin!.write('commit\n');
      await exited;
    },
  };
}

describe('serving while another process holds the SQLite write lock', { skip: onSqlite ? false : 'SQLite only' }, () => {
  let server: TestServer;
  let client: TestClient;
  before(async () => {
    server = await startGatehouse();
    client = await server.createClient();
  });
  after(() => server.close());

  const basic = () => `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64')}`;
  const tokenRequest = () => fetch(`${server.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
    body: 'grant_type=client_credentials&scope=api:read',
  });

  it('answers reads during the lock, a 503 temporarily_unavailable past the bound, and the writes after the release (issue 9)', async () => {
    const issued = await tokenRequest();
    assert.equal(issued.status, 200);
    const { access_token: existing } = await issued.json() as { access_token: string };

    const lock = await holdWriteLock(server.config.databaseUrl.slice('sqlite:'.length));
    let released = false;
    try {
      const order: string[] = [];
      // Sent first; waits the whole 5 s bound on the lock.
      const blocked = tokenRequest().then(async (response) => {
        order.push('blocked token request answered');
        return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() as { error?: string } };
      });
      let readsDone = 0;
      const reads = (async () => {
        let stop = false;
        void blocked.then(() => { stop = true; });
        while (!stop) {
          const discovery = await fetch(`${server.issuer}/.well-known/openid-configuration`);
          assert.equal(discovery.status, 200);
          await discovery.arrayBuffer();
          const introspection = await fetch(`${server.issuer}/introspect`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
            body: `token=${encodeURIComponent(existing)}`,
          });
          assert.equal(introspection.status, 200);
          assert.equal((await introspection.json() as { active: boolean }).active, true);
          if (readsDone++ === 0) order.push('first read answered');
        }
      })();

      const refused = await blocked;
      await reads;
      assert.deepEqual(order.slice(0, 2), ['first read answered', 'blocked token request answered'],
        'a read sent after the blocked write is answered before it: the event loop never slept on the lock');
      assert.ok(readsDone >= 2, `only ${readsDone} reads answered during the lock`);
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error, 'temporarily_unavailable');
      assert.ok(refused.retryAfter, 'Retry-After tells the client when to come back');

      // A write that waits less than the bound completes once the lock is gone.
      const waiting = tokenRequest().then((response) => ({ status: response.status, releasedBefore: released }));
      await new Promise((resolve) => setTimeout(resolve, 500));
      released = true;
      await lock.release();
      const completed = await waiting;
      assert.equal(completed.status, 200);
      assert.equal(completed.releasedBefore, true, 'the token was issued after the lock was released');
    } finally {
      if (!released) await lock.release();
    }
  });
});

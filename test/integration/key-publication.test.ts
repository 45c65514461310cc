// A key rotated by another process (`gatehouse keys rotate`) is in a running server's JWKS within
// about a second, not after its keyCacheTtl (60 s), while signing waits for the publish delay
// (issue 9; RFC 7517 §5, OIDC Core §10.1.1). The server's clock is frozen, so its cache never
// expires on its own: only the change notice (SQLite data_version, PostgreSQL NOTIFY) can do it.
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { runCli, parseJson } from './cli-harness.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { obtainTokens } from '../support/flow.js';

/** Generous: the machine is shared; the assertion that matters is "well before the 60 s cache". */
const deadlineMs = 10_000;

async function publishedKids(server: TestServer): Promise<string[]> {
  const response = await fetch(`${server.issuer}/jwks`);
  return ((await response.json()) as JSONWebKeySet).keys.map((k) => k.kid!);
}

describe('publishing a rotated key at once (issue 9)', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse(); });
  after(() => server?.close());

  it('lists a key rotated by the CLI within the deadline, far below keyCacheTtl, and keeps signing with the old key', async () => {
    assert.equal(server.config.keyCacheTtl, 60);
    const client = await server.createClient({ skipConsent: true });
    const user = await server.createUser();
    const oldKid = decodeProtectedHeader((await obtainTokens(server, client, user)).id_token as string).kid!;
    const initial = await publishedKids(server);
    assert.ok(initial.includes(oldKid), 'the key set is loaded and cached');
    assert.equal(initial.length, 4, 'one key per signing algorithm: RS256, PS256, ES256, EdDSA');

    const env: Record<string, string> = server.config.keyEncryptionKey ? { GATEHOUSE_KEY_ENCRYPTION_KEY: server.config.keyEncryptionKey } : {};
    const [rotated] = parseJson<Array<{ kid: string; alg: string }>>(await runCli(['keys', 'rotate', '--json', '--database', server.config.databaseUrl], { env }));
    assert.equal(rotated?.alg, 'RS256', 'the default algorithm comes first');
    const rotatedAt = Date.now();
    let kids = await publishedKids(server);
    while (!kids.includes(rotated!.kid) && Date.now() - rotatedAt < deadlineMs) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      kids = await publishedKids(server);
    }
    const tookMs = Date.now() - rotatedAt;
    assert.ok(kids.includes(rotated!.kid), `the new key was not published within ${deadlineMs} ms`);
    assert.ok(kids.includes(oldKid), 'the old key stays published');
    assert.ok(tookMs < server.config.keyCacheTtl * 1000 / 6, `published after ${tookMs} ms`);

    const during = await obtainTokens(server, client, user);
    assert.equal(decodeProtectedHeader(during.id_token as string).kid, oldKid, 'the new key does not sign before its publish delay');
  });
});

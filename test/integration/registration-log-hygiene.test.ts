// Dynamic Client Registration writes no secret to the logs (RFC 7591 §5, RFC 6819 §5.1.4.1.1):
// at trace level, a registration, a read, a replace with the secret echoed, a wrong token and a
// delete leave no client secret, registration access token or initial access token in the log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { newOpaqueValue } from '../../src/oauth/opaque-token.js';

describe('registration logs never carry a secret or token', () => {
  let server: TestServer;
  const lines: string[] = [];

  before(async () => {
    const sink = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } });
    server = await startGatehouse({ logLevel: 'trace', registration: { policy: 'initial_access_token' } }, { logger: createLogger('trace', sink) });
  });
  after(() => server?.close());

  it('writes none of the initial access token, client secret or registration access tokens (RFC 7591 §5)', async () => {
    const initial = newOpaqueValue('gh_iat_');
    await server.storage.initialAccessTokens.insert({ tokenId: 'log-test', tokenDigest: initial.digest, usesLeft: null, expiresAt: null, createdAt: server.clock() });
    const json = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
    const document = { client_name: 'Logged', redirect_uris: ['https://app.example/cb'] };
    const registered = await (await fetch(`${server.issuer}/register`, { method: 'POST', headers: json(initial.value), body: JSON.stringify(document) })).json() as Record<string, string>;
    const uri = registered.registration_client_uri!;
    const read = await (await fetch(uri, { headers: json(registered.registration_access_token!) })).json() as Record<string, string>;
    const replaced = await (await fetch(uri, {
      method: 'PUT', headers: json(read.registration_access_token!),
      body: JSON.stringify({ ...document, client_id: registered.client_id, client_secret: registered.client_secret }),
    })).json() as Record<string, string>;
    const wrong = 'gh_rat_a-wrong-registration-token-91ac';
    assert.equal((await fetch(uri, { headers: json(wrong) })).status, 401);
    assert.equal((await fetch(uri, { method: 'DELETE', headers: json(replaced.registration_access_token!) })).status, 204);
    const secrets: Record<string, string> = {
      'initial access token': initial.value, 'client secret': registered.client_secret!, 'wrong token': wrong,
      'first registration access token': registered.registration_access_token!, 'second': read.registration_access_token!,
      'third': replaced.registration_access_token!,
    };
    const log = lines.join('');
    assert.ok(log.includes('/register'), 'the requests were logged');
    for (const [name, value] of Object.entries(secrets)) assert.equal(log.includes(value), false, `the log contains the ${name}`);
  });
});

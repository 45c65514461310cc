// `gatehouse client create|update --id-token-signed-response-alg --userinfo-signed-response-alg
// --subject-type --sector-identifier-uri` through the compiled bin (OIDC Registration §2, §5;
// OIDC Core §8.1). The sector identifier document is served over real https on loopback by a
// certificate made for the test, trusted by the CLI process through NODE_EXTRA_CA_CERTS.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli, assertOneLineError, tempDatabase, parseJson } from './cli-harness.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';

const run = promisify(execFile);

interface ClientJson {
  client_id: string;
  id_token_signed_response_alg?: string;
  userinfo_signed_response_alg?: string;
  subject_type?: string;
  sector_identifier_uri?: string;
}

describe('gatehouse client signing algorithms and subject types (OIDC Registration §2, §5)', () => {
  const db = tempDatabase();
  const certDir = mkdtempSync(join(tmpdir(), 'gatehouse-sector-'));
  let sectorServer: Server;
  let origin: string;
  /** What each path of the sector host answers. */
  const documents: Record<string, { status: number; body: string; headers?: Record<string, string> }> = {
    '/both.json': { status: 200, body: JSON.stringify(['https://a.example/cb', 'https://b.example/cb', 'https://c.example/cb']) },
    '/only-a.json': { status: 200, body: JSON.stringify(['https://a.example/cb']) },
    '/object.json': { status: 200, body: JSON.stringify({ redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] }) },
    '/moved.json': { status: 302, body: '', headers: { location: '/both.json' } },
  };
  // The CLI trusts the test's certificate and, for these tests only, loopback.
  const trusted = () => ({ NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem'), GATEHOUSE_ALLOW_LOOPBACK_FETCH: 'true' });
  const cli = (command: string, args: string[], env: Record<string, string> = trusted()) =>
    runCli(['client', command, '--database', db.database, ...args], { env });
  const twoHosts = ['--redirect-uri', 'https://a.example/cb', '--redirect-uri', 'https://b.example/cb'];

  before(async () => {
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'), '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { timeout: 60_000 });
    sectorServer = createServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (request, response) => {
      const document = documents[request.url ?? ''] ?? { status: 404, body: '' };
      response.writeHead(document.status, { 'content-type': 'application/json', ...document.headers }).end(document.body);
    });
    sectorServer.listen(0, '127.0.0.1');
    await once(sectorServer, 'listening');
    origin = `https://127.0.0.1:${(sectorServer.address() as AddressInfo).port}`;
  });
  after(async () => {
    sectorServer?.closeAllConnections();
    sectorServer?.close();
    db.remove();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('registers the ID token and UserInfo algorithms, shows and updates them, and refuses none and HS256 (OIDC Registration §2)', async () => {
    const created = parseJson<ClientJson>(await cli('create', ['--json', '--name', 'RP', '--redirect-uri', 'https://a.example/cb',
      '--id-token-signed-response-alg', 'ES256', '--userinfo-signed-response-alg', 'EdDSA']));
    assert.equal(created.id_token_signed_response_alg, 'ES256');
    assert.equal(created.userinfo_signed_response_alg, 'EdDSA');
    const text = await cli('update', [created.client_id, '--name', 'RP 2']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /signing: {8}ID tokens ES256, UserInfo signed with EdDSA/);

    const reverted = parseJson<ClientJson>(await cli('update', [created.client_id, '--json', '--id-token-signed-response-alg', 'RS256',
      '--userinfo-signed-response-alg', '']));
    assert.equal(reverted.id_token_signed_response_alg, 'RS256', 'an explicit RS256 is kept as registered');
    assert.equal(reverted.userinfo_signed_response_alg, undefined, "'' returns UserInfo to JSON");

    assertOneLineError(await cli('create', ['--name', 'RP', '--redirect-uri', 'https://a.example/cb', '--id-token-signed-response-alg', 'none']),
      2, /unsupported algorithm 'none'/);
    assertOneLineError(await cli('create', ['--name', 'RP', '--redirect-uri', 'https://a.example/cb', '--userinfo-signed-response-alg', 'HS256']),
      2, /unsupported algorithm 'HS256' \(use RS256, PS256, ES256, EdDSA\)/);
  });

  it('refuses pairwise subjects for redirect URIs on several hosts without a sector_identifier_uri (OIDC Registration §5)', async () => {
    assertOneLineError(await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'pairwise']), 2, /several hosts need a sector identifier URI/);
    assertOneLineError(await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'anonymous']), 2, /--subject-type must be 'public' or 'pairwise'/);
    const single = parseJson<ClientJson>(await cli('create', ['--json', '--name', 'RP', '--redirect-uri', 'https://a.example/cb', '--subject-type', 'pairwise']));
    assert.equal(single.subject_type, 'pairwise', 'one host is its own sector');
    assertOneLineError(await cli('update', [single.client_id, ...twoHosts]), 2, /several hosts need a sector identifier URI/);
  });

  it('accepts a sector_identifier_uri whose JSON array lists every redirect URI, and stores it (OIDC Registration §5)', async () => {
    const created = parseJson<ClientJson>(await cli('create', ['--json', '--name', 'RP', ...twoHosts, '--subject-type', 'pairwise',
      '--sector-identifier-uri', `${origin}/both.json`]));
    assert.equal(created.sector_identifier_uri, `${origin}/both.json`);
    const storage = await openSqliteStorage(db.file);
    try {
      const stored = await storage.clients.find(created.client_id);
      assert.deepEqual([stored?.metadata.subjectType, stored?.metadata.sectorIdentifierUri], ['pairwise', `${origin}/both.json`]);
    } finally {
      await storage.close();
    }
    // A redirect URI the document lists can be added; one it does not list cannot.
    const updated = parseJson<ClientJson>(await cli('update', [created.client_id, '--json', ...twoHosts, '--redirect-uri', 'https://c.example/cb']));
    assert.equal(updated.sector_identifier_uri, `${origin}/both.json`);
    assertOneLineError(await cli('update', [created.client_id, '--redirect-uri', 'https://d.example/cb']), 1,
      /does not list the redirect URI\(s\) 'https:\/\/d\.example\/cb'/);
  });

  it('refuses a sector_identifier_uri that does not list a redirect URI, is no JSON array, redirects, or is not https (OIDC Registration §5)', async () => {
    assertOneLineError(await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'pairwise', '--sector-identifier-uri', `${origin}/only-a.json`]),
      1, /does not list the redirect URI\(s\) 'https:\/\/b\.example\/cb'/);
    assertOneLineError(await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'pairwise', '--sector-identifier-uri', `${origin}/object.json`]),
      1, /must answer a JSON array of redirect URIs/);
    assertOneLineError(await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'pairwise', '--sector-identifier-uri', `${origin}/moved.json`]),
      1, /redirects are not followed/);
    assertOneLineError(await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'pairwise', '--sector-identifier-uri', `${origin}/missing.json`]),
      1, /answered 404, not 200/);
    assertOneLineError(await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'pairwise', '--sector-identifier-uri', 'http://sector.example/r.json']),
      2, /--sector-identifier-uri must be an https URI/);
  });

  it('refuses a sector_identifier_uri on a private address unless configured (outbound fetch policy)', async () => {
    const refused = await cli('create', ['--name', 'RP', ...twoHosts, '--subject-type', 'pairwise', '--sector-identifier-uri', `${origin}/both.json`],
      { NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') });
    assertOneLineError(refused, 1, /127\.0\.0\.1 is not a public address/);
  });
});

// What a new user does from the README, as separate processes: `gatehouse start`, create a client
// and a user with the CLI, log in with openid-client (PKCE, state, nonce), validate the ID token
// against the JWKS, stop with SIGTERM (exit 0), start again and find everything still there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ScriptedBrowser } from '../support/browser.js';
import { freePort, testKeyEncryptionKey } from '../support/gatehouse.js';

const run = promisify(execFile);
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

describe('quick start from the README, as processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-quickstart-'));
  let database: string;
  let port: number;
  let issuer: string;
  let server: ChildProcess | undefined;
  let output = '';

  function env() {
    // PostgreSQL requires a key-encryption key; SQLite generates one beside the file.
    const kek = database.startsWith('postgres') ? { GATEHOUSE_KEY_ENCRYPTION_KEY: testKeyEncryptionKey } : {};
    return { ...process.env, GATEHOUSE_DATABASE_URL: database, GATEHOUSE_LOG_LEVEL: 'info', ...kek };
  }

  async function start(): Promise<ChildProcess> {
    output = '';
    const child = spawn(process.execPath, [cli, 'start', '--port', String(port)], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => { output += chunk; });
    child.stderr!.on('data', (chunk) => { output += chunk; });
    // Ready is the line naming the issuer; the deadline only guards against a hang on a loaded machine.
    const deadline = Date.now() + 120_000;
    while (!output.includes(issuer)) {
      if (child.exitCode !== null) throw new Error(`gatehouse start exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`gatehouse start not ready: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return child;
  }

  async function stop(child: ChildProcess): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  }

  before(async () => {
    port = await freePort();
    issuer = `http://localhost:${port}`;
    database = process.env.GATEHOUSE_TEST_DATABASE_URL
      ? `${process.env.GATEHOUSE_TEST_DATABASE_URL}?schema=gh_quickstart_${process.pid}`
      : `sqlite:${join(dir, 'gatehouse.db')}`;
    assert.ok(existsSync(cli), `CLI built at ${cli}`);
  });

  after(async () => {
    if (server && server.exitCode === null) await stop(server);
    rmSync(dir, { recursive: true, force: true });
    if (process.env.GATEHOUSE_TEST_DATABASE_URL) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: process.env.GATEHOUSE_TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS gh_quickstart_${process.pid} CASCADE`);
      await client.end();
    }
  });

  it('logs in with openid-client against a CLI-started server, survives a SIGTERM restart (OIDC Core §3.1)', async () => {
    server = await start();
    const created = await run(process.execPath, [cli, 'client', 'create', '--name', 'Quick start app',
      '--redirect-uri', 'http://localhost:8080/callback', '--json'], { env: env() });
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    const user = { username: 'alice', password: 'quick-start-password' };
    await run(process.execPath, [cli, 'user', 'create', '--username', user.username, '--email', 'alice@example.com',
      '--name', 'Alice', '--password', user.password], { env: env() });

    // CLI clients register client_secret_basic, which is enforced (openid-client alone would use client_secret_post).
    const config = await oidc.discovery(new URL(issuer), client.client_id, undefined, oidc.ClientSecretBasic(client.client_secret),
      { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://localhost:8080/callback', scope: 'openid profile email offline_access', state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const browser = new ScriptedBrowser();
    let page = await browser.navigate(url.toString());
    page = await browser.submitForm(page, user);
    page = await browser.submitForm(page, { decision: 'approve' });
    assert.ok(page.leftTo, 'sent back to the client');
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.leftTo), {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: client.client_id });
    assert.equal(payload.email, 'alice@example.com');
    assert.doesNotMatch(output, new RegExp(`${tokens.access_token}|${tokens.refresh_token}|${client.client_secret}|${user.password}`),
      'no token, secret or password in the logs');

    assert.equal(await stop(server), 0, 'SIGTERM exits 0');
    server = await start();
    const info = await oidc.fetchUserInfo(config, tokens.access_token, payload.sub!);
    assert.equal(info.preferred_username, 'alice', 'the access token survived the restart');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token);
    assert.equal(await stop(server), 0);
  });

  it('refuses a client deleted with the CLI while the server runs, from the next request on (RFC 6749 §2.3.1, §5.2)', async () => {
    server = await start();
    const created = await run(process.execPath, [cli, 'client', 'create', '--name', 'Soon deleted',
      '--redirect-uri', 'http://localhost:8080/callback', '--grant-type', 'client_credentials', '--json'], { env: env() });
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    const requestToken = () => fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    // Two requests: the second is answered from the server's client cache.
    assert.equal((await requestToken()).status, 200);
    assert.equal((await requestToken()).status, 200);
    await run(process.execPath, [cli, 'client', 'delete', client.client_id], { env: env() });
    const refused = await requestToken();
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_client');
    assert.equal(await stop(server), 0);
  });
});

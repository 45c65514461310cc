// The demo's first-run setup (demo/first-run.ts) through the real `gatehouse` CLI: a fresh data
// folder gets a demo client with both logout addresses; a registration made by an older demo
// (neither address) gains them and keeps its id and secret; a second run changes nothing.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureDemoRegistration, type DemoCredentials } from '../../demo/first-run.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const redirectUri = 'http://localhost:4999/callback';
const dirs: string[] = [];

async function gatehouse(dataDir: string, args: string[], stdin?: string): Promise<string> {
  const child = promisify(execFile)(process.execPath, [cli, ...args, '--database', `sqlite:${join(dataDir, 'demo.db')}`], { encoding: 'utf8' });
  if (stdin !== undefined) child.child.stdin!.end(`${stdin}\n`);
  return (await child).stdout;
}

interface ListedClient { client_id: string; post_logout_redirect_uris: string[]; backchannel_logout_uri?: string; backchannel_logout_session_required?: boolean }
const listClients = async (dataDir: string) => JSON.parse(await gatehouse(dataDir, ['client', 'list', '--json'])) as ListedClient[];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-first-run-'));
  dirs.push(dir);
  return dir;
}

describe('demo first run', () => {
  after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

  it('registers no implicit client by default; with the implicit flow on, a public one with response type "id_token token" and grant type implicit, once (RFC 7591 §2.1, OIDC Core §3.2)', async () => {
    const dir = dataDir();
    const plain = await ensureDemoRegistration({ cli, dataDir: dir, redirectUri });
    assert.equal(plain.implicit_client, undefined);
    assert.equal((await listClients(dir)).length, 1, 'the API is a resource, not a client (RFC 8707)');
    const resources = JSON.parse(await gatehouse(dir, ['resource', 'list', '--json'])) as Array<{ identifier: string; scopes: string[]; token_format: string }>;
    const mcp = resources.find((r) => r.identifier === 'http://localhost:4002/mcp');
    assert.ok(mcp, 'the demo MCP server is a registered resource (RFC 8707)');
    assert.deepEqual([mcp.scopes, mcp.token_format], [['mcp:tools'], 'jwt']);
    const credentials = await ensureDemoRegistration({ cli, dataDir: dir, redirectUri, implicitFlow: true });
    assert.equal(credentials.client.client_id, plain.client.client_id, 'the code-flow client stays');
    const clientId = credentials.implicit_client?.client_id;
    assert.ok(clientId);
    const shown = JSON.parse(await gatehouse(dir, ['client', 'show', clientId, '--json'])) as Record<string, unknown>;
    assert.equal(shown.client_name, 'Demo app (implicit, legacy)');
    assert.equal(shown.token_endpoint_auth_method, 'none');
    assert.deepEqual(shown.response_types, ['id_token token']);
    assert.deepEqual(shown.grant_types, ['implicit']);
    assert.deepEqual(shown.redirect_uris, ['http://localhost:4999/implicit-callback']);
    assert.equal(shown.scope, 'openid profile');
    const again = await ensureDemoRegistration({ cli, dataDir: dir, redirectUri, implicitFlow: true });
    assert.equal(again.implicit_client?.client_id, clientId, 'a second run keeps it');
    assert.equal((await listClients(dir)).length, 2);
  });

  it('registers the demo client with its post-logout redirect URI and back-channel logout URI, session required (Back-Channel Logout 1.0 §2.2)', async () => {
    const dir = dataDir();
    const credentials = await ensureDemoRegistration({ cli, dataDir: dir, redirectUri });
    const client = (await listClients(dir)).find((c) => c.client_id === credentials.client.client_id)!;
    assert.deepEqual(client.post_logout_redirect_uris, ['http://localhost:4999/?logged_out=1']);
    assert.equal(client.backchannel_logout_uri, 'http://localhost:4999/backchannel-logout');
    assert.equal(client.backchannel_logout_session_required, true);
  });

  it('adds both logout addresses to a registration made by an older demo, keeping its id and secret; a second run changes nothing', async () => {
    const dir = dataDir();
    const old = JSON.parse(await gatehouse(dir, ['client', 'create', '--name', 'Demo app', '--redirect-uri', redirectUri,
      '--scope', 'openid profile email offline_access', '--json'])) as DemoCredentials['client'];
    const api = JSON.parse(await gatehouse(dir, ['client', 'create', '--name', 'Demo API', '--grant-type', 'client_credentials',
      '--scope', 'openid', '--json'])) as DemoCredentials['api'];
    const user = { username: 'demo', password: 'demo-older-password' };
    await gatehouse(dir, ['user', 'create', '--username', 'demo', '--password-stdin'], user.password);
    const saved: DemoCredentials = {
      redirect_uri: redirectUri, client: { client_id: old.client_id, client_secret: old.client_secret },
      api: { client_id: api.client_id, client_secret: api.client_secret }, user,
    };
    writeFileSync(join(dir, 'demo-client.json'), JSON.stringify(saved));
    assert.equal((await listClients(dir)).find((c) => c.client_id === old.client_id)!.backchannel_logout_uri, undefined);

    const credentials = await ensureDemoRegistration({ cli, dataDir: dir, redirectUri });
    // The older demo's API client cannot introspect the app's tokens (RFC 7662 §2.1): the API
    // becomes a registered resource, the app's default resource (RFC 8707).
    assert.deepEqual({ ...credentials, api: undefined }, { ...saved, api: undefined }, 'same client, secret and user');
    assert.equal(credentials.api.client_id, 'http://localhost:4001');
    assert.match(credentials.api.client_secret, /^gh_rs_/);
    const clients = await listClients(dir);
    assert.equal(clients.length, 2, 'no client registered');
    const client = clients.find((c) => c.client_id === old.client_id)!;
    assert.deepEqual(client.post_logout_redirect_uris, ['http://localhost:4999/?logged_out=1']);
    assert.equal(client.backchannel_logout_uri, 'http://localhost:4999/backchannel-logout');
    assert.equal(client.backchannel_logout_session_required, true);
    assert.equal((client as { default_resource?: string }).default_resource, 'http://localhost:4001');

    assert.deepEqual(await ensureDemoRegistration({ cli, dataDir: dir, redirectUri }), credentials, 'a second run changes nothing');
    assert.deepEqual(await listClients(dir), clients);
  });
});

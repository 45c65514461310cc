// The README's "Protect an MCP server" commands, run as written (resource create, a config file
// with open registration, start with it): an MCP client then finds a registration endpoint, and a
// token requested for the MCP server carries it as its audience (RFC 8707, RFC 7591).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { cleanEnv, cliPath, parseJson, runCli, tempDatabase } from './cli-harness.js';
import { freePort } from '../support/gatehouse.js';

describe('README: protect an MCP server in three commands', () => {
  const temp = tempDatabase();
  after(() => temp.remove());

  it('resource create, open registration from a config file, start: a registered MCP client gets a token whose aud is the MCP server', async () => {
    const resource = 'https://mcp.example.com/mcp';
    const created = await runCli(['resource', 'create', '--identifier', resource, '--scope', 'mcp:tools', '--token-format', 'jwt', '--database', temp.database, '--json']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(parseJson<{ identifier: string }>(created).identifier, resource);
    const configFile = join(temp.dir, 'gatehouse.json');
    writeFileSync(configFile, '{ "registration": { "policy": "open" } }\n');

    const port = await freePort();
    const issuer = `http://localhost:${port}`;
    const child = spawn(process.execPath, [cliPath, 'start', '--config', configFile, '--port', String(port), '--issuer', issuer, '--database', temp.database],
      { env: cleanEnv(), stdio: 'pipe' });
    let output = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => { output += d.toString(); if (output.includes('Gatehouse ready')) resolve(); };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`start exited early: ${output}`)));
      });
      const metadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json() as { registration_endpoint?: string };
      assert.equal(metadata.registration_endpoint, `${issuer}/register`);
      // A machine client registers itself and asks for a token for the MCP server.
      const registered = await fetch(metadata.registration_endpoint, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'agent', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope: 'mcp:tools' }),
      });
      assert.equal(registered.status, 201, await registered.clone().text());
      const client = await registered.json() as { client_id: string; client_secret: string };
      const token = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'mcp:tools', resource }),
      });
      const body = await token.json() as { access_token?: string };
      assert.equal(token.status, 200, JSON.stringify(body));
      const claims = decodeJwt(body.access_token!);
      assert.deepEqual([claims.aud, claims.scope], [resource, 'mcp:tools']);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      assert.equal((await exited)[0], 0, output);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});

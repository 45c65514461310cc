// `gatehouse device login` (docs/device-flow.md) against a real `gatehouse start`: the command
// prints where to go and the code, a browser approves it, and the command prints the tokens.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { cleanEnv, cliPath, parseJson, runCli, tempDatabase, type ClientJson } from './cli-harness.js';
import { freePort } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** Resolves with the first match of `pattern` in what the stream has said so far. */
function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp, seen: { text: string }): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(seen.text);
      if (match) { stream.off('data', onData); resolve(match); }
    };
    const onData = (d: Buffer) => { seen.text += d.toString(); check(); };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended without ${pattern}: ${seen.text}`)));
    check();
  });
}

describe('gatehouse device login (RFC 8628)', () => {
  const temp = tempDatabase();
  after(() => temp.remove());

  it('RFC 8628 §3.2-3.5: prints the verification URI and code, waits while the user approves in a browser, prints the tokens', async () => {
    const db = ['--database', temp.database];
    const created = await runCli(['client', 'create', '--name', 'Terminal', '--grant-type', deviceGrant, '--grant-type', 'refresh_token', '--json', ...db]);
    assert.equal(created.code, 0, created.stderr);
    const client = parseJson<ClientJson>(created);
    const user = await runCli(['user', 'create', '--username', 'deviceuser', '--password', 'correct horse battery staple', ...db]);
    assert.equal(user.code, 0, user.stderr);
    const configFile = join(temp.dir, 'gatehouse.json');
    writeFileSync(configFile, '{ "devicePollInterval": 1 }\n');

    const port = await freePort();
    const issuer = `http://localhost:${port}`;
    const server = spawn(process.execPath, [cliPath, 'start', '--config', configFile, '--port', String(port), '--issuer', issuer, ...db],
      { env: cleanEnv(), stdio: 'pipe' });
    const killer = setTimeout(() => server.kill('SIGKILL'), 120_000);
    try {
      await waitFor(server.stdout, /Gatehouse ready/, { text: '' });
      const login = spawn(process.execPath, [cliPath, 'device', 'login', '--issuer', issuer, '--client-id', client.client_id, '--scope', 'openid offline_access'],
        { env: cleanEnv({ GATEHOUSE_CLIENT_SECRET: client.client_secret! }), stdio: 'pipe' });
      const stdout = { text: '' };
      login.stdout.on('data', (d: Buffer) => { stdout.text += d.toString(); });
      const exited = once(login, 'exit');
      const prompt = await waitFor(login.stderr, /open (\S+) and enter the code ([A-Z]{4}-[A-Z]{4})/, { text: '' });
      assert.equal(prompt[1], `${issuer}/device`);

      // The user, in a browser: the page, the code, the password, the consent.
      const browser = new ScriptedBrowser();
      const entry = await browser.navigate(prompt[1]!);
      const signIn = await browser.submitForm(entry, { user_code: prompt[2]!.toLowerCase() });
      const consent = await browser.submitForm(signIn, { username: 'deviceuser', password: 'correct horse battery staple' });
      assert.match(consent.body, /Terminal/);
      const done = await browser.submitForm(consent, { decision: 'approve' });
      assert.match(done.body, /Device connected/);

      const [code] = await exited;
      assert.equal(code, 0, stdout.text);
      const tokens = JSON.parse(stdout.text) as { access_token: string; refresh_token?: string; id_token?: string; token_type: string };
      assert.ok(tokens.access_token);
      assert.ok(tokens.refresh_token);
      assert.equal(decodeJwt(tokens.id_token!).aud, client.client_id);
      const userinfo = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(userinfo.status, 200);
    } finally {
      clearTimeout(killer);
      const stopped = once(server, 'exit');
      server.kill('SIGTERM');
      await stopped;
    }
  });

  it('refuses a plain-http issuer that is not on loopback, in one line', async () => {
    const result = await runCli(['device', 'login', '--issuer', 'http://example.com', '--client-id', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^gatehouse: the issuer must be https/);
  });
});

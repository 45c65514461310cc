// The README's relying-party example is examples/quickstart-client.mjs, quoted verbatim; this
// runs the file as a process against a real Gatehouse (issue 9: the snippet runs as written).
// It also keeps the docs inside the repository: every relative link resolves to a file in it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startGatehouse, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const example = join(root, 'examples', 'quickstart-client.mjs');

describe('the README example', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse(); });
  after(() => server.close());

  it('quotes examples/quickstart-client.mjs verbatim', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const source = readFileSync(example, 'utf8');
    assert.ok(readme.includes(`\`\`\`js\n${source}\`\`\``), 'README.md holds the example file as one js block');
  });

  it('signs in as written: discovery, PKCE, state, nonce, code exchange, UserInfo (OIDC Core §3.1)', async () => {
    const port = await freePort();
    const redirectUri = `http://localhost:${port}/callback`;
    const client = await server.createClient({ redirectUris: [redirectUri] });
    const user = await server.createUser();
    const child = spawn(process.execPath, [example], {
      env: { ...process.env, ISSUER: server.issuer, CLIENT_ID: client.clientId, CLIENT_SECRET: client.clientSecret!, REDIRECT_URI: redirectUri },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
    try {
      const printed = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed within 60 s: ${stdout}${stderr}`)), 60_000);
        const check = () => {
          const match = /sign in: (\S+)/.exec(stdout);
          if (match) { clearTimeout(timer); resolveUrl(match[1]!); }
        };
        child.stdout.on('data', check);
        child.once('exit', () => { clearTimeout(timer); reject(new Error(`example exited early: ${stdout}${stderr}`)); });
      });
      const browser = new ScriptedBrowser();
      let page = await browser.navigate(printed);
      page = await browser.submitForm(page, { username: user.username, password: user.password });
      page = await browser.submitForm(page, { decision: 'approve' });
      assert.ok(page.leftTo?.startsWith(redirectUri), `sent to the example's callback: ${page.status} ${page.body.slice(0, 200)}`);
      const shown = await fetch(page.leftTo!);
      assert.match(await shown.text(), new RegExp(`Signed in as ${user.username}`));
      assert.equal(await exited, 0, stderr);
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as { username: string; email: string; refreshToken: boolean };
      assert.equal(result.username, user.username);
      assert.equal(result.email, `${user.username}@example.com`);
      assert.equal(result.refreshToken, true);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });

  it('links only to files inside the repository from README.md and docs/ (issue 9)', () => {
    const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
    const problems: string[] = [];
    for (const document of documents) {
      const text = readFileSync(join(root, document), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const file = resolve(root, dirname(document), target!.split('#')[0]!);
        if (relative(root, file).startsWith('..')) problems.push(`${document}: ${target} is outside the repository`);
        else if (!existsSync(file)) problems.push(`${document}: ${target} does not exist`);
      }
      for (const [mention] of text.matchAll(/(?:\.\.\/|`shared\/)[\w./-]+/g)) problems.push(`${document}: mentions ${mention}, outside the repository`);
    }
    assert.deepEqual(problems, []);
  });
});

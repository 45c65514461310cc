// The client's logo and links on the login and consent pages (OIDC Registration §2: logo_uri,
// client_uri, policy_uri, tos_uri): https only, the logo an <img> with alt text allowed by the
// page's CSP img-src and nothing more, links that open without opener or referrer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { authorizeUrl, pkcePair } from '../support/flow.js';
import { ScriptedBrowser } from '../support/browser.js';

describe('client logo and links on the login and consent pages', () => {
  let server: TestServer;
  let user: { username: string; password: string };

  before(async () => {
    server = await startGatehouse();
    user = await server.createUser();
  });
  after(() => server.close());

  const params = () => ({ code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
  const imgSrc = (csp: string | null) => /img-src ([^;]+)/.exec(csp ?? '')?.[1];

  it('shows an https logo with alt text and the https links, and the CSP allows exactly the logo\'s origin', async () => {
    const client = await server.createClient({
      clientName: 'Acme Notes',
      metadata: {
        logoUri: 'https://cdn.acme.example/logo.png', clientUri: 'https://acme.example/',
        policyUri: 'https://acme.example/privacy', tosUri: 'https://acme.example/terms',
      },
    });
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, params()));
    assert.equal(login.status, 200);
    assert.match(login.body, /<img class="client-logo" src="https:\/\/cdn\.acme\.example\/logo\.png" alt="Acme Notes logo"/);
    assert.equal(imgSrc(login.headers.get('content-security-policy')), "'self' data: https://cdn.acme.example");
    for (const [href, text] of [['https://acme.example/', 'About Acme Notes'], ['https://acme.example/privacy', 'Privacy policy'], ['https://acme.example/terms', 'Terms of service']]) {
      assert.match(login.body, new RegExp(`<a href="${href}" target="_blank" rel="noopener noreferrer">${text}`), text);
    }
    const consent = await browser.submitForm(login, { username: user.username, password: user.password });
    assert.match(consent.body, /name="decision"/);
    assert.match(consent.body, /alt="Acme Notes logo"/);
    assert.match(consent.body, /rel="noopener noreferrer">Privacy policy/);
    assert.equal(imgSrc(consent.headers.get('content-security-policy')), "'self' data: https://cdn.acme.example");
  });

  it('ignores URIs that are not https, and a page without a logo allows no image origin', async () => {
    const client = await server.createClient({
      clientName: 'Plain',
      metadata: { logoUri: 'http://cdn.plain.example/logo.png', clientUri: 'javascript:alert(1)', policyUri: 'data:text/html,x', tosUri: 'not a uri' },
    });
    const login = await new ScriptedBrowser().navigate(authorizeUrl(server, client, params()));
    assert.equal(login.status, 200);
    assert.doesNotMatch(login.body, /<img/);
    assert.doesNotMatch(login.body, /client-links/);
    assert.doesNotMatch(login.body, /javascript:|cdn\.plain\.example/);
    assert.equal(imgSrc(login.headers.get('content-security-policy')), "'self' data:");
  });
});

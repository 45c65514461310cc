// Gatehouse answers in its own voice where a framework would: wrong method, oversized body,
// oversized request line or headers, and the issuer's root.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { ScriptedBrowser } from '../support/browser.js';
import { authorizeUrl, pkcePair } from '../support/flow.js';

function assertStrictPage(response: Response, body: string): void {
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.doesNotMatch(body, /<script(?![^>]*\ssrc=)/, 'no inline script');
  assert.doesNotMatch(body, /\sstyle=|<style/, 'no inline style');
  assert.match(body, /<html lang="en">/);
  assert.match(body, /<h1>/);
}

describe('answers in Gatehouse\'s own voice', () => {
  let server: TestServer;
  before(async () => { server = await startGatehouse(); });
  after(() => server.close());

  const wrongMethods = [
    // CORS routes answer OPTIONS (preflights, docs/browser-apps.md), so Allow names it.
    { method: 'GET', path: '/token', allow: 'POST, OPTIONS', json: true },
    { method: 'DELETE', path: '/jwks', allow: 'GET, HEAD, OPTIONS', json: true },
    { method: 'PUT', path: '/userinfo', allow: 'GET, POST, HEAD, OPTIONS', json: true },
    { method: 'GET', path: '/interaction/abc/login', allow: 'POST', json: false },
    { method: 'PATCH', path: '/authorize', allow: 'GET, POST, HEAD', json: false },
  ];
  for (const c of wrongMethods) {
    it(`answers ${c.method} ${c.path} with 405 and Allow: ${c.allow} (RFC 9110 §15.5.6)`, async () => {
      const response = await fetch(`${server.issuer}${c.path}`, { method: c.method });
      const body = await response.text();
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), c.allow);
      if (c.json) {
        const error = JSON.parse(body) as { error: string; error_description: string };
        assert.equal(error.error, 'invalid_request');
        assert.match(error.error_description, new RegExp(`${c.method} is not allowed here`));
      } else {
        assertStrictPage(response, body);
        assert.match(body, /Method not allowed/);
      }
    });
  }

  it('still answers 404 for an unknown path', async () => {
    assert.equal((await fetch(`${server.issuer}/nowhere`)).status, 404);
  });

  it('says "too large" for an oversized token request body (RFC 9110 §15.5.14)', async () => {
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${'a'.repeat(70_000)}`,
    });
    assert.equal(response.status, 413);
    const error = (await response.json()) as { error: string; error_description: string };
    assert.equal(error.error, 'invalid_request');
    assert.match(error.error_description, /too large \(at most 64 KiB\)/);
  });

  it('shows a "Request too large" page for an oversized sign-in form (RFC 9110 §15.5.14)', async () => {
    const client = await server.createClient();
    const browser = new ScriptedBrowser();
    const login = await browser.navigate(authorizeUrl(server, client, { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
    const action = /action="([^"]+)"/.exec(login.body)![1]!;
    const response = await fetch(new URL(action, server.issuer), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
      body: `username=${'a'.repeat(70_000)}`,
    });
    const body = await response.text();
    assert.equal(response.status, 413);
    assertStrictPage(response, body);
    assert.match(body, /Request too large/);
    assert.match(body, /too large/);
  });

  it('shows a Gatehouse page, not the framework\'s JSON, for an oversized authorization URL (RFC 6585 §5)', async () => {
    const response = await fetch(`${server.issuer}/authorize?client_id=x&state=${'a'.repeat(20_000)}`);
    const body = await response.text();
    assert.equal(response.status, 431);
    assertStrictPage(response, body);
    assert.match(body, /Request too large/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
  });

  it('answers JSON for oversized headers on an API route (RFC 6585 §5)', async () => {
    const response = await fetch(`${server.issuer}/jwks`, { headers: { 'x-filler': 'a'.repeat(20_000) } });
    assert.equal(response.status, 431);
    const error = (await response.json()) as { error: string; error_description: string };
    assert.equal(error.error, 'invalid_request');
    assert.match(error.error_description, /too large/);
  });

  it('shows a landing page at the issuer\'s root that links to discovery and the JWKS', async () => {
    const response = await fetch(`${server.issuer}/`);
    const body = await response.text();
    assert.equal(response.status, 200);
    assertStrictPage(response, body);
    assert.ok(body.includes(`href="${server.issuer}/.well-known/openid-configuration"`));
    assert.ok(body.includes(`href="${server.issuer}/.well-known/oauth-authorization-server"`));
    assert.ok(body.includes(`href="${server.issuer}/jwks"`));
    assert.match(body, /README\.md and docs\//, 'names the documentation when no URL is configured');
  });

  it('links the configured documentation and advertises it as service_documentation (RFC 8414 §2)', async () => {
    const documented = await startGatehouse({ serviceDocumentation: 'https://docs.example.com/sign-in' });
    try {
      const body = await (await fetch(`${documented.issuer}/`)).text();
      assert.ok(body.includes('href="https://docs.example.com/sign-in"'));
      const metadata = (await (await fetch(`${documented.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(metadata.service_documentation, 'https://docs.example.com/sign-in');
      const plain = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal('service_documentation' in plain, false, 'unchanged discovery when none is configured');
    } finally {
      await documented.close();
    }
  });
});

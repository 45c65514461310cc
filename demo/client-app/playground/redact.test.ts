import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskToken, redactExchange } from './redact.js';
import type { Exchange } from './recorder.js';

const secret = 'very-secret-client-secret-value';
const tokenRequest: Exchange = {
  from: 'Client-Server', to: 'Gatehouse', method: 'POST', url: 'http://as.example/token',
  requestHeaders: { authorization: `Basic ${Buffer.from(`client-1:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  requestBody: 'grant_type=refresh_token&refresh_token=gh_rt_0123456789abcdefghij&client_secret=also-secret',
  status: 200, responseHeaders: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  responseBody: JSON.stringify({ access_token: 'gh_at_0123456789abcdefghij', refresh_token: 'gh_rt_abcdefghij0123456789', id_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', token_type: 'Bearer' }),
};

describe('what the playground may draw of an exchange (the seed: no usable token in the browser)', () => {
  it('shows tokens as a prefix too short to use, and their length', () => {
    assert.equal(maskToken('gh_at_0123456789abcdefghij'), 'gh_at_0123… (26 characters)');
    assert.equal(maskToken('eyJhbGciOiJSUzI1NiJ9.x.y'), 'eyJhbGci… (24 characters)');
  });

  it('never shows the client secret, in the Basic header or the body (RFC 6749 §2.3.1)', () => {
    const shown = JSON.stringify(redactExchange(tokenRequest));
    assert.ok(!shown.includes(secret) && !shown.includes('also-secret'));
    assert.ok(!shown.includes(Buffer.from(`client-1:${secret}`).toString('base64')));
    assert.match(shown, /client_id client-1, secret masked \(31 characters, never shown\)/);
  });

  it('masks access, refresh and ID tokens in requests and responses', () => {
    const shown = JSON.stringify(redactExchange(tokenRequest));
    for (const token of ['gh_rt_0123456789abcdefghij', 'gh_at_0123456789abcdefghij', 'gh_rt_abcdefghij0123456789', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl']) {
      assert.ok(!shown.includes(token), token);
    }
    assert.match(shown, /Bearer/);
  });
});

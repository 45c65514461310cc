// The load generator's cookie jar behaves like a browser's for one host (RFC 6265).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CookieJar } from './cookie-jar.js';

const at = (path: string) => new URL(`http://127.0.0.1:3000${path}`);

describe('CookieJar', () => {
  it('sends a cookie only under its Path (RFC 6265 §5.1.4)', () => {
    const jar = new CookieJar();
    jar.store(['_interaction=abc; path=/interaction/xyz; httponly; samesite=lax'], at('/auth'));
    assert.equal(jar.header(at('/interaction/xyz')), '_interaction=abc');
    assert.equal(jar.header(at('/interaction/xyzzy')), undefined);
    assert.equal(jar.header(at('/auth')), undefined);
  });

  it('defaults the path to the request directory (RFC 6265 §5.1.4)', () => {
    const jar = new CookieJar();
    jar.store(['a=1'], at('/interaction/xyz'));
    assert.equal(jar.header(at('/interaction/other')), 'a=1');
    assert.equal(jar.header(at('/token')), undefined);
  });

  it('deletes a cookie set again with Max-Age=0 or a past Expires (RFC 6265 §5.3)', () => {
    const jar = new CookieJar();
    jar.store(['s=1; Path=/', 'r=2; Path=/'], at('/'));
    jar.store(['s=; Path=/; Max-Age=0', 'r=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT'], at('/'));
    assert.equal(jar.header(at('/')), undefined);
    assert.equal(jar.size, 0);
  });

  it('replaces a cookie of the same name and path and sends longer paths first', () => {
    const jar = new CookieJar();
    jar.store(['s=1; Path=/', 'p=2; Path=/auth', 's=3; Path=/'], at('/'));
    assert.equal(jar.header(at('/auth/x')), 'p=2; s=3');
  });
});

// The form filler submits login and consent pages as a browser would (HTML form submission).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fillFirstForm } from './html-form.js';

const page = new URL('http://127.0.0.1:3000/interaction/abc');
const user = { username: 'bench', password: 'p&ss word' };

describe('fillFirstForm', () => {
  it('fills username and password and keeps the hidden CSRF token', () => {
    const html = `<form method="post" action="/interaction/abc/login"><input type="hidden" name="csrf_token" value="t&amp;k">
      <input name="username"><input type="password" name="password"><button type="submit">Sign in</button></form>`;
    const form = fillFirstForm(html, page, user);
    assert.equal(form?.method, 'POST');
    assert.equal(form?.action.href, 'http://127.0.0.1:3000/interaction/abc/login');
    assert.deepEqual([...(form?.body ?? [])], [['csrf_token', 't&k'], ['username', 'bench'], ['password', 'p&ss word']]);
  });

  it('picks the approving button among several named submits', () => {
    const html = `<form method="POST"><input type=hidden name=csrf_token value=x>
      <button type="submit" name="decision" value="deny">No</button><button name="decision" value="approve">Yes</button></form>`;
    const form = fillFirstForm(html, page, user);
    assert.equal(form?.action.href, page.href);
    assert.deepEqual([...(form?.body ?? [])], [['csrf_token', 'x'], ['decision', 'approve']]);
  });

  it('uses only the first form and skips unchecked boxes', () => {
    const html = `<form action="/a"><input type="checkbox" name="remember"><input type="checkbox" name="keep" value="1" checked></form><form action="/b"></form>`;
    const form = fillFirstForm(html, page, user);
    assert.equal(form?.method, 'GET');
    assert.equal(form?.action.pathname, '/a');
    assert.equal(form?.body.toString(), 'keep=1');
  });

  it('returns undefined for a page without a form', () => {
    assert.equal(fillFirstForm('<p>Signed in</p>', page, user), undefined);
  });
});

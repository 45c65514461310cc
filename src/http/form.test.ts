import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWireParameters, queryOf } from './form.js';

describe('wire parameters (RFC 6749 §3.1)', () => {
  it('reports repeated parameters and keeps the first value', () => {
    const { params, duplicated } = parseWireParameters('a=1&b=2&a=3');
    assert.equal(params.a, '1');
    assert.deepEqual(duplicated, ['a']);
  });

  it('treats empty values as absent', () => {
    assert.equal(parseWireParameters('state=&scope=openid').params.state, undefined);
  });

  it('decodes form encoding and ignores prototype keys', () => {
    const { params } = parseWireParameters('redirect_uri=https%3A%2F%2Fa.example%2Fcb&scope=openid+email&__proto__=x');
    assert.equal(params.redirect_uri, 'https://a.example/cb');
    assert.equal(params.scope, 'openid email');
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('takes the query string from a raw URL', () => {
    assert.equal(queryOf('/authorize?x=1&y=2'), 'x=1&y=2');
    assert.equal(queryOf('/authorize'), '');
  });
});

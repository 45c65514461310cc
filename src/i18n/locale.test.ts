import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptLanguageTags, fill, negotiateLocale } from './locale.js';

describe('page language (OIDC Core §3.1.2.1 ui_locales, RFC 9110 §12.5.4 Accept-Language)', () => {
  it('ui_locales wins over Accept-Language, in its order, by primary language', () => {
    assert.equal(negotiateLocale('fr-CA de-AT en', 'en'), 'de');
    assert.equal(negotiateLocale('fr', 'de;q=0.5, en;q=0.9'), 'en');
    assert.equal(negotiateLocale(undefined, 'fr, de;q=0.8'), 'de');
    assert.equal(negotiateLocale(undefined, undefined), 'en');
  });
  it('Accept-Language is ordered by q, q=0 and * are ignored', () => {
    assert.deepEqual(acceptLanguageTags('en;q=0.1, de, fr;q=0, *;q=0.5'), ['de', 'en']);
    assert.equal(negotiateLocale('', 'en;q=0.1, de;q=0.9'), 'de');
    assert.equal(negotiateLocale('', 'de;q=0, en'), 'en');
  });
  it('fill leaves unknown placeholders alone', () => {
    assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}');
  });
});

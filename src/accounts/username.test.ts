import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { usernameProblem } from './username.js';
import { passwordProblem } from './password-policy.js';
import { emailProblem } from './email.js';

describe('account input rules', () => {
  it('accepts 1–64 characters of letters, digits and . _ @ + -', () => {
    for (const ok of ['a', 'alice.smith+tag@corp-1_x', 'z'.repeat(64)]) assert.equal(usernameProblem(ok), null, ok);
    for (const bad of ['', 'z'.repeat(65), 'al ice', 'alice\n', 'élodie', '<script>']) assert.notEqual(usernameProblem(bad), null, bad);
  });

  it('wants passwords of at least 8 characters, counted as code points (NIST SP 800-63B §5.1.1.2)', () => {
    assert.notEqual(passwordProblem('1234567'), null);
    assert.equal(passwordProblem('12345678'), null);
    assert.notEqual(passwordProblem('😀😀😀😀'), null, 'four emoji are four characters, not eight UTF-16 units');
    assert.notEqual(passwordProblem('x'.repeat(1025)), null);
  });

  it('catches e-mail typos without pretending to validate RFC 5322', () => {
    assert.equal(emailProblem('a@b'), null);
    for (const bad of ['ab', 'a@@b', 'a b@c', '@b', 'a@']) assert.notEqual(emailProblem(bad), null, bad);
  });
});

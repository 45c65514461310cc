// The pure decisions of RP-Initiated Logout 1.0: when to ask (§2, §6) and where to go back (§3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logoutNeedsConfirmation, postLogoutRedirect, type LogoutRequest } from './end-session.js';
import type { SessionRecord } from '../storage/records.js';

const session: SessionRecord = {
  sessionDigest: 'd'.repeat(64), sid: 'sid-1', accountId: 'acct-1', clientIds: ['rp'], authTime: 1, createdAt: 1, expiresAt: 9e9,
};

function request(overrides: Partial<LogoutRequest> = {}): LogoutRequest {
  return {
    client: null, hint: { sub: 'acct-1', aud: ['rp'], sid: 'sid-1' }, logoutHint: null, postLogoutRedirectUri: null,
    state: null, uiLocales: [], params: {}, ...overrides,
  };
}

describe('RP-Initiated Logout 1.0 decisions', () => {
  it('signs out without asking only for a hint naming the signed-in user and session (§2, §6)', () => {
    assert.equal(logoutNeedsConfirmation(request(), session, 'lou'), false);
    assert.equal(logoutNeedsConfirmation(request({ hint: { sub: 'acct-1', aud: ['rp'], sid: null } }), session, 'lou'), false);
    assert.equal(logoutNeedsConfirmation(request({ hint: null }), session, 'lou'), true, 'no hint');
    assert.equal(logoutNeedsConfirmation(request({ hint: { sub: 'acct-2', aud: ['rp'], sid: 'sid-1' } }), session, 'lou'), true, 'another user');
    assert.equal(logoutNeedsConfirmation(request({ hint: { sub: 'acct-1', aud: ['rp'], sid: 'sid-0' } }), session, 'lou'), true, 'another session');
    assert.equal(logoutNeedsConfirmation(request({ logoutHint: 'someone' }), session, 'lou'), true, 'logout_hint names someone else');
    assert.equal(logoutNeedsConfirmation(request({ logoutHint: 'lou' }), session, 'lou'), false);
    assert.equal(logoutNeedsConfirmation(request({ hint: null }), null, null), false, 'nothing to end, nothing to ask');
  });

  it('returns to the registered URI exactly, with state appended when given (§3)', () => {
    assert.equal(postLogoutRedirect(request()), null);
    assert.equal(postLogoutRedirect(request({ postLogoutRedirectUri: 'https://rp.example' })), 'https://rp.example', 'not normalised');
    assert.equal(postLogoutRedirect(request({ postLogoutRedirectUri: 'https://rp.example/bye', state: 'a b&c' })), 'https://rp.example/bye?state=a+b%26c');
    assert.equal(postLogoutRedirect(request({ postLogoutRedirectUri: 'https://rp.example/bye?x=1', state: 's' })), 'https://rp.example/bye?x=1&state=s');
  });
});

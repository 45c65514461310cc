import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientMetadata, ClientRecord } from '../storage/records.js';
import { createSubjectIdentifiers, sectorOf, subjectTypeProblem } from './subject-identifier.js';

function client(redirectUris: string[], metadata: ClientMetadata, clientId = 'c1'): ClientRecord {
  return {
    clientId, clientName: 'c', secretDigest: null, redirectUris, grantTypes: ['authorization_code'], responseTypes: ['code'],
    scopes: ['openid'], skipConsent: false, tokenEndpointAuthMethod: 'none', postLogoutRedirectUris: [], metadata, createdAt: 0,
  };
}

describe('subject identifiers (OIDC Core §8, OIDC Registration §5)', () => {
  const subjects = createSubjectIdentifiers(Buffer.alloc(32, 1));

  const sectors: Array<{ name: string; redirectUris: string[]; metadata: ClientMetadata; expected: string | null }> = [
    { name: 'the redirect URIs\' one host', redirectUris: ['https://App.example/a', 'https://app.example:8443/b'], metadata: {}, expected: 'app.example' },
    { name: 'none for several hosts', redirectUris: ['https://a.example/cb', 'https://b.example/cb'], metadata: {}, expected: null },
    { name: 'the sector_identifier_uri host first', redirectUris: ['https://a.example/cb', 'https://b.example/cb'],
      metadata: { sectorIdentifierUri: 'https://sector.example/uris.json' }, expected: 'sector.example' },
    { name: 'a private-use scheme without a host', redirectUris: ['com.example.app:/cb'], metadata: {}, expected: 'com.example.app' },
  ];
  for (const c of sectors) it(`finds the sector: ${c.name}`, () => assert.equal(sectorOf(client(c.redirectUris, c.metadata)), c.expected));

  const problems: Array<{ name: string; redirectUris: string[]; metadata: ClientMetadata; expected: RegExp | null }> = [
    { name: 'public with several hosts', redirectUris: ['https://a.example/cb', 'https://b.example/cb'], metadata: {}, expected: null },
    { name: 'pairwise with one host', redirectUris: ['https://a.example/cb'], metadata: { subjectType: 'pairwise' }, expected: null },
    { name: 'pairwise with several hosts', redirectUris: ['https://a.example/cb', 'https://b.example/cb'], metadata: { subjectType: 'pairwise' }, expected: /several hosts/ },
    { name: 'pairwise without redirect URIs', redirectUris: [], metadata: { subjectType: 'pairwise' }, expected: /needs redirect URIs or a sector identifier URI/ },
    { name: 'an http sector identifier URI', redirectUris: ['https://a.example/cb'], metadata: { sectorIdentifierUri: 'http://s.example/u' }, expected: /https/ },
    { name: 'a sector identifier URI with a fragment', redirectUris: ['https://a.example/cb'], metadata: { sectorIdentifierUri: 'https://s.example/u#x' }, expected: /fragment/ },
  ];
  for (const c of problems) {
    it(`judges the registration: ${c.name}`, () => {
      const problem = subjectTypeProblem(client(c.redirectUris, c.metadata));
      if (c.expected === null) assert.equal(problem, null);
      else assert.match(problem ?? '', c.expected);
    });
  }

  it('gives public clients the account id and pairwise clients one base64url SHA-256 per sector and account (§8.1)', () => {
    assert.equal(subjects.subjectFor(client(['https://a.example/cb'], {}), 'acct-1'), 'acct-1');
    const pairwise = { subjectType: 'pairwise' } as const;
    const a = subjects.subjectFor(client(['https://a.example/cb'], pairwise), 'acct-1');
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(subjects.subjectFor(client(['https://a.example/other'], pairwise, 'c2'), 'acct-1'), a, 'same sector, same sub');
    assert.notEqual(subjects.subjectFor(client(['https://b.example/cb'], pairwise), 'acct-1'), a, 'another sector');
    assert.notEqual(subjects.subjectFor(client(['https://a.example/cb'], pairwise), 'acct-2'), a, 'another account');
    assert.notEqual(createSubjectIdentifiers(Buffer.alloc(32, 2)).subjectFor(client(['https://a.example/cb'], pairwise), 'acct-1'), a, 'another salt');
    // Separators: moving characters between sector and account id gives another input.
    const host = (h: string) => client([`https://${h}/cb`], pairwise);
    assert.notEqual(subjects.subjectFor(host('ab.example'), 'c'), subjects.subjectFor(host('ab.exampl'), 'ec'));
  });
});

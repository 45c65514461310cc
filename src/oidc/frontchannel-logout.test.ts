import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frontchannelLogoutFrames, frontchannelLogoutUrl, isFrameableOrigin } from './frontchannel-logout.js';
import type { ClientRecord } from '../storage/records.js';

const issuer = 'https://id.example/tenant';

describe('frontchannelLogoutUrl (Front-Channel Logout 1.0 §3)', () => {
  const cases: Array<{ uri: string; expected: string; why: string }> = [
    { uri: 'https://rp.example/fc', expected: 'https://rp.example/fc?iss=https%3A%2F%2Fid.example%2Ftenant&sid=s-1', why: 'adds iss and sid' },
    { uri: 'https://rp.example/fc?a=1&b=x%20y+z', expected: 'https://rp.example/fc?a=1&b=x%20y+z&iss=https%3A%2F%2Fid.example%2Ftenant&sid=s-1', why: 'keeps the URI\'s own query as registered' },
    { uri: 'https://rp.example/fc?', expected: 'https://rp.example/fc?iss=https%3A%2F%2Fid.example%2Ftenant&sid=s-1', why: 'an empty query' },
    { uri: 'https://rp.example/fc?a=1&', expected: 'https://rp.example/fc?a=1&iss=https%3A%2F%2Fid.example%2Ftenant&sid=s-1', why: 'a query ending in &' },
  ];
  for (const { uri, expected, why } of cases) {
    it(`${why}: ${uri}`, () => {
      const url = frontchannelLogoutUrl(uri, issuer, 's-1');
      assert.equal(url, expected);
      assert.deepEqual([new URL(url).searchParams.get('iss'), new URL(url).searchParams.get('sid')], [issuer, 's-1']);
    });
  }

  it('adds neither iss nor sid for a session without a sid: if either is included, both must be (§3)', () => {
    assert.equal(frontchannelLogoutUrl('https://rp.example/fc?a=1', issuer, ''), 'https://rp.example/fc?a=1');
  });
});

describe('frontchannelLogoutFrames (Front-Channel Logout 1.0 §3)', () => {
  const client = (clientId: string, fields: Partial<ClientRecord>): ClientRecord => ({
    clientId, clientName: `Client ${clientId}`, secretDigest: null, redirectUris: [], grantTypes: [], responseTypes: [], scopes: [],
    skipConsent: false, tokenEndpointAuthMethod: 'none', postLogoutRedirectUris: [], metadata: {}, createdAt: 0, ...fields,
  });
  const clients = new Map<string, ClientRecord>([
    ['a', client('a', { frontchannelLogoutUri: 'https://a.example/fc?t=1', frontchannelLogoutSessionRequired: true })],
    ['b', client('b', { frontchannelLogoutUri: null })],
    ['c', client('c', { frontchannelLogoutUri: 'http://localhost:4000/fc', frontchannelLogoutSessionRequired: false })],
    ['d', client('d', { frontchannelLogoutUri: 'https://d.example/never-signed-in' })],
    ['w', client('w', { frontchannelLogoutUri: 'https://*.example/fc' })],
  ]);
  const deps = { clients: { find: async (id: string) => clients.get(id) ?? null }, issuer };

  it('gives one frame per client the session signed into that has a URI, in sign-in order, with iss and sid whether or not session_required', async () => {
    const frames = await frontchannelLogoutFrames({ sid: 'sid-9', clientIds: ['c', 'b', 'a', 'c', 'gone'] }, deps);
    assert.deepEqual(frames.map((f) => [f.clientId, f.origin]), [['c', 'http://localhost:4000'], ['a', 'https://a.example']]);
    for (const frame of frames) {
      const url = new URL(frame.src);
      assert.deepEqual([url.searchParams.get('iss'), url.searchParams.get('sid')], [issuer, 'sid-9']);
    }
    assert.equal(frames[1]!.src.startsWith('https://a.example/fc?t=1&'), true);
  });

  it('never frames a client the session did not sign into, nor an origin a CSP would read as a wildcard', async () => {
    assert.deepEqual(await frontchannelLogoutFrames({ sid: 's', clientIds: ['b', 'w'] }, deps), []);
    assert.equal(isFrameableOrigin('https://*.example'), false);
    assert.equal(isFrameableOrigin('https://a;b.example'), false);
    assert.equal(isFrameableOrigin('https://rp.example:8443'), true);
    assert.equal(isFrameableOrigin('http://[::1]:3000'), true);
  });
});

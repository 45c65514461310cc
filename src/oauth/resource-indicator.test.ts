import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeResourceIdentifier, parseResourceParameter } from './resource-indicator.js';

describe('resource identifiers (RFC 8707 §2, compared as the MCP authorization spec asks)', () => {
  const normalised = [
    { name: 'scheme and host lowercased', input: 'HTTPS://API.Example.COM/v1', expected: 'https://api.example.com/v1' },
    { name: 'path and query kept exactly', input: 'https://api.example.com/V1/Orders?Tenant=A', expected: 'https://api.example.com/V1/Orders?Tenant=A' },
    { name: 'port kept', input: 'https://Api.Example:8443', expected: 'https://api.example:8443' },
    { name: 'IPv6 literal with port', input: 'http://[::1]:4001/x', expected: 'http://[::1]:4001/x' },
    { name: 'userinfo kept, host lowercased', input: 'https://User@Host.Example/', expected: 'https://User@host.example/' },
    { name: 'a URN: scheme lowercased only', input: 'URN:Example:API', expected: 'urn:Example:API' },
    { name: 'no trailing slash added', input: 'https://api.example.com', expected: 'https://api.example.com' },
  ];
  for (const { name, input, expected } of normalised) {
    it(`RFC 8707 §2: ${name}`, () => assert.equal(normalizeResourceIdentifier(input), expected));
  }

  const refused = [
    { name: 'a fragment', input: 'https://api.example.com/#x' },
    { name: 'a relative reference', input: '/api' },
    { name: 'no scheme', input: 'api.example.com' },
    { name: 'whitespace', input: 'https://api.example.com/a b' },
  ];
  for (const { name, input } of refused) {
    it(`RFC 8707 §2: refuses ${name} with invalid_target`, () => {
      assert.throws(() => normalizeResourceIdentifier(input), { code: 'invalid_target' });
    });
  }

  it('RFC 8707 §2: repeated parameters (joined by the form parser) become distinct normalised identifiers', () => {
    assert.deepEqual(parseResourceParameter('https://A.example/x HTTPS://a.example/x https://b.example'), ['https://a.example/x', 'https://b.example']);
    assert.deepEqual(parseResourceParameter(undefined), []);
  });
});

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from './load.js';
import type { ConfigInput } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
let files = 0;

/** loadConfig over a JSON file holding `content`, with no environment. */
function fromFile(content: unknown, env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, `config-${files++}.json`);
  writeFileSync(file, JSON.stringify(content));
  return loadConfig({ file, env });
}

const refuses = (load: () => unknown, pattern: RegExp) => assert.throws(load, (error: unknown) => {
  assert.ok(error instanceof ConfigError, String(error));
  assert.match(error.message, pattern);
  return true;
});

describe('loadConfig', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('booleans are strict (issue 9: "false" and "no" must not switch on the implicit flow)', () => {
    for (const value of ['false', 'no', 'true', 0, 1, null]) {
      it(`refuses ${JSON.stringify(value)} for implicitFlow in the file, naming the key`, () => {
        refuses(() => fromFile({ implicitFlow: value }), /implicitFlow: must be true or false/);
      });
    }

    it('takes JSON true and false from the file', () => {
      assert.equal(fromFile({ implicitFlow: true, trustProxy: false }).implicitFlow, true);
      assert.equal(fromFile({ implicitFlow: false }).implicitFlow, false);
      assert.equal(fromFile({}).implicitFlow, false);
    });

    const words: Array<[string, boolean]> = [['true', true], ['1', true], ['TRUE', true], ['false', false], ['0', false], ['False', false]];
    for (const [word, value] of words) {
      it(`reads GATEHOUSE_IMPLICIT_FLOW=${word} as ${value}`, () => {
        assert.equal(loadConfig({ env: { GATEHOUSE_IMPLICIT_FLOW: word } }).implicitFlow, value);
        assert.equal(loadConfig({ env: { GATEHOUSE_TRUST_PROXY: word } }).trustProxy, value);
      });
    }

    for (const word of ['no', 'yes', 'on', 'off', 'tru', '2']) {
      it(`refuses GATEHOUSE_IMPLICIT_FLOW=${word}, naming the variable`, () => {
        refuses(() => loadConfig({ env: { GATEHOUSE_IMPLICIT_FLOW: word } }), new RegExp(`GATEHOUSE_IMPLICIT_FLOW: must be true, false, 1 or 0, not '${word}'`));
      });
    }
  });

  describe('unknown keys are reported (docs/configuration.md: every problem is reported)', () => {
    it('names an unknown key with the option it probably meant', () => {
      refuses(() => fromFile({ implicitFlows: true }), /implicitFlows: unknown option \(did you mean 'implicitFlow'\?\)/);
      refuses(() => fromFile({ accesTokenTtl: 60 }), /accesTokenTtl: unknown option \(did you mean 'accessTokenTtl'\?\)/);
    });

    it('checks nested objects, and suggests nothing when nothing is close', () => {
      refuses(() => fromFile({ argon2: { memoryCots: 4096 } }), /argon2\.memoryCots: unknown option \(did you mean 'argon2\.memoryCost'\?\)/);
      assert.throws(() => fromFile({ frobnicate: 1 }), (error: Error) => /frobnicate: unknown option$/m.test(error.message));
    });

    it('reports every problem at once: unknown keys beside invalid values and variables', () => {
      assert.throws(() => fromFile({ prot: 80, port: 'eighty', implicitFlow: 'no' }, { GATEHOUSE_TRUST_PROXY: 'yes' }), (error: Error) => {
        for (const part of [/prot: unknown option \(did you mean 'port'\?\)/, /port: /, /implicitFlow: must be true or false/, /GATEHOUSE_TRUST_PROXY: must be/]) {
          assert.match(error.message, part);
        }
        return true;
      });
    });

    it('refuses a file that is not one JSON object', () => {
      refuses(() => fromFile([{ port: 1 }]), /must hold one JSON object/);
    });
  });

  describe('the issuer is an https URL (OIDC Discovery §3, Core §2)', () => {
    const load = (overrides: Partial<ConfigInput>) => loadConfig({ env: {}, overrides });
    const accepted = ['https://login.example.com', 'https://login.example.com:8443/tenant', 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:9000'];
    for (const issuer of accepted) {
      it(`accepts ${issuer}`, () => assert.equal(load({ issuer }).issuer, issuer));
    }
    const refused: Array<[string, RegExp]> = [
      ['ftp://login.example.com', /issuer: must use https, not ftp/],
      ['http://login.example.com', /issuer: must use https .*allowHttpIssuer/],
      ['http://10.0.0.5:3000', /issuer: must use https/],
      ['https://login.example.com/?tenant=1', /issuer: must not have a query or fragment/],
      ['https://login.example.com/#x', /issuer: must not have a query or fragment/],
      ['https://user:pw@login.example.com', /issuer: must not contain user information/],
    ];
    for (const [issuer, pattern] of refused) {
      it(`refuses ${issuer}`, () => refuses(() => load({ issuer }), pattern));
    }

    it('accepts a non-loopback http issuer only with the explicit development flag', () => {
      assert.equal(load({ issuer: 'http://login.example.com', allowHttpIssuer: true }).issuer, 'http://login.example.com');
      assert.equal(loadConfig({ env: { GATEHOUSE_ISSUER: 'http://10.0.0.5:3000', GATEHOUSE_ALLOW_HTTP_ISSUER: 'true' } }).issuer, 'http://10.0.0.5:3000');
      refuses(() => load({ issuer: 'ftp://login.example.com', allowHttpIssuer: true }), /must use https, not ftp/);
    });

    it('never derives an issuer with port 0: port 0 needs an explicit issuer (OIDC Discovery §4.3: the issuer is pinned)', () => {
      refuses(() => load({ port: 0 }), /issuer: port 0 picks a free port/);
      assert.equal(load({ port: 0, issuer: 'https://login.example.com' }).issuer, 'https://login.example.com');
      assert.equal(load({ port: 4000 }).issuer, 'http://localhost:4000');
    });
  });

  describe('the database URL', () => {
    it('refuses sqlite: without a path instead of using a throwaway database (issue 9)', () => {
      refuses(() => loadConfig({ env: {}, overrides: { databaseUrl: 'sqlite:' } }), /databaseUrl: sqlite: needs a path/);
      assert.equal(loadConfig({ env: {}, overrides: { databaseUrl: 'sqlite::memory:' } }).databaseUrl, 'sqlite::memory:');
    });
  });

  describe('tokenExchange.trustedIssuers (RFC 8693 §3)', () => {
    it('fills in the defaults: asymmetric algorithms and the sub claim', () => {
      const config = fromFile({ issuer: 'https://login.example', tokenExchange: { trustedIssuers: [{ issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks' }] } });
      assert.deepEqual(config.tokenExchange.trustedIssuers, [
        { issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks', algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'], subjectClaim: 'sub' },
      ]);
    });
    it('refuses an http jwksUri (unless private or loopback fetches are allowed), a symmetric algorithm, a duplicate, Gatehouse itself, and unknown keys', () => {
      const entry = { issuer: 'https://idp.example', jwksUri: 'http://idp.example/jwks' };
      refuses(() => fromFile({ issuer: 'https://login.example', tokenExchange: { trustedIssuers: [entry] } }), /trustedIssuers\[0\]\.jwksUri: must be https/);
      assert.equal(fromFile({ issuer: 'https://login.example', allowLoopbackFetch: true, tokenExchange: { trustedIssuers: [entry] } }).tokenExchange.trustedIssuers.length, 1);
      const https = { ...entry, jwksUri: 'https://idp.example/jwks' };
      refuses(() => fromFile({ issuer: 'https://login.example', tokenExchange: { trustedIssuers: [{ ...https, algorithms: ['HS256'] }] } }), /algorithms/);
      refuses(() => fromFile({ issuer: 'https://login.example', tokenExchange: { trustedIssuers: [https, https] } }), /listed twice/);
      refuses(() => fromFile({ issuer: 'https://login.example', tokenExchange: { trustedIssuers: [{ ...https, issuer: 'https://login.example' }] } }), /own tokens/);
      refuses(() => fromFile({ issuer: 'https://login.example', tokenExchange: { trustedIssuers: [{ ...https, jwks_uri: 'x' }] } }), /jwks_uri/);
    });
  });
});

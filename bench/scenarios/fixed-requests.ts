// Stateless scenarios driven by autocannon, each response body checked: client_credentials
// (RFC 6749 §4.4), introspect (RFC 7662), userinfo (OIDC Core §5.3), userinfo with a DPoP-bound
// token (RFC 9449 §7.1), token exchange (RFC 8693 §2), discovery, jwks.
import { basicAuthorization } from '../client/http-client.js';
import { createDpopKey, dpopProof } from '../client/dpop.js';
import { loginFresh } from '../client/oidc-client.js';
import { endpoint, type Scenario } from './scenario.js';

const form = 'application/x-www-form-urlencoded';

export const clientCredentials: Scenario = {
  name: 'client_credentials',
  operation: 'POST /token grant_type=client_credentials (Basic)',
  variant: 'argon2',
  ceiling: 'hello',
  writes: true,
  async prepare({ rp, target }) {
    const { origin, path } = endpoint(rp.discovery.token_endpoint);
    const authorization = basicAuthorization(target.firstParty.clientId, target.firstParty.clientSecret);
    return {
      kind: 'fixed',
      fixed: {
        origin,
        requests: [{ method: 'POST', path, headers: { authorization, 'content-type': form }, body: 'grant_type=client_credentials' }],
        verifyBody: (body) => body.includes('"access_token"'),
      },
    };
  },
};

export const introspect: Scenario = {
  name: 'introspect',
  operation: 'POST /introspect of a user access token (Basic), active:true checked',
  variant: 'argon2',
  ceiling: 'hello',
  writes: false,
  async prepare({ rp, target }) {
    const { tokens } = await loginFresh(rp, target.firstParty);
    const { origin, path } = endpoint(rp.discovery.introspection_endpoint);
    const authorization = basicAuthorization(target.firstParty.clientId, target.firstParty.clientSecret);
    return {
      kind: 'fixed',
      fixed: {
        origin,
        requests: [{ method: 'POST', path, headers: { authorization, 'content-type': form }, body: new URLSearchParams({ token: tokens.access_token }).toString() }],
        verifyBody: (body) => /"active"\s*:\s*true/.test(body),
      },
    };
  },
};

export const userinfo: Scenario = {
  name: 'userinfo',
  operation: 'GET /userinfo with a Bearer access token, sub checked',
  variant: 'argon2',
  ceiling: 'hello',
  writes: false,
  async prepare({ rp, target }) {
    const { tokens } = await loginFresh(rp, target.firstParty);
    const { origin, path } = endpoint(rp.discovery.userinfo_endpoint);
    return {
      kind: 'fixed',
      fixed: {
        origin,
        requests: [{ method: 'GET', path, headers: { authorization: `Bearer ${tokens.access_token}` } }],
        verifyBody: (body) => body.includes('"sub"'),
      },
    };
  },
};

/**
 * A supply of one-use DPoP proofs for autocannon, whose per-request hook is synchronous while
 * jose signs asynchronously: `prefill` proofs are signed before the load starts, and a signer
 * keeps the supply at that level while it runs (on the generator's core, so its cost shows in the
 * generator's CPU). Should the supply run dry, the last proof is sent again and the server must
 * refuse it as a replay: a visible error, never a silent reuse.
 */
async function proofSupply(sign: () => Promise<string>, prefill: number): Promise<{ next: () => string; stop: () => void }> {
  const pool: string[] = [];
  const batch = async () => { pool.push(...await Promise.all(Array.from({ length: 64 }, sign))); };
  while (pool.length < prefill) await batch();
  let stopped = false;
  let last = pool[pool.length - 1]!;
  void (async () => {
    while (!stopped) {
      if (pool.length < prefill) await batch();
      else await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    next: () => (last = pool.shift() ?? last),
    stop: () => { stopped = true; },
  };
}

export const userinfoDpop: Scenario = {
  name: 'userinfo-dpop',
  operation: 'GET /userinfo with a DPoP-bound access token (Authorization: DPoP, a new ES256 proof with ath per request, signed ahead by the generator), sub checked',
  variant: 'argon2',
  ceiling: 'hello',
  // Each proof's jti goes into the server's replay cache (RFC 9449 §11.1): Gatehouse stores it.
  writes: true,
  async prepare({ rp, target }) {
    const key = await createDpopKey();
    const { tokens } = await loginFresh(rp, target.firstParty, {}, key);
    const { origin, path } = endpoint(rp.discovery.userinfo_endpoint);
    const proofs = await proofSupply(() => dpopProof(key, 'GET', rp.discovery.userinfo_endpoint, tokens.access_token), 20_000);
    const authorization = `DPoP ${tokens.access_token}`;
    return {
      kind: 'fixed',
      fixed: {
        origin,
        requests: [{
          method: 'GET', path, headers: { authorization },
          setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization, dpop: proofs.next() } }),
        }],
        verifyBody: (body) => body.includes('"sub"'),
        finish: proofs.stop,
      },
    };
  },
};

export const tokenExchange: Scenario = {
  name: 'token-exchange',
  operation: 'POST /token grant_type=token-exchange (Basic) of a user\'s access token for a registered resource (audience), an RS256 JWT access token issued; oidc-provider has no RFC 8693 grant, so bench/reference/token-exchange.ts registers a minimal one with the same rules',
  variant: 'argon2',
  ceiling: 'rs256',
  writes: true,
  async prepare({ rp, target }) {
    const client = target.tokenExchange;
    const { tokens } = await loginFresh(rp, client);
    const { origin, path } = endpoint(rp.discovery.token_endpoint);
    const body = new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: tokens.access_token,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: client.audience,
    }).toString();
    return {
      kind: 'fixed',
      fixed: {
        origin,
        requests: [{ method: 'POST', path, headers: { authorization: basicAuthorization(client.clientId, client.clientSecret), 'content-type': form }, body }],
        verifyBody: (text) => /"issued_token_type"\s*:\s*"urn:ietf:params:oauth:token-type:access_token"/.test(text) && text.includes('"access_token"'),
      },
    };
  },
};

export const discovery: Scenario = {
  name: 'discovery',
  operation: 'GET /.well-known/openid-configuration',
  variant: 'argon2',
  ceiling: 'hello',
  writes: false,
  async prepare({ target }) {
    return {
      kind: 'fixed',
      fixed: { origin: target.issuer, requests: [{ method: 'GET', path: '/.well-known/openid-configuration' }], verifyBody: (body) => body.includes('"issuer"') },
    };
  },
};

export const jwks: Scenario = {
  name: 'jwks',
  operation: 'GET the jwks_uri',
  variant: 'argon2',
  ceiling: 'hello',
  writes: false,
  async prepare({ rp }) {
    const { origin, path } = endpoint(rp.discovery.jwks_uri);
    return { kind: 'fixed', fixed: { origin, requests: [{ method: 'GET', path }], verifyBody: (body) => body.includes('"keys"') } };
  },
};

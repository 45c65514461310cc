// Stateless scenarios driven by autocannon, each response body checked: client_credentials
// (RFC 6749 §4.4), introspect (RFC 7662), userinfo (OIDC Core §5.3), discovery, jwks.
import { basicAuthorization } from '../client/http-client.js';
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

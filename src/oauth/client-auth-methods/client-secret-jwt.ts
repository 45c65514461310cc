// client_secret_jwt (OIDC Core §9, RFC 7523 §2.2 and §3): a JWT MACed with the client secret
// under HS256, HS384 or HS512. The HMAC key is the secret itself, kept sealed for these clients
// only (keys/client-secret-seal.ts); never a public key of the client.
import { jwtVerify } from 'jose';
import type { ClientAuthMethod } from './method.js';
import { checkedAlgorithm, clientSecretJwtAlgorithms, presentedAssertion, privateKeyJwtAlgorithms, verifyClientAssertion } from './jwt-assertion.js';
import { InvalidClientError } from '../errors.js';

export const clientSecretJwt: ClientAuthMethod = {
  name: 'client_secret_jwt',
  challengesBasic: false,
  presented: (request) => presentedAssertion(request, 'client_secret_jwt', 'hmac'),
  async verify(credentials, client, deps, request) {
    const assertion = credentials.assertion;
    if (!client || assertion === undefined || !request) return false;
    // RFC 7518 §3.1 key confusion: an HS* assertion for a private_key_jwt client (say, MACed with
    // its public key's PEM) is refused by name, before any key is touched.
    if (client.tokenEndpointAuthMethod === 'private_key_jwt') checkedAlgorithm(assertion, client, 'client_secret_jwt', privateKeyJwtAlgorithms);
    if (client.tokenEndpointAuthMethod !== 'client_secret_jwt') return false;
    const assertions = deps.assertions;
    const secret = assertions?.clientSecret(client) ?? null;
    if (!assertions || secret === null) {
      throw new InvalidClientError('client authentication failed', false,
        { clientId: client.clientId, method: 'client_secret_jwt', reason: 'no sealed secret stored (or no key-encryption key): run `gatehouse client rotate-secret`' });
    }
    const alg = checkedAlgorithm(assertion, client, 'client_secret_jwt', clientSecretJwtAlgorithms);
    const key = new TextEncoder().encode(secret);
    return verifyClientAssertion(assertion, client, request, 'client_secret_jwt', alg,
      async (jwt, options) => (await jwtVerify(jwt, key, options)).payload, assertions);
  },
};

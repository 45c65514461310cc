// private_key_jwt (OIDC Core §9, RFC 7523 §2.2 and §3): a JWT the client signs with its private
// key, verified with the public keys it registered (jwks or jwks_uri, ../client-keys.ts) under an
// asymmetric alg only. An HS* assertion is client_secret_jwt's, so it never reaches these keys.
import type { ClientAuthMethod } from './method.js';
import { checkedAlgorithm, clientSecretJwtAlgorithms, presentedAssertion, privateKeyJwtAlgorithms, verifyClientAssertion } from './jwt-assertion.js';
import { verifyWithClientKeys } from '../client-keys.js';
import { InvalidClientError } from '../errors.js';

export const privateKeyJwt: ClientAuthMethod = {
  name: 'private_key_jwt',
  challengesBasic: false,
  presented: (request) => presentedAssertion(request, 'private_key_jwt', 'asymmetric'),
  async verify(credentials, client, deps, request) {
    const assertion = credentials.assertion;
    if (!client || assertion === undefined || !request) return false;
    // A client_secret_jwt client signing with RS256 is told which algs it may use.
    if (client.tokenEndpointAuthMethod === 'client_secret_jwt') checkedAlgorithm(assertion, client, 'private_key_jwt', clientSecretJwtAlgorithms);
    if (client.tokenEndpointAuthMethod !== 'private_key_jwt') return false;
    const assertions = deps.assertions;
    if (!assertions) throw new InvalidClientError('private_key_jwt is not available here', false, { clientId: client.clientId, method: 'private_key_jwt', reason: 'no assertion deps' });
    const alg = checkedAlgorithm(assertion, client, 'private_key_jwt', privateKeyJwtAlgorithms);
    return verifyClientAssertion(assertion, client, request, 'private_key_jwt', alg,
      async (jwt, options) => (await verifyWithClientKeys(jwt, client, assertions.clientKeys, options)).payload, assertions);
  },
};

// client_secret_post (RFC 6749 §2.3.1, OIDC Core §9): client_id and client_secret in the form
// body. Allowed only to clients registered for it.
import type { ClientAuthMethod } from './method.js';
import { secretMatches } from './client-secret.js';

export const clientSecretPost: ClientAuthMethod = {
  name: 'client_secret_post',
  challengesBasic: false,
  presented(request) {
    const secret = request.params.client_secret;
    if (secret === undefined) return undefined;
    return { clientId: request.params.client_id ?? '', secret };
  },
  verify: (credentials, client) => secretMatches(credentials.secret, client),
};

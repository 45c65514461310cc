// none (OIDC Core §9; RFC 6749 §2.1 public clients): client_id alone, no credential. It is what a
// request presenting no credential uses; public clients must then use PKCE (the grant checks).
import type { ClientAuthMethod } from './method.js';

export const none: ClientAuthMethod = {
  name: 'none',
  challengesBasic: false,
  presented(request) {
    const clientId = request.params.client_id;
    return clientId === undefined ? undefined : { clientId };
  },
  // A client with a secret never authenticates without it, whatever its registration says.
  verify: (_credentials, client) => client !== null && client.secretDigest === null,
};

// client_secret_basic (RFC 6749 §2.3.1, OIDC Core §9): HTTP Basic with the form-encoded client
// id and secret. The default for confidential clients.
import { InvalidClientError, OAuthError } from '../errors.js';
import type { OAuthRequest } from '../request.js';
import type { ClientAuthMethod, PresentedCredentials } from './method.js';
import { secretMatches } from './client-secret.js';

const basicCredentials = /^Basic[ ]+([A-Za-z0-9+/]+=*)[ ]*$/i;

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function malformed(): InvalidClientError {
  return new InvalidClientError('malformed Authorization header', true, { method: 'client_secret_basic', reason: 'malformed Authorization header' });
}

function presented(request: OAuthRequest): PresentedCredentials | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  // At the token endpoint an Authorization header can only be client authentication.
  const match = basicCredentials.exec(header);
  if (!match) throw malformed();
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw malformed();
  let credentials: PresentedCredentials;
  try {
    credentials = { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw malformed();
  }
  const bodyClientId = request.params.client_id;
  if (bodyClientId !== undefined && bodyClientId !== credentials.clientId) {
    throw new OAuthError('invalid_request', 'client_id in the body does not match the Authorization header');
  }
  return credentials;
}

export const clientSecretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',
  challengesBasic: true,
  presented,
  verify: (credentials, client) => secretMatches(credentials.secret, client),
};

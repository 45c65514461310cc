// Extracts client credentials from a request: HTTP Basic with form-encoded id and secret
// (RFC 6749 §2.3.1) or client_id/client_secret in the form body.
import type { FastifyRequest } from 'fastify';
import { authenticateClient, type ClientCredentials } from '../oauth/client-authentication.js';
import { OAuthError } from '../oauth/errors.js';
import type { ClientStore } from '../storage/ports.js';
import type { ClientRecord } from '../storage/records.js';
import type { WireParameters } from './form.js';

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

export function clientCredentialsOf(request: FastifyRequest, body: WireParameters): ClientCredentials {
  const credentials: ClientCredentials = {
    bodyClientId: body.params.client_id,
    bodyClientSecret: body.params.client_secret,
  };
  const header = request.headers.authorization;
  if (header === undefined) return credentials;
  const match = /^Basic[ ]+([A-Za-z0-9+/]+=*)[ ]*$/i.exec(header);
  if (!match) return { ...credentials, malformedAuthorization: true };
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return { ...credentials, malformedAuthorization: true };
  try {
    return { ...credentials, basic: { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) } };
  } catch {
    return { ...credentials, malformedAuthorization: true };
  }
}

/**
 * The shared start of the token, introspection and revocation endpoints: a form body without
 * repeated parameters (RFC 6749 §3.2) from an authenticated client.
 */
export async function authenticatedForm(
  request: FastifyRequest, clients: ClientStore, options: { allowPublic: boolean },
): Promise<{ params: Record<string, string>; client: ClientRecord }> {
  const body = request.body as WireParameters | undefined;
  if (!body) throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  if (body.duplicated.length > 0) throw new OAuthError('invalid_request', `parameters must not be repeated: ${body.duplicated.join(', ')}`);
  const { client } = await authenticateClient(clientCredentialsOf(request, body), { clients }, options);
  return { params: body.params, client };
}

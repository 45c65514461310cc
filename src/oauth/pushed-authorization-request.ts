// Pushed Authorization Requests (RFC 9126): the rules, without HTTP or storage. The client
// authenticates as at the token endpoint (§2.1), its parameters are validated exactly as
// /authorize validates them (endpoints/par.ts composes both), and it gets a one-time reference,
// `urn:ietf:params:oauth:request_uri:<random>` (§2.2), stored only as a digest. /authorize
// consumes the reference once, for the same client only (§4), and then reads the pushed
// parameters alone.
import type { ClientRecord } from '../storage/records.js';
import { randomToken } from '../lib/random.js';
import { sha256Hex } from '../lib/digest.js';
import { OAuthError } from './errors.js';
import type { AuthenticatedRequest } from './request.js';

export const pushedRequestUriPrefix = 'urn:ietf:params:oauth:request_uri:';

// Client authentication parameters (RFC 6749 §2.3.1, RFC 7523 §2.2): not part of the authorization request.
const clientAuthParameters = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

export interface PushedRequestPolicy {
  requirePushedAuthorizationRequests: boolean;
}

/**
 * The authorization request parameters of an authenticated push. Throws OAuthError: a request_uri
 * in the body (§2.1), or a client_id other than the authenticated client's.
 */
export function pushedParameters(request: AuthenticatedRequest): Record<string, string> {
  const { params, client } = request;
  if (params.request_uri !== undefined) {
    throw new OAuthError('invalid_request', 'request_uri must not be sent to the pushed authorization request endpoint (RFC 9126 §2.1)');
  }
  if (params.client_id !== undefined && params.client_id !== client.clientId) {
    throw new OAuthError('invalid_request', 'client_id does not match the authenticated client');
  }
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (!clientAuthParameters.has(name)) result[name] = value;
  result.client_id = client.clientId;
  return result;
}

export interface NewPushedReference {
  /** The full request_uri handed to the client. */
  requestUri: string;
  /** What the store keeps. */
  digest: string;
}

export function newPushedReference(): NewPushedReference {
  const reference = randomToken(32);
  return { requestUri: `${pushedRequestUriPrefix}${reference}`, digest: digestOfReference(reference) };
}

function digestOfReference(reference: string): string {
  return sha256Hex(`par:${reference}`);
}

/** True when an authorization request's request_uri names a pushed request (not an RFC 9101 https URL). */
export function isPushedRequestUri(requestUri: string | undefined): requestUri is string {
  return requestUri !== undefined && requestUri.startsWith(pushedRequestUriPrefix);
}

/** The store key of a pushed request_uri; null when it cannot be one of ours. */
export function pushedRequestDigest(requestUri: string): string | null {
  const reference = requestUri.slice(pushedRequestUriPrefix.length);
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(reference)) return null;
  return digestOfReference(reference);
}

/** RFC 9126 §5, §6: the server's policy or the client's metadata requires pushed requests. */
export function requiresPushedRequests(client: ClientRecord, policy: PushedRequestPolicy): boolean {
  return policy.requirePushedAuthorizationRequests || client.metadata.requirePushedAuthorizationRequests === true;
}

// Shapes the authorization response for its response mode (RFC 6749 §4.1.2, §4.1.2.1;
// OAuth 2.0 Multiple Response Types §2 fragment; Form Post Response Mode) and adds `iss` (RFC 9207).
import type { ClientRecord } from '../storage/records.js';
import type { ResponseMode } from './authorization-request.js';
import type { OAuthError } from './errors.js';

export interface AuthorizationRequestLike {
  client: ClientRecord;
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | undefined;
}

export type AuthorizationResponse =
  | { mode: 'redirect'; location: string }
  | { mode: 'form_post'; action: string; fields: Record<string, string> };

export function authorizationResponse(
  request: AuthorizationRequestLike,
  issuer: string,
  values: Record<string, string | undefined>,
): AuthorizationResponse {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) fields[key] = value;
  if (request.state !== undefined) fields.state = request.state;
  fields.iss = issuer;

  if (request.responseMode === 'form_post') return { mode: 'form_post', action: request.redirectUri, fields };
  const url = new URL(request.redirectUri);
  if (request.responseMode === 'fragment') {
    url.hash = new URLSearchParams(fields).toString();
  } else {
    for (const [key, value] of Object.entries(fields)) url.searchParams.set(key, value);
  }
  return { mode: 'redirect', location: url.toString() };
}

export function authorizationErrorResponse(request: AuthorizationRequestLike, issuer: string, error: OAuthError): AuthorizationResponse {
  return authorizationResponse(request, issuer, { error: error.code, error_description: error.description });
}

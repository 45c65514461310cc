// Authentication Context Class References (OIDC Core §2 `acr`, §3.1.2.1 `acr_values`, §5.5.1.1):
// what a request asks for — its acr_values, else the client's default_acr_values (OIDC
// Registration §2) — and the acr an ID token may claim. Gatehouse has one way to authenticate (a
// password, `amr: ["pwd"]`); the operator lists the classes it meets (`acrValuesSupported`), and an
// ID token claims one of those only, never a class that was asked for but not achieved.
import { OAuthError } from '../oauth/errors.js';
import type { ClientRecord } from '../storage/records.js';
import type { ClaimRequest, ClaimsRequest } from './claims-request.js';

/** The acr_values parameter (space-separated, in order of preference), else the client's default; null when neither. */
export function requestedAcrValues(parameter: string | undefined, client: ClientRecord): string[] | null {
  const values = parameter !== undefined ? parameter.split(' ').filter(Boolean) : client.metadata.defaultAcrValues ?? [];
  return values.length > 0 ? values : null;
}

/**
 * §5.5.1.1: acr_values is the voluntary request of the `acr` claim with those values; folded into
 * the claims request, which travels with the code and the tokens. An `acr` the claims parameter
 * names itself takes precedence.
 */
export function withAcrRequest(claims: ClaimsRequest | null, acrValues: string[] | null): ClaimsRequest | null {
  if (acrValues === null || claims?.id_token?.acr !== undefined) return claims;
  return { ...claims, id_token: { ...claims?.id_token, acr: { values: acrValues } } };
}

function candidates(spec: ClaimRequest | null, supported: readonly string[]): unknown[] {
  if (spec === null || (spec.value === undefined && spec.values === undefined)) return [...supported];
  return spec.value !== undefined ? [spec.value] : spec.values!;
}

/** The acr an ID token claims: the first requested value (in order of preference) Gatehouse meets; none when acr was not asked for. */
export function achievedAcr(claims: ClaimsRequest | null, supported: readonly string[]): string | undefined {
  const spec = claims?.id_token?.acr;
  if (spec === undefined) return undefined;
  return candidates(spec, supported).find((value): value is string => typeof value === 'string' && supported.includes(value));
}

/**
 * §5.5.1.1: an essential `acr` that cannot be met is a failed authentication. Gatehouse knows
 * before any sign-in that its password meets none of the values asked for, so it says so at once.
 */
export function checkEssentialAcr(claims: ClaimsRequest | null, supported: readonly string[]): void {
  if (claims?.id_token?.acr?.essential !== true || achievedAcr(claims, supported) !== undefined) return;
  throw new OAuthError('access_denied', 'the essential acr cannot be met: this server authenticates by password only');
}

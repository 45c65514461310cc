// Standard claims (OIDC Core §5.1) released per scope (§5.4: profile, email, address, phone) and
// per individual request (§5.5, claims-request.ts). A claim asked for individually that no
// granted scope covers is a consent item of its own (`claim:<name>`), shown on the consent page.
import type { AccountStore } from '../storage/ports.js';
import type { AccountRecord } from '../storage/records.js';
import { achievedAcr } from './acr.js';
import { matchesRequestedValue, requestedClaimNames, type ClaimsRequest, type ClaimsTarget } from './claims-request.js';

export const claimsByScope: Record<string, readonly string[]> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
    'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

const scopeOfClaim = new Map(Object.entries(claimsByScope).flatMap(([scope, claims]) => claims.map((claim) => [claim, scope] as const)));

export const supportedClaims = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'amr', 'sid',
  ...Object.values(claimsByScope).flat()];

/** The consent item of a claim asked for by name (OIDC Core §5.5) beyond the scopes. */
export const claimConsentPrefix = 'claim:';

/**
 * What the user approves: the scopes, plus each claim the `claims` parameter asks for that no
 * requested scope covers (OIDC Core §5.5 requests claims "in addition to" the scopes' claims).
 */
export function consentItems(scopes: readonly string[], claims: ClaimsRequest | null): string[] {
  const extra = requestedClaimNames(claims).filter((name) => {
    const scope = scopeOfClaim.get(name);
    return scope !== undefined && !scopes.includes(scope);
  });
  return [...scopes, ...extra.map((name) => `${claimConsentPrefix}${name}`)];
}

function address(account: AccountRecord): Record<string, string> | undefined {
  const a = account.profile?.address;
  if (!a) return undefined;
  const wire: Record<string, string | undefined> = {
    formatted: a.formatted, street_address: a.streetAddress, locality: a.locality, region: a.region,
    postal_code: a.postalCode, country: a.country,
  };
  const present = Object.fromEntries(Object.entries(wire).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return Object.keys(present).length > 0 ? present : undefined;
}

/** Every standard claim the account has a value for, by wire name. */
function claimValues(account: AccountRecord): Record<string, unknown> {
  const p = account.profile ?? {};
  return {
    name: account.name ?? undefined,
    given_name: p.givenName,
    family_name: p.familyName,
    middle_name: p.middleName,
    nickname: p.nickname,
    preferred_username: account.username,
    profile: p.profile,
    picture: p.picture,
    website: p.website,
    gender: p.gender,
    birthdate: p.birthdate,
    zoneinfo: p.zoneinfo,
    locale: p.locale,
    updated_at: account.updatedAt,
    email: account.email ?? undefined,
    email_verified: account.email ? account.emailVerified : undefined,
    address: address(account),
    phone_number: p.phoneNumber,
    phone_number_verified: p.phoneNumber !== undefined ? p.phoneNumberVerified ?? false : undefined,
  };
}

/**
 * The claims for UserInfo or an ID token: `sub`, the granted scopes' claims, and the claims the
 * `claims` parameter asks of this target (OIDC Core §5.5) when the account has them and they match
 * a requested `value`/`values` (§5.5.1). Absent values are left out, essential or not (§5.5.1:
 * not an error). Only claims the user approved reach here: the scopes and the `claim:` items.
 */
export function releasedClaims(
  account: AccountRecord, scopes: readonly string[], claims: ClaimsRequest | null, target: ClaimsTarget,
): Record<string, unknown> {
  const values = claimValues(account);
  const released: Record<string, unknown> = { sub: account.accountId };
  for (const scope of scopes) {
    for (const claim of claimsByScope[scope] ?? []) {
      if (values[claim] !== undefined) released[claim] = values[claim];
    }
  }
  for (const [name, spec] of Object.entries(claims?.[target] ?? {})) {
    if (!scopeOfClaim.has(name) || values[name] === undefined) continue;
    if (matchesRequestedValue(spec, values[name])) released[name] = values[name];
  }
  return released;
}

/** The scope claims alone (no `claims` parameter). */
export function claimsForScopes(account: AccountRecord, scopes: readonly string[]): Record<string, unknown> {
  return releasedClaims(account, scopes, null, 'userinfo');
}

/**
 * The claims an ID token carries besides `sub`, which the token sets itself: the released claims,
 * and `acr` when one was asked for (acr_values, default_acr_values or the claims parameter) and is
 * among the classes Gatehouse meets (oidc/acr.ts).
 */
export async function idTokenClaims(
  accounts: AccountStore, accountId: string, scopes: readonly string[], claims: ClaimsRequest | null = null,
  acrValuesSupported: readonly string[] = [],
): Promise<Record<string, unknown>> {
  const account = await accounts.findById(accountId);
  if (!account) return {};
  const { sub: _sub, ...released } = releasedClaims(account, scopes, claims, 'id_token');
  const acr = achievedAcr(claims, acrValuesSupported);
  return acr === undefined ? released : { ...released, acr };
}

// Standard claims released per scope (OIDC Core §5.4): profile and email.
import type { AccountStore } from '../storage/ports.js';
import type { AccountRecord } from '../storage/records.js';

export const claimsByScope: Record<string, readonly string[]> = {
  profile: ['name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
};

export const supportedClaims = ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'amr',
  ...Object.values(claimsByScope).flat()];

/** The claims the scopes allow, without absent values; `sub` is always included. */
export function claimsForScopes(account: AccountRecord, scopes: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: account.name ?? undefined,
    preferred_username: account.username,
    updated_at: account.updatedAt,
    email: account.email ?? undefined,
    email_verified: account.email ? account.emailVerified : undefined,
  };
  const claims: Record<string, unknown> = { sub: account.accountId };
  for (const scope of scopes) {
    for (const claim of claimsByScope[scope] ?? []) {
      if (values[claim] !== undefined) claims[claim] = values[claim];
    }
  }
  return claims;
}

/** The scope claims an ID token carries besides `sub`, which the token sets itself. */
export async function idTokenClaims(accounts: AccountStore, accountId: string, scopes: readonly string[]): Promise<Record<string, unknown>> {
  const account = await accounts.findById(accountId);
  if (!account) return {};
  const { sub: _sub, ...claims } = claimsForScopes(account, scopes);
  return claims;
}

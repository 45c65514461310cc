// Subject identifiers (OIDC Core §8): `public` clients see the account id as `sub`; `pairwise`
// clients see one derived per sector (§8.1), so clients of different sectors cannot correlate a
// user. The sector is the host of the client's sector_identifier_uri, else of its redirect URIs
// (OIDC Registration §5: several hosts need a sector_identifier_uri). Every `sub` a client sees —
// ID token, UserInfo, introspection, JWT access token, logout token — comes from `subjectFor`.
// The pairwise value is base64url(SHA-256(sector || 0x00 || account id || 0x00 || salt)), §8.1's
// construction with separators so no two (sector, account) pairs share an input; the salt is a
// 32-byte server secret derived from the key-encryption key (keys/signing-keys.ts#derivedSecret).
import { createHash } from 'node:crypto';
import type { ClientRecord } from '../storage/records.js';

export interface SubjectIdentifiers {
  /** The `sub` `client` knows the account by. */
  subjectFor(client: ClientRecord, accountId: string): string;
}

/** The purpose label the pairwise salt is derived under. */
export const pairwiseSaltPurpose = 'pairwise subject salt';

/** The host; for a private-use scheme without one (RFC 8252 §7.1: com.example.app:/cb), the scheme, never ''. */
function hostOf(uri: string): string | null {
  if (!URL.canParse(uri)) return null;
  const url = new URL(uri);
  return (url.hostname || url.protocol.slice(0, -1)).toLowerCase();
}

/** The sector of a pairwise client (OIDC Core §8.1, OIDC Registration §5); null when it has none. */
export function sectorOf(client: Pick<ClientRecord, 'redirectUris' | 'metadata'>): string | null {
  const { sectorIdentifierUri } = client.metadata;
  if (sectorIdentifierUri) return hostOf(sectorIdentifierUri);
  const hosts = new Set(client.redirectUris.map(hostOf));
  if (hosts.size !== 1) return null;
  return [...hosts][0] ?? null;
}

/**
 * Why the client's subject type cannot be registered, or null (OIDC Registration §2, §5):
 * `pairwise` needs a sector, so redirect URIs of several hosts need a sector_identifier_uri,
 * which must be an https URL (its content is checked by oidc/sector-identifier.ts).
 */
export function subjectTypeProblem(client: Pick<ClientRecord, 'redirectUris' | 'metadata'>): string | null {
  const { subjectType, sectorIdentifierUri } = client.metadata;
  if (subjectType !== undefined && subjectType !== 'public' && subjectType !== 'pairwise') {
    return `subject type '${String(subjectType)}' is not supported (use public or pairwise)`;
  }
  if (sectorIdentifierUri !== undefined) {
    if (!URL.canParse(sectorIdentifierUri) || new URL(sectorIdentifierUri).protocol !== 'https:') {
      return `sector identifier URI '${sectorIdentifierUri}' must be an absolute https URL (OIDC Registration §2)`;
    }
    if (sectorIdentifierUri.includes('#')) return `sector identifier URI '${sectorIdentifierUri}' must not contain a fragment`;
  }
  if (subjectType === 'pairwise' && sectorOf(client) === null) {
    return client.redirectUris.length === 0
      ? 'a pairwise client needs redirect URIs or a sector identifier URI to derive its sector from (OIDC Core §8.1)'
      : 'redirect URIs on several hosts need a sector identifier URI for pairwise subjects (OIDC Registration §5)';
  }
  return null;
}

export function createSubjectIdentifiers(salt: Buffer): SubjectIdentifiers {
  return {
    subjectFor(client, accountId) {
      if (client.metadata.subjectType !== 'pairwise') return accountId;
      // A registration without a sector is refused; a record edited by hand falls back to its id.
      const sector = sectorOf(client) ?? client.clientId;
      return createHash('sha256').update(sector).update('\0').update(accountId).update('\0').update(salt).digest('base64url');
    },
  };
}

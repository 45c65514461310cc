// The sector_identifier_uri document (OIDC Registration §5, OIDC Core §8.1): fetched through the
// outbound fetch (https, timeout, size limit, no redirects, public addresses unless configured),
// it must be a JSON array of strings listing every redirect URI of the client. Used wherever
// client metadata is accepted (the CLI; dynamic registration).
import { OutboundFetchError, type OutboundFetch } from '../lib/outbound-fetch/index.js';

/** The document is small: a list of redirect URIs. */
export const sectorIdentifierMaxBytes = 64 * 1024;

/**
 * Why the document at `uri` does not vouch for `redirectUris`, or null when it lists every one
 * (compared exactly, as redirect URIs are). The message names the host, never a response body.
 */
export async function sectorIdentifierProblem(uri: string, redirectUris: readonly string[], fetch: OutboundFetch): Promise<string | null> {
  if (!URL.canParse(uri) || new URL(uri).protocol !== 'https:') return `sector identifier URI '${uri}' must be an absolute https URL`;
  const host = new URL(uri).host;
  let response;
  try {
    response = await fetch({ url: uri, method: 'GET', headers: { accept: 'application/json' } });
  } catch (error) {
    if (error instanceof OutboundFetchError) return `sector identifier URI could not be fetched: ${error.message}`;
    throw error;
  }
  if (response.status !== 200) return `sector identifier URI on ${host} answered ${response.status}, not 200`;
  let listed: unknown;
  try {
    listed = JSON.parse(response.body.toString('utf8'));
  } catch {
    return `sector identifier URI on ${host} did not answer JSON`;
  }
  if (!Array.isArray(listed) || !listed.every((entry) => typeof entry === 'string')) {
    return `sector identifier URI on ${host} must answer a JSON array of redirect URIs (OIDC Registration §5)`;
  }
  const missing = redirectUris.filter((redirectUri) => !listed.includes(redirectUri));
  if (missing.length > 0) {
    return `the sector identifier document on ${host} does not list the redirect URI(s) ${missing.map((m) => `'${m}'`).join(', ')} (OIDC Registration §5)`;
  }
  return null;
}

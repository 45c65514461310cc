// Resolves a client_id URL to its Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document-03
// §4): the URL's rules and the operator's domain policy are checked first, then the document is
// fetched through the outbound fetch (no redirects, §4; size limit, §6.6; special-use addresses
// refused unless configured, §6.5) with Accept: application/json, must answer 200, and is kept
// in memory for as long as its Cache-Control / Expires say, within the operator's bounds (§4.4).
// Concurrent lookups of one URL share one fetch; failures and invalid documents are never cached.
import { freshnessLifetime, OutboundFetchError, type OutboundFetch, type OutboundResponse } from '../lib/outbound-fetch/index.js';
import { createLoadingCache } from '../lib/loading-cache.js';
import type { Clock } from '../lib/clock.js';
import type { ClientRecord } from '../storage/records.js';
import { InvalidClientError } from '../oauth/errors.js';
import type { ClientResolver } from '../oauth/client-resolver.js';
import {
  clientFromMetadataDocument, clientIdUrlProblem, hostAccepted, isClientIdUrl, MetadataDocumentError, type DocumentClientPolicy,
} from './client-id-metadata-document.js';

export interface MetadataDocumentPolicy extends DocumentClientPolicy {
  cacheMinSeconds: number;
  cacheMaxSeconds: number;
  cacheEntries: number;
}

export interface MetadataDocumentResolverDeps {
  /** An outbound fetch whose size limit is the document limit. */
  fetch: OutboundFetch;
  clock: Clock;
  policy: MetadataDocumentPolicy;
}

/** invalid_client, logged at the token endpoint as a failed client authentication with this reason. */
function unusable(clientId: string, description: string): InvalidClientError {
  return new InvalidClientError(description, false, { clientId, reason: description });
}

export function createMetadataDocumentResolver({ fetch, clock, policy }: MetadataDocumentResolverDeps): ClientResolver {
  const cache = createLoadingCache<ClientRecord>({ maxEntries: policy.cacheEntries, clock });

  async function load(clientId: string) {
    let response: OutboundResponse;
    try {
      response = await fetch({ url: clientId, method: 'GET', headers: { accept: 'application/json' } });
    } catch (error) {
      if (!(error instanceof OutboundFetchError)) throw error;
      throw unusable(clientId, `the client's metadata document could not be fetched: ${error.message}`);
    }
    const host = new URL(clientId).host;
    // §4: any status but 200 is an error; a redirect was already refused by the fetch.
    if (response.status !== 200) throw unusable(clientId, `the client's metadata document at ${host} answered HTTP ${response.status}, not 200`);
    let document: unknown;
    try {
      document = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw unusable(clientId, `the client's metadata document at ${host} is not JSON`);
    }
    const fetchedAt = clock();
    const lifetime = freshnessLifetime(response.headers, fetchedAt) ?? policy.cacheMinSeconds;
    const ttl = Math.min(policy.cacheMaxSeconds, Math.max(policy.cacheMinSeconds, lifetime));
    try {
      return { value: clientFromMetadataDocument(clientId, document, policy, { fetchedAt, expiresAt: fetchedAt + ttl }), ttl };
    } catch (error) {
      if (!(error instanceof MetadataDocumentError)) throw error;
      throw unusable(clientId, `the client's metadata document at ${host} is not valid: ${error.message}`);
    }
  }

  return {
    async find(clientId) {
      const problem = clientIdUrlProblem(clientId);
      // Not logged as given: it may carry a password (refused here).
      if (problem) throw unusable('(refused client_id URL)', `a client_id URL ${problem} (Client ID Metadata Document §3)`);
      const { hostname } = new URL(clientId);
      if (!hostAccepted(hostname.replace(/^\[|\]$/g, ''), policy)) {
        throw unusable(clientId, `this server does not accept clients from ${hostname}`);
      }
      return cache.get(clientId, () => load(clientId));
    },
  };
}

/**
 * The one client lookup of every endpoint (ServerDeps.clients): stored clients first (a
 * pre-registered document URL included, CIMD draft §6.10), then, for a client_id that is an
 * https URL, `documents`.
 */
export function withMetadataDocuments(stored: ClientResolver, documents: ClientResolver): ClientResolver {
  return {
    async find(clientId) {
      const client = await stored.find(clientId);
      if (client || !isClientIdUrl(clientId)) return client;
      return documents.find(clientId);
    },
  };
}

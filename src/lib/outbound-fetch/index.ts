// Outbound HTTP with timeouts, size limits, no redirects and public addresses only.
export { createOutboundFetch, OutboundFetchError, type OutboundFetch, type OutboundFetchFailure, type OutboundFetchOptions,
  type OutboundRequest, type OutboundResponse } from './outbound-fetch.js';
export { isLoopbackAddress, isNonPublicAddress } from './address-policy.js';
export { freshnessLifetime } from './cache-lifetime.js';

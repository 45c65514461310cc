// The client registration rules moved into the core (src/clients/), shared with the registration
// endpoint; the CLI imports them from here as before.
export * from '../clients/client-metadata.js';
export { redirectUriProblem, backchannelLogoutUriProblem, frontchannelLogoutUriProblem } from '../clients/uris.js';
export { jwksProblem, jwksUriProblem } from '../clients/client-keys.js';

// gatehouse/resource-server: what an API imports to verify Gatehouse access tokens.
export { createAccessTokenVerifier, type AccessTokenVerifier, type AccessTokenVerifierOptions } from './verifier.js';
export type { VerifiedAccessToken } from './verified-access-token.js';
export { BearerError, VerifierUnavailableError, type BearerErrorCode } from './errors.js';
export { bearerChallenge, refusalResponse, type RefusalResponse } from './challenge.js';
export { fastifyBearerAuth } from './fastify.js';
export {
  protectedResourceMetadata, protectedResourceMetadataUrl, protectedResourceMetadataResponse,
  fastifyProtectedResourceMetadata, protectedResourceMetadataHandler,
  type ProtectedResourceMetadata, type ProtectedResourceMetadataOptions,
} from './protected-resource-metadata.js';
export { authenticateRequest } from './node-http.js';
export {
  createLogoutTokenVerifier, createMemoryReplayCache, LogoutTokenError,
  type LogoutTokenVerifier, type LogoutTokenVerifierOptions, type LogoutTokenReplayCache, type VerifiedLogoutToken,
} from './logout-token.js';

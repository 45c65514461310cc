// Authorization server metadata (RFC 8414 §2), advertising exactly what is implemented.
import { supportedGrantTypes } from './grants/index.js';

export interface MetadataPolicy {
  issuer: string;
  implicitFlow: boolean;
}

export function authorizationServerMetadata({ issuer, implicitFlow }: MetadataPolicy): Record<string, unknown> {
  const authMethods = ['client_secret_basic', 'client_secret_post'];
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_endpoint: `${issuer}/revoke`,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    response_types_supported: implicitFlow ? ['code', 'id_token', 'id_token token'] : ['code'],
    response_modes_supported: implicitFlow ? ['query', 'fragment', 'form_post'] : ['query', 'form_post'],
    grant_types_supported: implicitFlow ? [...supportedGrantTypes, 'implicit'] : supportedGrantTypes,
    token_endpoint_auth_methods_supported: [...authMethods, 'none'],
    introspection_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  };
}

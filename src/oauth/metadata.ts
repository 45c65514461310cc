// Authorization server metadata (RFC 8414 §2), advertising exactly what is implemented.
import { dpopAlgorithmsSupported } from './dpop.js';
import { supportedClientAssertionAlgorithms, supportedClientAuthMethods } from './client-authentication.js';
import { supportedGrantTypes } from './grants/index.js';
import { requestObjectAlgorithms, type RequestObjectPolicy } from './request-object.js';

export interface MetadataPolicy {
  issuer: string;
  implicitFlow: boolean;
  /** Advertised as service_documentation when the operator configured one. */
  serviceDocumentation?: string | undefined;
  /** Dynamic Client Registration is on (RFC 7591 §3): advertise registration_endpoint. */
  registrationEndpoint?: boolean | undefined;
  /** Request objects (RFC 9101); absent: not supported. */
  requestObjects?: Pick<RequestObjectPolicy, 'requestParameter' | 'requestUriParameter' | 'requireRequestUriRegistration' | 'allowUnsignedRequestObjects'> | undefined;
  /** client_ids that are https URLs are resolved to their metadata documents (CIMD draft §5). */
  clientIdMetadataDocuments?: boolean;
  /** The acr values the sign-in meets (OIDC Discovery §3 acr_values_supported); none: not advertised. */
  acrValuesSupported?: readonly string[] | undefined;
  /** RFC 9126 §5: every client must push its authorization requests. */
  requirePushedAuthorizationRequests?: boolean | undefined;
}

export function authorizationServerMetadata(
  { issuer, implicitFlow, serviceDocumentation, registrationEndpoint, requestObjects, clientIdMetadataDocuments, requirePushedAuthorizationRequests }: MetadataPolicy,
): Record<string, unknown> {
  // Introspection needs a credential (RFC 7662 §2.1); that public clients may also revoke by
  // client_id alone (RFC 7009 §2.1) stays unadvertised, as before.
  const authMethods = supportedClientAuthMethods.filter((method) => method !== 'none');
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_endpoint: `${issuer}/revoke`,
    ...(registrationEndpoint ? { registration_endpoint: `${issuer}/register` } : {}),
    scopes_supported: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
    response_types_supported: implicitFlow ? ['code', 'id_token', 'id_token token'] : ['code'],
    response_modes_supported: implicitFlow ? ['query', 'fragment', 'form_post'] : ['query', 'form_post'],
    grant_types_supported: implicitFlow ? [...supportedGrantTypes, 'implicit'] : supportedGrantTypes,
    token_endpoint_auth_methods_supported: supportedClientAuthMethods,
    // RFC 8414 §2: the JWS algs of private_key_jwt and client_secret_jwt assertions.
    token_endpoint_auth_signing_alg_values_supported: supportedClientAssertionAlgorithms,
    introspection_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_signing_alg_values_supported: supportedClientAssertionAlgorithms,
    revocation_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_signing_alg_values_supported: supportedClientAssertionAlgorithms,
    // RFC 9101 §10.5 / OIDC Discovery §3.
    request_parameter_supported: requestObjects?.requestParameter ?? false,
    request_uri_parameter_supported: requestObjects?.requestUriParameter ?? false,
    require_request_uri_registration: requestObjects?.requireRequestUriRegistration ?? false,
    ...(requestObjects && (requestObjects.requestParameter || requestObjects.requestUriParameter) ? {
      request_object_signing_alg_values_supported: [...requestObjectAlgorithms, ...(requestObjects.allowUnsignedRequestObjects ? ['none'] : [])],
    } : {}),
    // RFC 9126 §5.
    pushed_authorization_request_endpoint: `${issuer}/par`,
    require_pushed_authorization_requests: requirePushedAuthorizationRequests ?? false,
    // RFC 8628 §4.
    device_authorization_endpoint: `${issuer}/device_authorization`,
    // Always advertised: PKCE is required of public clients and, by default, of every client.
    code_challenge_methods_supported: ['S256'],
    // RFC 9449 §5.1: DPoP proofs are accepted at the token endpoint and UserInfo.
    dpop_signing_alg_values_supported: [...dpopAlgorithmsSupported],
    authorization_response_iss_parameter_supported: true,
    ...(serviceDocumentation ? { service_documentation: serviceDocumentation } : {}),
    ...(clientIdMetadataDocuments ? { client_id_metadata_document_supported: true } : {}),
  };
}

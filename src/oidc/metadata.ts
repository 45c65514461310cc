// OpenID Provider metadata (OIDC Discovery 1.0 §3) on top of RFC 8414.
import { authorizationServerMetadata, type MetadataPolicy } from '../oauth/metadata.js';
import { supportedClaims } from './claims.js';
import { signingAlgorithms } from '../keys/signing-algorithms.js';

export function openIdProviderMetadata(policy: MetadataPolicy): Record<string, unknown> {
  return {
    ...authorizationServerMetadata(policy),
    userinfo_endpoint: `${policy.issuer}/userinfo`,
    // RP-Initiated Logout 1.0 §2.1.
    end_session_endpoint: `${policy.issuer}/end_session`,
    // OIDC Core §8; pairwise per client (subject_type, sector_identifier_uri).
    subject_types_supported: ['public', 'pairwise'],
    // One key per algorithm in the JWKS; a client picks with id_token_signed_response_alg and
    // userinfo_signed_response_alg (OIDC Registration §2). `none` is never offered.
    id_token_signing_alg_values_supported: [...signingAlgorithms],
    userinfo_signing_alg_values_supported: [...signingAlgorithms],
    claims_supported: supportedClaims,
    // OIDC Core §5.5: userinfo and id_token members, essential, value and values.
    claims_parameter_supported: true,
    // OIDC Discovery §3; only what the operator says the password sign-in meets (oidc/acr.ts).
    ...(policy.acrValuesSupported?.length ? { acr_values_supported: [...policy.acrValuesSupported] } : {}),
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    // Back-Channel Logout 1.0 §2.1: logout tokens are POSTed, and always carry `sid`.
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    // Front-Channel Logout 1.0 §3: iframes at logout, whose URIs always carry `iss` and `sid`.
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
  };
}

// OpenID Provider metadata (OIDC Discovery 1.0 §3) on top of RFC 8414.
import { authorizationServerMetadata, type MetadataPolicy } from '../oauth/metadata.js';
import { supportedClaims } from './claims.js';

export function openIdProviderMetadata(policy: MetadataPolicy): Record<string, unknown> {
  return {
    ...authorizationServerMetadata(policy),
    userinfo_endpoint: `${policy.issuer}/userinfo`,
    // RP-Initiated Logout 1.0 §2.1.
    end_session_endpoint: `${policy.issuer}/end_session`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    userinfo_signing_alg_values_supported: [],
    claims_supported: supportedClaims,
    // OIDC Core §5.5: userinfo and id_token members, essential, value and values.
    claims_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    // Back-Channel Logout 1.0 §2.1: logout tokens are POSTed, and always carry `sid`.
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    // Front-Channel Logout 1.0 §3: iframes at logout, whose URIs always carry `iss` and `sid`.
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
  };
}

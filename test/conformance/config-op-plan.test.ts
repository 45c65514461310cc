// The OpenID Foundation's "Config OP" certification plan, oidcc-config-certification-test-plan
// (OIDCCConfigTestPlan; variants: server_metadata=discovery, client_registration=static_client):
// its one module, oidcc-discovery-endpoint-verification, redone over HTTP against a real Gatehouse,
// checking what each of its conditions checks. The conditions that need https (every endpoint and
// the issuer must be https URLs) run against a Gatehouse whose issuer is https, read over the
// loopback without TLS, as the logout plans do. The last test runs the conditions the module
// swaps in for the Dynamic plan (client_registration=dynamic_client), with the legacy implicit
// flow enabled.
// Storage follows GATEHOUSE_TEST_DATABASE_URL (SQLite by default, PostgreSQL when set).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONWebKeySet } from 'jose';
import { startGatehouse, type TestServer } from '../support/gatehouse.js';
import { assertValidUrl, validateJwks } from './suite.js';

/**
 * The metadata names of the specs an OP may implement (RFC 8414 §2, OIDC Discovery 1.0 §3, RFC 9207,
 * RFC 7009/7662, RFC 9126, RFC 9101, RFC 8628, RFC 8705, RFC 9449, RFC 9396, JARM, CIBA, OIDC Session
 * Management, Front-/Back-Channel and RP-Initiated Logout). CheckForUnexpectedParametersInServerMetadata
 * warns on anything else.
 */
const knownMetadata = new Set([
  // RFC 8414 §2
  'issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'registration_endpoint', 'scopes_supported',
  'response_types_supported', 'response_modes_supported', 'grant_types_supported', 'token_endpoint_auth_methods_supported',
  'token_endpoint_auth_signing_alg_values_supported', 'service_documentation', 'ui_locales_supported', 'op_policy_uri',
  'op_tos_uri', 'revocation_endpoint', 'revocation_endpoint_auth_methods_supported',
  'revocation_endpoint_auth_signing_alg_values_supported', 'introspection_endpoint', 'introspection_endpoint_auth_methods_supported',
  'introspection_endpoint_auth_signing_alg_values_supported', 'code_challenge_methods_supported', 'signed_metadata',
  // OIDC Discovery 1.0 §3
  'userinfo_endpoint', 'acr_values_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported',
  'id_token_encryption_alg_values_supported', 'id_token_encryption_enc_values_supported', 'userinfo_signing_alg_values_supported',
  'userinfo_encryption_alg_values_supported', 'userinfo_encryption_enc_values_supported', 'request_object_signing_alg_values_supported',
  'request_object_encryption_alg_values_supported', 'request_object_encryption_enc_values_supported', 'display_values_supported',
  'claim_types_supported', 'claims_supported', 'claims_locales_supported', 'claims_parameter_supported', 'request_parameter_supported',
  'request_uri_parameter_supported', 'require_request_uri_registration',
  // RFC 9207; OIDC prompt=create; RFC 9126; RFC 9101; RFC 8628; RFC 8705; RFC 9449; RFC 9396; JARM; CIBA
  'authorization_response_iss_parameter_supported', 'prompt_values_supported', 'pushed_authorization_request_endpoint',
  'require_pushed_authorization_requests', 'require_signed_request_object', 'device_authorization_endpoint',
  'tls_client_certificate_bound_access_tokens', 'mtls_endpoint_aliases', 'dpop_signing_alg_values_supported',
  'authorization_details_types_supported', 'authorization_signing_alg_values_supported', 'authorization_encryption_alg_values_supported',
  'authorization_encryption_enc_values_supported', 'backchannel_token_delivery_modes_supported', 'backchannel_authentication_endpoint',
  'backchannel_authentication_request_signing_alg_values_supported', 'backchannel_user_code_parameter_supported',
  // Session Management, Front-Channel, Back-Channel and RP-Initiated Logout 1.0
  'check_session_iframe', 'frontchannel_logout_supported', 'frontchannel_logout_session_supported', 'backchannel_logout_supported',
  'backchannel_logout_session_supported', 'end_session_endpoint',
]);

const booleanMetadata = new Set([
  'claims_parameter_supported', 'request_parameter_supported', 'request_uri_parameter_supported', 'require_request_uri_registration',
  'authorization_response_iss_parameter_supported', 'require_pushed_authorization_requests', 'require_signed_request_object',
  'tls_client_certificate_bound_access_tokens', 'backchannel_user_code_parameter_supported', 'frontchannel_logout_supported',
  'frontchannel_logout_session_supported', 'backchannel_logout_supported', 'backchannel_logout_session_supported',
]);

/** AbstractValidateResponseTypesArray: a response type is a set of space-separated values ("token id_token" = "id_token token"). */
function sameResponseType(a: string, b: string): boolean {
  const set = (value: string) => [...new Set(value.split(' '))].sort().join(' ');
  return set(a) === set(b);
}

/** AbstractValidateJsonArray: the member is an array, with at least `minimum` of `values` in it. */
function assertArrayWith(metadata: Record<string, unknown>, name: string, values: string[], minimum: number, equal = (a: string, b: string) => a === b): void {
  const actual = metadata[name];
  assert.ok(Array.isArray(actual), `${name}: an array`);
  const found = values.filter((value) => (actual as string[]).some((entry) => equal(value, entry)));
  assert.ok(found.length >= minimum, `${name} has ${minimum === values.length ? 'all' : `at least ${minimum}`} of ${values.join(', ')}: ${JSON.stringify(actual)}`);
}

/** The https conditions: AbstractJsonUriIsValidAndHttps, CheckDiscEndpointIssuerIsValidUrl (IssuerUrlValidation), CheckDiscEndpointAllEndpointsAreHttps. */
function assertHttpsMetadata(metadata: Record<string, unknown>): void {
  for (const name of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
    assert.equal(assertValidUrl(metadata, name).protocol, 'https:', `CheckDiscEndpoint…/CheckJwksUri: ${name} uses https`);
  }
  const issuer = new URL(metadata.issuer as string);
  assert.equal(issuer.protocol, 'https:', 'CheckDiscEndpointIssuerIsValidUrl: https (RFC 8414 §2)');
  assert.ok(issuer.hostname !== '' && issuer.search === '' && issuer.hash === '' && issuer.username === '' && issuer.password === '',
    'CheckDiscEndpointIssuerIsValidUrl: a host, no query, fragment or userinfo');
  for (const name of Object.keys(metadata).filter((key) => key.endsWith('_endpoint'))) {
    assert.equal(assertValidUrl(metadata, name).protocol, 'https:', `CheckDiscEndpointAllEndpointsAreHttps: ${name}`);
  }
}

describe('oidcc-config-certification-test-plan (OpenID Connect Discovery 1.0, Config OP)', () => {
  let server: TestServer;

  before(async () => {
    server = await startGatehouse();
  });
  after(async () => {
    await server.close();
  });

  describe('oidcc-discovery-endpoint-verification', () => {
    it('the discovery document meets every condition that does not need https (OIDCCDiscoveryEndpointVerification; OIDC Discovery 1.0 §3, §4; RFC 8414 §2)', async () => {
      const discoveryUrl = `${server.issuer}/.well-known/openid-configuration`;
      const response = await fetch(discoveryUrl);
      assert.equal(response.status, 200, 'EnsureDiscoveryEndpointResponseStatusCodeIs200 (OIDC Discovery §4)');
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'CheckDiscoveryEndpointReturnedJsonContentType');
      const metadata = await response.json() as Record<string, unknown>;

      assertArrayWith(metadata, 'response_types_supported', ['code', 'code id_token', 'id_token', 'token id_token', 'code id_token token', 'code token'], 1, sameResponseType);
      // OIDCCCheckDiscEndpointResponseTypesSupported: at least one OpenID Connect response type.
      assert.ok(discoveryUrl.endsWith('/.well-known/openid-configuration'), 'CheckDiscEndpointDiscoveryUrl: the path');
      assert.equal((metadata.issuer as string).replace(/\/$/, ''), discoveryUrl.slice(0, -'/.well-known/openid-configuration'.length).replace(/\/$/, ''),
        'CheckDiscEndpointIssuer: issuer is where the document was fetched from (OIDC Discovery §4.3, §7.2)');

      // ValidateServerMetadataAgainstSchema: each member has its type.
      for (const [name, value] of Object.entries(metadata)) {
        if (booleanMetadata.has(name)) assert.equal(typeof value, 'boolean', `ValidateServerMetadataAgainstSchema: ${name} is a boolean`);
        else if (name.endsWith('_supported')) {
          assert.ok(Array.isArray(value) && value.every((entry) => typeof entry === 'string'), `ValidateServerMetadataAgainstSchema: ${name} is an array of strings`);
        } else if (name === 'issuer' || name.endsWith('_endpoint') || name.endsWith('_uri') || name === 'service_documentation' || name === 'check_session_iframe') {
          assert.doesNotThrow(() => assertValidUrl(metadata, name), `ValidateServerMetadataAgainstSchema: ${name} is a URL`);
        }
      }
      assert.deepEqual(Object.keys(metadata).filter((name) => !knownMetadata.has(name)), [], 'CheckForUnexpectedParametersInServerMetadata (a warning)');

      assertArrayWith(metadata, 'subject_types_supported', ['public', 'pairwise'], 1); // CheckDiscEndpointSubjectTypesSupported
      assertArrayWith(metadata, 'id_token_signing_alg_values_supported', ['RS256'], 1); // OIDCCCheckDiscEndpointIdTokenSigningAlgValuesSupported
      if (metadata.userinfo_signing_alg_values_supported !== undefined) assertArrayWith(metadata, 'userinfo_signing_alg_values_supported', [], 0);
      for (const name of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) assertValidUrl(metadata, name);
      assert.equal(metadata.registration_endpoint, undefined, 'CheckDiscEndpointRegistrationEndpoint is skipped: no registration endpoint (static clients)');

      const keys = await fetch(metadata.jwks_uri as string);
      assert.equal(keys.status, 200, 'FetchServerKeys');
      validateJwks(await keys.json() as JSONWebKeySet); // ValidateJwksSequence

      // CheckDiscEndpointRequestParameterSupported / …RequestUri… / CheckDiscEndpointClaimsParameterSupported are
      // informational; Gatehouse says plainly what it does (false until the request-object and claims work lands).
      for (const name of ['request_parameter_supported', 'request_uri_parameter_supported', 'claims_parameter_supported']) {
        assert.equal(typeof metadata[name], 'boolean', `${name} stated`);
      }
      if (metadata.request_object_signing_alg_values_supported !== undefined) {
        assertArrayWith(metadata, 'request_object_signing_alg_values_supported', ['RS256'], 1); // …IncludesRS256 (a warning)
      }
      assertArrayWith(metadata, 'claims_supported', [], 0); // OIDCCCheckDiscEndpointClaimsSupported (a warning)
      assert.ok((metadata.claims_supported as string[]).includes('sub'));
      // OIDCCCheckDiscEndpointGrantTypesSupported: absent, or a non-empty array.
      const grantTypes = metadata.grant_types_supported;
      assert.ok(Array.isArray(grantTypes) && grantTypes.length > 0, 'OIDCCCheckDiscEndpointGrantTypesSupported');
      assertArrayWith(metadata, 'scopes_supported', ['openid'], 1); // CheckDiscEndpointScopesSupportedContainsOpenId
      for (const scope of metadata.scopes_supported as string[]) {
        assert.match(scope, /^[\x21\x23-\x5B\x5D-\x7E]+$/, `CheckDiscEndpointScopesSupportedSyntax: ${scope} is a scope-token (RFC 6749 §3.3)`);
      }
      for (const name of ['ui_locales_supported', 'claims_locales_supported']) {
        if (metadata[name] === undefined) continue;
        for (const tag of metadata[name] as string[]) {
          assert.match(tag, /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/, `CheckDiscEndpointLocalesSyntax / …CanonicalCasing: ${tag} (RFC 5646 §2.1.1)`);
        }
      }
      // EnsureServerConfigurationCodeChallengeMethodsSupportedIsAnArray (RFC 8414 §2, RFC 7636 §4.3).
      assertArrayWith(metadata, 'code_challenge_methods_supported', ['S256', 'plain'], 1);
    });

    it('with an https issuer, the discovery URL, the issuer and every endpoint are https (CheckDiscEndpointDiscoveryUrl, CheckDiscEndpointIssuerIsValidUrl, CheckDiscEndpointAuthorizationEndpoint, …TokenEndpoint, …UserinfoEndpoint, CheckJwksUri, CheckDiscEndpointAllEndpointsAreHttps; OIDC Discovery 1.0 §3, RFC 8414 §2)', async () => {
      // These need an https issuer (Gatehouse behind TLS); no TLS is needed to read what discovery says.
      const behindTls = await startGatehouse({ issuer: 'https://login.example.com' });
      try {
        const response = await fetch(`http://127.0.0.1:${behindTls.config.port}/.well-known/openid-configuration`);
        const metadata = await response.json() as Record<string, unknown>;
        const discoveryUrl = new URL(`${metadata.issuer as string}/.well-known/openid-configuration`);
        assert.equal(discoveryUrl.protocol, 'https:', 'CheckDiscEndpointDiscoveryUrl: https');
        assert.equal(metadata.issuer, 'https://login.example.com', 'CheckDiscEndpointIssuer');
        assertHttpsMetadata(metadata);
      } finally {
        await behindTls.close();
      }
    });

    it('for the Dynamic plan (client_registration=dynamic_client): with the legacy implicit flow on, code, id_token and id_token token and the grant types authorization_code and implicit are listed (OIDCCCheckDiscEndpointResponseTypesSupportedDynamic, OIDCCCheckDiscEndpointGrantTypesSupportedDynamic; OIDC Discovery 1.0 §3)', async () => {
      const legacy = await startGatehouse({ implicitFlow: true });
      try {
        const metadata = await (await fetch(`${legacy.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
        assertArrayWith(metadata, 'response_types_supported', ['code', 'id_token', 'token id_token'], 3, sameResponseType);
        assertArrayWith(metadata, 'grant_types_supported', ['authorization_code', 'implicit'], 2);
      } finally {
        await legacy.close();
      }
      // Without it, only code: the Config and Basic checks pass, the Dynamic one would not.
      const metadata = await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
      assert.deepEqual(metadata.response_types_supported, ['code']);
    });
  });
});

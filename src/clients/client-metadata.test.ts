import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidClientMetadataError, registerClient, updateClient } from './client-metadata.js';
import { registrationFromDocument } from './metadata-document.js';

/** The registration endpoint's path through the rules: a JSON document in, a record or a refusal out. */
function register(document: Record<string, unknown>) {
  return registerClient(registrationFromDocument(document), 1000, { naming: 'wire' });
}

function refusal(document: Record<string, unknown>): { code: string; message: string } {
  try {
    register(document);
  } catch (error) {
    if (error instanceof InvalidClientMetadataError) return { code: error.code, message: error.message };
    throw error;
  }
  assert.fail('the registration was accepted');
}

const web = { redirect_uris: ['https://app.example/cb'] };
const native = { application_type: 'native', token_endpoint_auth_method: 'none' };

describe('client metadata rules (registration endpoint naming)', () => {
  const refused: Array<{ name: string; document: Record<string, unknown>; code: string; message: RegExp }> = [
    { name: 'a fragment in a redirect URI (RFC 6749 §3.1.2)', document: { redirect_uris: ['https://app.example/cb#x'] }, code: 'invalid_redirect_uri', message: /^redirect_uris\[0\] .*fragment/ },
    { name: 'a private-use scheme for a web client (OIDC Registration §2 application_type)', document: { redirect_uris: ['com.example:/cb'], token_endpoint_auth_method: 'none' }, code: 'invalid_redirect_uri', message: /a web client cannot use the private-use scheme com\.example/ },
    { name: 'plain http on a public host (RFC 8252 §8.3)', document: { ...native, redirect_uris: ['http://app.example/cb'] }, code: 'invalid_redirect_uri', message: /must use https/ },
    { name: 'authorization_code without redirect URIs (RFC 7591 §2)', document: {}, code: 'invalid_redirect_uri', message: /need at least one redirect_uris/ },
    { name: 'response type code without authorization_code (RFC 7591 §2.1)', document: { ...web, grant_types: ['client_credentials'], response_types: ['code'] }, code: 'invalid_client_metadata', message: /response type code needs the authorization_code grant/ },
    { name: 'authorization_code without response type code (RFC 7591 §2.1)', document: { ...web, response_types: [] }, code: 'invalid_client_metadata', message: /needs the response type code/ },
    { name: 'response type id_token token without the implicit grant (RFC 7591 §2.1, OIDC Core §3.2)', document: { ...web, response_types: ['code', 'id_token token'] }, code: 'invalid_client_metadata', message: /response type id_token token needs the implicit grant/ },
    { name: 'the implicit grant without an id_token response type (RFC 7591 §2.1, OIDC Core §3.2)', document: { ...web, grant_types: ['implicit'], response_types: [] }, code: 'invalid_client_metadata', message: /implicit grant type needs the response type id_token/ },
    { name: 'response type token alone (OIDC Core §3.2: Gatehouse issues no bare access token)', document: { ...web, grant_types: ['implicit'], response_types: ['token'] }, code: 'invalid_client_metadata', message: /unsupported response type 'token'/ },
    { name: 'the implicit grant without redirect URIs (RFC 7591 §2)', document: { grant_types: ['implicit'], response_types: ['id_token'] }, code: 'invalid_redirect_uri', message: /need at least one redirect_uris/ },
    { name: 'jwks and jwks_uri both (RFC 7591 §2)', document: { ...web, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }, jwks_uri: 'https://app.example/jwks' }, code: 'invalid_client_metadata', message: /jwks and jwks_uri must not both/ },
    { name: 'private key material in jwks (RFC 7591 §2)', document: { ...web, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, code: 'invalid_client_metadata', message: /must be a public RSA, EC or OKP key \(kty oct is not allowed\)/ },
    { name: 'a private RSA key in jwks (RFC 7591 §2)', document: { ...web, jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' }] } }, code: 'invalid_client_metadata', message: /holds private key material/ },
    { name: 'an unknown ID token signing alg (OIDC Registration §2)', document: { ...web, id_token_signed_response_alg: 'HS999' }, code: 'invalid_client_metadata', message: /^id_token_signed_response_alg names the unsupported algorithm 'HS999'/ },
    { name: 'alg none for ID tokens (OIDC Registration §2)', document: { ...web, id_token_signed_response_alg: 'none' }, code: 'invalid_client_metadata', message: /unsupported algorithm 'none'/ },
    { name: 'an unsupported token endpoint auth method (RFC 7591 §2)', document: { ...web, token_endpoint_auth_method: 'tls_client_auth' }, code: 'invalid_client_metadata', message: /unsupported token endpoint auth method/ },
    { name: 'an http initiate_login_uri (OIDC Registration §2)', document: { ...web, initiate_login_uri: 'http://app.example/login' }, code: 'invalid_client_metadata', message: /^initiate_login_uri must be an https URI/ },
    { name: 'an http sector_identifier_uri (OIDC Registration §2)', document: { ...web, sector_identifier_uri: 'http://app.example/sector.json' }, code: 'invalid_client_metadata', message: /^sector_identifier_uri must be an https URI/ },
    { name: 'an unknown subject type (OIDC Core §8)', document: { ...web, subject_type: 'secret' }, code: 'invalid_client_metadata', message: /^subject_type must be/ },
    { name: 'a negative default_max_age (OIDC Registration §2)', document: { ...web, default_max_age: -1 }, code: 'invalid_client_metadata', message: /^default_max_age must be a whole number/ },
    { name: 'a malformed client_name language tag (OIDC Registration §2.1)', document: { ...web, 'client_name#not a tag': 'x' }, code: 'invalid_client_metadata', message: /BCP 47/ },
    { name: 'redirect_uris that is not an array (RFC 7591 §2)', document: { redirect_uris: 'https://app.example/cb' }, code: 'invalid_client_metadata', message: /redirect_uris must be an array/ },
  ];
  for (const { name, document, code, message } of refused) {
    it(`refuses ${name} with ${code}`, () => {
      const answer = refusal(document);
      assert.equal(answer.code, code);
      assert.match(answer.message, message);
    });
  }

  it('registers a public implicit client: grant implicit with id_token token (RFC 7591 §2.1, OIDC Core §3.2)', () => {
    const { client, clientSecret } = register({ ...web, token_endpoint_auth_method: 'none', grant_types: ['implicit'], response_types: ['id_token token'] });
    assert.equal(clientSecret, null);
    assert.deepEqual(client.grantTypes, ['implicit']);
    assert.deepEqual(client.responseTypes, ['id_token token']);
  });

  it('registers code and implicit together, each with its grant (RFC 7591 §2.1)', () => {
    const { client } = register({ ...web, grant_types: ['authorization_code', 'implicit'], response_types: ['code', 'id_token'] });
    assert.deepEqual(client.responseTypes, ['code', 'id_token']);
  });

  it('registers a native client with a loopback and a private-use redirect URI (RFC 8252 §7.1, §7.3)', () => {
    const { client, clientSecret } = register({ ...native, redirect_uris: ['http://127.0.0.1/cb', 'com.example.app:/cb'] });
    assert.equal(clientSecret, null);
    assert.equal(client.metadata.applicationType, 'native');
    assert.deepEqual(client.redirectUris, ['http://127.0.0.1/cb', 'com.example.app:/cb']);
  });

  it('lets a web client use a loopback http redirect URI, and defaults to client_secret_basic (RFC 7591 §2)', () => {
    const { client, clientSecret } = register({ redirect_uris: ['http://localhost:3000/cb'] });
    assert.ok(clientSecret?.startsWith('gh_cs_'));
    assert.equal(client.tokenEndpointAuthMethod, 'client_secret_basic');
    assert.deepEqual(client.grantTypes, ['authorization_code']);
    assert.deepEqual(client.responseTypes, ['code']);
    assert.equal(client.skipConsent, false);
  });

  it('stores every OIDC Registration field, localized names included, and ignores unknown fields (RFC 7591 §2)', () => {
    const { client } = register({
      ...web, client_name: 'App', 'client_name#ja-Jpan-JP': 'アプリ', contacts: ['ops@app.example'], logo_uri: 'https://app.example/logo.png',
      jwks_uri: 'https://app.example/jwks', subject_type: 'public', id_token_signed_response_alg: 'RS256', default_max_age: 600,
      require_auth_time: true, default_acr_values: ['urn:acr:1'], initiate_login_uri: 'https://app.example/login',
      sector_identifier_uri: 'https://app.example/sector.json', unknown_field: 'ignored',
    });
    assert.deepEqual(client.metadata, {
      clientNameLocalized: { 'ja-Jpan-JP': 'アプリ' }, contacts: ['ops@app.example'], logoUri: 'https://app.example/logo.png',
      jwksUri: 'https://app.example/jwks', subjectType: 'public', idTokenSignedResponseAlg: 'RS256', defaultMaxAge: 600,
      requireAuthTime: true, defaultAcrValues: ['urn:acr:1'], initiateLoginUri: 'https://app.example/login',
      sectorIdentifierUri: 'https://app.example/sector.json',
    });
  });

  it('replaces the metadata on a full update (RFC 7592 §2.2) and merges it on a partial one (CLI)', () => {
    const { client } = register({ ...web, contacts: ['a@app.example'], default_max_age: 60 });
    const partial = updateClient(client, { metadata: { default_max_age: 120 } }).client;
    assert.deepEqual(partial.metadata, { contacts: ['a@app.example'], defaultMaxAge: 120 });
    const replaced = updateClient(client, registrationFromDocument({ ...web, default_max_age: 120 }), { replace: true, naming: 'wire' }).client;
    assert.deepEqual(replaced.metadata, { defaultMaxAge: 120 });
  });
});

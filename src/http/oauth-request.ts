// Builds the core's typed request (oauth/request.ts) from a Fastify request, once per request:
// the one place the token, UserInfo, introspection and revocation endpoints meet the framework's
// request object. Cheap by design: two small objects, the parsed body reused as is.
import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../oauth/errors.js';
import type { OAuthRequest } from '../oauth/request.js';
import { parseWireParameters, queryOf, type WireParameters } from './form.js';

const noParameters: WireParameters = Object.freeze({
  params: Object.freeze(Object.create(null) as Record<string, string>),
  duplicated: Object.freeze([]) as unknown as string[],
});

/** `url` is the endpoint's advertised absolute URL (issuer + path), computed once by the endpoint. */
export function oauthRequest(request: FastifyRequest, url: string, parameters: WireParameters): OAuthRequest {
  const { authorization, dpop } = request.headers;
  return {
    method: request.method,
    url,
    headers: {
      authorization,
      dpop: typeof dpop === 'string' ? dpop : undefined,
      // mTLS (RFC 8705) is not offered yet: no certificate is read from the connection.
      clientCertificate: undefined,
    },
    params: parameters.params,
    repeated: parameters.duplicated,
  };
}

/** The token, introspection and revocation endpoints take form bodies only (RFC 6749 §3.2). */
export function formRequest(request: FastifyRequest, url: string): OAuthRequest {
  const body = request.body as WireParameters | undefined;
  if (!body) throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
  return oauthRequest(request, url, body);
}

/** UserInfo's parameters: the form body of a POST, the query of a GET (OIDC Core §5.3.1). */
export function getOrPostRequest(request: FastifyRequest, url: string): OAuthRequest {
  if (request.method === 'POST') return oauthRequest(request, url, (request.body as WireParameters | undefined) ?? noParameters);
  const query = queryOf(request.url);
  return oauthRequest(request, url, query === '' ? noParameters : parseWireParameters(query));
}

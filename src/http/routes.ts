// The route table, on one screen: every path, the methods it answers and the channel its errors
// use. A known path asked with another method answers 405 with `Allow` (RFC 9110 §15.5.6).
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { ServerDeps } from './server-deps.js';
import { bodyLimit } from './body-limit.js';
import { corsPreflight, type CorsMode } from './cors.js';
import { htmlPageHeaders, noStore } from './security-headers.js';
import { authorizeEndpoint } from '../endpoints/authorize.js';
import { tokenEndpoint } from '../endpoints/token.js';
import { parEndpoint, parPath } from '../endpoints/par.js';
import { deviceAuthorizationEndpoint, deviceAuthorizationPath } from '../endpoints/device-authorization.js';
import { devicePage, deviceSubmit } from '../endpoints/device.js';
import { deviceVerificationPath } from '../oauth/device-authorization.js';
import { userinfoEndpoint } from '../endpoints/userinfo.js';
import { introspectEndpoint } from '../endpoints/introspect.js';
import { revokeEndpoint } from '../endpoints/revoke.js';
import { discoveryEndpoint } from '../endpoints/discovery.js';
import { jwksEndpoint } from '../endpoints/jwks.js';
import { healthEndpoint } from '../endpoints/health.js';
import { assetsEndpoint } from '../endpoints/assets.js';
import { landingEndpoint } from '../endpoints/landing.js';
import { consentSubmit, interactionPage, loginSubmit } from '../endpoints/interaction.js';
import { errorPage } from '../interaction/views/error.js';
import { messages } from '../interaction/views/messages.js';
import { endSessionConfirm, endSessionEndpoint, endSessionPath } from '../endpoints/end-session.js';
import { registrationEndpoints } from '../endpoints/register.js';
import { registrationPath } from '../clients/dynamic-registration.js';
import {
  accountAppRevokeSubmit, accountCallbackEndpoint, accountPageEndpoint, accountPasswordSubmit, accountProfileSubmit, accountSessionEndSubmit,
} from '../endpoints/account.js';
import * as accountEmail from '../endpoints/account-email.js';

/** Which error renderer a route's framework-level failures use. */
export type Channel = 'json' | 'html';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  path: string;
  channel: Channel;
  /** The route reads JSON bodies (RFC 7591 registration) instead of forms. */
  json?: boolean;
  methods: Partial<Record<Method, RouteHandlerMethod>>;
  /** Answers CORS preflights (http/cors.ts); the handlers set the actual responses' headers. */
  cors?: CorsMode;
}

export interface RouteOptions {
  /** The page at the issuer's root; off when a host application owns `/`. */
  landingPage: boolean;
}

export function routeTable(deps: ServerDeps, options: RouteOptions): Route[] {
  const discovery = discoveryEndpoint(deps) as RouteHandlerMethod;
  const authorize = authorizeEndpoint(deps) as RouteHandlerMethod;
  const userinfo = userinfoEndpoint(deps) as RouteHandlerMethod;
  const endSession = endSessionEndpoint(deps);
  const h = (handler: unknown) => handler as RouteHandlerMethod;
  const registration = deps.config.registration.policy === 'off' ? undefined : registrationEndpoints(deps);
  return [
    ...(options.landingPage ? [{ path: '/', channel: 'html' as const, methods: { GET: h(landingEndpoint(deps)) } }] : []),
    { path: '/.well-known/openid-configuration', channel: 'json', methods: { GET: discovery }, cors: 'public' },
    { path: '/.well-known/oauth-authorization-server', channel: 'json', methods: { GET: discovery }, cors: 'public' },
    // An issuer with a path (https://example.com/auth, served behind a proxy that strips /auth):
    // RFC 8414 §3.1 inserts the well-known segment before the path, as MCP clients try first.
    ...issuerPathDiscovery(deps.config.issuer).map((path) => ({ path, channel: 'json' as const, methods: { GET: discovery }, cors: 'public' as const })),
    { path: '/jwks', channel: 'json', methods: { GET: h(jwksEndpoint(deps)) }, cors: 'public' },
    { path: '/authorize', channel: 'html', methods: { GET: authorize, POST: authorize } },
    { path: '/interaction/:id', channel: 'html', methods: { GET: h(interactionPage(deps)) } },
    { path: '/interaction/:id/login', channel: 'html', methods: { POST: h(loginSubmit(deps)) } },
    { path: '/interaction/:id/consent', channel: 'html', methods: { POST: h(consentSubmit(deps)) } },
    { path: endSessionPath, channel: 'html', methods: { GET: h(endSession), POST: h(endSession) } },
    { path: `${endSessionPath}/confirm`, channel: 'html', methods: { POST: h(endSessionConfirm(deps)) } },
    { path: parPath, channel: 'json', methods: { POST: h(parEndpoint(deps)) }, cors: 'client' },
    { path: deviceAuthorizationPath, channel: 'json', methods: { POST: h(deviceAuthorizationEndpoint(deps)) }, cors: 'client' },
    { path: deviceVerificationPath, channel: 'html', methods: { GET: h(devicePage(deps)), POST: h(deviceSubmit(deps)) } },
    { path: '/token', channel: 'json', methods: { POST: h(tokenEndpoint(deps)) }, cors: 'client' },
    { path: '/userinfo', channel: 'json', methods: { GET: userinfo, POST: userinfo }, cors: 'client' },
    { path: '/introspect', channel: 'json', methods: { POST: h(introspectEndpoint(deps)) }, cors: 'client' },
    { path: '/revoke', channel: 'json', methods: { POST: h(revokeEndpoint(deps)) }, cors: 'client' },
    ...(registration ? [
      { path: registrationPath, channel: 'json' as const, json: true, methods: { POST: h(registration.register) } },
      {
        path: `${registrationPath}/:clientId`, channel: 'json' as const, json: true,
        methods: { GET: h(registration.read), PUT: h(registration.replace), DELETE: h(registration.remove) },
      },
    ] : []),
    // The account page (endpoints/account.ts): signs in through /authorize as its built-in client.
    { path: '/account', channel: 'html', methods: { GET: h(accountPageEndpoint(deps)) } },
    { path: '/account/callback', channel: 'html', methods: { GET: h(accountCallbackEndpoint(deps)) } },
    { path: '/account/profile', channel: 'html', methods: { POST: h(accountProfileSubmit(deps)) } },
    { path: '/account/password', channel: 'html', methods: { POST: h(accountPasswordSubmit(deps)) } },
    { path: '/account/sessions/end', channel: 'html', methods: { POST: h(accountSessionEndSubmit(deps)) } },
    { path: '/account/apps/revoke', channel: 'html', methods: { POST: h(accountAppRevokeSubmit(deps)) } },
    // The mail-based account flows (endpoints/account-email.ts); /signup only when self-registration is on.
    { path: accountEmail.resetPath, channel: 'html', methods: { GET: h(accountEmail.resetPage(deps)), POST: h(accountEmail.resetSubmit(deps)) } },
    { path: `${accountEmail.resetPath}/confirm`, channel: 'html', methods: { POST: h(accountEmail.resetConfirm(deps)) } },
    { path: accountEmail.verifyEmailPath, channel: 'html', methods: { GET: h(accountEmail.verifyEmailPage(deps)), POST: h(accountEmail.verifyEmailSubmit(deps)) } },
    { path: accountEmail.emailChangePath, channel: 'html', methods: { GET: h(accountEmail.emailChangeForm(deps)), POST: h(accountEmail.emailChangeSubmit(deps)) } },
    {
      path: accountEmail.confirmEmailChangePath, channel: 'html',
      methods: { GET: h(accountEmail.emailChangeConfirmPage(deps)), POST: h(accountEmail.emailChangeConfirmSubmit(deps)) },
    },
    ...(deps.config.signup ? [
      { path: accountEmail.signUpPath, channel: 'html' as const, methods: { GET: h(accountEmail.signUpForm(deps)), POST: h(accountEmail.signUpSubmit(deps)) } },
    ] : []),
    { path: '/healthz', channel: 'json', methods: { GET: h(healthEndpoint(deps)) } },
    { path: '/assets/:file', channel: 'html', methods: { GET: h(assetsEndpoint()) } },
  ];
}

/**
 * RFC 8414 §3.1 (and OIDC Discovery's path-inserted form that MCP clients also try): for an
 * issuer with a path, the metadata URLs at the origin's root with that path appended.
 */
export function issuerPathDiscovery(issuer: string): string[] {
  const path = new URL(issuer).pathname.replace(/\/$/, '');
  if (path === '') return [];
  return [`/.well-known/oauth-authorization-server${path}`, `/.well-known/openid-configuration${path}`];
}

// Fastify answers HEAD for every GET route itself.
const everyMethod = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

export function registerRoutes(app: FastifyInstance, deps: ServerDeps, options: RouteOptions): void {
  for (const route of routeTable(deps, options)) {
    const config = { channel: route.channel, json: route.json ?? false };
    const methods = Object.keys(route.methods) as Method[];
    for (const method of methods) {
      app.route({ method, url: route.path, config, bodyLimit, handler: route.methods[method]! });
    }
    const allowed: string[] = methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
    if (route.cors) {
      app.route({ method: 'OPTIONS', url: route.path, config, bodyLimit, handler: corsPreflight(route.cors, allowed, deps.originIndex) });
      allowed.push('OPTIONS');
    }
    const others = everyMethod.filter((method) => !allowed.includes(method));
    const allow = allowed.join(', ');
    app.route({ method: others, url: route.path, config, bodyLimit, handler: methodNotAllowed(route.channel, allow) });
  }
}

/** RFC 9110 §15.5.6: 405 names the methods the resource supports in `Allow`. */
function methodNotAllowed(channel: Channel, allow: string) {
  return async function notAllowed(request: FastifyRequest, reply: FastifyReply) {
    const text = messages.methodNotAllowed.text(request.method, allow);
    reply.header('Allow', allow);
    if (channel === 'html') return htmlPageHeaders(reply).code(405).send(errorPage(messages.methodNotAllowed.title, text));
    return noStore(reply).code(405).send({ error: 'invalid_request', error_description: text });
  };
}

/** The channel of the route a path (without query) belongs to, or null when none matches. */
export function channelOf(routes: readonly Route[]): (path: string) => Channel | null {
  const patterns = routes.map((route) => ({ segments: route.path.split('/'), channel: route.channel }));
  return (path) => {
    const segments = path.split('/');
    const found = patterns.find((pattern) => pattern.segments.length === segments.length
      && pattern.segments.every((segment, i) => (segment.startsWith(':') ? segments[i] !== '' : segment === segments[i])));
    return found ? found.channel : null;
  };
}

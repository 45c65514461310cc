// Response headers every Gatehouse response carries, and the strict policy for HTML pages:
// no framing (clickjacking, RFC 9700 §4.16), no inline script or style, no referrer leaks.
import type { FastifyReply } from 'fastify';

const baseHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};
const baseHeadersWithHsts = { ...baseHeaders, 'strict-transport-security': 'max-age=31536000; includeSubDomains' };

export function applyBaseSecurityHeaders(reply: FastifyReply, hsts: boolean): void {
  reply.headers(hsts ? baseHeadersWithHsts : baseHeaders);
}

/**
 * CSP for HTML pages. `formTargets` lists origins a form on the page may post to or be
 * redirected to afterwards (browsers apply form-action to the redirect after a POST);
 * `frameSources` the origins the page may frame (front-channel logout), none by default;
 * `imageSources` the https origins it loads images from (a client's logo), none by default.
 */
export function htmlPageHeaders(
  reply: FastifyReply, formTargets: readonly string[] = [], frameSources: readonly string[] = [], imageSources: readonly string[] = [],
): FastifyReply {
  reply.header('Content-Security-Policy', contentSecurityPolicy(formTargets, frameSources, imageSources));
  reply.header('Cache-Control', 'no-store');
  reply.header('Pragma', 'no-cache');
  return reply.type('text/html; charset=utf-8');
}

export function contentSecurityPolicy(
  formTargets: readonly string[] = [], frameSources: readonly string[] = [], imageSources: readonly string[] = [],
): string {
  const formAction = ["'self'", ...formTargets].join(' ');
  const frames = [...new Set(frameSources)];
  const images = ["'self'", 'data:', ...new Set(imageSources)].join(' ');
  return [
    "default-src 'none'", "style-src 'self'", `img-src ${images}`, "script-src 'self'",
    ...(frames.length > 0 ? [`frame-src ${frames.join(' ')}`] : []),
    `form-action ${formAction}`, "frame-ancestors 'none'", "base-uri 'none'",
  ].join('; ');
}

/** The headers every response carries, as a plain object (for answers written outside Fastify). */
export function baseSecurityHeaders(hsts: boolean): Record<string, string> {
  return hsts ? baseHeadersWithHsts : baseHeaders;
}

export function noStore(reply: FastifyReply): FastifyReply {
  reply.header('Cache-Control', 'no-store');
  reply.header('Pragma', 'no-cache');
  return reply;
}

// Reading and writing cookies (RFC 6265) without a plugin: the browser session, one binding per
// interaction (path-scoped to that interaction), and the note a finished interaction leaves.
import type { FastifyReply } from 'fastify';

export function readCookie(header: string | undefined, name: string): string | undefined {
  return readCookies(header, name)[0];
}

/** Every value sent under `name`: cookies with different paths may share a name (RFC 6265 §5.4). */
export function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) values.push(part.slice(index + 1).trim());
  }
  return values;
}

export interface CookieOptions {
  secure: boolean;
  maxAge?: number;
  path?: string;
}

/** HttpOnly and SameSite=Lax always; Secure when the issuer is https. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, options: { secure: boolean; path?: string }): string {
  return serializeCookie(name, '', { ...options, maxAge: 0 });
}

/** Adds a Set-Cookie line; Fastify keeps the ones already on the reply and appends this one. */
export function appendCookie(reply: FastifyReply, cookie: string): void {
  reply.header('set-cookie', cookie);
}

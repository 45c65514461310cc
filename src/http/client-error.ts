// Answers for requests Node's HTTP parser refuses before any route runs: a request line or
// headers over the size limit get 431 (RFC 6585 §5) as a Gatehouse page, or JSON for an API
// route; any other malformed request gets 400. Written straight to the socket, as Node does.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../lib/logger.js';
import { errorPage } from '../interaction/views/error.js';
import { messages } from '../interaction/views/messages.js';
import { baseSecurityHeaders, contentSecurityPolicy } from './security-headers.js';
import type { Channel } from './routes.js';

export type ClientErrorHandler = (error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex) => void;

export interface ClientErrorOptions {
  /** The channel of the route a path belongs to, or null for an unknown path. */
  channelOf(path: string): Channel | null;
  hsts: boolean;
  logger: Logger;
}

/** The path of the request line at the start of the refused bytes, when they hold one. */
function requestPath(rawPacket: unknown): string | null {
  if (!Buffer.isBuffer(rawPacket)) return null;
  const match = /^[A-Z]+ (\/[^ ?#]*)/.exec(rawPacket.toString('latin1', 0, Math.min(rawPacket.length, 2048)));
  return match ? match[1]! : null;
}

export function clientErrorHandler({ channelOf, hsts, logger }: ClientErrorOptions): ClientErrorHandler {
  return function onClientError(error, socket) {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    logger.info({ status, reason: error.code }, 'request refused by the HTTP parser');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const path = requestPath(error.rawPacket);
    const json = path !== null && channelOf(path) === 'json';
    const description = status === 431 ? messages.tooLarge.headers : status === 408 ? 'the request took too long to arrive' : messages.unparsable;
    const headers: Record<string, string> = { ...baseSecurityHeaders(hsts), 'cache-control': 'no-store', connection: 'close' };
    let body: string;
    if (json) {
      headers['content-type'] = 'application/json; charset=utf-8';
      body = JSON.stringify({ error: 'invalid_request', error_description: description });
    } else {
      headers['content-type'] = 'text/html; charset=utf-8';
      headers['content-security-policy'] = contentSecurityPolicy();
      body = errorPage(status === 431 ? messages.tooLarge.title : messages.somethingWrong, description);
    }
    headers['content-length'] = String(Buffer.byteLength(body));
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
  };
}

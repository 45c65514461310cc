// The one way Gatehouse makes a request to a URL someone else registered (back-channel logout;
// later jwks_uri, request_uri, webhooks). Every request has a connect and a total timeout and a
// response size limit, never follows a redirect (a 3xx is a failure), and reaches only public
// addresses unless configured: the check runs on the address actually connected to (the socket's
// own DNS lookup), so a name that re-resolves to 127.0.0.1 after a check (DNS rebinding) is still
// refused. Loopback alone can be allowed (`allowLoopback`), for relying parties on the same
// machine. Knows nothing of OAuth.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { isLoopbackAddress, isNonPublicAddress } from './address-policy.js';

export interface OutboundFetchOptions {
  /** Allow private, loopback, link-local… targets (development and tests only). */
  allowPrivateNetwork: boolean;
  /** Allow loopback targets (127.0.0.0/8, ::1) and no other non-public address (development on one machine). */
  allowLoopback?: boolean;
  /** Milliseconds to establish the connection (TCP, and TLS for https). */
  connectTimeoutMs: number;
  /** Milliseconds for the whole exchange, connect to last byte. */
  timeoutMs: number;
  /** Response bodies larger than this many bytes fail the request. */
  maxResponseBytes: number;
  /** Extra CA certificates (PEM) trusted for https beside the system's roots (a private PKI; tests). */
  extraCaCertificates?: string | undefined;
}

export interface OutboundRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type OutboundFetchFailure = 'invalid_url' | 'forbidden_address' | 'timeout' | 'too_large' | 'redirect' | 'network';

/** Why an outbound request failed; the message names the host, never the path or query. */
export class OutboundFetchError extends Error {
  override readonly name = 'OutboundFetchError';
  constructor(readonly reason: OutboundFetchFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type OutboundFetch = (request: OutboundRequest) => Promise<OutboundResponse>;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

type AddressFilter = (address: string) => boolean;

/** A `lookup` for net.connect that drops refused addresses, so the socket never reaches one. */
function filteringLookup(refused: AddressFilter) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { family: options.family as 4 | 6 | 0 | undefined ?? 0, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((a) => !refused(a.address));
      if (allowed.length === 0) {
        return callback(new OutboundFetchError('forbidden_address', `${hostname} resolves only to non-public addresses`), []);
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

export function createOutboundFetch(options: OutboundFetchOptions): OutboundFetch {
  const refused: AddressFilter | null = options.allowPrivateNetwork ? null
    : options.allowLoopback ? (address) => isNonPublicAddress(address) && !isLoopbackAddress(address)
      : isNonPublicAddress;
  const lookup = refused ? filteringLookup(refused) : null;
  const ca = options.extraCaCertificates ? [...rootCertificates, options.extraCaCertificates] : undefined;
  return (request) => new Promise<OutboundResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return reject(new OutboundFetchError('invalid_url', 'not an absolute URL'));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return reject(new OutboundFetchError('invalid_url', `unsupported scheme ${url.protocol}`));
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An IP literal is connected to without a lookup: check it here.
    if (refused && isIP(host) !== 0 && refused(host)) {
      return reject(new OutboundFetchError('forbidden_address', `${host} is not a public address`));
    }
    const transport = url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (error: OutboundFetchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      req.destroy();
      reject(error);
    };
    const req = transport.request(url, {
      method: request.method,
      headers: { ...request.headers, ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) },
      agent: false,
      ...(lookup ? { lookup: lookup as unknown as typeof dnsLookup } : {}),
      ...(ca && url.protocol === 'https:' ? { ca } : {}),
    });
    const total = setTimeout(() => fail(new OutboundFetchError('timeout', `${url.host} did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connect = setTimeout(() => fail(new OutboundFetchError('timeout', `could not connect to ${url.host} within ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs);
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connect));
      socket.once('close', () => clearTimeout(connect));
    });
    req.on('error', (error) => {
      fail(error instanceof OutboundFetchError ? error
        : new OutboundFetchError('network', `request to ${url.host} failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`, { cause: error }));
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        return fail(new OutboundFetchError('redirect', `${url.host} answered ${status}; redirects are not followed`));
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
        return fail(new OutboundFetchError('too_large', `${url.host} answered more than ${options.maxResponseBytes} bytes`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          return fail(new OutboundFetchError('too_large', `${url.host} answered more than ${options.maxResponseBytes} bytes`));
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => fail(new OutboundFetchError('network', `reading from ${url.host} failed`, { cause: error })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(total);
        resolve({ status, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.end(request.body);
  });
}

// Minimal HTTP/1.1 client over keep-alive sockets for the load generator. Every request goes
// to 127.0.0.1 whatever the URL's host says, so traffic never leaves the machine.
import http from 'node:http';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpClient {
  request(url: URL | string, options?: HttpRequestOptions): Promise<HttpResponse>;
  close(): void;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createHttpClient({ maxSockets = 64 }: { maxSockets?: number } = {}): HttpClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
  return {
    request(target, { method = 'GET', headers = {}, body } = {}) {
      const url = typeof target === 'string' ? new URL(target) : target;
      if (url.protocol !== 'http:' || !loopbackHosts.has(url.hostname)) {
        return Promise.reject(new Error(`refusing non-loopback URL ${url.origin}`));
      }
      return new Promise<HttpResponse>((resolve, reject) => {
        const outgoing: Record<string, string> = { host: url.host, ...headers };
        if (body !== undefined) outgoing['content-length'] = String(Buffer.byteLength(body));
        const req = http.request(
          { agent, host: '127.0.0.1', port: url.port || 80, method, path: url.pathname + url.search, headers: outgoing },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.setTimeout(30_000, () => req.destroy(new Error(`timeout ${method} ${url.pathname}`)));
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** HTTP Basic credentials for client_secret_basic (RFC 6749 §2.3.1: form-encode, then base64). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

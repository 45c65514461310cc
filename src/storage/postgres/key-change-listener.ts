// Change notices for the signing keys: a trigger (migration 2) NOTIFYs `gatehouse_signing_keys`
// with the schema name when a key row changes; one dedicated connection per node LISTENs. The
// connection is opened on the first watcher, reopened with backoff when it drops, and a reopen
// counts as a change, since notices sent meanwhile are lost (PostgreSQL delivers only to
// sessions listening at commit time); so does the first connect, which may follow a first read.
import pg from 'pg';
import type { ConnectionSettings, PostgresOptions } from './connection.js';

export const keyChangeChannel = 'gatehouse_signing_keys';

const firstRetryMs = 250;
const maxRetryMs = 10_000;

export interface KeyChangeListener {
  watch(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createKeyChangeListener(settings: ConnectionSettings, options: PostgresOptions = {}): KeyChangeListener {
  const listeners = new Set<() => void>();
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = firstRetryMs;
  let started = false;
  let closed = false;
  const notify = () => { for (const listener of listeners) listener(); };

  function scheduleReconnect(reason: string) {
    if (closed || retryTimer) return;
    options.logger?.warn({ reason, retryMs }, 'postgres key change listener disconnected; reconnecting');
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect(true);
    }, retryMs).unref();
    retryMs = Math.min(retryMs * 2, maxRetryMs);
  }

  async function connect(reconnecting: boolean) {
    if (closed) return;
    const next = new pg.Client({
      connectionString: settings.connectionString,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 2000,
      keepAlive: true,
      application_name: `${options.applicationName ?? 'gatehouse'}:key-changes`,
    });
    let dropped = false;
    const drop = (reason: string) => {
      if (dropped) return;
      dropped = true;
      if (client === next) client = undefined;
      next.end().catch(() => undefined);
      scheduleReconnect(reason);
    };
    next.on('error', (error) => drop(error.message));
    next.on('end', () => drop('connection ended'));
    next.on('notification', (message) => {
      if (message.channel === keyChangeChannel && message.payload === settings.schema) notify();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${keyChangeChannel}`);
    } catch (error) {
      drop((error as Error).message);
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    retryMs = firstRetryMs;
    if (reconnecting) options.logger?.info('postgres key change listener reconnected');
    // Whatever changed before LISTEN took effect was not announced to this session.
    notify();
  }

  return {
    watch(listener) {
      listeners.add(listener);
      if (!started) {
        started = true;
        void connect(false);
      }
      return () => { listeners.delete(listener); };
    },
    async close() {
      closed = true;
      listeners.clear();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      const open = client;
      client = undefined;
      await open?.end().catch(() => undefined);
    },
  };
}

// Structured logging (pino) with redaction of anything that could carry a secret, as JSON lines
// (for log collectors) or one readable line per event (for a terminal).
import pino from 'pino';

export type Logger = pino.Logger;
export type LogFormat = 'json' | 'pretty';

/** Paths that must never reach a log line, whatever a caller passes. */
const redactPaths = [
  'password', '*.password', 'client_secret', '*.client_secret', 'code', '*.code',
  'code_verifier', '*.code_verifier', 'access_token', '*.access_token', 'refresh_token',
  '*.refresh_token', 'id_token', '*.id_token', 'token', '*.token', 'authorization',
  '*.authorization', 'cookie', '*.cookie', 'req.headers.authorization', 'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/**
 * `format` is `json` (one JSON object per line, the default) or `pretty` (time, level, message,
 * key=value); `destination` is stdout (pino's own fast writer) unless given.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  let stream = destination;
  if (format === 'pretty') {
    const out = destination ?? pino.destination(1);
    stream = { write: (line: string) => out.write(prettyLine(line)) };
  }
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' }, base: undefined }, stream);
}

const levelNames: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** One pino JSON line as `12:00:00.123 INFO  message key=value …`: the same fields, redacted the same. */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...fields } = entry;
  const clock = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const name = (levelNames[level as number] ?? String(level)).padEnd(5);
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(value)}`).join(' ');
  return `${clock} ${name} ${msg ?? ''}${rest ? ` ${rest}` : ''}\n`;
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

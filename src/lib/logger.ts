// Structured logging (pino) with redaction of anything that could carry a secret.
import pino from 'pino';

export type Logger = pino.Logger;

/** Paths that must never reach a log line, whatever a caller passes. */
const redactPaths = [
  'password', '*.password', 'client_secret', '*.client_secret', 'code', '*.code',
  'code_verifier', '*.code_verifier', 'access_token', '*.access_token', 'refresh_token',
  '*.refresh_token', 'id_token', '*.id_token', 'token', '*.token', 'authorization',
  '*.authorization', 'cookie', '*.cookie', 'req.headers.authorization', 'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' }, base: undefined }, destination);
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

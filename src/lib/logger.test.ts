import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, prettyLine } from './logger.js';

describe('logger', () => {
  it('formats a JSON line as time, level, message and key=value', () => {
    const line = prettyLine(JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 1, 12, 0, 0, 123), msg: 'POST /token 200 3 ms', status: 200, reason: 'wrong secret' }));
    assert.equal(line, '12:00:00.123 INFO  POST /token 200 3 ms status=200 reason="wrong secret"\n');
  });

  it('redacts secrets in the pretty format as in JSON', () => {
    let out = '';
    const logger = createLogger('info', { write: (line: string) => { out += line; } } as never, 'pretty');
    logger.info({ client_secret: 'gh_cs_very-secret', nested: { code: 'gh_ac_code' } }, 'hello');
    assert.match(out, /INFO  hello client_secret=\[redacted\] nested=\{"code":"\[redacted\]"\}/);
    assert.doesNotMatch(out, /very-secret|gh_ac_code/);
  });
});

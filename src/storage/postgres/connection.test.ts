// Unit tests for the PostgreSQL connection helpers: URL/schema parsing and error translation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUnavailable, parseConnectionSettings, translateError } from './connection.js';
import { DuplicateError, StorageUnavailableError } from '../ports.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('PostgreSQL connection settings', () => {
  it('takes the schema from ?schema= and removes it from the URL libpq sees', () => {
    const settings = parseConnectionSettings('postgres://u@127.0.0.1:5432/db?schema=gh_test_1&sslmode=disable');
    assert.equal(settings.schema, 'gh_test_1');
    assert.equal(settings.connectionString, 'postgres://u@127.0.0.1:5432/db?sslmode=disable');
  });

  it('prefers the schema option over the URL and defaults to public', () => {
    assert.equal(parseConnectionSettings('postgres://h/db?schema=a', { schema: 'b' }).schema, 'b');
    assert.equal(parseConnectionSettings('postgresql://h/db').schema, 'public');
  });

  it('rejects a schema name that could inject SQL', () => {
    assert.throws(() => parseConnectionSettings('postgres://h/db?schema=x;drop table y'), /invalid PostgreSQL schema/);
    assert.throws(() => parseConnectionSettings('postgres://h/db', { schema: 'A"b' }), /invalid PostgreSQL schema/);
  });
});

describe('PostgreSQL error translation', () => {
  const cases = [
    { name: 'refused connection', error: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), unavailable: true },
    { name: 'admin shutdown (57P01)', error: withCode('terminating connection due to administrator command', '57P01'), unavailable: true },
    { name: 'connection exception class 08', error: withCode('connection failure', '08006'), unavailable: true },
    { name: 'pool wait timeout', error: new Error('timeout exceeded when trying to connect'), unavailable: true },
    { name: 'connection terminated', error: new Error('Connection terminated unexpectedly'), unavailable: true },
    { name: 'query timeout', error: new Error('Query read timeout'), unavailable: true },
    { name: 'syntax error', error: withCode('syntax error at or near "x"', '42601'), unavailable: false },
  ];
  for (const { name, error, unavailable } of cases) {
    it(`${unavailable ? 'treats' : 'does not treat'} ${name} as unavailability`, () => {
      assert.equal(isUnavailable(error), unavailable);
      assert.equal(translateError(error) instanceof StorageUnavailableError, unavailable);
    });
  }

  it('turns a unique violation (23505) into DuplicateError', () => {
    assert.ok(translateError(withCode('duplicate key value', '23505')) instanceof DuplicateError);
  });
});

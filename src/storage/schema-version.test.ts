import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertSchemaUsable, MigrationsPendingError, schemaStatus, SchemaTooNewError } from './schema-version.js';

const where = { backend: 'sqlite' as const, location: '/data/gatehouse.db', exists: true };
const known = [{ version: 1, name: 'initial schema' }, { version: 2, name: 'second' }];

describe('schema version (issue 9: migrate --status, no silent run against a newer schema)', () => {
  it('splits the known migrations into applied and pending, by version', () => {
    const status = schemaStatus(where, known, [{ version: 1, name: 'initial schema', appliedAt: 100 }]);
    assert.deepEqual(status.applied, [{ version: 1, name: 'initial schema', appliedAt: 100 }]);
    assert.deepEqual(status.pending, [{ version: 2, name: 'second' }]);
    assert.deepEqual(status.unknown, []);
    assert.equal(status.databaseVersion, 1);
    assert.equal(status.codeVersion, 2);
  });

  it('names a database without history as version 0 with everything pending', () => {
    const status = schemaStatus({ ...where, exists: false }, known, []);
    assert.equal(status.databaseVersion, 0);
    assert.deepEqual(status.pending.map((m) => m.version), [1, 2]);
  });

  it('refuses a schema newer than the code whether or not it would migrate, naming both versions', () => {
    const status = schemaStatus(where, known, [1, 2, 7].map((version) => ({ version, name: '', appliedAt: null })));
    assert.deepEqual(status.unknown.map((m) => m.version), [7]);
    for (const migrate of [true, false]) {
      assert.throws(() => assertSchemaUsable(status, { migrate }), (e: unknown) =>
        e instanceof SchemaTooNewError && /^the SQLite database \/data\/gatehouse.db is at schema version 7, newer than this Gatehouse, which knows versions up to 2/.test(e.message));
    }
  });

  it('refuses pending migrations only when it will not migrate, and says to run gatehouse migrate', () => {
    const status = schemaStatus(where, known, [{ version: 1, name: 'initial schema', appliedAt: 1 }]);
    assert.doesNotThrow(() => assertSchemaUsable(status, { migrate: true }));
    assert.throws(() => assertSchemaUsable(status, { migrate: false }), (e: unknown) =>
      e instanceof MigrationsPendingError && /at schema version 1 but this Gatehouse needs version 2 \(1 migration pending\).*'gatehouse migrate'/.test(e.message));
    const current = schemaStatus(where, known, known.map((m) => ({ ...m, appliedAt: 1 })));
    assert.doesNotThrow(() => assertSchemaUsable(current, { migrate: false }));
  });
});

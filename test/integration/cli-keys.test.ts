// `gatehouse keys list|rotate` against a real SQLite file, through the compiled bin.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDatabase, parseJson } from './cli-harness.js';

interface KeyJson {
  kid: string;
  alg: string;
  status: 'pending' | 'active' | 'retired';
  created_at: string;
  activates_at: string;
  retired_at: string | null;
  remove_after: string | null;
}

describe('gatehouse keys', () => {
  const db = tempDatabase();
  const keys = (...args: string[]) => runCli(['keys', ...args, '--database', db.database]);
  after(() => db.remove());

  it('creates one active key per signing algorithm (RS256, PS256, ES256, EdDSA) on a fresh database and lists them', async () => {
    const listed = parseJson<KeyJson[]>(await keys('list', '--json'));
    assert.deepEqual(listed.map((k) => k.alg).sort(), ['ES256', 'EdDSA', 'PS256', 'RS256']);
    for (const key of listed) {
      assert.equal(key.status, 'active');
      assert.equal(key.retired_at, null);
    }
    const again = parseJson<KeyJson[]>(await keys('list', '--json'));
    assert.deepEqual(again.map((k) => k.kid), listed.map((k) => k.kid), 'listing twice adds no key');
  });

  it('rotates: the new key is published but pending, the old one signs until it activates, then stays published for the grace period', async () => {
    const before = parseJson<KeyJson[]>(await keys('list', '--json')).find((k) => k.alg === 'RS256');
    const config = join(db.dir, 'config.json');
    writeFileSync(config, JSON.stringify({ keyCacheTtl: 120, keyRetirementGrace: 3600 }));
    const rotated = parseJson<KeyJson[]>(await keys('rotate', '--json', '--config', config));
    assert.deepEqual(rotated.map((k) => k.alg), ['RS256', 'PS256', 'ES256', 'EdDSA'], 'every algorithm, RS256 first');
    assert.ok(rotated.every((k) => k.status === 'pending' && k.activates_at === rotated[0]!.activates_at), 'all start signing together');
    const fresh = rotated[0]!;
    assert.notEqual(fresh.kid, before?.kid);

    const listed = parseJson<KeyJson[]>(await keys('list', '--json'));
    const old = listed.find((k) => k.kid === before?.kid);
    const added = listed.find((k) => k.kid === fresh.kid);
    assert.equal(added?.status, 'pending');
    assert.equal(old?.status, 'active');
    assert.equal(old?.retired_at, added?.activates_at, 'the old key stops signing when the new one starts');
    const seconds = (iso: string | null | undefined) => Date.parse(iso ?? '') / 1000;
    assert.equal(seconds(added?.activates_at) - seconds(added?.created_at), 240, 'publish delay = 2 × keyCacheTtl');
    assert.equal(seconds(old?.remove_after) - seconds(old?.retired_at), 3600);

    const table = await keys('list');
    assert.match(table.stdout, /^KID\s+ALG\s+STATUS/m);
    assert.match(table.stdout, new RegExp(`^${fresh.kid}\\s+RS256\\s+pending`, 'm'));
  });

  it('explains a rotation in text', async () => {
    const result = await keys('rotate');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /New signing key \S+ \(RS256\) is published now and signs from \d{4}-/);
    assert.match(result.stdout, /New signing key \S+ \(EdDSA\) is published now and signs from \d{4}-/);
  });
});

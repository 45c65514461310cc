// `gatehouse client create|update --backchannel-logout-uri / --backchannel-logout-session-required`
// through the compiled bin (Back-Channel Logout 1.0 §2.2).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, tempDatabase, parseJson } from './cli-harness.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';

interface BackchannelClientJson {
  client_id: string;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
}

describe('gatehouse client --backchannel-logout-uri (Back-Channel Logout 1.0 §2.2)', () => {
  const db = tempDatabase();
  after(() => db.remove());
  const cli = (command: string, ...args: string[]) => runCli(['client', command, '--database', db.database, ...args]);

  it('registers, shows, updates and removes the URI and its session requirement', async () => {
    const created = parseJson<BackchannelClientJson>(await cli('create', '--json', '--name', 'RP', '--redirect-uri', 'https://rp.example/cb',
      '--backchannel-logout-uri', 'https://rp.example/backchannel', '--backchannel-logout-session-required'));
    assert.equal(created.backchannel_logout_uri, 'https://rp.example/backchannel');
    assert.equal(created.backchannel_logout_session_required, true);

    const updated = parseJson<BackchannelClientJson>(await cli('update', created.client_id, '--json', '--backchannel-logout-uri', 'https://rp.example/v2/logout'));
    assert.deepEqual([updated.backchannel_logout_uri, updated.backchannel_logout_session_required], ['https://rp.example/v2/logout', true]);

    const removed = parseJson<BackchannelClientJson>(await cli('update', created.client_id, '--json', '--backchannel-logout-uri', ''));
    assert.equal(removed.backchannel_logout_uri, undefined);
    const storage = await openSqliteStorage(db.database.slice('sqlite:'.length));
    try {
      const stored = await storage.clients.find(created.client_id);
      assert.deepEqual([stored?.backchannelLogoutUri, stored?.backchannelLogoutSessionRequired], [null, false]);
    } finally {
      await storage.close();
    }
  });

  it('refuses a fragment, and the session requirement without a URI (exit 2)', async () => {
    assertOneLineError(await cli('create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--backchannel-logout-uri', 'https://a.example/l#f'), 2,
      /must not contain a fragment/);
    assertOneLineError(await cli('create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--backchannel-logout-session-required'), 2,
      /needs a --backchannel-logout-uri/);
  });
});

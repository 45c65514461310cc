// `gatehouse client create|update --frontchannel-logout-uri / --frontchannel-logout-session-required`
// through the compiled bin (Front-Channel Logout 1.0 §2).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, assertOneLineError, tempDatabase, parseJson } from './cli-harness.js';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite-storage.js';

interface FrontchannelClientJson {
  client_id: string;
  frontchannel_logout_uri?: string;
  frontchannel_logout_session_required?: boolean;
}

describe('gatehouse client --frontchannel-logout-uri (Front-Channel Logout 1.0 §2)', () => {
  const db = tempDatabase();
  after(() => db.remove());
  const cli = (command: string, ...args: string[]) => runCli(['client', command, '--database', db.database, ...args]);

  it('registers, shows, lists, updates and removes the URI and its session requirement (§2)', async () => {
    const created = parseJson<FrontchannelClientJson>(await cli('create', '--json', '--name', 'RP', '--redirect-uri', 'https://rp.example/cb',
      '--frontchannel-logout-uri', 'https://rp.example/frontchannel?tenant=1', '--frontchannel-logout-session-required'));
    assert.equal(created.frontchannel_logout_uri, 'https://rp.example/frontchannel?tenant=1');
    assert.equal(created.frontchannel_logout_session_required, true);

    const text = await cli('update', created.client_id, '--name', 'RP 2');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /front-channel logout: https:\/\/rp\.example\/frontchannel\?tenant=1 {2}\(iss and sid required\)/);

    const listed = parseJson<FrontchannelClientJson[]>(await cli('list', '--json'));
    assert.deepEqual(listed.map((c) => [c.frontchannel_logout_uri, c.frontchannel_logout_session_required]),
      [['https://rp.example/frontchannel?tenant=1', true]]);

    const updated = parseJson<FrontchannelClientJson>(await cli('update', created.client_id, '--json', '--frontchannel-logout-uri', 'https://rp.example/v2/fc'));
    assert.deepEqual([updated.frontchannel_logout_uri, updated.frontchannel_logout_session_required], ['https://rp.example/v2/fc', true]);

    const removed = parseJson<FrontchannelClientJson>(await cli('update', created.client_id, '--json', '--frontchannel-logout-uri', ''));
    assert.equal(removed.frontchannel_logout_uri, undefined);
    const storage = await openSqliteStorage(db.database.slice('sqlite:'.length));
    try {
      const stored = await storage.clients.find(created.client_id);
      assert.deepEqual([stored?.frontchannelLogoutUri, stored?.frontchannelLogoutSessionRequired], [null, false]);
    } finally {
      await storage.close();
    }
  });

  it('refuses a fragment, another origin than the redirect URIs, and the session requirement without a URI (exit 2, §2)', async () => {
    assertOneLineError(await cli('create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--frontchannel-logout-uri', 'https://a.example/l#f'), 2,
      /must not contain a fragment/);
    assertOneLineError(await cli('create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--frontchannel-logout-uri', 'https://b.example/l'), 2,
      /scheme, host and port of one of the redirect URIs/);
    assertOneLineError(await cli('create', '--name', 'X', '--redirect-uri', 'https://a.example/cb', '--frontchannel-logout-session-required'), 2,
      /needs a --frontchannel-logout-uri/);
  });
});

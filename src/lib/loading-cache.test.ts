// The bounded loading cache behind the Client ID Metadata Document resolver.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from './clock.js';
import { createLoadingCache } from './loading-cache.js';

describe('loading cache', () => {
  it('shares one pending load between concurrent callers of one key', async () => {
    const cache = createLoadingCache<string>({ maxEntries: 10, clock: manualClock() });
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const load = async () => { loads++; await gate; return { value: 'v', ttl: 60 }; };
    const all = Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]);
    release();
    assert.deepEqual(await all, ['v', 'v', 'v']);
    assert.equal(loads, 1);
  });

  it('reuses a value until its ttl has passed, then loads again', async () => {
    const clock = manualClock(1000);
    const cache = createLoadingCache<number>({ maxEntries: 10, clock });
    let loads = 0;
    const load = async () => ({ value: ++loads, ttl: 60 });
    assert.equal(await cache.get('k', load), 1);
    clock.advance(59);
    assert.equal(await cache.get('k', load), 1);
    clock.advance(1);
    assert.equal(await cache.get('k', load), 2);
  });

  it('never keeps a failed load', async () => {
    const cache = createLoadingCache<string>({ maxEntries: 10, clock: manualClock() });
    await assert.rejects(cache.get('k', async () => { throw new Error('down'); }), /down/);
    assert.equal(await cache.get('k', async () => ({ value: 'up', ttl: 60 })), 'up');
  });

  it('drops the least recently used entry beyond maxEntries', async () => {
    const cache = createLoadingCache<string>({ maxEntries: 2, clock: manualClock() });
    const loaded: string[] = [];
    const load = (key: string) => async () => { loaded.push(key); return { value: key, ttl: 60 }; };
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('a', load('a'));
    await cache.get('c', load('c'));
    assert.equal(cache.size, 2);
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    assert.deepEqual(loaded, ['a', 'b', 'c', 'b']);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSemaphore } from './semaphore.js';

describe('semaphore', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const semaphore = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => semaphore.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return i;
    })));
    assert.equal(peak, 2);
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('frees its place when a task fails', async () => {
    const semaphore = createSemaphore(1);
    await assert.rejects(semaphore.run(async () => { throw new Error('boom'); }));
    assert.equal(await semaphore.run(async () => 'next'), 'next');
  });
});

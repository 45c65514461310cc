// Contract for the durable outbox (issue 10: back-channel logout deliveries survive a restart and
// a dead node, and several nodes never each send one message).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractContext } from './contract.js';
import { nowSeconds, outboxMessage, uid } from './fixtures.js';

export function describeOutboxContract({ storage }: ContractContext): void {
  describe('outbox', () => {
    // Each test runs at an earlier time than the one before, so what earlier tests left (due at
    // their later times) is never due in the next.
    let epoch = nowSeconds();
    const freshTime = () => (epoch -= 100_000);

    it('claims a due message once, with one more attempt and a lease (issue 10)', async () => {
      const now = freshTime();
      const message = outboxMessage(now);
      await storage().outbox.enqueue([message]);
      const claimed = await storage().outbox.claim('lease-a', now, 30, 10);
      const mine = claimed.filter((m) => m.messageId === message.messageId);
      assert.deepEqual(mine, [{ ...message, attempts: 1, nextAttemptAt: now + 30, leaseId: 'lease-a' }]);
      const again = await storage().outbox.claim('lease-b', now + 29, 30, 10);
      assert.equal(again.some((m) => m.messageId === message.messageId), false, 'leased: nobody else gets it');
    });

    it('hands out a message again once its lease expired, and the old lease can no longer settle it (a killed node, issue 10)', async () => {
      const now = freshTime();
      const message = outboxMessage(now);
      await storage().outbox.enqueue([message]);
      assert.equal((await storage().outbox.claim('dead-node', now, 30, 10)).length >= 1, true);
      const reclaimed = (await storage().outbox.claim('live-node', now + 30, 30, 10)).find((m) => m.messageId === message.messageId);
      assert.equal(reclaimed?.attempts, 2);
      assert.equal(await storage().outbox.complete(message.messageId, 'dead-node'), false);
      assert.equal(await storage().outbox.fail(message.messageId, 'dead-node', now, 'late'), false);
      assert.equal(await storage().outbox.complete(message.messageId, 'live-node'), true);
      assert.equal(await storage().outbox.find(message.messageId), null);
    });

    it('does not claim a message before it is due, and respects the limit', async () => {
      const now = freshTime();
      const later = outboxMessage(now, { nextAttemptAt: now + 60 });
      const due = [outboxMessage(now - 2), outboxMessage(now - 1), outboxMessage(now)];
      await storage().outbox.enqueue([later, ...due]);
      const first = await storage().outbox.claim(uid('lease'), now, 100, 2);
      assert.deepEqual(first.map((m) => m.messageId), due.slice(0, 2).map((m) => m.messageId), 'oldest due first');
      const rest = await storage().outbox.claim(uid('lease'), now, 100, 10);
      assert.deepEqual(rest.map((m) => m.messageId), [due[2]!.messageId]);
      assert.deepEqual((await storage().outbox.claim(uid('lease'), now + 60, 300, 10)).map((m) => m.messageId), [later.messageId]);
    });

    it('a failed message is due again at the time given, keeping the error; a given-up one never again, until purged', async () => {
      const now = freshTime();
      const message = outboxMessage(now);
      await storage().outbox.enqueue([message]);
      await storage().outbox.claim('l1', now, 30, 10);
      assert.equal(await storage().outbox.fail(message.messageId, 'l1', now + 10, 'receiver answered 503'), true);
      assert.equal((await storage().outbox.claim('l2', now + 9, 30, 10)).length, 0);
      const retried = await storage().outbox.claim('l2', now + 10, 30, 10);
      assert.deepEqual(retried.map((m) => [m.attempts, m.lastError]), [[2, 'receiver answered 503']]);
      assert.equal(await storage().outbox.giveUp(message.messageId, 'l2', now + 11, 'gave up', now + 1000), true);
      assert.equal((await storage().outbox.claim('l3', now + 5000, 30, 10)).length, 0);
      assert.deepEqual(await storage().outbox.find(message.messageId),
        { ...message, attempts: 2, nextAttemptAt: now + 40, lastError: 'gave up', givenUpAt: now + 11, purgeAfter: now + 1000 });
      assert.equal(await storage().outbox.purgeExpired(now + 999, 100), 0);
      assert.equal(await storage().outbox.purgeExpired(now + 1000, 100), 1);
      assert.equal(await storage().outbox.find(message.messageId), null);
    });

    it('concurrent claims never hand one message out twice (issue 10)', async () => {
      const now = freshTime();
      const messages = Array.from({ length: 40 }, () => outboxMessage(now));
      await storage().outbox.enqueue(messages);
      const batches = await Promise.all(Array.from({ length: 8 }, (_, i) => storage().outbox.claim(`lease-${i}`, now, 30, 10)));
      const ids = batches.flat().map((m) => m.messageId);
      assert.equal(new Set(ids).size, ids.length, 'no message in two claims');
      assert.deepEqual(new Set(ids), new Set(messages.map((m) => m.messageId)));
    });
  });
}

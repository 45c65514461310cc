// Keeps `npm run bench` working: every scenario runs for about a second against Gatehouse and
// the oidc-provider reference, and every operation must succeed. Never a speed assertion.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { scenarios } from '../../bench/scenarios/index.js';
import { measureScenario } from '../../bench/measure-scenario.js';
import { cheapArgon2 } from '../../bench/runner.js';
import { referenceTarget } from '../../bench/targets/reference.js';
import { gatehouseBuilt, gatehouseTarget } from '../../bench/targets/gatehouse.js';
import type { RunningTarget, Target } from '../../bench/targets/target.js';
import { measureCeilings } from '../../bench/ceilings/measure-ceilings.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const shape = { users: 3, connections: 4, warmupMs: 100, durationMs: 1000 };

function smoke(target: Target, skip: string | false) {
  describe(`bench scenarios against ${target.label}`, { skip }, () => {
    let running: RunningTarget;
    // One unpinned instance with cheap argon2id serves every scenario: correctness, not cost.
    before(async () => { running = await target.start({ argon2: cheapArgon2, pin: false }); });
    after(async () => { await running?.stop(); });

    for (const scenario of scenarios) {
      it(`completes every ${scenario.name} operation without an error`, async () => {
        const result = await measureScenario(scenario, running, shape);
        assert.deepEqual(result.errorSamples, []);
        assert.equal(result.errors, 0);
        assert.ok(result.ops > 0, `no ${scenario.name} operation completed`);
        assert.ok(result.usage.serverCpu > 0, 'the server process used no CPU: the wrong pid was measured');
      });
    }
  });
}

smoke(gatehouseTarget(), gatehouseBuilt() ? false : 'Gatehouse CLI is not compiled beside the bench');
smoke(referenceTarget, false);

describe('bench ceilings and the storage floor', () => {
  it('measures every ceiling with a positive rate', async () => {
    const ceilings = await measureCeilings({ durationMs: 300, connections: 4, pin: false });
    for (const [name, rate] of Object.entries(ceilings)) assert.ok(Number.isFinite(rate) && rate > 0, `${name}: ${rate}`);
  });

  it('runs the storage floor through every operation it prices', async () => {
    const script = fileURLToPath(new URL('../../bench/storage-floor.js', import.meta.url));
    const { stdout } = await run(process.execPath, [script, '200'], { timeout: 60_000 });
    for (const operation of ['code flow', 'refresh rotation', 'client_credentials token']) {
      assert.match(stdout, new RegExp(`round 3 ${operation}: \\d+/s, CPU per operation \\d+ µs user \\+ \\d+ µs system`));
    }
  });
});

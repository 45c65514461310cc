import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { playgroundPage } from './views.js';
import type { ExperimentRecord } from './state.js';

const signOut: ExperimentRecord = { kind: 'sign-out', at: 1_800_000_000, exchanges: [], facts: [], refused: false, sid: 'sid-1' };
const render = (renderedAt: number) => playgroundPage({
  signedIn: false, experiments: new Map([['sign-out', signOut]]), issuer: 'http://localhost:3000', clientId: 'demo',
  implicitFlow: false, implicitDemo: false, renderedAt,
});
const refreshHref = (html: string) => /<a class="button secondary" href="([^"]+)">Refresh<\/a>/.exec(html)?.[1];

describe('the playground\'s pending logout token', () => {
  it('offers a Refresh link that loads the page again from wherever it was opened (not a same-document fragment navigation, HTML §7.4.2.2)', () => {
    const first = refreshHref(render(1000));
    assert.ok(first, 'a pending logout token offers Refresh');
    // Opened as /playground, /playground#why-sign-out, or from an earlier Refresh: the link's path
    // and query always differ from the page's own, so the browser fetches the page again.
    for (const page of ['/playground', '/playground#why-sign-out', `${first}`]) {
      const next = new URL(refreshHref(render(2000))!, new URL(page, 'http://app.example'));
      const here = new URL(page, 'http://app.example');
      assert.notEqual(`${next.pathname}${next.search}`, `${here.pathname}${here.search}`, `from ${page}`);
      assert.equal(next.hash, '#why-sign-out', 'and it lands on the sign-out result');
    }
  });
});

/** The debouncer that makes a burst of edits cost one run per pause: only the newest value runs, once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Debouncer } from '../../../server/src/lsp/debounce';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the debouncer', () => {
  it('runs once per key with the newest value, after the last call has waited the delay', async () => {
    const runs: string[] = [];
    const debouncer = new Debouncer<number>(40, (key, value) => runs.push(`${key}=${value}`));
    const started = Date.now();
    for (let i = 1; i <= 5; i++) {
      debouncer.schedule('a', i);
      await sleep(15);
    }
    debouncer.schedule('b', 9);
    await sleep(120);
    assert.deepEqual(runs.sort(), ['a=5', 'b=9']);
    // Five calls 15 ms apart pushed the deadline past the first timer's 40 ms.
    assert.ok(Date.now() - started >= 75 + 40);
  });

  it('drops what a cancelled key waited with', async () => {
    const runs: number[] = [];
    const debouncer = new Debouncer<number>(20, (_key, value) => runs.push(value));
    debouncer.schedule('a', 1);
    assert.equal(debouncer.cancel('a'), true);
    assert.equal(debouncer.cancel('a'), false);
    await sleep(60);
    assert.deepEqual(runs, []);
  });
});

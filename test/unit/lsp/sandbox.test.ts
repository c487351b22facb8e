/**
 * The sandbox that keeps untrusted computation off the language server's main thread: a job past
 * its deadline is stopped and its worker replaced, a job over the memory cap fails without taking
 * the process down, a newer job with the same key replaces a queued one, and open-document jobs go
 * before background ones. The worker is a real child process script written by the test.
 *
 * The workers say when their code is loaded, as the server's analysis worker does, so a job's
 * deadline covers the job and not a process start (over 10 s at load 20-30 on 2 cores). Deadlines
 * that a test does not check are `ROOMY_MS`; a deadline a test checks is either on a job that never
 * ends by itself (it can only be stopped), or on a job the test holds until the deadline has passed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { slimRequest } from '../../../server/src/lsp/worker/protocol';
import { Sandbox, type WarmUp } from '../../../server/src/lsp/worker/sandbox';
import { delay } from '../../support/wait-for';

/** A deadline that is not what a test checks: a hang guard, generous for a loaded machine. */
const ROOMY_MS = 60_000;
/**
 * The deadline of a job that must not count the time the test holds something before it (a start,
 * a warm-up): the test holds that longer than this, and the job's own work is one message each way.
 */
const HELD_DEADLINE_MS = 5000;

/** Worker code that blocks its thread until `file` exists (a job or a start the test holds). */
const WAIT_FOR_FILE = `
function waitForFile(file) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!require('node:fs').existsSync(file)) Atomics.wait(pause, 0, 0, 20);
}
`;

const WORKER = `${WAIT_FOR_FILE}
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  if (m.op === 'spin') { for (;;) {} }
  if (m.op === 'grow') { const a = []; for (;;) a.push('x'.repeat(1024) + a.length); }
  if (m.op === 'double') { let s = 'abcdefgh'; for (let i = 0; i < 28; i++) s = [s, s].join(''); }
  if (m.op === 'sleep') { const end = Date.now() + m.ms; while (Date.now() < end) {} }
  // The warm-up: a preparation that lasts until the test creates the file \`m.until\`, after which
  // 'warm?' answers true in this process.
  if (m.op === 'warm') { waitForFile(m.until); globalThis.warm = true; }
  if (m.op === 'warm?') { process.send({ id: m.id, value: globalThis.warm === true }); return; }
  // A job with a policy state: answers how it came (whole 'load' or a 'loaded' reference) and what it holds.
  if (m.load) {
    if (m.load.op === 'loaded' && m.load.generation !== globalThis.held) {
      process.send({ id: m.id, missing: true, holds: globalThis.held });
      return;
    }
    if (m.load.op === 'load') globalThis.held = m.load.generation;
    process.send({ id: m.id, value: m.load.op, holds: m.claim ?? globalThis.held });
    return;
  }
  process.send({ id: m.id, value: m.value });
});
process.send({ ready: true });
`;

describe('the analysis sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-sandbox-'));
  const entry = join(dir, 'worker.js');
  writeFileSync(entry, WORKER);
  const sandbox = new Sandbox({ entry, memoryMb: 64, announcesReady: true });
  after(async () => {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a job', async () => {
    const result = await sandbox.run({ op: 'echo', value: 42 }, { deadlineMs: ROOMY_MS, what: 'echoing' });
    assert.deepEqual(result.ok && result.value, 42);
  });

  // The job never ends by itself: only its deadline ends it (without one, the test's timeout fails it).
  it('stops a job that never ends at its deadline, says so, and answers the next job on a new worker', {
    timeout: ROOMY_MS,
  }, async () => {
    const started = sandbox.started;
    const result = await sandbox.run({ op: 'spin' }, { deadlineMs: 300, what: 'spinning' });
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'eval_cancel_error');
    assert.match(
      !result.ok ? result.error.message : '',
      /^spinning took longer than 300 ms; it was stopped$/,
    );
    const next = await sandbox.run({ op: 'echo', value: 'again' }, { deadlineMs: ROOMY_MS, what: 'echoing' });
    assert.deepEqual(next.ok && next.value, 'again');
    assert.equal(sandbox.started, started + 1);
  });

  it('fails a job over the memory cap without taking this process down', async () => {
    const result = await sandbox.run({ op: 'grow' }, { deadlineMs: 60_000, what: 'growing' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error.message : '', /growing ran out of its 64 MB memory limit/);
    const next = await sandbox.run({ op: 'echo', value: 1 }, { deadlineMs: ROOMY_MS, what: 'echoing' });
    assert.equal(next.ok, true);
  });

  it('fails a job whose one allocation overshoots the cap (a string doubled 28 times) without taking this process down', async () => {
    const result = await sandbox.run({ op: 'double' }, { deadlineMs: 60_000, what: 'doubling' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error.message : '', /doubling ran out of its 64 MB memory limit/);
    const next = await sandbox.run({ op: 'echo', value: 2 }, { deadlineMs: ROOMY_MS, what: 'echoing' });
    assert.deepEqual(next.ok && next.value, 2);
  });

  it('replaces a queued job by a newer one with the same key, and runs open jobs before background ones', async () => {
    const order: string[] = [];
    const busy = sandbox.run({ op: 'sleep', ms: 200, value: 'busy' }, { deadlineMs: ROOMY_MS, what: 'busy' });
    const background = sandbox
      .run({ op: 'echo', value: 'background' }, { deadlineMs: ROOMY_MS, what: 'bg', priority: 'background' })
      .then((r) => order.push(String(r.ok && r.value)));
    const old = sandbox.run({ op: 'echo', value: 'v1' }, { deadlineMs: ROOMY_MS, what: 'v1', key: 'doc' });
    const newer = sandbox
      .run({ op: 'echo', value: 'v2' }, { deadlineMs: ROOMY_MS, what: 'v2', key: 'doc' })
      .then((r) => order.push(String(r.ok && r.value)));
    const stale = await old;
    assert.equal(!stale.ok && stale.stale, true);
    await Promise.all([busy, background, newer]);
    assert.deepEqual(order, ['v2', 'background']);
  });

  it("gives a replacement worker its warm-up first, outside the next job's deadline, and none after a stopped warm-up", async () => {
    const warmed = new Sandbox({ entry, memoryMb: 64, announcesReady: true });
    const warmedUp = join(dir, 'warm-up-may-end');
    let warmUp: WarmUp = { request: { op: 'warm', until: warmedUp }, deadlineMs: ROOMY_MS, what: 'warming' };
    warmed.prepareReplacementsWith(() => warmUp);
    try {
      // The first worker is not a replacement: it gets no warm-up.
      const first = await warmed.run({ op: 'warm?' }, { deadlineMs: ROOMY_MS, what: 'asking' });
      assert.deepEqual(first.ok && first.value, false);
      await warmed.run({ op: 'spin' }, { deadlineMs: 200, what: 'spinning' });
      // The warm-up runs before this job and lasts until the test lets it end, once the job's own
      // deadline has passed since the job was asked for: counted against it, the job is stopped.
      const asked = warmed.run({ op: 'warm?' }, { deadlineMs: HELD_DEADLINE_MS, what: 'asking' });
      await delay(HELD_DEADLINE_MS + 500);
      writeFileSync(warmedUp, '');
      const next = await asked;
      assert.deepEqual(next.ok && next.value, true, JSON.stringify(next));
      assert.equal(warmed.warmedUp, 1);
      // A warm-up that is itself stopped (it never ends) is not given again to the worker after it.
      warmUp = { request: { op: 'spin' }, deadlineMs: 500, what: 'warming' };
      await warmed.run({ op: 'spin' }, { deadlineMs: 200, what: 'spinning' });
      const replaced = warmed.started;
      const after = await warmed.run(
        { op: 'echo', value: 'after' },
        { deadlineMs: ROOMY_MS, what: 'echoing' },
      );
      assert.deepEqual(after.ok && after.value, 'after');
      assert.equal(warmed.warmedUp, 1);
      assert.equal(warmed.started, replaced + 1, 'one more worker after the stopped warm-up, and no loop');
    } finally {
      await warmed.close();
    }
  });

  it('sends a job a reference to the policy state its worker holds, and the whole state to a new worker or after a miss', async () => {
    const slim = new Sandbox({ entry, memoryMb: 64, slim: slimRequest });
    const load = (generation: number) => ({
      op: 'load',
      generation,
      openTexts: [['a.rego', 'x'.repeat(10_000)]],
    });
    const job = (generation: number, extra: Record<string, unknown> = {}) =>
      slim.run(
        { op: 'decide', load: load(generation), ...extra },
        { deadlineMs: ROOMY_MS, what: 'deciding' },
      );
    const how = async (generation: number, extra?: Record<string, unknown>) => {
      const result = await job(generation, extra);
      return result.ok ? result.value : result.error.message;
    };
    try {
      assert.equal(await how(1), 'load', 'a new worker holds nothing: the state goes whole');
      assert.equal(await how(1), 'loaded', 'the worker said it holds generation 1: a reference goes');
      assert.equal(await how(1), 'loaded');
      assert.equal(await how(2), 'load', 'a newer state goes whole');
      assert.equal(await how(2), 'loaded');
      assert.equal(slim.slimmed, 3);
      // A load job itself always goes whole (it asks for the state's facts).
      const loadJob = await slim.run(load(2), { deadlineMs: ROOMY_MS, what: 'loading' });
      assert.equal(loadJob.ok, true);
      assert.equal(slim.slimmed, 3);
      // A worker stopped at its deadline is replaced: the new one holds nothing.
      await slim.run({ op: 'spin' }, { deadlineMs: 200, what: 'spinning' });
      assert.equal(await how(2), 'load');
      assert.equal(await how(2), 'loaded');
      // A worker that claims a state it does not hold answers `missing`: the job is sent again whole.
      assert.equal(await how(2, { claim: 3 }), 'loaded');
      assert.equal(await how(3), 'load', 'the reference missed, and the job was sent again whole');
      assert.equal(slim.slimmed, 6, 'five references sent, and the one that missed');
    } finally {
      await slim.close();
    }
  });
});

describe('a worker that says when its code is loaded', () => {
  // A worker whose start lasts until the test lets it end (a loaded machine, a large bundle): it can
  // answer nothing before then.
  const SLOW_START = `${WAIT_FOR_FILE}
waitForFile(process.argv[2] && JSON.parse(process.argv[2]).startsWhen);
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  if (m.op === 'spin') { for (;;) {} }
  process.send({ id: m.id, value: m.value });
});
process.send({ ready: true });
`;
  const dir = mkdtempSync(join(tmpdir(), 'clearance-sandbox-ready-'));
  const entry = join(dir, 'worker.js');
  writeFileSync(entry, SLOW_START);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has its first job held to its deadline from then, not from the fork', async () => {
    const startsWhen = join(dir, 'start-may-end');
    const sandbox = new Sandbox({ entry, memoryMb: 64, announcesReady: true, workerData: { startsWhen } });
    try {
      // The start outlasts the job's deadline: counted from the fork, the job is stopped.
      const asked = sandbox.run({ op: 'echo', value: 7 }, { deadlineMs: HELD_DEADLINE_MS, what: 'echoing' });
      await delay(HELD_DEADLINE_MS + 500);
      writeFileSync(startsWhen, '');
      const result = await asked;
      assert.deepEqual(result.ok && result.value, 7, JSON.stringify(result));
      // The deadline still stops a job once the worker is ready.
      const spun = await sandbox.run({ op: 'spin' }, { deadlineMs: 300, what: 'spinning' });
      assert.equal(!spun.ok && spun.error.code, 'eval_cancel_error');
    } finally {
      await sandbox.close();
    }
  });

  it('without saying so, the start counts against the first job', async () => {
    // The start never ends here: only a deadline that counts it ends the job.
    const startsWhen = join(dir, 'never');
    const sandbox = new Sandbox({ entry, memoryMb: 64, workerData: { startsWhen } });
    try {
      const result = await sandbox.run({ op: 'echo', value: 7 }, { deadlineMs: 2000, what: 'echoing' });
      assert.match(!result.ok ? result.error.message : 'answered', /took longer than 2 s/);
    } finally {
      await sandbox.close();
    }
  });
});

/**
 * The hostile-repository suite for running a policy from the editor: a repository whose policy tests
 * never finish (a loop of 10^8 iterations under generous user limits) or fill memory in one step (a
 * string doubled 28 times: in a worker thread, that aborted the whole server), run from the Test
 * Explorer's request and evaluated from the Evaluate lens'.
 * Asserted: each run ends with the analysis deadline's error (the user's limits are far longer, so
 * nothing else can have stopped it: no wall-clock bound, which a loaded machine's worker start
 * outlasts), a hover on another file is answered with its verdict before the run ends, the server
 * survives, a good test still runs afterwards (in a replacement worker), and nothing compiled the
 * policy on the main thread.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { EvaluateResponse, RunTestsResponse } from '../../server/src/lsp/authoring-protocol';
import { POLICY_COMPILED_HERE } from '../../server/src/lsp/workspace';
import { hoverText, openDocument, shopIdentitySettings, type TestServer, waitFor } from './lsp-client';
import { useShopServer } from './shop-server';

/** The analysis deadline the server runs with (CLEARANCE_ANALYSIS_DEADLINE_MS). */
const DEADLINE_MS = 3000;

/** Tests that only the worker's deadline or its memory cap can stop, and one that passes. */
const HOSTILE_TESTS = `package api.bomb_test

r := numbers.range(1, 10000)

test_loop if {
  every i in r {
    every j in r {
      i + j > 0
    }
  }
}

s0 := "abcdefgh"
${Array.from({ length: 28 }, (_, i) => `s${i + 1} := concat("", [s${i}, s${i}])`).join('\n')}

test_doubling if count(s28) > 0

test_fine if 1 + 1 == 2
`;

/** The user's limits: generous enough that only the analysis deadline stops the loop. */
const longEvaluation = { evaluation: { timeoutMs: 30_000, maxSteps: 100_000_000 } };

describe('hostile repository: policy tests that never finish or fill memory, run from the editor', () => {
  const suite = useShopServer({
    prefix: 'clearance-hostile-tests-',
    name: 'Alice Example',
    files: { 'policy/bomb_test.rego': HOSTILE_TESTS },
    deadlineMs: DEADLINE_MS,
    settings: { ...shopIdentitySettings, ...longEvaluation },
  });
  let root: string;
  let server: TestServer;
  before(() => ({ root, server } = suite));
  const request = <T>(method: string, params: unknown) =>
    server.connection.sendRequest(method, params) as Promise<T>;
  const compiledHere = () => server.transcript.filter((line) => line.includes(POLICY_COMPILED_HERE)).length;

  /** Runs one test by id and returns its result. */
  async function runOne(id: string) {
    const run = await request<RunTestsResponse>('clearance/rego/runTests', { ids: [id] });
    assert.equal(run.results.length, 1, JSON.stringify(run));
    return run.results[0] as RunTestsResponse['results'][number];
  }

  it('stops a test that never finishes at the deadline, answering a hover on another file meanwhile', async () => {
    const ordersPath = join(root, 'src', 'api', 'orders.ts');
    const ordersText = readFileSync(ordersPath, 'utf8');
    const orders = await openDocument(server, ordersPath, ordersText, 'typescript');
    const lines = ordersText.split('\n');
    const line = lines.findIndex((l) => l.includes("method: 'DELETE'"));
    const character = (lines[line] as string).indexOf('fetch') + 1;
    await waitFor('orders.ts decided', () => server.diagnostics.get(orders));
    assert.match((await hoverText(server, orders, line, character)) ?? '', /denied/i);

    let runEnded = false;
    const running = runOne('data.api.bomb_test.test_loop').finally(() => {
      runEnded = true;
    });
    // The server takes the run first (requests are handled in order, and the run goes to its worker
    // at once), then the hover: it is decided as ever, not after the run, which lasts at least the
    // 3 s deadline once its worker is ready.
    const hover = (await hoverText(server, orders, line, character)) ?? '';
    assert.equal(runEnded, false, 'the hover was answered only after the run ended');
    assert.match(hover, /denied/i);

    const result = await running;
    assert.equal(result.outcome, 'errored');
    assert.match(
      result.message ?? '',
      /eval_cancel_error: running the test took longer than 3 s; it was stopped/,
    );
    assert.match(result.location?.uri ?? '', /bomb_test\.rego$/);
    assert.equal(server.process.exitCode, null);
  });

  it('ends a test that fills memory with an error, survives, and runs a good test afterwards', async () => {
    const result = await runOne('data.api.bomb_test.test_doubling');
    assert.equal(result.outcome, 'errored', JSON.stringify(result));
    // Whichever stops it first: the memory cap, or the deadline (a busy machine doubles slowly).
    assert.match(
      result.message ?? '',
      /eval_cancel_error: running the test (ran out of its 256 MB memory limit|took longer than 3 s)/,
    );
    const fine = await runOne('data.api.bomb_test.test_fine');
    assert.equal(fine.outcome, 'passed', JSON.stringify(fine));
    assert.equal(server.process.exitCode, null);
  });

  it('stops an evaluation that never finishes at the deadline', async () => {
    const result = await request<EvaluateResponse>('clearance/rego/evaluate', {
      query: 'data.api.bomb_test.test_loop',
    });
    assert.equal(result.defined, false);
    assert.match(
      result.errors.join('\n'),
      /eval_cancel_error: evaluating data\.api\.bomb_test\.test_loop took longer than 3 s/,
    );
    assert.equal(compiledHere(), 0, 'a test run or an evaluation compiled the policy on the main thread');
  });
});

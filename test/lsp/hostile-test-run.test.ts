/**
 * The hostile-repository suite for running a policy from the editor: a repository whose policy tests
 * never finish (a loop of 10^8 iterations under generous user limits) or fill memory in one step (a
 * string doubled 28 times: in a worker thread, that aborted the whole server), run from the Test
 * Explorer's request and evaluated from the Evaluate lens'.
 * Asserted: each run ends with an error within the analysis deadline plus a margin, a hover on
 * another file is answered with its verdict while the run goes on, the server survives, a good test
 * still runs afterwards (in a replacement worker), and nothing compiled the policy on the main thread.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { EvaluateResponse, RunTestsResponse } from '../../server/src/lsp/authoring-protocol';
import { POLICY_COMPILED_HERE } from '../../server/src/lsp/workspace';
import { hoverText, openDocument, shopIdentitySettings, type TestServer, waitFor } from './lsp-client';
import { useShopServer } from './shop-server';

/** The analysis deadline the server runs with (CLEARANCE_ANALYSIS_DEADLINE_MS), and the margin on top. */
const DEADLINE_MS = 3000;
const MARGIN_MS = 10_000;

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

  /** Runs one test by id; returns its result and how long the request took. */
  async function runOne(id: string) {
    const started = Date.now();
    const run = await request<RunTestsResponse>('clearance/rego/runTests', { ids: [id] });
    assert.equal(run.results.length, 1, JSON.stringify(run));
    return { result: run.results[0] as RunTestsResponse['results'][number], ms: Date.now() - started };
  }

  it('stops a test that never finishes at the deadline, answering a hover on another file meanwhile', async () => {
    const ordersPath = join(root, 'src', 'api', 'orders.ts');
    const ordersText = readFileSync(ordersPath, 'utf8');
    const orders = await openDocument(server, ordersPath, ordersText, 'typescript');
    const lines = ordersText.split('\n');
    const line = lines.findIndex((l) => l.includes("method: 'DELETE'"));
    const character = (lines[line] as string).indexOf('fetch') + 1;
    await waitFor('orders.ts decided', () => server.diagnostics.get(orders), 60_000);
    assert.match((await hoverText(server, orders, line, character)) ?? '', /denied/i);

    let runEnded = false;
    const running = runOne('data.api.bomb_test.test_loop').finally(() => {
      runEnded = true;
    });
    // Let the run start in its worker, then hover the code: it is decided as ever, not after the run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const hoverStarted = Date.now();
    const hover = (await hoverText(server, orders, line, character)) ?? '';
    assert.equal(runEnded, false, 'the hover was answered only after the run ended');
    assert.ok(Date.now() - hoverStarted < 2000, `the hover took ${Date.now() - hoverStarted} ms`);
    assert.match(hover, /denied/i);

    const { result, ms } = await running;
    assert.ok(ms < DEADLINE_MS + MARGIN_MS, `the run took ${ms} ms`);
    assert.equal(result.outcome, 'errored');
    assert.match(
      result.message ?? '',
      /eval_cancel_error: running the test took longer than 3 s; it was stopped/,
    );
    assert.match(result.location?.uri ?? '', /bomb_test\.rego$/);
    assert.equal(server.process.exitCode, null);
  });

  it('ends a test that fills memory with an error, survives, and runs a good test afterwards', async () => {
    const { result, ms } = await runOne('data.api.bomb_test.test_doubling');
    assert.ok(ms < DEADLINE_MS + MARGIN_MS, `the run took ${ms} ms`);
    assert.equal(result.outcome, 'errored', JSON.stringify(result));
    // Whichever stops it first: the memory cap, or the deadline (a busy machine doubles slowly).
    assert.match(
      result.message ?? '',
      /eval_cancel_error: running the test (ran out of its 256 MB memory limit|took longer than 3 s)/,
    );
    const fine = await runOne('data.api.bomb_test.test_fine');
    assert.equal(fine.result.outcome, 'passed', JSON.stringify(fine.result));
    assert.equal(server.process.exitCode, null);
  });

  it('stops an evaluation that never finishes at the deadline', async () => {
    const started = Date.now();
    const result = await request<EvaluateResponse>('clearance/rego/evaluate', {
      query: 'data.api.bomb_test.test_loop',
    });
    assert.ok(
      Date.now() - started < DEADLINE_MS + MARGIN_MS,
      `the evaluation took ${Date.now() - started} ms`,
    );
    assert.equal(result.defined, false);
    assert.match(
      result.errors.join('\n'),
      /eval_cancel_error: evaluating data\.api\.bomb_test\.test_loop took longer than 3 s/,
    );
    assert.equal(compiledHere(), 0, 'a test run or an evaluation compiled the policy on the main thread');
  });
});

/**
 * The scanner's bound on parsing is the parser's own work (its progress steps per kB of the file),
 * not the clock: the same file gives the same calls and errors on an idle machine and on one so
 * loaded that its parse takes many times the old 5 s limit, and a hostile file is skipped with a
 * `file_too_complex` error placed where the parser had got to, on any machine. The slowed clock here is
 * `performance.now` advancing 5 ms (the old limit: 1,000 steps) at every reading.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import {
  createScanner,
  DEFAULT_PARSE_STEPS_PER_KB,
  parseStepBudget,
  type ScanResult,
} from '../../../server/src/scanner';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'scanner');
const hostile = path.join(fixtures, 'parse-budget', 'nested-bands.py');
// The densest real-code fixture: 10,000 nested calls, about 3,400 steps (34 per kB).
const dense = path.join(fixtures, 'project', 'go-self-reference', 'deep.go');

const scanner = createScanner();

/** Makes `performance.now` advance `stepMs` more at every reading, as on a very busy machine. */
function slowClock(t: TestContext, stepMs: number): void {
  const real = performance.now.bind(performance);
  let readings = 0;
  t.mock.method(performance, 'now', () => real() + ++readings * stepMs);
}

/** What a scan gave, without the calls' detail: enough to tell two scans apart. */
function summary(result: ScanResult) {
  return {
    calls: result.calls.map((call) => [call.calleeLocation.start.line, call.method, call.url.source]),
    errors: result.errors.map((error) => [
      error.code,
      error.location?.start.line,
      error.location?.start.column,
    ]),
  };
}

test('the densest real-code fixture gives the same calls with a clock 17 s slow, past the old 5 s limit', async (t) => {
  const text = readFileSync(dense, 'utf8');
  const idle = await scanner.scanText(dense, text);
  assert.deepEqual(idle.errors, []);
  assert.ok(idle.calls.length > 0);
  slowClock(t, 5);
  assert.deepEqual(summary(await scanner.scanText(dense, text)), summary(idle));
});

test('a hostile file is skipped with file_too_complex where the parser had got to, whatever the clock', async (t) => {
  const text = readFileSync(hostile, 'utf8');
  const budget = parseStepBudget(Buffer.byteLength(text), DEFAULT_PARSE_STEPS_PER_KB);
  const idle = await scanner.scanText(hostile, text);
  assert.deepEqual(idle.calls, []);
  assert.equal(idle.errors.length, 1);
  const [error] = idle.errors;
  assert.equal(error?.code, 'file_too_complex');
  assert.equal(
    error?.message,
    `skipped: parsing this file takes more than its ${budget} steps (${DEFAULT_PARSE_STEPS_PER_KB} per kB); the parser had got here`,
  );
  // Past the table's 20,000 opening brackets: the parser reads the whole table before it is stuck.
  const tableLine = text.split('\n').findIndex((line) => line.startsWith('BANDS = ')) + 1;
  assert.equal(error?.location?.file, hostile);
  assert.ok(
    (error?.location?.start.line ?? 0) >= tableLine,
    `stopped on line ${error?.location?.start.line}`,
  );
  slowClock(t, 5);
  assert.deepEqual(summary(await scanner.scanText(hostile, text)), summary(idle));
  t.mock.restoreAll();
  // The parser is reset: the next file scans as usual.
  assert.equal(
    (await scanner.scanText('a.py', "import requests\nrequests.get('/api/orders')")).calls.length,
    1,
  );
});

test('the step budget grows with the file and has a floor for small ones', () => {
  assert.equal(parseStepBudget(0), 500);
  assert.equal(parseStepBudget(5_000), 500);
  assert.equal(parseStepBudget(100_000), 5_000);
  assert.equal(parseStepBudget(2_000_000, 20), 40_000);
});

test('a scanner may be given a larger step budget: the hostile file then parses', async () => {
  const generous = createScanner({ parseStepsPerKb: 1_000 });
  const result = await generous.scanText(hostile, readFileSync(hostile, 'utf8'));
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.calls.map((call) => call.method),
    ['GET', 'PUT'],
  );
});

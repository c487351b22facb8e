/**
 * How many scan workers the language server's index starts beside its background worker, and the
 * scan deadline tests may shorten: one per core beyond the first, at most two, unless
 * `CLEARANCE_SCAN_WORKERS` says otherwise; nonsense in either variable leaves the default.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanDeadlineMs, scanHelperCount } from '../../../server/src/lsp/worker/analysis';

test('one scan worker per core beyond the first, at most two', () => {
  assert.equal(scanHelperCount({}, 1), 0);
  assert.equal(scanHelperCount({}, 2), 1);
  assert.equal(scanHelperCount({}, 3), 2);
  assert.equal(scanHelperCount({}, 16), 2);
});

test('CLEARANCE_SCAN_WORKERS sets the number (0: none), capped at two; nonsense is ignored', () => {
  assert.equal(scanHelperCount({ CLEARANCE_SCAN_WORKERS: '0' }, 2), 0);
  assert.equal(scanHelperCount({ CLEARANCE_SCAN_WORKERS: '1' }, 1), 1);
  assert.equal(scanHelperCount({ CLEARANCE_SCAN_WORKERS: '9' }, 2), 2);
  assert.equal(scanHelperCount({ CLEARANCE_SCAN_WORKERS: 'many' }, 2), 1);
  assert.equal(scanHelperCount({ CLEARANCE_SCAN_WORKERS: '-1' }, 2), 1);
  assert.equal(scanHelperCount({ CLEARANCE_SCAN_WORKERS: '1.5' }, 2), 1);
});

test('the scan deadline is 10 s unless CLEARANCE_SCAN_DEADLINE_MS sets a usable one', () => {
  assert.equal(scanDeadlineMs({}), 10_000);
  assert.equal(scanDeadlineMs({ CLEARANCE_SCAN_DEADLINE_MS: '1000' }), 1000);
  assert.equal(scanDeadlineMs({ CLEARANCE_SCAN_DEADLINE_MS: '5' }), 10_000);
  assert.equal(scanDeadlineMs({ CLEARANCE_SCAN_DEADLINE_MS: 'soon' }), 10_000);
});

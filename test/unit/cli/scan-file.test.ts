/** `clearance scan <file>`: one file, decided with the settings and policy of the project holding it. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');
process.env.CLEARANCE_AUDIT_FILE = join(mkdtempSync(join(tmpdir(), 'clearance-audit-')), 'audit.jsonl');

it('scans a single file with the policy of its project (examples/shop)', async () => {
  let out = '';
  let err = '';
  const code = await runCli(['scan', join(shop, 'src', 'api', 'orders.ts')], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  const calls = [...out.matchAll(/^(\S+):\d+:\d+\s+(\w+)\s+(\w+) (\S+)/gm)].map(
    (m) => `${m[1]} ${m[3]} ${m[4]}`,
  );
  assert.deepEqual(
    calls,
    [
      'src/api/orders.ts GET /api/orders/{id}',
      'src/api/orders.ts PATCH /api/orders/{id}',
      'src/api/orders.ts DELETE /api/orders/{id}',
    ],
    err,
  );
  // 1: the DELETE is denied for the default identity (2 only when a busy machine runs a decision
  // past its time limit); never 0.
  assert.notEqual(code, 0, err);
});

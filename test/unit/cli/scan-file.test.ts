/** `clearance scan <file>`: one file, decided with the settings and policy of the project holding it. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';
import { freezeWallClock } from '../../support/frozen-clock';

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');
// Decisions, not their speed: evaluation limits and budgets cannot fire on a loaded machine.
freezeWallClock();
process.env.CLEARANCE_AUDIT_FILE = join(mkdtempSync(join(tmpdir(), 'clearance-audit-')), 'audit.jsonl');

it('scans a single file with the policy of its project (examples/shop)', async () => {
  let out = '';
  let err = '';
  // The runner vouches for the sample's identity settings: a scan never takes them from the repository.
  const settings = join(shop, '.vscode', 'settings.json');
  const code = await runCli(['scan', join(shop, 'src', 'api', 'orders.ts'), '--settings', settings], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  const calls = [...out.matchAll(/^(\S+):\d+:\d+\s+(\w+)\s+(\w+) (\S+)/gm)].map(
    (m) => `${m[1]} ${m[3]} ${m[4]}`,
  );
  // Named from the working folder (the repository's root), not from the project's.
  assert.deepEqual(
    calls,
    [
      'examples/shop/src/api/orders.ts GET /api/orders/{id}',
      'examples/shop/src/api/orders.ts PATCH /api/orders/{id}',
      'examples/shop/src/api/orders.ts DELETE /api/orders/{id}',
    ],
    err,
  );
  // The DELETE is denied for alice, the sample's identity.
  assert.equal(code, 1, err);
});

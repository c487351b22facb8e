/**
 * `clearance scan` with `.clearance.yaml` `services:` on a copy of examples/shop: a call to a host no
 * service is, is shown as not governed and never fails the scan; the shop's own API is decided as
 * always (examples/shop/policy/authz.rego: alice may read and update the orders she owns).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';
import { freezeWallClock } from '../../support/frozen-clock';

// Decisions, not their speed: evaluation limits and budgets cannot fire on a loaded machine.
freezeWallClock();

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'clearance-services-'));
  cpSync(shop, dir, { recursive: true });
  writeFileSync(join(dir, '.clearance.yaml'), 'services:\n  shop: https://shop.example.com\n');
  writeFileSync(
    join(dir, 'src', 'payments.ts'),
    "export const charge = () => fetch('https://api.stripe.com/v1/charges', { method: 'POST' });\n",
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

it('shows a call to a host no service is as not governed, and does not fail on it', async () => {
  let out = '';
  let err = '';
  const code = await runCli(
    ['scan', join(dir, 'src', 'payments.ts'), '--settings', join(dir, '.vscode', 'settings.json')],
    { out: (t) => (out += t), err: (t) => (err += t) },
  );
  assert.match(out, /src\/payments\.ts:1:\d+\s+UNGOVERNED\s+POST \/v1\/charges/, err);
  assert.match(out, /not governed: api\.stripe\.com is not one of the services in \.clearance\.yaml/);
  assert.equal(code, 0, err);
});

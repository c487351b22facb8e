/**
 * `clearance scan` on a copy of examples/shop grown with a `.clearance.yaml`, a Python script and a Go
 * job calling the same orders API. Expected verdicts follow from examples/shop/policy/authz.rego: alice
 * (a developer) may read and update the orders she owns, nothing else.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';
import { freezeWallClock } from '../../support/frozen-clock';

// Decisions, not their speed: evaluation limits and budgets cannot fire on a loaded machine.
freezeWallClock();

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');

const PYTHON = `import requests

API = "https://api.example.com"


def cancel(order_id):
    requests.delete(f"{API}/api/orders/{order_id}")


def show(order_id):
    # requests.delete("/api/orders/in-a-comment")
    return requests.get(f"/api/orders/{order_id}").json()
`;

const GO = `package jobs

import (
	"fmt"
	"net/http"
)

func Purge(id string) {
	req, _ := http.NewRequest(http.MethodDelete, fmt.Sprintf("/api/orders/%s", id), nil)
	http.DefaultClient.Do(req)
}
`;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // The scanned copy's identity settings are the tester's own: --settings vouches for them.
  const settings =
    argv[0] === 'scan' && argv[1] ? ['--settings', join(argv[1], '.vscode', 'settings.json')] : [];
  const code = await runCli([...argv, ...settings], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** `file verdict call` per call; the folder scanned is outside the working folder, so its files are named absolute. */
function readVerdicts(out: string, dir: string): string[] {
  const prefix = `${dir}/`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return [...out.matchAll(new RegExp(`^${prefix}(src\\/\\S+):\\d+:\\d+\\s+(\\w+)\\s+(.+)$`, 'gm'))]
    .map((m) => `${m[1]} ${m[2]} ${m[3]}`)
    .sort();
}

describe('clearance scan with Python, Go and .clearance.yaml', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clearance-scan-languages-'));
    cpSync(shop, dir, { recursive: true });
    mkdirSync(join(dir, 'src', 'scripts'));
    mkdirSync(join(dir, 'src', 'jobs'));
    writeFileSync(join(dir, 'src', 'scripts', 'orders.py'), PYTHON);
    writeFileSync(join(dir, 'src', 'jobs', 'purge.go'), GO);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the Python and Go calls beside the TypeScript ones', async () => {
    const { code, out, err } = await run('scan', dir);
    assert.equal(code, 1, err);
    const verdicts = readVerdicts(out, dir);
    assert.ok(
      verdicts.includes('src/scripts/orders.py DENIED DELETE /api/orders/{order_id}'),
      verdicts.join('\n'),
    );
    assert.ok(
      verdicts.includes('src/scripts/orders.py CONDITIONAL GET /api/orders/{order_id}'),
      verdicts.join('\n'),
    );
    assert.ok(verdicts.includes('src/jobs/purge.go DENIED DELETE /api/orders/{id}'), verdicts.join('\n'));
    assert.match(out, /7 call\(s\) in \d+ file\(s\) scanned: 0 allowed, 3 denied, 4 conditional, 0 error/);
  });

  it('maps calls through .clearance.yaml: a route template changes the action of every DELETE', async () => {
    writeFileSync(
      join(dir, '.clearance.yaml'),
      'baseUrls: ["https://api.example.com"]\nroutes:\n  DELETE /api/orders/{id}: { action: update, resource: "order:{id}" }\n',
    );
    const { code, out, err } = await run('scan', dir);
    assert.equal(code, 0, `${out}\n${err}`);
    assert.match(out, /7 call\(s\) in \d+ file\(s\) scanned: 0 allowed, 0 denied, 7 conditional, 0 error/);
  });

  it('refuses to scan with a broken .clearance.yaml, naming the line and column (exit 2)', async () => {
    writeFileSync(join(dir, '.clearance.yaml'), 'routes:\n  DELETE /api/orders/{id}: { action: 3 }\n');
    const { code, err } = await run('scan', dir);
    assert.equal(code, 2);
    assert.match(err, /\.clearance\.yaml:2:38: config_error: .*action: must be string/);
  });
});

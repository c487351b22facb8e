import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');

/** The shop example with its policy packed as a bundle at revision 42, named by .clearance.yaml. */
function shopWithBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-shop-'));
  cpSync(shop, dir, { recursive: true });
  mkdirSync(join(dir, 'bundle', 'api', 'authz'), { recursive: true });
  writeFileSync(join(dir, 'bundle', '.manifest'), JSON.stringify({ revision: '42', roots: ['api'] }));
  writeFileSync(
    join(dir, 'bundle', 'api', 'authz', 'authz.rego'),
    readFileSync(join(shop, 'policy', 'authz.rego')),
  );
  writeFileSync(join(dir, '.clearance.yaml'), 'bundles:\n  - bundle\n');
  return dir;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('bundles from the CLI', () => {
  it('policy info shows the source, revision, hash and verification state', async () => {
    const dir = shopWithBundle();
    const r = await run(['policy', 'info', '--dir', dir]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^policy {4}version 42 \(sha256:[0-9a-f]{12}\)$/m);
    assert.match(
      r.out,
      /^bundle {4}bundle: revision 42 \(sha256:[0-9a-f]{12}\), unsigned \(no verification keys configured\), read from disk$/m,
    );
    const json = JSON.parse((await run(['policy', 'info', '--dir', dir, '--json'])).out);
    assert.equal(json.source, 'bundles');
    assert.equal(json.bundles[0].revision, '42');
  });

  it('scan decides with the bundle and names its revision in SARIF and the audit log', async () => {
    const dir = shopWithBundle();
    const audit = join(dir, 'audit.jsonl');
    // The runner vouches for the copy's identity settings (a scan never takes them from the repository).
    const settings = join(dir, '.vscode', 'settings.json');
    const r = await run(['scan', dir, '--settings', settings, '--format', 'sarif', '--audit-file', audit]);
    assert.ok(r.code === 0 || r.code === 1, r.err);
    const log = JSON.parse(r.out);
    assert.match(log.runs[0].properties.policyVersion, /^42 \(sha256:[0-9a-f]{12}\)$/);
    const records = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.ok(records.length > 0);
    for (const record of records) assert.match(record.policyVersion, /^42 \(sha256:/);
  });

  it('refuses an unsigned bundle when a verification key is given, and exits 2', async () => {
    const dir = shopWithBundle();
    writeFileSync(join(dir, 'key.pem'), 'not used');
    const r = await run(['policy', 'info', '--dir', dir, '--bundle-key', `ci=RS256:${join(dir, 'key.pem')}`]);
    assert.equal(r.code, 2);
    assert.match(r.out + r.err, /bundle missing \.signatures\.json file/);
  });

  it('refuses a .clearance.yaml bundle path outside the workspace folder', async () => {
    const dir = shopWithBundle();
    const outside = shopWithBundle();
    writeFileSync(
      join(dir, '.clearance.yaml'),
      `bundles:\n  - ${join(outside, 'bundle')}\n  - ../${outside.split('/').pop()}/bundle\n`,
    );
    const r = await run(['policy', 'info', '--dir', dir]);
    assert.equal(r.code, 2);
    assert.equal((r.err.match(/must be inside the workspace folder/g) ?? []).length, 2, r.err);
  });

  it("ignores the repository's download settings in CI and warns", async () => {
    const dir = shopWithBundle();
    const settings = JSON.parse(readFileSync(join(dir, '.vscode', 'settings.json'), 'utf8'));
    settings['clearance.policy.bundleOrigins'] = ['https://attacker.example'];
    settings['clearance.policy.bundleAuth'] = 'identity';
    writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify(settings));
    const r = await run(['policy', 'info', '--dir', dir, '--bundle', 'https://attacker.example/b.tar.gz']);
    assert.equal(r.code, 2);
    assert.match(r.err, /clearance\.policy\.bundleOrigins in the folder's settings is ignored/);
    assert.match(r.err, /clearance\.policy\.bundleAuth in the folder's settings is ignored/);
    assert.match(r.out + r.err, /is not in clearance\.policy\.bundleOrigins/);
  });
});

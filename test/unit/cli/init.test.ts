/**
 * `clearance init` on three small projects (TypeScript, Python, Go; test/fixtures/first-run), then
 * `clearance scan` on the result. Each policy has its own package, so the default entrypoint is
 * undefined before init: the scan says so and exits 2. After init the scan decides every call with
 * the recorded entrypoint and the base URLs init found. Expected verdicts are hand-labelled in
 * test/fixtures/first-run/README.md.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mintDemoIdentity } from '../../../scripts/mint-demo-identity';
import { runCli } from '../../../server/src/cli/main';
import { freezeWallClock } from '../../support/frozen-clock';

// Decisions, not their speed: evaluation limits and budgets cannot fire on a loaded machine.
freezeWallClock();

const fixtures = join(__dirname, '..', '..', 'fixtures', 'first-run');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const cases = [
  {
    name: 'typescript',
    entrypoint: 'data.notes.authz.allow',
    baseUrl: 'https://notes.example.com',
    verdicts: { 'GET /api/notes/{id}': 'allowed', 'DELETE /api/notes/{id}': 'denied' },
    exit: 1,
  },
  {
    name: 'python',
    entrypoint: 'data.billing.decision',
    baseUrl: 'https://billing.example.com',
    verdicts: { 'GET /api/invoices/{invoice_id}': 'allowed', 'DELETE /api/invoices/{invoice_id}': 'denied' },
    exit: 1,
  },
  {
    name: 'go',
    entrypoint: 'data.inventory.policy.allow',
    baseUrl: 'http://inventory.internal:8080',
    verdicts: { 'GET /api/items': 'allowed', 'POST /api/items': 'allowed' },
    exit: 0,
  },
];

describe('clearance init, then clearance scan', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const sample of cases) {
    it(`${sample.name}: init records what it finds, and scan uses it`, async () => {
      const root = mkdtempSync(join(tmpdir(), `clearance-init-${sample.name}-`));
      dirs.push(root);
      cpSync(join(fixtures, sample.name), root, { recursive: true });
      const keys = mkdtempSync(join(tmpdir(), 'clearance-init-keys-'));
      dirs.push(keys);
      await mintDemoIdentity({
        outDir: keys,
        ttlSeconds: 15 * 60,
        users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
      });
      const identity = [
        '--token-file',
        join(keys, 'alice.jwt'),
        '--jwks-file',
        join(keys, 'jwks.json'),
        '--issuer',
        'https://id.example.com',
        '--audience',
        'clearance-demo',
        '--no-audit',
      ];

      // Before init: the default entrypoint is defined by no rule, so nothing is decided (exit 2).
      const before = await run(['scan', root, ...identity]);
      assert.equal(before.code, 2, before.err);
      assert.match(before.err, /entrypoint data\.api\.authz\.allow is not defined \(did you mean /);
      assert.doesNotMatch(before.out, /DENIED/);

      const init = await run(['init', root]);
      assert.equal(init.code, 0, init.err);
      assert.match(init.out, new RegExp(`entrypoint  ${sample.entrypoint.replace(/\./g, '\\.')}`));
      assert.match(init.out, /\nNext: clearance scan /);
      const yaml = readFileSync(join(root, '.clearance.yaml'), 'utf8');
      assert.ok(yaml.includes(`baseUrls:\n  - ${sample.baseUrl}\n`), yaml);
      assert.ok(yaml.includes(`# Entrypoint: ${sample.entrypoint}`), yaml);
      const settings = JSON.parse(readFileSync(join(root, '.vscode', 'settings.json'), 'utf8'));
      assert.equal(settings['clearance.policy.entrypoint'], sample.entrypoint);

      // Init again does not overwrite what it wrote.
      const again = await run(['init', root]);
      assert.equal(again.code, 2);
      assert.match(again.err, /exists; pass --force/);

      const scan = await run(['scan', root, ...identity, '--format', 'json']);
      assert.equal(scan.code, sample.exit, scan.err);
      const report = JSON.parse(scan.out) as {
        policy: { entrypoint: string };
        calls: Array<{ call: string; verdict: string; why: string }>;
      };
      assert.equal(report.policy.entrypoint, sample.entrypoint);
      const verdicts = Object.fromEntries(report.calls.map((c) => [c.call, c.verdict]));
      assert.deepEqual(verdicts, sample.verdicts);
      if (sample.name === 'python') {
        const voided = report.calls.find((c) => c.call.startsWith('DELETE'));
        assert.match(voided?.why ?? '', /only finance may change invoices/);
      }
    });
  }

  it('prints a next step that runs as printed from another folder, with the key set beside the token', async () => {
    const root = mkdtempSync(join(tmpdir(), 'clearance-init-next-'));
    dirs.push(root);
    cpSync(join(fixtures, 'typescript'), root, { recursive: true });
    await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 15 * 60,
      users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    });
    const savedToken = process.env.CLEARANCE_TOKEN;
    delete process.env.CLEARANCE_TOKEN;
    try {
      const init = await run(['init', root]);
      assert.equal(init.code, 0, init.err);
      const next = /\nNext: clearance (.*)\n/.exec(init.out)?.[1];
      assert.ok(next, init.out);
      assert.match(next, /--token-file \S*identity\/alice\.jwt --jwks-file \S*identity\/jwks\.json/);
      // The test runs from the repository root, not from `root`: the paths must hold from here.
      const scan = await run([...next.split(' '), '--no-audit']);
      assert.equal(scan.code, 1, scan.err);
      assert.match(scan.out, /DENIED\s+DELETE \/api\/notes\/\{id\}/);
    } finally {
      if (savedToken !== undefined) process.env.CLEARANCE_TOKEN = savedToken;
    }
  });
});

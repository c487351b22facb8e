/**
 * The audit log as `clearance scan` writes it (the editor writes the same records, see
 * test/lsp/editor-features.test.ts): one well-formed JSON line per decision, with who, what, when,
 * where and why, and never the token. Expected values follow from examples/shop's policy and code.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { mintDemoIdentity } from '../../../scripts/mint-demo-identity';
import { AuditLog, type AuditRecord, MAX_PENDING_AUDIT_BYTES } from '../../../server/src/audit/audit-log';
import { runCli } from '../../../server/src/cli/main';

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');

async function scan(...argv: string[]): Promise<number> {
  // The scanned copy's identity settings are the tester's own: --settings vouches for them.
  const settings = ['--settings', join(argv[0] as string, '.vscode', 'settings.json')];
  return runCli(['scan', ...argv, ...settings], { out: () => undefined, err: () => undefined });
}

function readRecords(file: string): AuditRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRecord);
}

describe('audit records of clearance scan', () => {
  let root: string;
  let token: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-audit-'));
    cpSync(shop, root, { recursive: true });
    const minted = await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 900,
      users: [{ sub: 'alice', email: 'alice@example.com', role: 'developer' }],
    });
    token = minted.tokens.alice as string;
  });

  it('writes one well-formed record per call: who, what, when, where, why', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clearance-audit-log-')), 'audit.jsonl');
    const started = Date.now();
    assert.equal(await scan(root, '--audit-file', file), 1);
    const records = readRecords(file);
    assert.equal(records.length, 4);
    const orders = readFileSync(join(root, 'src/api/orders.ts'), 'utf8').split('\n');
    const deleteLine = orders.findIndex((l) => l.includes("method: 'DELETE'")) + 1;
    const del = records.find((r) => r.call === 'DELETE /api/orders/{id}');
    assert.ok(del);
    assert.deepEqual(del.identity, {
      subject: 'alice',
      email: 'alice@example.com',
      status: 'verified',
      source: 'file',
      issuer: 'https://id.example.com',
    });
    assert.equal(del.tool, 'cli');
    assert.equal(del.machine, hostname());
    assert.equal(del.action, 'delete');
    assert.deepEqual(del.resource, { type: 'order', route: '/api/orders/{id}' });
    assert.equal(del.verdict, 'denied');
    assert.equal(del.file, join('src', 'api', 'orders.ts'));
    assert.equal(del.line, deleteLine);
    assert.deepEqual(del.rules, [
      { rule: 'default allow := false', file: join('policy', 'authz.rego'), line: 5 },
    ]);
    assert.match(del.policyVersion, /^sha256:[0-9a-f]{12}$/);
    assert.equal(del.entrypoint, 'data.api.authz.allow');
    const time = Date.parse(del.time);
    assert.ok(time >= started - 1000 && time <= Date.now() + 1000, del.time);
    const conditional = records.filter((r) => r.verdict === 'conditional');
    assert.equal(conditional.length, 3);
    assert.ok(
      conditional.every((r) => r.rules.some((rule) => rule.line === 11)),
      'the owner rule is named',
    );
  });

  it('holds no token, nor any part of one that identifies it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clearance-audit-log-')), 'audit.jsonl');
    await scan(root, '--audit-file', file);
    const text = readFileSync(file, 'utf8');
    const [, payload, signature] = token.split('.') as [string, string, string];
    assert.ok(!text.includes(token), 'the token is in the audit log');
    assert.ok(!text.includes(payload), "the token's payload is in the audit log");
    assert.ok(!text.includes(signature), "the token's signature is in the audit log");
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(text), 'something token-like is in the audit log');
  });

  it('writes nothing with --no-audit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-audit-log-'));
    process.env.CLEARANCE_AUDIT_FILE = join(dir, 'env.jsonl');
    try {
      await scan(root, '--no-audit');
      assert.equal(existsSync(join(dir, 'env.jsonl')), false);
      await scan(root);
      assert.equal(
        readRecords(join(dir, 'env.jsonl')).length,
        4,
        '$CLEARANCE_AUDIT_FILE is the default file',
      );
    } finally {
      delete process.env.CLEARANCE_AUDIT_FILE;
    }
  });
});

describe('AuditLog', () => {
  const record = (verdict: AuditRecord['verdict'], line = 3): AuditRecord => ({
    time: new Date().toISOString(),
    tool: 'editor',
    machine: 'm',
    identity: { subject: 'alice', status: 'verified', source: 'file' },
    action: 'read',
    resource: { type: 'order' },
    call: 'GET /api/orders/{id}',
    verdict,
    rules: [],
    policyVersion: 'sha256:000000000000',
    entrypoint: 'data.api.authz.allow',
    file: 'src/a.ts',
    line,
    column: 1,
  });

  it('does not write a decision twice: an unchanged file republished adds nothing, a changed decision adds a line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clearance-audit-log-')), 'nested', 'audit.jsonl');
    const log = new AuditLog(file);
    assert.equal(log.append([record('conditional'), record('denied', 9)]), 2);
    assert.equal(log.append([record('conditional'), record('denied', 9)]), 0);
    assert.equal(log.append([record('allowed')]), 1);
    assert.deepEqual(
      readRecords(file).map((r) => r.verdict),
      ['conditional', 'denied', 'allowed'],
    );
  });

  it('reports a file it cannot write instead of throwing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-audit-log-'));
    mkdirSync(join(dir, 'taken'));
    const log = new AuditLog(join(dir, 'taken'));
    assert.equal(log.append([record('denied')]), 0);
    assert.match(log.lastError ?? '', /cannot write the audit log/);
  });

  it('queued records (the editor) are written asynchronously, once each, private, in order', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clearance-audit-log-')), 'nested', 'audit.jsonl');
    const log = new AuditLog(file, assert.fail);
    assert.equal(log.queue([record('conditional'), record('denied', 9)]), 2);
    assert.equal(log.queue([record('conditional'), record('denied', 9)]), 0);
    assert.equal(existsSync(file), false, 'queue wrote synchronously');
    assert.equal(log.queue([record('allowed')]), 1);
    await log.flush();
    assert.deepEqual(
      readRecords(file).map((r) => r.verdict),
      ['conditional', 'denied', 'allowed'],
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(log.queue([record('allowed')]), 0);
    await log.flush();
    assert.equal(readRecords(file).length, 3);
  });

  it('a queued write refuses a symbolic link, leaves its target alone, and reports it once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-audit-log-'));
    const target = join(dir, 'target');
    writeFileSync(target, '', { mode: 0o644 });
    symlinkSync(target, join(dir, 'audit.jsonl'));
    const errors: string[] = [];
    const log = new AuditLog(join(dir, 'audit.jsonl'), (e) => errors.push(e));
    log.queue([record('denied')]);
    await log.flush();
    log.queue([record('denied')]);
    await log.flush();
    assert.equal(errors.length, 1, errors.join('; '));
    assert.match(errors[0] as string, /symbolic link/);
    assert.equal(readFileSync(target, 'utf8'), '');
    assert.equal(lstatSync(target).mode & 0o777, 0o644);
  });

  it('bounds what waits to be written: past the limit records are left out, said once, and taken again later', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clearance-audit-log-')), 'audit.jsonl');
    const errors: string[] = [];
    const log = new AuditLog(file, (e) => errors.push(e));
    const size = JSON.stringify(record('denied', 1)).length + 1;
    const many = Array.from({ length: Math.ceil(MAX_PENDING_AUDIT_BYTES / size) + 100 }, (_, i) =>
      record('denied', i + 1),
    );
    const taken = log.queue(many);
    assert.ok(taken < many.length && taken > 0, `${taken} of ${many.length} taken`);
    assert.equal(errors.length, 1);
    assert.match(errors[0] as string, /falling behind/);
    await log.flush();
    assert.equal(readRecords(file).length, taken);
    assert.equal(log.queue(many), many.length - taken, 'the records left out are taken again');
    await log.flush();
    assert.equal(readRecords(file).length, many.length);
  });
});

/**
 * `clearance scan --format sarif` on examples/shop, checked against the SARIF 2.1.0 JSON schema (the
 * OASIS rtm.5 schema shipped in @microsoft/jest-sarif) and against what the spec and the policy say:
 * alice may delete no order (one result at the DELETE call), and may read and update only what she
 * owns (three conditional notes).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sarifSchema from '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';
import Ajv from 'ajv-draft-04';
import type { Log, Result } from 'sarif';
import { runCli } from '../../../server/src/cli/main';
import { buildSarifLog } from '../../../server/src/cli/sarif';
import { defaultSettings } from '../../../server/src/config/settings';
import { decideOne } from '../../../server/src/decision/scan';
import { loadPolicy } from '../../../server/src/policy/load';
import type { HttpCall } from '../../../server/src/scanner';
import { freezeWallClock } from '../../support/frozen-clock';

// Decisions, not their speed: evaluation limits and budgets cannot fire on a loaded machine.
freezeWallClock();

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');

async function scanSarif(dir: string, ...extra: string[]): Promise<{ code: number; log: Log; err: string }> {
  let out = '';
  let err = '';
  const settings = ['--settings', join(dir, '.vscode', 'settings.json')];
  const code = await runCli(['scan', dir, '--format', 'sarif', '--no-audit', ...settings, ...extra], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, log: JSON.parse(out) as Log, err };
}

/** A validator for the SARIF 2.1.0 schema, a draft-04 JSON schema. */
function validateSarif(log: unknown): string[] {
  // The SARIF schema's language pattern is not valid with the u flag, which Ajv 8 uses by default.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const validate = ajv.compile(sarifSchema);
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex((l) => l.includes(marker)) + 1;
}

describe('clearance scan --format sarif', () => {
  it('writes a log the SARIF 2.1.0 schema accepts, and exits 1 because a call is denied', async () => {
    const { code, log, err } = await scanSarif(shop);
    assert.equal(code, 1, err);
    assert.deepEqual(validateSarif(log), []);
    assert.equal(log.version, '2.1.0');
    const driver = log.runs[0]?.tool.driver;
    assert.equal(driver?.name, 'Clearance');
    assert.match(driver?.version ?? '', /^\d+\.\d+\.\d+/);
    assert.match(driver?.informationUri ?? '', /^https:\/\//);
  });

  it('the schema check can fail: a result without a message is rejected', async () => {
    const { log } = await scanSarif(shop);
    const broken = JSON.parse(JSON.stringify(log)) as Log;
    const first = broken.runs[0]?.results?.[0] as Partial<Result> | undefined;
    assert.ok(first);
    delete first.message;
    assert.notDeepEqual(validateSarif(broken), []);
  });

  it('reports the DELETE call as denied at its line and column, and the three owner-only calls as notes', async () => {
    const { log } = await scanSarif(shop);
    const results = log.runs[0]?.results ?? [];
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    const denied = results.filter((r) => r.ruleId === 'clearance/denied');
    const conditional = results.filter((r) => r.ruleId === 'clearance/conditional');
    assert.equal(denied.length, 1);
    assert.equal(conditional.length, 3);
    assert.equal(results.length, 4, 'allowed calls are not results');
    const [del] = denied as [Result];
    assert.equal(del.level, 'warning', 'clearance.diagnostics.deniedSeverity defaults to warning');
    assert.ok(conditional.every((r) => r.level === 'note'));
    assert.equal(rules[del.ruleIndex as number]?.id, 'clearance/denied');
    const orders = readFileSync(join(shop, 'src/api/orders.ts'), 'utf8');
    const line = lineOf(orders, "method: 'DELETE'");
    const location = del.locations?.[0]?.physicalLocation;
    assert.equal(location?.artifactLocation?.uri, 'src/api/orders.ts');
    assert.equal(location?.artifactLocation?.uriBaseId, '%SRCROOT%');
    assert.equal(location?.region?.startLine, line);
    // 1-based, in UTF-16 code units: the column where `fetch(` starts on that line.
    const column = (orders.split('\n')[line - 1] as string).indexOf('fetch(') + 1;
    assert.equal(location?.region?.startColumn, column);
    assert.match(del.message.text ?? '', /alice@example\.com/);
    assert.match(del.message.text ?? '', /default allow := false/);
    assert.match(del.message.text ?? '', /sha256:[0-9a-f]{12}/);
    const ruleLocation = del.relatedLocations?.[0]?.physicalLocation;
    assert.equal(ruleLocation?.artifactLocation?.uri, 'policy/authz.rego');
    const authz = readFileSync(join(shop, 'policy/authz.rego'), 'utf8');
    assert.equal(ruleLocation?.region?.startLine, lineOf(authz, 'default allow := false'));
    assert.match(conditional[0]?.message.text ?? '', /you own the/);
  });

  it('makes the denied result an error when deniedSeverity says error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-sarif-'));
    cpSync(shop, dir, { recursive: true });
    const settings = JSON.parse(readFileSync(join(dir, '.vscode', 'settings.json'), 'utf8'));
    writeFileSync(
      join(dir, '.vscode', 'settings.json'),
      JSON.stringify({ ...settings, 'clearance.diagnostics.deniedSeverity': 'error' }),
    );
    const { log } = await scanSarif(dir);
    const denied = log.runs[0]?.results?.find((r) => r.ruleId === 'clearance/denied');
    assert.equal(denied?.level, 'error');
  });

  it('keeps partialFingerprints across runs and when lines are added above a call', async () => {
    const fingerprints = (log: Log) =>
      (log.runs[0]?.results ?? []).map((r) => r.partialFingerprints?.['clearanceCall/v1']).sort();
    const first = fingerprints((await scanSarif(shop)).log);
    assert.equal(new Set(first).size, 4, 'one fingerprint per call');
    assert.ok(first.every((f) => typeof f === 'string' && f.length > 0));
    assert.deepEqual(fingerprints((await scanSarif(shop)).log), first);
    const dir = mkdtempSync(join(tmpdir(), 'clearance-sarif-'));
    cpSync(shop, dir, { recursive: true });
    const orders = join(dir, 'src/api/orders.ts');
    writeFileSync(orders, `// a new comment\n// and another\n${readFileSync(orders, 'utf8')}`);
    const moved = await scanSarif(dir);
    assert.deepEqual(fingerprints(moved.log), first);
    const del = moved.log.runs[0]?.results?.find((r) => r.ruleId === 'clearance/denied');
    const original = lineOf(readFileSync(join(shop, 'src/api/orders.ts'), 'utf8'), "method: 'DELETE'");
    assert.equal(del?.locations?.[0]?.physicalLocation?.region?.startLine, original + 2);
  });
});

describe('tokens in the scanned code', () => {
  for (const format of ['sarif', 'json', 'text']) {
    it(`never copies a token written into a scanned call into the ${format} output`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clearance-sarif-'));
      cpSync(shop, dir, { recursive: true });
      const token = readFileSync(join(shop, 'identity', 'alice.jwt'), 'utf8').trim();
      writeFileSync(
        join(dir, 'src', 'leak.ts'),
        `export const drop = () => fetch('/api/orders/${token}', { method: 'DELETE' });\n`,
      );
      let out = '';
      const settings = ['--settings', join(dir, '.vscode', 'settings.json')];
      const code = await runCli(['scan', dir, '--format', format, '--no-audit', ...settings], {
        out: (t) => (out += t),
        err: () => undefined,
      });
      assert.equal(code, 1);
      assert.match(out, /DELETE \/api\/orders\/\[token-like text\]/, 'the call with the token is reported');
      if (format === 'sarif') assert.deepEqual(validateSarif(JSON.parse(out)), []);
      if (format === 'json') JSON.parse(out);
      assert.ok(!out.includes(token.split('.')[2] as string), `the token is in the ${format} output`);
      assert.ok(!out.includes(token.slice(0, 40)), `the start of the token is in the ${format} output`);
    });
  }
});

describe('SARIF for a suppressed call', () => {
  it('marks the result of a call under a `clearance: ignore` comment as suppressed in source', () => {
    const policy = loadPolicy(shop, []);
    const file = join(shop, 'src', 'a.ts');
    const at = { line: 3, column: 5, offset: 0 };
    const end = { line: 3, column: 30, offset: 25 };
    const call: HttpCall & { suppressed: boolean } = {
      kind: 'http',
      client: 'fetch',
      method: 'DELETE',
      url: { source: '/api/orders/1', segments: [{ kind: 'literal', text: '/api/orders/1' }], known: true },
      location: { file, start: at, end },
      calleeLocation: { file, start: at, end },
      text: "fetch('/api/orders/1', { method: 'DELETE' })",
      suppressed: true,
    };
    const identity = {
      status: 'verified' as const,
      source: { kind: 'file' as const, label: 'fixture' },
      user: { id: 'alice', roles: ['developer'], role: 'developer' },
    };
    const decided = decideOne(file, call, { policy, identity, settings: defaultSettings, now: new Date() });
    assert.equal(decided.decision.verdict, 'denied');
    const log = buildSarifLog({
      root: shop,
      calls: [decided],
      errors: [],
      identity,
      entrypoint: 'data.api.authz.allow',
      policyVersion: policy.version,
      deniedSeverity: 'warning',
    });
    assert.deepEqual(validateSarif(log), []);
    assert.equal(log.runs[0]?.results?.[0]?.suppressions?.[0]?.kind, 'inSource');
  });
});

/** Reads every `.clearance.yaml` text in test/fixtures/clearance-yaml/files.yaml and checks the result. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseProjectConfig, readProjectConfig } from '../../../server/src/config/clearance-yaml';

interface FileCase {
  name: string;
  text: string;
  errors?: Array<{ code: string; at: [number, number]; message: string }>;
  config?: {
    baseUrls: string[];
    actions: Record<string, string>;
    routes: string[];
    clients: string[];
    services?: string[];
    exclude?: string[];
  };
}

const cases = parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'clearance-yaml', 'files.yaml'), 'utf8'),
) as FileCase[];

for (const item of cases) {
  test(`.clearance.yaml: ${item.name}`, () => {
    const result = parseProjectConfig(item.text, '/w/.clearance.yaml');
    const expected = item.errors ?? [];
    assert.deepEqual(
      result.errors.map((error) => ({
        code: error.code,
        at: [error.location?.start.line, error.location?.start.column],
      })),
      expected.map(({ code, at }) => ({ code, at })),
      JSON.stringify(result.errors),
    );
    result.errors.forEach((error, index) => {
      assert.ok(error.message.includes(expected[index]?.message ?? ''), error.message);
      assert.equal(error.location?.file, '/w/.clearance.yaml');
    });
    if (item.config === undefined) {
      assert.equal(result.config, undefined, 'a file with errors gives no configuration');
      return;
    }
    const config = result.config;
    assert.ok(config);
    assert.deepEqual(
      {
        baseUrls: config.baseUrls,
        actions: Object.fromEntries(config.actions),
        routes: config.routes.map((route) => route.pattern),
        clients: config.clients.map((client) => client.callee),
        ...(config.services === undefined
          ? {}
          : { services: config.services.map((s) => `${s.service}=${s.host}${s.pathPrefix}`) }),
        ...(config.exclude === undefined ? {} : { exclude: config.exclude }),
      },
      item.config,
    );
  });
}

test('a folder without .clearance.yaml has the empty configuration; an unreadable one an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-yaml-'));
  try {
    assert.deepEqual(readProjectConfig(dir).errors, []);
    assert.equal(readProjectConfig(dir).config?.routes.length, 0);
    writeFileSync(join(dir, '.clearance.yaml'), 'x'.repeat(1_100_000));
    const big = readProjectConfig(dir);
    assert.equal(big.config, undefined);
    assert.match(big.errors[0]?.message ?? '', /larger than 1000000 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

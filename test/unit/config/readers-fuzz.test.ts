/**
 * Fuzzers for the readers of repository files (issue 10): the settings reader (JSON with comments,
 * `.code-workspace`), the trust gate and a bundle `.manifest` take arbitrary bytes and values without
 * throwing, answer within a bounded time, and an untrusted workspace's files never get a restricted
 * value through the gate. Run counts keep the whole file to a few seconds.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultSettings, normalizeSettings, readSettingsFile } from '../../../server/src/config/settings';
import { applyWorkspaceTrust, RESTRICTED_SETTINGS } from '../../../server/src/config/trust';
import type { ClearanceError } from '../../../server/src/errors';
import { parseManifest, selectRegoVersion } from '../../../server/src/policy/manifest';

const get = (settings: unknown, key: string) => {
  const [section = '', name = ''] = key.split('.');
  return (settings as Record<string, Record<string, unknown>>)[section]?.[name];
};

/** Values shaped like settings: right and wrong types under real keys, and junk keys. */
const settingsLike = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      ...RESTRICTED_SETTINGS.map((k) => `clearance.${k}`),
      'clearance.policy.paths',
      'clearance.policy.entrypoint',
    ),
    fc.string({ maxLength: 20 }),
  ),
  fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), fc.integer(), fc.array(fc.string({ maxLength: 10 }))),
);

describe('the settings reader and the trust gate under arbitrary input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-readers-fuzz-'));
  mkdirSync(join(dir, '.vscode'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads any bytes as a settings file without throwing; every problem names the file', () => {
    const file = join(dir, '.vscode', 'settings.json');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
          settingsLike.map((s) => Buffer.from(JSON.stringify(s))),
          fc
            .string({ maxLength: 200 })
            .map((s) => Buffer.from(`{ // ${s}\n "clearance.audit.file": ${JSON.stringify(s)}, }`)),
        ),
        (bytes) => {
          writeFileSync(file, bytes);
          const { settings, errors } = readSettingsFile(file, dir);
          assert.equal(typeof settings.policy.entrypoint, 'string');
          for (const e of errors) assert.ok(e.message.includes(file) || e.location?.file === file, e.message);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('normalizes any value to settings of the declared types', () => {
    fc.assert(
      fc.property(fc.oneof(settingsLike, fc.jsonValue({ maxDepth: 4 })), (raw) => {
        const { settings } = normalizeSettings(raw);
        for (const key of RESTRICTED_SETTINGS)
          assert.equal(typeof get(settings, key), typeof get(defaultSettings, key), key);
      }),
      { numRuns: 500 },
    );
  });

  it('never lets a restricted value a workspace file sets through to an untrusted workspace', () => {
    fc.assert(
      fc.property(settingsLike, (raw) => {
        const fromFile = normalizeSettings(raw).settings;
        // The editor passed the workspace's values through unchanged.
        const gated = applyWorkspaceTrust(fromFile, [fromFile], false).settings;
        for (const key of RESTRICTED_SETTINGS)
          assert.deepEqual(get(gated, key), get(defaultSettings, key), key);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the bundle manifest reader under arbitrary input', () => {
  it('parses any text to a manifest or a bundle_error, and picks a version for any path', () => {
    const manifestLike = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc
        .record({
          rego_version: fc.oneof(fc.constantFrom(0, 1), fc.jsonValue({ maxDepth: 1 })),
          file_rego_versions: fc.dictionary(
            fc.stringMatching(/^[a-z*?/.{},[\]-]{0,12}$/),
            fc.oneof(fc.constantFrom(0, 1), fc.jsonValue({ maxDepth: 1 })),
            { maxKeys: 4 },
          ),
        })
        .map((m) => JSON.stringify(m)),
    );
    fc.assert(
      fc.property(manifestLike, fc.stringMatching(/^[a-z/.]{0,24}$/), (text, path) => {
        const errors: ClearanceError[] = [];
        const manifest = parseManifest('/b/.manifest', text, errors);
        if (manifest === undefined) {
          assert.equal(errors.length, 1);
          assert.equal(errors[0]?.code, 'bundle_error');
        } else {
          assert.deepEqual(errors, []);
          assert.ok([0, 1].includes(selectRegoVersion(`/b/${path}`, [manifest], 1)));
        }
      }),
      { numRuns: 500 },
    );
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  defaultSettings,
  normalizeSettings,
  readWorkspaceSettings,
} from '../../../server/src/config/settings';

describe('normalizeSettings', () => {
  it('gives the defaults declared in package.json for an empty section', () => {
    const manifest = require('../../../package.json') as {
      contributes: { configuration: { properties: Record<string, { default: unknown }> } };
    };
    const { settings, errors } = normalizeSettings({});
    assert.deepEqual(errors, []);
    for (const [key, { default: value }] of Object.entries(manifest.contributes.configuration.properties)) {
      if (key === 'clearance.trace.server') continue;
      const path = key.replace(/^clearance\./, '').split('.');
      const actual = path.reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], settings);
      assert.deepEqual(actual, value, key);
    }
    assert.deepEqual(settings, defaultSettings);
  });

  it('reads the nested section VS Code returns', () => {
    const { settings } = normalizeSettings({
      policy: { entrypoint: 'data.x.allow' },
      identity: { tokenFile: 'a.jwt' },
    });
    assert.equal(settings.policy.entrypoint, 'data.x.allow');
    assert.equal(settings.identity.tokenFile, 'a.jwt');
    assert.equal(settings.identity.tokenEnv, 'CLEARANCE_TOKEN');
  });

  it('keeps limits inside their declared ranges, so a workspace cannot switch them off', () => {
    const { settings, errors } = normalizeSettings({
      evaluation: { timeoutMs: 1e12, maxSteps: 0 },
      identity: { clockSkewSeconds: 1e9 },
    });
    assert.equal(settings.evaluation.timeoutMs, 2000);
    assert.equal(settings.evaluation.maxSteps, 1_000_000);
    assert.equal(settings.identity.clockSkewSeconds, 60);
    assert.equal(errors.length, 3);
  });

  it('reads flat clearance.* keys from a settings file and ignores other extensions', () => {
    const { settings } = normalizeSettings({ 'clearance.policy.paths': ['policy'], 'editor.fontSize': 12 });
    assert.deepEqual(settings.policy.paths, ['policy']);
  });

  it('replaces a value of the wrong type by its default and says which key', () => {
    const { settings, errors } = normalizeSettings({
      evaluation: { timeoutMs: 'fast' },
      diagnostics: { deniedSeverity: 'loud' },
    });
    assert.equal(settings.evaluation.timeoutMs, 2000);
    assert.equal(settings.diagnostics.deniedSeverity, 'warning');
    assert.equal(errors.length, 2);
    assert.ok(errors.some((e) => e.message.includes('clearance.evaluation.timeoutMs')));
    assert.ok(errors.some((e) => e.message.includes('clearance.diagnostics.deniedSeverity')));
  });

  it('reads the editor settings: conditional severity, code lenses and the audit log, with their documented defaults', () => {
    const defaults = normalizeSettings({}).settings;
    assert.equal(defaults.diagnostics.conditionalSeverity, 'hint');
    assert.equal(defaults.codeLens.enabled, true);
    assert.deepEqual(defaults.audit, { enabled: true, file: '' });
    const { settings, errors } = normalizeSettings({
      'clearance.diagnostics.conditionalSeverity': 'none',
      'clearance.codeLens.enabled': false,
      'clearance.audit.enabled': 'no',
      'clearance.audit.file': '/var/log/clearance.jsonl',
    });
    assert.equal(settings.diagnostics.conditionalSeverity, 'none');
    assert.equal(settings.codeLens.enabled, false);
    assert.equal(settings.audit.enabled, true, 'a non-boolean falls back to the default');
    assert.equal(settings.audit.file, '/var/log/clearance.jsonl');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /clearance\.audit\.enabled must be true or false/);
    const error = normalizeSettings({ diagnostics: { conditionalSeverity: 'warning' } });
    assert.equal(error.settings.diagnostics.conditionalSeverity, 'hint');
  });
});

describe('readWorkspaceSettings', () => {
  const workspace = (text?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-settings-'));
    if (text !== undefined) {
      mkdirSync(join(dir, '.vscode'));
      writeFileSync(join(dir, '.vscode', 'settings.json'), text);
    }
    return dir;
  };

  it('gives the defaults when there is no settings file', () => {
    assert.deepEqual(readWorkspaceSettings(workspace()), { settings: defaultSettings, errors: [] });
  });

  it('accepts comments and trailing commas, as VS Code does', () => {
    const { settings, errors } = readWorkspaceSettings(
      workspace('{\n  // the demo token\n  "clearance.identity.tokenFile": "t.jwt",\n}\n'),
    );
    assert.deepEqual(errors, []);
    assert.equal(settings.identity.tokenFile, 't.jwt');
  });

  it('reports a malformed file with its line and column and keeps what it could read', () => {
    const { settings, errors } = readWorkspaceSettings(
      workspace(
        '{\n  "clearance.policy.entrypoint": "data.a.b"\n  "clearance.identity.tokenFile": "t.jwt"\n}\n',
      ),
    );
    assert.equal(settings.policy.entrypoint, 'data.a.b');
    assert.ok(errors.length >= 1);
    assert.equal(errors[0]?.code, 'config_parse_error');
    assert.equal(errors[0]?.location?.start.line, 3);
    assert.match(errors[0]?.message ?? '', /comma expected/);
    assert.match(errors[0]?.location?.file ?? '', /settings\.json$/);
  });

  it('reports an unreadable settings file instead of failing', () => {
    const dir = workspace();
    mkdirSync(join(dir, '.vscode', 'settings.json'), { recursive: true });
    const { settings, errors } = readWorkspaceSettings(dir);
    assert.deepEqual(settings, defaultSettings);
    assert.match(errors[0]?.message ?? '', /cannot read/);
  });
});

/**
 * The identity settings added for sources, mapping and context: how their values are read, and the
 * untrusted-workspace rule that drops the ones a workspace must not choose. package.json declares
 * which settings are user-only (application-scoped) and restricted; that is checked against it too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dropWorkspaceCommands, toIdentitySettings } from '../../../server/src/config/identity';
import { defaultSettings, normalizeSettings } from '../../../server/src/config/settings';
import { applyWorkspaceTrust, UNTRUSTED_IDENTITY_KEYS } from '../../../server/src/config/trust';

const manifest = require('../../../package.json') as {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};

describe('identity settings', () => {
  const cases: Array<{
    name: string;
    raw: Record<string, unknown>;
    field: string;
    value: unknown;
    error?: RegExp;
  }> = [
    {
      name: 'a command list is kept as it is',
      raw: { tokenCommand: ['corp', 'token', '--id'] },
      field: 'tokenCommand',
      value: ['corp', 'token', '--id'],
    },
    {
      name: 'a command string is split at spaces',
      raw: { tokenCommand: ' gcloud auth  print-identity-token ' },
      field: 'tokenCommand',
      value: ['gcloud', 'auth', 'print-identity-token'],
    },
    {
      name: 'a command of another type falls back to none',
      raw: { deviceCommand: 42 },
      field: 'deviceCommand',
      value: [],
      error: /deviceCommand must be a list of strings/,
    },
    {
      name: 'an unknown source falls back to auto',
      raw: { source: 'kerberos' },
      field: 'source',
      value: 'auto',
      error: /source must be/,
    },
    { name: 'a known source is kept', raw: { source: 'command' }, field: 'source', value: 'command' },
    {
      name: 'an unknown time zone falls back to the system one',
      raw: { timeZone: 'Mars/Olympus' },
      field: 'timeZone',
      value: '',
      error: /timeZone/,
    },
    {
      name: 'an IANA time zone is kept',
      raw: { timeZone: 'Asia/Kolkata' },
      field: 'timeZone',
      value: 'Asia/Kolkata',
    },
    {
      name: 'a claim mapping is kept',
      raw: { claimMapping: { id: 'oid', roles: ['roles', 'wids'] } },
      field: 'claimMapping',
      value: { id: 'oid', roles: ['roles', 'wids'] },
    },
    {
      name: 'a claim mapping with an unknown key is refused',
      raw: { claimMapping: { admin: 'yes' } },
      field: 'claimMapping',
      value: {},
      error: /claimMapping must be an object of claim names/,
    },
    {
      name: 'a timeout outside 100..120000 ms falls back',
      raw: { tokenCommandTimeoutMs: 5 },
      field: 'tokenCommandTimeoutMs',
      value: 10_000,
      error: /tokenCommandTimeoutMs/,
    },
  ];
  for (const row of cases) {
    it(row.name, () => {
      const { settings, errors } = normalizeSettings({ identity: row.raw });
      assert.deepEqual((settings.identity as Record<string, unknown>)[row.field], row.value);
      if (row.error) assert.match(errors.map((e) => e.message).join('\n'), row.error);
      else assert.deepEqual(errors, []);
    });
  }

  it('declares both commands application-scoped and every redirecting or running setting restricted', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.equal(properties['clearance.identity.tokenCommand']?.scope, 'application');
    assert.equal(properties['clearance.identity.deviceCommand']?.scope, 'application');
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of UNTRUSTED_IDENTITY_KEYS)
      assert.ok(restricted.includes(`clearance.identity.${key}`), key);
  });

  it('lets a token flag replace every token source of the settings, the command included', () => {
    const identity = {
      ...defaultSettings.identity,
      tokenCommand: ['corp'],
      tokenFile: 'a.jwt',
      source: 'command' as const,
    };
    const merged = toIdentitySettings(identity, { tokenFile: 'ci.jwt' });
    assert.equal(merged.tokenFile, 'ci.jwt');
    assert.equal(merged.tokenCommand, undefined);
    assert.equal(merged.tokenEnv, undefined);
    assert.equal(merged.source, 'auto');
  });

  it('keeps the CLI from running the commands a workspace names; the environment may name them', () => {
    const identity = { ...defaultSettings.identity, tokenCommand: ['evil'], deviceCommand: ['evil'] };
    const dropped = dropWorkspaceCommands(identity, { CLEARANCE_DEVICE_COMMAND: 'mdm-probe --json' });
    assert.deepEqual(dropped.identity.tokenCommand, []);
    assert.deepEqual(dropped.identity.deviceCommand, ['mdm-probe', '--json']);
    assert.deepEqual(dropped.ignored, [
      'clearance.identity.tokenCommand',
      'clearance.identity.deviceCommand',
    ]);
  });
});

describe('the untrusted-workspace rule', () => {
  const received = normalizeSettings({
    identity: {
      issuer: 'https://evil.example',
      jwksUrl: 'https://id.example.com/jwks',
      tokenCommand: ['evil'],
      tokenFile: 'a.jwt',
    },
  }).settings;
  const workspaceFile = normalizeSettings({
    identity: {
      issuer: 'https://evil.example',
      jwksUrl: 'https://evil.example/jwks',
      tokenCommand: ['evil'],
      tokenFile: 'a.jwt',
    },
  }).settings;

  it('changes nothing in a trusted workspace', () => {
    assert.deepEqual(applyWorkspaceTrust(received, workspaceFile, true), { settings: received, ignored: [] });
  });

  it("drops what the workspace file set (the token file too), keeps a user's different value", () => {
    const { settings, ignored } = applyWorkspaceTrust(received, workspaceFile, false);
    assert.equal(settings.identity.issuer, '');
    assert.deepEqual(settings.identity.tokenCommand, []);
    assert.equal(settings.identity.jwksUrl, 'https://id.example.com/jwks');
    assert.equal(settings.identity.tokenFile, '');
    assert.deepEqual(ignored, [
      'clearance.identity.tokenFile',
      'clearance.identity.tokenCommand',
      'clearance.identity.issuer',
    ]);
  });
});

// Regression guard (issue 15): in a remote window (code-server, SSH, containers) VS Code applies a
// `machine` setting from the user's settings at start, then drops it at the first save of those
// settings, so a working token command read as empty until a reload. `application` settings are
// never taken from a workspace either, and stay applied.
describe('a user-settings save never empties a user-only setting', () => {
  it('declares no Clearance setting machine-scoped', () => {
    const properties = manifest.contributes.configuration.properties;
    const machine = Object.entries(properties)
      .filter(([, p]) => p.scope === 'machine' || p.scope === 'machine-overridable')
      .map(([name]) => name);
    assert.deepEqual(machine, []);
  });
});

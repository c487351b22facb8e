/**
 * The server's one trust gate (finding 6 of issue 10): every restricted setting a workspace file
 * sets, whether `.vscode/settings.json` or a `*.code-workspace`, is dropped in an untrusted
 * workspace whatever channel delivered it; a user's different value stays. The restricted list
 * matches package.json's `restrictedConfigurations`, so VS Code and the server agree.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { normalizeSettings } from '../../../server/src/config/settings';
import {
  applyWorkspaceTrust,
  confinePolicyPaths,
  RESTRICTED_SETTINGS,
  readWorkspaceSettingFiles,
} from '../../../server/src/config/trust';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
};

/** One hostile value per restricted setting, as a workspace would set it. */
const hostile: Record<(typeof RESTRICTED_SETTINGS)[number], unknown> = {
  'identity.tokenFile': '../../home/dev/.ssh/id_token',
  'identity.tokenEnv': 'AWS_SECRET_ACCESS_KEY',
  'identity.tokenCommand': ['sh', '-c', 'curl evil'],
  'identity.deviceCommand': ['sh', '-c', 'curl evil'],
  'identity.jwksFile': 'forged.json',
  'identity.jwksUrl': 'http://127.0.0.1:9/jwks',
  'identity.issuer': 'http://127.0.0.1:9',
  'identity.audience': 'anything',
  'identity.claimsFile': 'admin.yaml',
  'identity.source': 'file',
  'identity.claimMapping': { role: 'groups' },
  'identity.clockSkewSeconds': 600,
  'identity.clientId': 'evil-client',
  'identity.scopes': 'openid admin',
  'evaluation.timeoutMs': 30_000,
  'evaluation.maxSteps': 100_000_000,
  'evaluation.maxDepth': 10_000,
  'evaluation.allowHttpSend': true,
  'audit.enabled': false,
  'audit.file': '/etc/cron.d/x',
  'index.maxFiles': 1_000_000,
  'policy.bundleOrigins': ['http://127.0.0.1:9'],
  'policy.bundleKeys': { global: { algorithm: 'HS256', keyFile: 'known-secret.txt' } },
  'policy.bundleAuth': 'identity',
  'policy.bundleTokenEnv': 'AWS_SECRET_ACCESS_KEY',
};

describe('the trust gate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-trust-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every restricted setting in package.json restrictedConfigurations', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of RESTRICTED_SETTINGS) assert.ok(restricted.includes(`clearance.${key}`), key);
  });

  for (const source of ['.vscode/settings.json', 'team.code-workspace'] as const) {
    it(`drops each restricted value set in ${source} when untrusted, and keeps them when trusted`, () => {
      const root = mkdtempSync(join(dir, 'ws-'));
      const flat = Object.fromEntries(Object.entries(hostile).map(([k, v]) => [`clearance.${k}`, v]));
      if (source === '.vscode/settings.json') {
        mkdirSync(join(root, '.vscode'));
        writeFileSync(join(root, source), JSON.stringify(flat));
      } else {
        writeFileSync(join(root, source), `// a comment\n${JSON.stringify({ folders: [], settings: flat })}`);
      }
      // What an editor that passes workspace settings through sends in workspace/configuration.
      const received = normalizeSettings(flat).settings;
      const files = readWorkspaceSettingFiles(root);
      assert.deepEqual(files.errors, []);
      const gated = applyWorkspaceTrust(received, files.files, false);
      assert.deepEqual(gated.ignored.sort(), RESTRICTED_SETTINGS.map((k) => `clearance.${k}`).sort());
      assert.equal(gated.settings.evaluation.allowHttpSend, false);
      assert.equal(gated.settings.audit.file, '');
      assert.equal(gated.settings.identity.tokenFile, '');
      assert.deepEqual(gated.settings.identity.deviceCommand, []);
      assert.equal(gated.settings.evaluation.timeoutMs, 2000);
      assert.deepEqual(applyWorkspaceTrust(received, files.files, true).settings, received);
    });
  }

  it("keeps a user's own value that differs from the workspace's", () => {
    const fromFile = normalizeSettings({ 'clearance.audit.file': '/tmp/evil.jsonl' }).settings;
    const received = normalizeSettings({ 'clearance.audit.file': '/home/dev/audit.jsonl' }).settings;
    assert.equal(
      applyWorkspaceTrust(received, [fromFile], false).settings.audit.file,
      '/home/dev/audit.jsonl',
    );
  });

  it('reports a settings file that is a link out of the workspace instead of reading it', () => {
    const root = mkdtempSync(join(dir, 'link-'));
    mkdirSync(join(root, '.vscode'));
    symlinkSync('/dev/zero', join(root, '.vscode', 'settings.json'));
    const files = readWorkspaceSettingFiles(root);
    assert.match(files.errors[0]?.message ?? '', /outside/);
  });

  it('confines policy paths to the workspace, links followed', () => {
    const root = mkdtempSync(join(dir, 'paths-'));
    mkdirSync(join(root, 'policy'));
    symlinkSync('/etc', join(root, 'etc-link'));
    assert.deepEqual(confinePolicyPaths(root, ['policy', 'missing', '/etc/passwd', 'etc-link', '../x']), {
      inside: ['policy', 'missing'],
      outside: ['/etc/passwd', 'etc-link', '../x'],
    });
  });
});

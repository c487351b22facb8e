/**
 * The configuration mistakes `clearance scan` names as the editor does (issue 15): a user-only
 * setting in the repository's `.vscode/settings.json`, with where it belongs, and a
 * `.clearance.yaml` that maps nothing. Each case is a project (the shop sample plus the files
 * below) and what stderr must and must not say; the scan itself still decides (exit 1: the DELETE).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../../server/src/cli/main';
import { freezeWallClock } from '../../support/frozen-clock';

// Decisions, not their speed: evaluation limits and budgets cannot fire on a loaded machine.
freezeWallClock();

const shop = join(__dirname, '..', '..', '..', 'examples', 'shop');
process.env.CLEARANCE_AUDIT_FILE = join(mkdtempSync(join(tmpdir(), 'clearance-audit-')), 'audit.jsonl');

interface Case {
  name: string;
  files: Record<string, string>;
  says: RegExp[];
  saysNot: RegExp[];
}

const MAPS_NOTHING = /\.clearance\.yaml: This file maps nothing: no baseUrls, routes, clients or actions/;
const cases: Case[] = [
  {
    name: 'a token command in the workspace settings is named, with where it belongs',
    files: {
      '.vscode/settings.json': JSON.stringify({
        'clearance.identity.tokenCommand': ['gcloud', 'auth', 'print-identity-token'],
      }),
    },
    says: [
      /clearance scan: warning: clearance\.identity\.tokenCommand is in this workspace's \.vscode\/settings\.json, where VS Code ignores it .*Move it to your user settings\./,
    ],
    saysNot: [/tokenCommand[^\n]* ignored: a repository/, MAPS_NOTHING],
  },
  {
    name: 'several user-only settings are named together; other repository settings stay "ignored"',
    files: {
      '.vscode/settings.json': JSON.stringify({
        'clearance.audit.file': '/tmp/elsewhere.jsonl',
        'clearance.policy.bundleOrigins': ['https://bundles.example.com'],
        'clearance.identity.issuer': 'https://id.example.com',
      }),
    },
    says: [
      /clearance\.audit\.file and clearance\.policy\.bundleOrigins are in this workspace's \.vscode\/settings\.json, where VS Code ignores them .*Move them to your user settings\./,
      /clearance\.identity\.issuer in .* is ignored: a repository sets only/,
    ],
    saysNot: [/audit\.file[^\n]* ignored: a repository/],
  },
  {
    name: 'a .clearance.yaml of comments only maps nothing',
    files: { '.clearance.yaml': '# baseUrls:\n#   - https://api.example.com\n' },
    says: [MAPS_NOTHING],
    saysNot: [/where VS Code ignores/],
  },
  {
    name: 'a .clearance.yaml that names only bundles maps something',
    files: { '.clearance.yaml': 'bundles:\n  - bundle\n' },
    says: [],
    saysNot: [MAPS_NOTHING],
  },
  {
    name: 'a blank .clearance.yaml is plainly no configuration, and a mapping one is fine',
    files: { '.clearance.yaml': '\n' },
    says: [],
    saysNot: [MAPS_NOTHING],
  },
  {
    name: 'a .clearance.yaml that only maps GraphQL operations maps something',
    files: { '.clearance.yaml': 'graphql:\n  operations:\n    OrderQuery: { action: read }\n' },
    says: [],
    saysNot: [MAPS_NOTHING],
  },
  {
    name: 'a .clearance.yaml with a base URL maps something',
    files: { '.clearance.yaml': 'baseUrls:\n  - https://api.example.com\n' },
    says: [],
    saysNot: [MAPS_NOTHING],
  },
];

describe('clearance scan names configuration mistakes as the editor does', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'clearance-mistakes-'));
      try {
        cpSync(shop, dir, { recursive: true });
        // The shop's own settings name its token: the identity comes from flags, as in CI.
        writeFileSync(join(dir, '.vscode', 'settings.json'), '{}');
        for (const [path, text] of Object.entries(c.files)) writeFileSync(join(dir, path), text);
        let err = '';
        const flags = ['--token-file', join(dir, 'identity', 'alice.jwt'), '--jwks-file'];
        flags.push(join(dir, 'identity', 'jwks.json'), '--issuer', 'https://id.example.com');
        flags.push('--audience', 'clearance-demo');
        const code = await runCli(['scan', dir, ...flags], {
          out: () => undefined,
          err: (t) => (err += t),
        });
        for (const re of c.says) assert.match(err, re);
        for (const re of c.saysNot) assert.doesNotMatch(err, re);
        if (!c.files['.clearance.yaml']?.startsWith('bundles')) assert.equal(code, 1, err);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

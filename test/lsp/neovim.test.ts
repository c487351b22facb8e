/**
 * The standalone language server in a real other editor: headless Neovim (Debian's, 0.7) with its
 * built-in LSP client starts `clearance lsp --stdio` on a copy of examples/shop and, driven by
 * test/fixtures/neovim/drive.lua, reads the diagnostics on a denied call, hovers it, lists and runs
 * its code actions, and breaks the policy while typing. Expected values follow from
 * examples/shop/policy/authz.rego: alice (developer) may not delete orders.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';

const run = promisify(execFile);
const repo = join(__dirname, '..', '..');
const driver = join(repo, 'test', 'fixtures', 'neovim', 'drive.lua');
const alice = { sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' };

/** What drive.lua wrote. */
interface NeovimRun {
  error?: string;
  steps: string[];
  messages: string[];
  diagnostics: Array<{ line: number; severity: number; message: string; source?: string }>;
  delete_line: number;
  hover: unknown;
  actions: Array<{ title: string; command: string | null; has_edit: boolean }>;
  opened_after_command?: string;
  line_above_after_edit?: string;
  rego_diagnostics: Array<{ message: string; code?: string }>;
}

/** Runs Neovim headless on `root` with `command` as the server, and returns what the driver saw. */
async function runNeovim(
  root: string,
  command: string[],
  extraEnv: Record<string, string> = {},
): Promise<NeovimRun> {
  const outFile = join(root, '.nvim-out.json');
  const settings = {
    clearance: {
      identity: {
        tokenFile: 'identity/alice.jwt',
        jwksFile: 'identity/jwks.json',
        issuer: 'https://id.example.com',
        audience: 'clearance-demo',
      },
      audit: { enabled: false },
    },
  };
  await run('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${driver}`], {
    cwd: root,
    timeout: 120_000,
    env: {
      ...process.env,
      HOME: root,
      XDG_STATE_HOME: join(root, '.nvim-state'),
      CLEARANCE_ROOT: root,
      CLEARANCE_OUT: outFile,
      CLEARANCE_CMD: JSON.stringify(command),
      CLEARANCE_SETTINGS: JSON.stringify(settings),
      ...extraEnv,
    },
  });
  return JSON.parse(readFileSync(outFile, 'utf8')) as NeovimRun;
}

describe('headless Neovim drives clearance lsp --stdio', () => {
  let root: string;
  let seen: NeovimRun;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-nvim-'));
    cpSync(join(repo, 'examples', 'shop'), root, { recursive: true });
    await mintDemoIdentity({ outDir: join(root, 'identity'), ttlSeconds: 15 * 60, users: [alice] });
    seen = await runNeovim(root, ['node', join(repo, 'bin', 'clearance.js'), 'lsp', '--stdio']);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs every step without an error', () => {
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.steps, [
      'started',
      'diagnostics',
      'hover',
      'code actions',
      'command action',
      'edit action',
      'rego parse error',
    ]);
  });

  it('shows a warning on the denied DELETE call, and only there', () => {
    const warnings = seen.diagnostics.filter((d) => d.severity === 2);
    assert.deepEqual(
      warnings.map((d) => d.line),
      [seen.delete_line],
    );
    assert.match(warnings[0]?.message ?? '', /denied/i);
  });

  it('hovers the DELETE call with its decision for alice', () => {
    const text = JSON.stringify(seen.hover);
    assert.match(text, /denied/i);
    assert.match(text, /alice/);
    assert.match(text, /delete/);
  });

  it('offers only actions that need nothing but standard LSP', () => {
    assert.deepEqual(
      seen.actions.map((a) => a.title.replace(/ \(.*\)$/, '')),
      ['Open the deciding rule', 'Open the closest allow rule', 'Suppress with a comment'],
    );
    for (const action of seen.actions) {
      assert.ok(
        action.has_edit || (action.command ?? '').startsWith('clearance.server.'),
        `"${action.title}" runs ${action.command}, a command no LSP client but VS Code's has`,
      );
    }
  });

  it('opens the deciding rule through window/showDocument', () => {
    assert.match(seen.opened_after_command ?? '', /policy\/authz\.rego$/);
  });

  it('applies the suppression edit above the call', () => {
    assert.match(seen.line_above_after_edit ?? '', /\/\/ clearance: ignore/);
  });

  it('reports a Rego parse error while the policy is being typed', () => {
    assert.ok(
      seen.rego_diagnostics.some((d) => d.code === 'rego_parse_error' || /parse/i.test(d.message)),
      JSON.stringify(seen.rego_diagnostics),
    );
  });
});

describe('headless Neovim that pushes settings and refuses dynamic registration', () => {
  it('still gets decisions: readiness never waits on a registration', async () => {
    const root = mkdtempSync(join(tmpdir(), 'clearance-nvim-refuse-'));
    try {
      cpSync(join(repo, 'examples', 'shop'), root, { recursive: true });
      await mintDemoIdentity({ outDir: join(root, 'identity'), ttlSeconds: 15 * 60, users: [alice] });
      const seen = await runNeovim(root, ['node', join(repo, 'bin', 'clearance-language-server.js')], {
        CLEARANCE_REFUSE_REGISTRATION: '1',
        CLEARANCE_PUSH_SETTINGS: '1',
      });
      assert.equal(seen.error, undefined);
      // Pushed settings reach the server: it decides as alice, so only the DELETE call is a warning.
      assert.deepEqual(
        seen.diagnostics.filter((d) => d.severity === 2).map((d) => d.line),
        [seen.delete_line],
      );
      // This client does not follow window/showDocument, so no action depends on it.
      assert.deepEqual(
        seen.actions.map((a) => a.title),
        ['Suppress with a comment'],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

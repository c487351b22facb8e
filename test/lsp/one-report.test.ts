/**
 * One report per request in the editor, as in the CLI: over LSP, on a Go package whose private
 * `Client.get` writes the API prefix and four callers in two files write the rest
 * (test/fixtures/lsp/single-report), the call inside `get` is not reported (no diagnostic in the
 * open wrapper's file, no hover or code lens there, not in the permissions) and the callers are;
 * an edit that adds a caller
 * writing no part of the URL brings it back, and undoing the edit drops it again. The CLI's `scan`
 * of the same files, run here, gives the same calls; both are checked against the fixture's
 * hand-written expected.yaml.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { parse } from 'yaml';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import { runCli } from '../../server/src/cli/main';
import type { PermissionsResponse } from '../../server/src/lsp/clearance-protocol';
import {
  changeDocument,
  hoverText,
  openDocument,
  shopIdentitySettings,
  startServer,
  type TestServer,
  until,
  untilAnswer,
} from './lsp-client';

const fixture = join(__dirname, '..', 'fixtures', 'lsp', 'single-report');
const shopPolicy = join(__dirname, '..', '..', 'examples', 'shop', 'policy');

/** A call as expected.yaml writes it: file, 1-based line, and `METHOD url-template`. */
interface ExpectedCall {
  file: string;
  line: number;
  call: string;
}

const expected = parse(readFileSync(join(fixture, 'expected.yaml'), 'utf8')) as {
  before: ExpectedCall[];
  edit: { file: string; append: string };
  after: ExpectedCall[];
};
const asLines = (calls: ExpectedCall[]) => calls.map((c) => `${c.file}:${c.line} ${c.call}`).sort();

describe('one report per request through a private wrapper, in the editor as in the CLI', () => {
  let server: TestServer;
  let root: string;
  const uriOf = (file: string) => pathToFileURL(join(root, file)).href;
  const textOf = (file: string) => readFileSync(join(fixture, file), 'utf8');

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-one-report-'));
    cpSync(join(fixture, 'forge'), join(root, 'forge'), { recursive: true });
    cpSync(shopPolicy, join(root, 'policy'), { recursive: true });
    await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 900,
      users: [{ sub: 'alice', email: 'alice@example.com', role: 'developer' }],
    });
    // The default settings: a conditional call is a hint, so every call reported has a diagnostic.
    server = await startServer(root, shopIdentitySettings);
    // The wrapper's file and one caller's are open; forge/repos.go, the other caller, is not.
    await openDocument(server, join(root, 'forge/client.go'), textOf('forge/client.go'), 'go');
    await openDocument(server, join(root, 'forge/users.go'), textOf('forge/users.go'), 'go');
  });
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** The CLI's `scan --format json` of the workspace's files on disk, as `file:line call`. */
  async function cliCalls(): Promise<string[]> {
    let out = '';
    let err = '';
    const previousAudit = process.env.CLEARANCE_AUDIT_FILE;
    process.env.CLEARANCE_AUDIT_FILE = join(server.home, 'audit.jsonl');
    try {
      await runCli(
        [
          'scan',
          root,
          '--format',
          'json',
          '--no-audit',
          '--policy',
          join(root, 'policy'),
          '--token-file',
          join(root, 'identity', 'alice.jwt'),
          '--jwks-file',
          join(root, 'identity', 'jwks.json'),
          '--issuer',
          'https://id.example.com',
          '--audience',
          'clearance-demo',
        ],
        { out: (t) => (out += t), err: (t) => (err += t) },
      );
    } finally {
      if (previousAudit === undefined) delete process.env.CLEARANCE_AUDIT_FILE;
      else process.env.CLEARANCE_AUDIT_FILE = previousAudit;
    }
    const report = JSON.parse(out) as { calls?: Array<{ file: string; line: number; call: string }> };
    assert.ok(report.calls, `the CLI's report: ${err}`);
    return report.calls.map((c) => `${c.file}:${c.line} ${c.call}`).sort();
  }

  /** Every location of the permissions view, as `file:line call` (1-based line). */
  function permissionLines(report: PermissionsResponse): string[] {
    const out: string[] = [];
    const prefix = `${pathToFileURL(root).href}/`;
    for (const r of report.resources)
      for (const a of r.actions)
        for (const d of a.decisions)
          for (const l of d.locations)
            out.push(`${l.uri.slice(prefix.length)}:${l.range.start.line + 1} ${l.summary}`);
    return out.sort();
  }

  /**
   * The permissions view once it lists exactly `want`: asked, then asked again after each thing the
   * server says (`clearance/permissionsChanged`, its index's log), never on a timer.
   */
  async function permissionsBecome(want: string[]): Promise<void> {
    let last: string[] = [];
    await untilAnswer(
      server,
      'the permissions view',
      async () => {
        const report = (await server.connection.sendRequest('clearance/permissions')) as PermissionsResponse;
        last = permissionLines(report);
        return report.state === 'ready' && JSON.stringify(last) === JSON.stringify(want) ? true : undefined;
      },
      undefined,
      () => `${JSON.stringify(last)} instead of ${JSON.stringify(want)}`,
    );
  }

  /** Waits until the open `file` shows a diagnostic on exactly the 1-based `lines`. */
  async function diagnosticsBecome(file: string, lines: number[]): Promise<void> {
    const uri = uriOf(file);
    const shown = () =>
      (server.diagnostics.get(uri) ?? []).map((d) => d.range.start.line + 1).sort((a, b) => a - b);
    await until(
      server,
      `${file}'s diagnostics on lines ${lines.join(', ') || 'none'} (now ${shown().join(', ') || 'none'})`,
      () =>
        server.diagnostics.has(uri) && JSON.stringify(shown()) === JSON.stringify(lines) ? true : undefined,
    );
  }

  const linesIn = (calls: ExpectedCall[], file: string) =>
    calls.filter((c) => c.file === file).map((c) => c.line);

  /** What the editor shows of the wrapper's call inside: a hover over it, and the file's lens lines. */
  async function shownInWrapper(): Promise<{ hover: boolean; lenses: number[] }> {
    const inside = expected.after.find((c) => c.file === 'forge/client.go') as ExpectedCall;
    const line = textOf('forge/client.go').split('\n')[inside.line - 1] as string;
    const hover = await hoverText(
      server,
      uriOf('forge/client.go'),
      inside.line - 1,
      line.indexOf('http.') + 1,
    );
    const lenses = (await server.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri: uriOf('forge/client.go') },
    })) as CodeLens[];
    return { hover: hover !== undefined, lenses: lenses.map((l) => l.range.start.line + 1) };
  }

  it('reports the callers and not the call inside the private wrapper, as the CLI does', async () => {
    assert.deepEqual(await cliCalls(), asLines(expected.before), 'the CLI');
    await permissionsBecome(asLines(expected.before));
    await diagnosticsBecome('forge/users.go', linesIn(expected.before, 'forge/users.go'));
    await diagnosticsBecome('forge/client.go', linesIn(expected.before, 'forge/client.go'));
    assert.deepEqual(await shownInWrapper(), { hover: false, lenses: [] });
  });

  it('reports the call inside again when an edit adds a caller that writes no part of the URL', async () => {
    const { file, append } = expected.edit;
    const edited = textOf(file) + append;
    await changeDocument(server, uriOf(file), 2, edited);
    // The CLI reads the disk: it is given the same text.
    writeFileSync(join(root, file), edited);
    assert.deepEqual(await cliCalls(), asLines(expected.after), 'the CLI');
    await permissionsBecome(asLines(expected.after));
    await diagnosticsBecome('forge/client.go', linesIn(expected.after, 'forge/client.go'));
    await diagnosticsBecome(file, linesIn(expected.after, file));
    assert.deepEqual(await shownInWrapper(), {
      hover: true,
      lenses: linesIn(expected.after, 'forge/client.go'),
    });
  });

  it('drops it again when the edit is undone', async () => {
    const { file } = expected.edit;
    await changeDocument(server, uriOf(file), 3, textOf(file));
    writeFileSync(join(root, file), textOf(file));
    assert.deepEqual(await cliCalls(), asLines(expected.before), 'the CLI');
    await permissionsBecome(asLines(expected.before));
    await diagnosticsBecome('forge/client.go', linesIn(expected.before, 'forge/client.go'));
  });
});

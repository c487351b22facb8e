/**
 * The editor features over a real LSP connection to the built server, on a copy of examples/shop
 * with alice's token minted at test time: conditional diagnostics and their severity setting, hovers
 * that explain (plain-word conditions, the closest allow rule, the other actions on the resource),
 * code lenses, code actions (rule, identity, access request, suppression) and the audit log.
 * Expected values follow from examples/shop/policy/authz.rego: alice (developer) may read and update
 * the orders she owns, nothing else.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type CodeAction,
  type CodeLens,
  type Diagnostic,
  DiagnosticSeverity,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { mintDemoIdentity } from '../../scripts/mint-demo-identity';
import type { AuditRecord } from '../../server/src/audit/audit-log';
import { hoverText, openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const example = join(__dirname, '..', '..', 'examples', 'shop');
/** Markers in orders.ts: the GET call's line, and the line after the PATCH call's first (the DELETE one has `method: 'DELETE'`). */
const GET_MARKER = `const response = await fetch(\`/api/orders/${['$', '{id}'].join('')}\`);`;
const PATCH_MARKER = "method: 'PATCH'";

function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex((l) => l.includes(marker));
}

describe('editor features on examples/shop', () => {
  let root: string;
  let server: TestServer;
  let token: string;
  let auditFile: string;
  let ordersUri: string;
  let ordersText: string;
  const settings = (extra: Record<string, unknown> = {}) => ({
    identity: {
      tokenFile: 'identity/alice.jwt',
      jwksFile: 'identity/jwks.json',
      issuer: 'https://id.example.com',
      audience: 'clearance-demo',
    },
    audit: { file: auditFile },
    ...extra,
  });
  const shown: Array<{ uri: string; selection?: { start: { line: number } } }> = [];

  /** Sends new settings and waits until the server has applied them (each refresh ends with the identity). */
  async function applySettings(next: Record<string, unknown>): Promise<void> {
    const seen = server.identities.length;
    server.settings = next;
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor('the settings to apply', () => (server.identities.length > seen ? true : undefined));
  }

  /** The hover over `fetch` on a 0-based line of orders.ts. */
  const hoverAtFetch = (line: number) =>
    hoverText(server, ordersUri, line, (ordersText.split('\n')[line] as string).indexOf('fetch'));

  const diagnosticsOf = (severity: DiagnosticSeverity): Diagnostic[] =>
    (server.diagnostics.get(ordersUri) ?? []).filter((d) => d.severity === severity);

  async function lenses(): Promise<CodeLens[]> {
    return (await server.connection.sendRequest('textDocument/codeLens', {
      textDocument: { uri: ordersUri },
    })) as CodeLens[];
  }

  async function actionsAt(line: number, diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
    const character = (ordersText.split('\n')[line] as string).indexOf('fetch');
    const position = { line, character };
    return (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: ordersUri },
      range: { start: position, end: position },
      context: { diagnostics },
    })) as CodeAction[];
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-editor-'));
    cpSync(example, root, { recursive: true });
    auditFile = join(root, '.audit', 'audit.jsonl');
    const minted = await mintDemoIdentity({
      outDir: join(root, 'identity'),
      ttlSeconds: 15 * 60,
      users: [{ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', role: 'developer' }],
    });
    token = minted.tokens.alice as string;
    server = await startServer(root, settings());
    server.connection.onRequest('window/showDocument', (params: (typeof shown)[number]) => {
      shown.push(params);
      return { success: true };
    });
    ordersText = readFileSync(join(root, 'src/api/orders.ts'), 'utf8');
    ordersUri = await openDocument(server, join(root, 'src/api/orders.ts'), ordersText, 'typescript');
    await waitFor('diagnostics for orders.ts', () => server.diagnostics.get(ordersUri));
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('marks the two owner-only calls as hints by default, next to the DELETE warning', () => {
    const warnings = diagnosticsOf(DiagnosticSeverity.Warning);
    const hints = diagnosticsOf(DiagnosticSeverity.Hint);
    assert.deepEqual(
      warnings.map((d) => d.range.start.line),
      [lineOf(ordersText, "method: 'DELETE'")],
    );
    assert.deepEqual(
      hints.map((d) => d.range.start.line).sort((a, b) => a - b),
      [lineOf(ordersText, GET_MARKER), lineOf(ordersText, PATCH_MARKER) - 1],
    );
    assert.ok(hints.every((d) => d.code === 'call_conditional'));
    // One short sentence in words; the Rego condition is the hover's (docs/messages.md).
    assert.equal(String(hints[0]?.message), 'Allowed only if you own the order.');
  });

  it('shows conditional calls as Information, or not at all, as clearance.diagnostics.conditionalSeverity says', async () => {
    await applySettings(settings({ diagnostics: { conditionalSeverity: 'information' } }));
    await waitFor('information diagnostics', () =>
      diagnosticsOf(DiagnosticSeverity.Information).length === 2 ? true : undefined,
    );
    assert.equal(diagnosticsOf(DiagnosticSeverity.Hint).length, 0);
    await applySettings(settings({ diagnostics: { conditionalSeverity: 'none' } }));
    await waitFor('only the warning', () =>
      server.diagnostics.get(ordersUri)?.length === 1 ? true : undefined,
    );
    assert.equal(diagnosticsOf(DiagnosticSeverity.Warning).length, 1);
    await applySettings(settings());
    await waitFor('hints again', () =>
      diagnosticsOf(DiagnosticSeverity.Hint).length === 2 ? true : undefined,
    );
  });

  it('explains a conditional GET in plain words and lists the other actions on the order with their decisions', async () => {
    const line = lineOf(ordersText, GET_MARKER);
    const text = await hoverAtFetch(line);
    assert.ok(text);
    for (const part of [
      'alice@example.com',
      '`read`',
      'order',
      'conditional',
      'you own the order',
      '`input.resource.owner_id == "alice"`',
      'authz.rego:11',
    ]) {
      assert.ok(text.includes(part), `hover lacks ${part}:\n${text}`);
    }
    assert.match(text, /version `sha256:[0-9a-f]{12}`/);
    const others = /\*\*Other actions on this order:\*\* (.*)/.exec(text)?.[1] ?? '';
    // read is the call's own action; create and delete are for admins; update is for owners.
    assert.doesNotMatch(others, /`read`/);
    assert.match(others, /`create` ⛔ denied/);
    assert.match(others, /`update` ❔ conditional \(if you own the order\)/);
    assert.match(others, /`delete` ⛔ denied/);
  });

  it('names the closest allow rule of the DELETE denial and the expression it fails at, with links', async () => {
    const line = lineOf(ordersText, "method: 'DELETE'");
    const text = await hoverAtFetch(line);
    assert.ok(text);
    const authz = readFileSync(join(root, 'policy/authz.rego'), 'utf8');
    const failing = lineOf(authz, 'input.action in ["read", "update"]') + 1;
    assert.ok(text.includes('Closest allow rule'), text);
    assert.ok(text.includes('`input.action in ["read", "update"]`'), text);
    assert.match(text, new RegExp(`\\(file://[^)]*authz\\.rego#L${failing}\\)`));
    assert.match(text, /`update` ❔ conditional/);
  });

  it('puts a lens above each call with its verdict and the identity', async () => {
    const titles = (await lenses())
      .sort((a, b) => a.range.start.line - b.range.start.line)
      .map((l) => `${l.range.start.line}: ${l.command?.title}`);
    assert.deepEqual(titles, [
      `${lineOf(ordersText, GET_MARKER)}: ❔ conditional for alice@example.com: if you own the order`,
      `${lineOf(ordersText, PATCH_MARKER) - 1}: ❔ conditional for alice@example.com: if you own the order`,
      `${lineOf(ordersText, "method: 'DELETE'")}: ⛔ denied for alice@example.com`,
    ]);
  });

  it('puts no lens when clearance.codeLens.enabled is false', async () => {
    await applySettings(settings({ codeLens: { enabled: false } }));
    assert.deepEqual(await lenses(), []);
    await applySettings(settings());
    assert.equal((await lenses()).length, 3);
  });

  it('offers the code actions on the denied call, and the suppression inserts an indented comment above it', async () => {
    const line = lineOf(ordersText, "method: 'DELETE'");
    const warning = diagnosticsOf(DiagnosticSeverity.Warning);
    const actions = await actionsAt(line, warning);
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        'Open the deciding rule (authz.rego:5)',
        'Open the closest allow rule (authz.rego:11)',
        'Evaluate as another identity…',
        'Open the exact input',
        'Copy the input as input.json',
        "Evaluate this call's input in the policy",
        'Copy an access request',
        'Suppress with a comment',
      ],
    );
    assert.equal(actions[2]?.command?.command, 'clearance.evaluateAs');
    assert.equal(actions[3]?.command?.command, 'clearance.openInput');
    assert.equal(actions[4]?.command?.command, 'clearance.copyInput');
    assert.equal(actions[5]?.command?.command, 'clearance.rego.evaluateCall');
    assert.equal(actions[6]?.command?.command, 'clearance.copyAccessRequest');
    const suppress = actions[7];
    assert.deepEqual(suppress?.diagnostics, warning);
    const edits = suppress?.edit?.changes?.[ordersUri] as TextEdit[];
    assert.deepEqual(edits, [
      {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        newText: '  // clearance: ignore\n',
      },
    ]);
  });

  it('opens the deciding rule at its line through window/showDocument', async () => {
    const line = lineOf(ordersText, "method: 'DELETE'");
    const [open] = await actionsAt(line);
    assert.ok(open?.command);
    await server.connection.sendRequest('workspace/executeCommand', {
      command: open.command.command,
      arguments: open.command.arguments,
    });
    const authz = readFileSync(join(root, 'policy/authz.rego'), 'utf8');
    assert.equal(shown.at(-1)?.uri, `file://${join(root, 'policy/authz.rego')}`);
    assert.equal(shown.at(-1)?.selection?.start.line, lineOf(authz, 'default allow := false'));
  });

  it('builds an access request in Markdown: identity, action, resource, decision, policy version, and no token', async () => {
    const line = lineOf(ordersText, "method: 'DELETE'");
    const character = (ordersText.split('\n')[line] as string).indexOf('fetch');
    const markdown = (await server.connection.sendRequest('workspace/executeCommand', {
      command: 'clearance.server.accessRequest',
      arguments: [ordersUri, { line, character }],
    })) as string;
    for (const part of [
      'alice@example.com',
      '`delete`',
      'order',
      'denied',
      'default allow := false',
      'orders.ts:',
    ]) {
      assert.ok(markdown.includes(part), `access request lacks ${part}:\n${markdown}`);
    }
    assert.match(markdown, /version `sha256:[0-9a-f]{12}`/);
    assert.ok(!markdown.includes(token.split('.')[2] as string));
  });

  it('appends each decision shown to the audit log once, with no token in it', async () => {
    const records = await waitFor('audit records', () => {
      if (!existsSync(auditFile)) return undefined;
      const lines = readFileSync(auditFile, 'utf8').split('\n').filter(Boolean);
      return lines.length >= 3 ? lines.map((l) => JSON.parse(l) as AuditRecord) : undefined;
    });
    const del = records.find((r) => r.verdict === 'denied');
    assert.equal(del?.tool, 'editor');
    assert.equal(del?.identity.subject, 'alice');
    assert.equal(del?.identity.status, 'verified');
    assert.equal(del?.action, 'delete');
    assert.equal(del?.line, lineOf(ordersText, "method: 'DELETE'") + 1);
    // Settings changes above republished orders.ts several times with the same decisions.
    const keys = records.map((r) => `${r.line}:${r.verdict}:${r.policyVersion}:${r.identity.subject}`);
    assert.equal(new Set(keys).size, keys.length, 'a decision was written twice');
    const text = readFileSync(auditFile, 'utf8');
    assert.ok(!text.includes(token.split('.')[1] as string), "the token's payload is in the audit log");
    assert.ok(!text.includes(token.split('.')[2] as string), "the token's signature is in the audit log");
  });

  it('writes no audit record when clearance.audit.enabled is false', async () => {
    const off = join(root, '.audit', 'off.jsonl');
    await applySettings(settings({ audit: { enabled: false, file: off } }));
    const line = lineOf(ordersText, "method: 'DELETE'");
    await hoverAtFetch(line);
    await lenses();
    assert.equal(existsSync(off), false);
    await applySettings(settings({ audit: { enabled: true, file: off } }));
    await waitFor('records in the new file', () => (existsSync(off) ? true : undefined));
  });
});

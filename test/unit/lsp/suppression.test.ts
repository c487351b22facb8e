/**
 * Suppressed calls (a `clearance: ignore` comment on the line above, which the scanner marks as
 * `suppressed: true`) get no diagnostic, no lens, no code action and no audit record; the
 * suppression code action writes that comment in the document language's syntax, indented like the
 * call. The calls are built by hand, as the scanner would report them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettings } from '../../../server/src/config/settings';
import { decideOne } from '../../../server/src/decision/scan';
import type { Identity } from '../../../server/src/identity';
import { minimalClientFeatures } from '../../../server/src/lsp/client-features';
import { buildCodeActions } from '../../../server/src/lsp/code-actions';
import { buildCodeLenses } from '../../../server/src/lsp/code-lens';
import { EditorAudit } from '../../../server/src/lsp/editor-audit';
import { buildCodeDiagnostics } from '../../../server/src/lsp/features';
import { loadPolicy } from '../../../server/src/policy/load';
import type { HttpCall } from '../../../server/src/scanner';

const repo = join(__dirname, '..', '..', '..');
/** `${id}` as the code under test writes it (built so no linter takes it for a mistaken placeholder). */
const ID = ['$', '{id}'].join('');
const policy = loadPolicy(repo, ['examples/shop/policy/authz.rego']);
const identity: Identity = {
  status: 'verified',
  source: { kind: 'file', label: 'fixture' },
  user: { id: 'alice', email: 'alice@example.com', role: 'developer', roles: ['developer'] },
};

/** A DELETE of `/api/orders/${id}` on `line` (1-based), starting at `column`, as a recogniser reports it. */
function deleteCall(
  file: string,
  line: number,
  column: number,
  suppressed: boolean,
): HttpCall & { suppressed?: boolean } {
  const start = { line, column, offset: 0 };
  const end = { line, column: column + 40, offset: 40 };
  return {
    kind: 'http',
    client: 'fetch',
    method: 'DELETE',
    url: {
      source: `/api/orders/${ID}`,
      segments: [
        { kind: 'literal', text: '/api/orders/' },
        { kind: 'expr', source: 'id' },
      ],
      known: true,
    },
    location: { file, start, end },
    calleeLocation: { file, start, end: { ...start, column: column + 5 } },
    text: `fetch(\`/api/orders/${ID}\`, { method: "DELETE" })`,
    ...(suppressed ? { suppressed: true } : {}),
  };
}

function decide(file: string, call: HttpCall) {
  return decideOne(file, call, { policy, identity, settings: defaultSettings, now: new Date() });
}

describe('suppressed calls', () => {
  const file = join(repo, 'src', 'a.ts');
  const open = decide(file, deleteCall(file, 2, 3, false));
  const quiet = decide(file, deleteCall(file, 4, 3, true));

  it('the unsuppressed twin is denied and flagged, so the silence below is the suppression', () => {
    assert.equal(open.decision.verdict, 'denied');
    const diagnostics = buildCodeDiagnostics({ calls: [open], errors: [] }, identity, defaultSettings);
    assert.equal(diagnostics.length, 1);
    assert.equal(buildCodeLenses([open], identity).length, 1);
  });

  it('get no diagnostic, no lens and no code action', () => {
    assert.deepEqual(buildCodeDiagnostics({ calls: [quiet], errors: [] }, identity, defaultSettings), []);
    assert.deepEqual(buildCodeLenses([quiet], identity), []);
    const range = { start: { line: 3, character: 2 }, end: { line: 3, character: 2 } };
    assert.deepEqual(
      buildCodeActions('file:///a.ts', file, 'x\ny\nz\nw\n', [quiet], range, [], minimalClientFeatures),
      [],
    );
  });

  it('write no audit record', async () => {
    const auditFile = join(mkdtempSync(join(tmpdir(), 'clearance-suppress-')), 'audit.jsonl');
    const settings = { ...defaultSettings, audit: { enabled: true, file: auditFile } };
    const quietAudit = new EditorAudit(assert.fail);
    quietAudit.record([quiet], identity, settings, repo);
    await quietAudit.flush();
    assert.equal(existsSync(auditFile), false);
    const openAudit = new EditorAudit(assert.fail);
    openAudit.record([open], identity, settings, repo);
    await openAudit.flush();
    assert.equal(existsSync(auditFile), true);
  });
});

describe('the suppression code action', () => {
  const suppressEdit = (path: string, text: string, line: number, column: number) => {
    const item = decide(path, deleteCall(path, line, column, false));
    const at = { line: line - 1, character: column - 1 };
    const actions = buildCodeActions(
      'file:///doc',
      path,
      text,
      [item],
      { start: at, end: at },
      [],
      minimalClientFeatures,
    );
    const action = actions.find((a) => a.title === 'Suppress with a comment');
    return action?.edit?.changes?.['file:///doc'];
  };

  it('writes `// clearance: ignore` above a TypeScript call, with the call line’s indentation', () => {
    const text = `async function f(id) {\n    await fetch(\`/api/orders/${ID}\`, { method: "DELETE" });\n}\n`;
    assert.deepEqual(suppressEdit('/w/a.ts', text, 2, 11), [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        newText: '    // clearance: ignore\n',
      },
    ]);
  });

  it('writes `# clearance: ignore` above a Python call, keeping tab indentation', () => {
    const text = 'def f(id):\n\trequests.delete(f"/api/orders/{id}")\n';
    assert.deepEqual(suppressEdit('/w/a.py', text, 2, 2), [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        newText: '\t# clearance: ignore\n',
      },
    ]);
  });
});

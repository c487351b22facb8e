/**
 * Formatting and lint in the editor, over stdio with a real LSP client: whole-document formatting
 * gives `opa fmt` output, lint violations arrive as `clearance-lint` diagnostics beside the parse
 * and compile ones, and a lint fix comes back as a quick-fix code action.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { writeTree } from '../write-tree';
import { openDocument, startServer, type TestServer, waitFor } from './lsp-client';

const policy = 'package api.authz\n\ndefault allow = false\nallow   if { input.user == "alice" }\n';
// By hand, from `opa fmt`'s rules: `:=` for rule values in v1, a blank line after `default`,
// a one-expression body on the head's line written `if expr`.
const formatted = 'package api.authz\n\ndefault allow := false\n\nallow if input.user == "alice"\n';

describe('language server: formatting and lint', () => {
  let server: TestServer;
  let file: string;
  let uri: string;

  before(async () => {
    const root = writeTree({ 'policy/authz.rego': policy });
    server = await startServer(root, {});
    file = join(root, 'policy/authz.rego');
    uri = pathToFileURL(file).href;
    await openDocument(server, file, policy, 'rego');
  });
  after(async () => {
    await server.stop();
  });

  it('formats the whole document as opa fmt does', async () => {
    const edits = (await server.connection.sendRequest('textDocument/formatting', {
      textDocument: { uri },
      options: { tabSize: 4, insertSpaces: false },
    })) as TextEdit[];
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0]?.range.start, { line: 0, character: 0 });
    assert.equal(edits[0]?.newText, formatted);
  });

  it('publishes lint violations as diagnostics, and offers the rule fix as a quick fix', async () => {
    const diagnostics = await waitFor('lint diagnostics', () => {
      const d = server.diagnostics.get(uri);
      return d?.some((x) => x.code === 'use-assignment-operator') ? d : undefined;
    });
    const lint = diagnostics.find((d) => d.code === 'use-assignment-operator') as Diagnostic;
    assert.equal(lint.source, 'clearance-lint');
    assert.deepEqual(lint.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 15 } });
    assert.ok(diagnostics.some((d) => d.code === 'opa-fmt'));
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: lint.range,
      context: { diagnostics: [lint] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.title.includes('use-assignment-operator'));
    assert.ok(fix, JSON.stringify(actions));
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.edit?.changes?.[uri], [
      { range: { start: { line: 2, character: 14 }, end: { line: 2, character: 15 } }, newText: ':=' },
    ]);
  });
});

/**
 * A client that stops reading the server's output does not stall the server: Node writes a pipe
 * (or the socket pair an editor spawns a server with) asynchronously on Linux, and
 * `vscode-languageserver`'s writer queues what the client has not read. While megabytes of
 * responses wait unread, far more than the kernel's buffers hold, the server reads the next
 * document, decides it and appends its audit record; when the client reads again, every answer
 * arrives whole. See docs/security.md (writes to the editor).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CompletionItem } from 'vscode-languageserver-protocol';
import { openDocument, shopIdentitySettings, until, waitFor } from './lsp-client';
import { useShopServer } from './shop-server';

describe('a client that stops reading the server', () => {
  const suite = useShopServer({ prefix: 'clearance-slow-reader-', settings: shopIdentitySettings });

  it('goes on deciding and auditing while its answers wait unread, and delivers them all when it reads again', async () => {
    const { root, server } = suite;
    const audit = join(server.home, '.clearance', 'audit.jsonl');
    const audited = (file: string) =>
      existsSync(audit) && readFileSync(audit, 'utf8').includes(file) ? true : undefined;
    const ordersPath = join(root, 'src', 'api', 'orders.ts');
    const orders = await openDocument(server, ordersPath, readFileSync(ordersPath, 'utf8'), 'typescript');
    await until(server, 'orders.ts decided', () => server.diagnostics.get(orders));
    // The audit log is a file, written without a word to the client: polled, under the hang guard.
    await waitFor('the audit record of orders.ts', () => audited('orders.ts'));
    const scratch = join(root, 'policy', 'scratch.rego');
    const scratchUri = await openDocument(server, scratch, 'package scratch\n\nn := \n', 'rego');

    // The client stops reading; each completion answer lists every builtin with its documentation.
    server.process.stdout.pause();
    const answers = Array.from(
      { length: 200 },
      () =>
        server.connection.sendRequest('textDocument/completion', {
          textDocument: { uri: scratchUri },
          position: { line: 2, character: 5 },
        }) as Promise<CompletionItem[] | null>,
    );
    // New work after them: a document whose decisions are audited (a file write, not an LSP message).
    const adminPath = join(root, 'src', 'api', 'admin.ts');
    await openDocument(server, adminPath, readFileSync(adminPath, 'utf8'), 'typescript');
    await waitFor('the audit record of admin.ts, written while nothing is read', () => audited('admin.ts'));
    assert.equal(server.process.stdout.isPaused(), true);

    server.process.stdout.resume();
    const answered = await Promise.all(answers);
    const bytes = answered.reduce((n, items) => n + JSON.stringify(items).length, 0);
    assert.ok(bytes > 2_000_000, `only ${bytes} bytes waited: not past the kernel's buffers`);
    for (const items of answered) assert.ok(items?.some((item) => item.label === 'count'));
  });
});

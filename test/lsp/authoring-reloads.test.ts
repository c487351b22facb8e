/**
 * What the authoring side does across reloads, over a real LSP connection: a re-check re-sends a
 * closed policy file's diagnostics only when they changed (and an empty list when they clear),
 * always an open document's; a closed file changed on disk is taken in after its file event, though
 * a reload after typing does not re-check the files on disk. Expected diagnostics are OPA's: calling
 * a function no module defines is a compile (type) error at the call.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CompletionItem } from 'vscode-languageserver-protocol';
import { changeDocument, openDocument, startServer, type TestServer, until, untilAnswer } from './lsp-client';

const lib = 'package a\n\nf(x) := x\n';
const caller = 'package b\n\nimport data.a\n\nallow if a.f(1)\n';
const other = 'package c\n\nold_rule := 1\n';

describe('authoring across reloads', () => {
  let root: string;
  let server: TestServer;
  let libUri: string;
  const callerUri = () => pathToFileURL(join(root, 'policy', 'b.rego')).href;
  let version = 1;

  /** How many diagnostics lists the server has sent for `uri`. */
  const publishes = (uri: string) =>
    server.transcript.filter((t) => t.startsWith('{"uri":') && t.includes(`"uri":"${uri}"`)).length;

  /**
   * A request's answer: the server writes its messages in order, so everything it wrote before it
   * read the request (all the lists of a re-check, sent in one go) has arrived when this returns.
   */
  const roundTrip = () =>
    server.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: libUri },
      position: { line: 0, character: 0 },
    });

  /**
   * Edits the open library and waits for its re-check (the open file's own list is always sent),
   * then for the rest of that re-check's lists (a round trip).
   */
  async function editLib(text: string): Promise<void> {
    const before = publishes(libUri);
    await changeDocument(server, libUri, ++version, text);
    await until(server, 'the re-check after the edit', () => publishes(libUri) > before || undefined);
    await roundTrip();
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'clearance-authoring-reloads-'));
    mkdirSync(join(root, 'policy'));
    writeFileSync(join(root, 'policy', 'a.rego'), lib);
    writeFileSync(join(root, 'policy', 'b.rego'), caller);
    writeFileSync(join(root, 'policy', 'c.rego'), other);
    server = await startServer(root, { policy: { paths: ['policy'] } });
    libUri = await openDocument(server, join(root, 'policy', 'a.rego'), lib, 'rego');
    await until(server, 'the closed file checked', () => server.diagnostics.get(callerUri()));
  });

  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("re-sends a closed file's diagnostics when they change, an empty list when they clear, not otherwise", async () => {
    assert.deepEqual(server.diagnostics.get(callerUri()), []);
    await changeDocument(server, libUri, ++version, 'package a\n\ng(x) := x\n');
    const broken = await until(server, 'the closed file flagged', () =>
      server.diagnostics.get(callerUri())?.length ? server.diagnostics.get(callerUri()) : undefined,
    );
    assert.equal(broken.length, 1, JSON.stringify(broken));
    assert.equal(broken[0]?.code, 'rego_type_error');
    assert.equal(broken[0]?.range.start.line, 4);
    await changeDocument(server, libUri, ++version, lib);
    await until(
      server,
      'the flag cleared',
      () => server.diagnostics.get(callerUri())?.length === 0 || undefined,
    );
    // The re-check that cleared it sent all its lists before this answer.
    await roundTrip();
    const sent = publishes(callerUri());
    await editLib(`${lib}\n# a comment\n`);
    await editLib(lib);
    assert.equal(publishes(callerUri()), sent, 'unchanged diagnostics were sent again');
  });

  it('takes in a closed file changed on disk after its file event', async () => {
    const text = 'package a\n\nf(x) := x\n\ny := data.c.old_rule\n';
    await editLib(text);
    const at = { line: 4, character: 'y := data.c.'.length };
    const labels = async () => {
      const items = (await server.connection.sendRequest('textDocument/completion', {
        textDocument: { uri: libUri },
        position: at,
      })) as CompletionItem[] | null;
      return (items ?? []).map((i) => i.label);
    };
    assert.ok((await labels()).includes('old_rule'));
    writeFileSync(join(root, 'policy', 'c.rego'), 'package c\n\nnew_rule := 2\n');
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(root, 'policy', 'c.rego')).href, type: 2 }],
    });
    // Asked again each time the server says something (its reload logs, the re-check's lists).
    let seen: string[] = [];
    await untilAnswer(
      server,
      'the new rule offered',
      async () => {
        seen = await labels();
        return seen.includes('new_rule') || undefined;
      },
      undefined,
      () => JSON.stringify(seen),
    );
    assert.ok(!seen.includes('old_rule'), JSON.stringify(seen));
  });
});

/**
 * The desktop server's reads of `.clearance.yaml` and the documents it names
 * (ClearanceWorkspace.loadProjectConfig, lsp/config-watch.ts): which file events touch the documents,
 * and what a read changed (nothing, what calls mean, or the client mappings and so which calls there
 * are), on a temporary folder on disk. A broken `.clearance.yaml` keeps the last good documents watched.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { touchesConfigDocuments } from '../../../server/src/lsp/config-watch';
import { ClearanceWorkspace } from '../../../server/src/lsp/workspace';

describe('which file events touch the documents .clearance.yaml names', () => {
  const documents = { files: new Set(['/ws/api/a.yaml', '/ws/q/one.graphql']), folders: ['/ws/q'] };
  const cases: Array<[string, boolean, string]> = [
    ['/ws/api/a.yaml', true, 'a document'],
    ['/ws/q/new.gql', true, 'a new GraphQL file in a listed folder'],
    ['/ws/q/sub/new.graphql', true, 'a new GraphQL file below a listed folder'],
    ['/ws/api', true, 'a folder holding a document (deleted or moved as one event)'],
    ['/ws/q', true, 'a listed folder'],
    ['/ws', true, 'the workspace folder itself'],
    ['/ws/q/notes.md', false, 'another file in a listed folder'],
    ['/ws/api/b.yaml', false, 'another file beside a document'],
    ['/ws/other/x.graphql', false, 'a GraphQL file outside the listed folders'],
    ['/ws/ap', false, 'a path that only shares a prefix'],
  ];
  for (const [path, touches, what] of cases)
    it(`${touches ? 'touches' : 'does not touch'}: ${what}`, () => {
      assert.equal(touchesConfigDocuments(documents, path), touches);
    });
});

describe('what a read of .clearance.yaml changed', () => {
  const root = mkdtempSync(join(tmpdir(), 'clearance-config-reload-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  const openapi = (operation: string) =>
    `openapi: 3.0.3\npaths:\n  /orders/{id}:\n    delete: { operationId: ${operation}, tags: [orders] }\n`;
  const CONFIG = 'openapi: [api/orders.yaml]\ngraphql:\n  documents: [q]\n';

  it('tells a new mapping from the same one, and reads the documents again only once forgotten', () => {
    write('.clearance.yaml', CONFIG);
    write('api/orders.yaml', openapi('removeOrder'));
    write('q/orders.graphql', 'mutation Cancel { cancelOrder { id } }\n');
    const ws = new ClearanceWorkspace(root);
    assert.equal(ws.loadProjectConfig(), 'clients');
    assert.deepEqual(ws.projectConfigErrors, []);
    assert.deepEqual([...ws.configDocuments.files].sort(), [
      join(root, 'api', 'orders.yaml'),
      join(root, 'q', 'orders.graphql'),
    ]);
    // The same file, or the same documents typed differently: nothing changed.
    assert.equal(ws.loadProjectConfig(), 'none');
    assert.equal(ws.loadProjectConfig(`${CONFIG}# typed\n`), 'none');
    // A document changed on disk is not read until a file event says so.
    write('api/orders.yaml', openapi('deleteOrder'));
    assert.equal(ws.loadProjectConfig(), 'none');
    ws.forgetConfigDocuments();
    assert.equal(ws.loadProjectConfig(), 'clients');
    assert.deepEqual(
      ws.projectConfig.clients.map((client) => client.operation?.id),
      ['deleteOrder'],
    );
    // A GraphQL operation is read when deciding, not when scanning: the mapping's meaning changed.
    write('q/orders.graphql', 'mutation Cancel { voidOrder { id } }\n');
    ws.forgetConfigDocuments();
    assert.equal(ws.loadProjectConfig(), 'meaning');
    assert.equal(ws.projectConfig.graphql?.operations[0]?.field, 'voidOrder');
  });

  it('keeps the last good configuration and its documents watched while a document or the file is broken', () => {
    const ws = new ClearanceWorkspace(root);
    ws.loadProjectConfig();
    const watched = ws.configDocuments;
    write('q/orders.graphql', 'mutation Cancel {\n  voidOrder(id: ) { id }\n}\n');
    ws.forgetConfigDocuments();
    assert.equal(ws.loadProjectConfig(), 'none');
    assert.deepEqual(
      ws.projectConfigErrors.map((e) => [e.code, e.location?.file, e.location?.start.line]),
      [['config_error', join(root, 'q', 'orders.graphql'), 2]],
    );
    assert.equal(ws.projectConfig.graphql?.operations[0]?.field, 'voidOrder');
    assert.equal(ws.loadProjectConfig('openapi: [\n'), 'none');
    assert.equal(ws.projectConfigErrors[0]?.code, 'config_parse_error');
    // The GraphQL error stopped the read before the OpenAPI document: it is watched all the same.
    assert.deepEqual(ws.configDocuments, watched);
  });
});

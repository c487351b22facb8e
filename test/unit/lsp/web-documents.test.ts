/**
 * The documents `.clearance.yaml` names, in the web build: read through the client's file requests
 * into the worker's snapshot (server/src/lsp/web/config-documents.ts) and parsed by the desktop's
 * code from there (WebWorkspace). The fixture workspace (test/fixtures/web/documents) is served as
 * `workspace.fs` would serve it; its open file's calls are compared with expected.yaml, labelled by
 * reading the sources against the documents and the policy. The cases below it guard the limits:
 * only the folder is asked for, sizes and counts are bounded, and a missing, oversized or broken
 * document is an error with its place, worded as the desktop words it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { graphqlDocumentLimits } from '../../../server/src/config/graphql-documents';
import { OPENAPI_MAX_BYTES } from '../../../server/src/config/openapi';
import { MemoryFiles } from '../../../server/src/files/memory-files';
import { touchesConfigDocuments, watchPatterns } from '../../../server/src/lsp/config-watch';
import {
  configDocumentLimits,
  readConfigDocuments,
  type WorkspaceReader,
} from '../../../server/src/lsp/web/config-documents';
import { WebWorkspace } from '../../../server/src/lsp/web/web-workspace';

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'web', 'documents');
const WASM = path.join(__dirname, '..', '..', '..', 'dist', 'server', 'wasm');

/** A client answering the file requests as client/src/browser-files.ts does, from `files`; it notes what it was asked. */
function clientOf(files: MemoryFiles): WorkspaceReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async readDirectory(dir) {
      asked.push(dir);
      const entries = files.list(dir);
      return entries ? { entries } : { error: 'FileNotFound' };
    },
    async readFile(file, limitBytes) {
      asked.push(file);
      const read = files.readText(file, Number.MAX_SAFE_INTEGER);
      if (!read.ok) return { error: read.problem.kind === 'directory' ? 'not a file' : 'FileNotFound' };
      const size = new TextEncoder().encode(read.text).length;
      return size > limitBytes
        ? { error: `larger than ${limitBytes} bytes`, sizeBytes: size }
        : { text: read.text };
    },
  };
}

/** The fixture folder from disk, as texts (links and other special files are not in it). */
function diskFiles(root: string): MemoryFiles {
  const files = new MemoryFiles();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && statSync(full).size < 100_000) files.set(full, readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

interface ExpectedCall {
  line: number;
  method?: string;
  url?: string;
  action?: string;
  resource?: { type: string; id?: string };
  verdict: string;
}

describe('web build: the documents .clearance.yaml names', () => {
  it('gives an open document the generated-client operations, openapi routes and GraphQL operations', async () => {
    const client = clientOf(diskFiles(ROOT));
    // What the first walk puts in the snapshot (workspace-files.ts): the policy and .clearance.yaml.
    const snapshot = new MemoryFiles();
    for (const file of ['.clearance.yaml', 'policy/authz.rego'])
      snapshot.set(path.join(ROOT, file), readFileSync(path.join(ROOT, file), 'utf8'));
    const ws = new WebWorkspace(ROOT, snapshot, WASM);
    // Asked as an anonymous caller: the fixture's policy does not look at who asks.
    ws.applySettings({ policy: { paths: ['policy'] }, identity: { anonymous: true } });
    await ws.refreshIdentity();
    const named = await readConfigDocuments(client, ROOT, ws.projectConfigText() ?? '', snapshot);
    ws.loadProjectConfig();
    assert.deepEqual(ws.projectConfigErrors, []);
    const expected = parse(readFileSync(path.join(ROOT, 'expected.yaml'), 'utf8')) as {
      calls: ExpectedCall[];
      operations: string[];
    };
    assert.deepEqual(
      ws.projectConfig.graphql?.operations.map((operation) => operation.name),
      expected.operations,
    );
    // Skipped folders are not even listed: their files cost no requests.
    assert.ok(!client.asked.some((asked) => /\/(build|\.cache)(\/|$)/.test(asked)), client.asked.join(', '));
    assert.deepEqual(watchPatterns(named), ['**/*.gql', '**/*.graphql', '**/ledger.yaml']);

    ws.reloadPolicy();
    const file = path.join(ROOT, 'src', 'ledger.ts');
    ws.documents.set(file, { path: file, text: readFileSync(file, 'utf8'), version: 1 });
    // Decided twice: the first run warms the evaluator, so the second stays within the file's
    // 5 s evaluation budget on a loaded machine (the budget, not the documents, is not under test).
    await ws.decideDocument(file, new Date(0));
    ws.documents.set(file, { path: file, text: readFileSync(file, 'utf8'), version: 2 });
    const decided = await ws.decideDocument(file, new Date(0));
    assert.ok(decided);
    assert.deepEqual(decided.errors, []);
    const found = decided.calls.map(({ call, input: { input }, decision }): ExpectedCall => {
      const resource = input.resource as { type?: string; id?: string } | undefined;
      return {
        line: call.calleeLocation.start.line,
        ...(call.client === 'graphql'
          ? {}
          : {
              method: call.method ?? '',
              url: call.url.segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join(''),
            }),
        ...(typeof input.action === 'string' ? { action: input.action } : {}),
        ...(resource?.type === undefined
          ? {}
          : { resource: { type: resource.type, ...(resource.id === undefined ? {} : { id: resource.id }) } }),
        verdict: decision.verdict,
        ...(decision.verdict === 'error' ? { error: JSON.stringify(decision) } : {}),
      };
    });
    assert.deepEqual(
      found.sort((a, b) => a.line - b.line),
      expected.calls,
    );
  });

  it('re-reads the documents after a change, and not while .clearance.yaml names the same ones', async () => {
    const source = new MemoryFiles();
    source.set('/ws/.clearance.yaml', 'graphql:\n  documents: [queries]\n');
    source.set('/ws/queries/a.graphql', 'query First { first { id } }\n');
    const client = clientOf(source);
    const snapshot = new MemoryFiles();
    snapshot.set('/ws/.clearance.yaml', 'graphql:\n  documents: [queries]\n');
    const ws = new WebWorkspace('/ws', snapshot, WASM);
    const first = await readConfigDocuments(client, '/ws', ws.projectConfigText() ?? '', snapshot);
    source.set('/ws/queries/b.graphql', 'mutation Second { second { id } }\n');
    assert.ok(touchesConfigDocuments(first, '/ws/queries/b.graphql'), 'a new document in a listed folder');
    assert.ok(!touchesConfigDocuments(first, '/ws/src/app.ts'), 'any other file');
    // Typing in .clearance.yaml (the same documents named): nothing is asked again.
    const asked = client.asked.length;
    const typed = 'graphql:\n  documents: [queries]  # typed\n';
    assert.equal(await readConfigDocuments(client, '/ws', typed, snapshot, first), first);
    assert.equal(client.asked.length, asked);
    // A file event: read again.
    await readConfigDocuments(client, '/ws', ws.projectConfigText() ?? '', snapshot);
    ws.loadProjectConfig();
    assert.deepEqual(
      ws.projectConfig.graphql?.operations.map((operation) => operation.name),
      ['First', 'Second'],
    );
  });

  // Each case: the workspace the client serves, its .clearance.yaml, and the errors expected (the
  // message, and the file and line:column it points at), as the desktop gives them: a document that
  // cannot be read at its entry in .clearance.yaml (counted by hand in `config`), a syntax error in
  // the document.
  const cases: Array<{
    name: string;
    files: Record<string, string>;
    config: string;
    errors: Array<[string, string, string]>;
    neverAsked?: RegExp;
  }> = [
    {
      name: 'a missing OpenAPI document',
      files: {},
      config: 'openapi: [api/gone.yaml]\n',
      errors: [['openapi api/gone.yaml: does not exist', '/ws/.clearance.yaml', '1:11']],
    },
    {
      name: 'an OpenAPI document past the size limit (never read whole)',
      files: { '/ws/api/huge.yaml': `openapi: 3.0.3\npaths: {}\n#${'x'.repeat(OPENAPI_MAX_BYTES)}\n` },
      config: 'openapi: [api/huge.yaml]\n',
      errors: [
        [
          `openapi api/huge.yaml: is larger than ${OPENAPI_MAX_BYTES} bytes; not read`,
          '/ws/.clearance.yaml',
          '1:11',
        ],
      ],
    },
    {
      name: 'an OpenAPI document outside the workspace folder (never asked for)',
      files: { '/elsewhere/api.yaml': 'openapi: 3.0.3\npaths: {}\n' },
      config: 'openapi: [../elsewhere/api.yaml]\n',
      errors: [
        [
          'openapi ../elsewhere/api.yaml: resolves (through a link) outside /ws; not read',
          '/ws/.clearance.yaml',
          '1:11',
        ],
      ],
      neverAsked: /^\/elsewhere/,
    },
    {
      name: 'a GraphQL folder outside the workspace folder (never listed)',
      files: { '/elsewhere/q.graphql': 'query Q { q }\n' },
      config: 'graphql:\n  documents: [../elsewhere]\n',
      errors: [
        ['graphql ../elsewhere: is outside the workspace folder; not read', '/ws/.clearance.yaml', '2:15'],
      ],
      neverAsked: /^\/elsewhere/,
    },
    {
      name: 'a GraphQL document that does not parse',
      files: { '/ws/q/bad.graphql': 'query A {\n  order(id: ) { id }\n}\n' },
      config: 'graphql:\n  documents: [q]\n',
      errors: [['graphql q/bad.graphql: not a GraphQL document: Syntax Error', '/ws/q/bad.graphql', '2:13']],
    },
    {
      name: 'a GraphQL folder that does not exist',
      files: {},
      config: 'graphql:\n  documents: [missing]\n',
      errors: [
        [
          'graphql missing: not a .graphql or .gql file, nor a folder that can be read',
          '/ws/.clearance.yaml',
          '2:15',
        ],
      ],
    },
  ];
  for (const { name, files, config, errors, neverAsked } of cases)
    it(`reports ${name} with its place`, async () => {
      const source = new MemoryFiles();
      for (const [file, text] of Object.entries(files)) source.set(file, text);
      const client = clientOf(source);
      const snapshot = new MemoryFiles();
      snapshot.set('/ws/.clearance.yaml', config);
      const ws = new WebWorkspace('/ws', snapshot, WASM);
      await readConfigDocuments(client, '/ws', config, snapshot);
      ws.loadProjectConfig();
      const got = ws.projectConfigErrors.map((error) => [
        error.message,
        error.location?.file,
        `${error.location?.start.line}:${error.location?.start.column}`,
      ]);
      assert.equal(got.length, errors.length, JSON.stringify(got));
      errors.forEach(([message, file, place], index) => {
        // The message up to the parser's own words (a syntax error's details are graphql's).
        assert.ok(got[index]?.[0]?.startsWith(message), `${got[index]?.[0]} starts with ${message}`);
        assert.deepEqual(got[index]?.slice(1), [file, place]);
      });
      if (neverAsked)
        assert.deepEqual(
          client.asked.filter((asked) => neverAsked.test(asked)),
          [],
        );
    });

  it('asks for at most the web limit of OpenAPI documents, and says so of the rest where they are named', async () => {
    const source = new MemoryFiles();
    const most = configDocumentLimits.openapiDocuments;
    const names = Array.from({ length: most + 2 }, (_, index) => `api/v${index}.yaml`);
    for (const name of names) source.set(`/ws/${name}`, 'openapi: 3.0.3\npaths: {}\n');
    const client = clientOf(source);
    const snapshot = new MemoryFiles();
    const config = `openapi: [${names.join(', ')}]\n`;
    snapshot.set('/ws/.clearance.yaml', config);
    await readConfigDocuments(client, '/ws', config, snapshot);
    assert.equal(client.asked.length, most);
    const ws = new WebWorkspace('/ws', snapshot, WASM);
    ws.loadProjectConfig();
    // Each at its entry: the one-line list's column where the name is written.
    assert.deepEqual(
      ws.projectConfigErrors.map((error) => [
        error.message,
        error.location?.file,
        error.location?.start.line,
        error.location?.start.column,
      ]),
      names
        .slice(most)
        .map((name) => [
          `openapi ${name}: could not be read (more than ${most} OpenAPI documents are named; the web build reads the first ${most})`,
          '/ws/.clearance.yaml',
          1,
          config.indexOf(`${name},`) + 1 || config.indexOf(`${name}]`) + 1,
        ]),
    );
  });

  it('stops asking once the documents read pass the web limit in bytes', async () => {
    const source = new MemoryFiles();
    const each = 9_000_000;
    const names = Array.from({ length: 7 }, (_, index) => `api/big${index}.yaml`);
    const text = `openapi: 3.0.3\npaths: {}\n#${'x'.repeat(each)}\n`;
    for (const name of names) source.set(`/ws/${name}`, text);
    const client = clientOf(source);
    const snapshot = new MemoryFiles();
    await readConfigDocuments(client, '/ws', `openapi: [${names.join(', ')}]\n`, snapshot);
    // Six documents of 9 MB pass 50 MB: the seventh is not asked for, and says why.
    const read = Math.ceil(configDocumentLimits.totalBytes / each);
    assert.equal(client.asked.length, read);
    assert.deepEqual(snapshot.readText(`/ws/${names[read]}`, each * 2), {
      ok: false,
      problem: {
        kind: 'unreadable',
        detail: 'the documents named pass 50 MB in all; the web build reads no more',
      },
    });
  });

  it('reads at most the core limit of GraphQL documents from the folders listed', async () => {
    const source = new MemoryFiles();
    const count = graphqlDocumentLimits.files + 5;
    for (let index = 0; index < count; index++)
      source.set(`/ws/q/op${String(index).padStart(5, '0')}.graphql`, `query Op${index} { op { id } }\n`);
    const client = clientOf(source);
    const snapshot = new MemoryFiles();
    const named = await readConfigDocuments(client, '/ws', 'graphql:\n  documents: [q]\n', snapshot);
    assert.equal(named.files.size, graphqlDocumentLimits.files);
    assert.equal(
      client.asked.filter((asked) => asked.endsWith('.graphql')).length,
      graphqlDocumentLimits.files,
    );
  });
});

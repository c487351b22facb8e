/**
 * `.clearance.yaml` `openapi:`: operations of OpenAPI 3 and Swagger 2 documents become route
 * templates (test/fixtures/openapi), expected values written from docs/clearance-yaml.md.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseProjectConfig, readProjectConfig } from '../../../server/src/config/clearance-yaml';
import { buildCallInput } from '../../../server/src/decision/input';
import type { Identity } from '../../../server/src/identity';
import type { HttpCall, UrlSegment } from '../../../server/src/scanner';

const identity: Identity = { status: 'missing', reason: 'test', source: { kind: 'none', label: 'none' } };
const at = { line: 1, column: 1, offset: 0 };
const nowhere = { file: 'a.ts', start: at, end: at };

function callOf(method: string, url: string): HttpCall {
  const segments: UrlSegment[] = url
    .split(/(\$\{[^}]*\})/)
    .filter((part) => part.length > 0)
    .map((part) =>
      part.startsWith('${') ? { kind: 'expr', source: part.slice(2, -1) } : { kind: 'literal', text: part },
    );
  return {
    kind: 'http',
    client: 'fetch',
    method,
    url: { source: url, segments, known: true },
    location: nowhere,
    calleeLocation: nowhere,
    text: '',
  };
}

const cases: Array<[string, string, unknown]> = [
  [
    'GET',
    'https://pets.example.com/v1/pets',
    { action: 'listPets', resource: { type: 'pet', path: '/pets', host: 'pets.example.com' } },
  ],
  ['POST', '/pets', { action: 'create', resource: { type: 'pet', path: '/pets' } }],
  ['GET', '/pets/7', { action: 'showPetById', resource: { type: 'pet', id: '7', path: '/pets/7' } }],
  // The route written in .clearance.yaml wins over the document's.
  ['DELETE', '/pets/7', { action: 'remove', resource: { type: 'pet', id: '7', path: '/pets/7' } }],
  [
    'GET',
    '/stores/s1/inventory',
    { action: 'getInventory', resource: { type: 'inventory', id: 's1', path: '/stores/s1/inventory' } },
  ],
  [
    'PUT',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the call's URL as the code writes it
    'https://legacy.example.com/api/users/${id}',
    { action: 'updateUser', resource: { type: 'user', host: 'legacy.example.com' } },
  ],
];

const folder = join(__dirname, '..', '..', 'fixtures', 'openapi');

for (const [method, url, expected] of cases) {
  test(`openapi: ${method} ${url}`, () => {
    const read = readProjectConfig(folder);
    assert.deepEqual(read.errors, []);
    const { input } = buildCallInput(callOf(method, url), identity, new Date(0), read.config);
    assert.deepEqual({ action: input.action, resource: input.resource }, expected);
  });
}

test('openapi: a missing or malformed document is an error, and no configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-openapi-'));
  try {
    writeFileSync(join(dir, '.clearance.yaml'), 'openapi: [missing.yaml, bad.yaml]\n');
    writeFileSync(join(dir, 'bad.yaml'), 'just: text\n');
    const read = readProjectConfig(dir);
    assert.equal(read.config, undefined);
    assert.equal(read.errors.length, 2);
    assert.match(read.errors[0]?.message ?? '', /^openapi missing\.yaml: /);
    assert.match(read.errors[1]?.message ?? '', /^openapi bad\.yaml: not an OpenAPI 3 or Swagger 2 document/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A concrete path matches before a templated one (OpenAPI 3.1, "Paths Object"), whatever the order.
test('openapi: a concrete path wins over a templated one listed before it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clearance-openapi-'));
  try {
    writeFileSync(join(dir, '.clearance.yaml'), 'openapi: [api.yaml]\n');
    writeFileSync(
      join(dir, 'api.yaml'),
      'openapi: 3.0.0\npaths:\n  /pets/{petId}: { get: { operationId: getPet } }\n  /pets/mine: { get: { operationId: listMine } }\n',
    );
    const read = readProjectConfig(dir);
    const { input } = buildCallInput(callOf('GET', '/pets/mine'), identity, new Date(0), read.config);
    assert.equal(input.action, 'listMine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('openapi: an entry may name the modules its generated client is imported from', () => {
  const parsed = parseProjectConfig(
    'openapi:\n  - a.yaml\n  - document: b.yaml\n    client: [./gen, "@acme/c"]\n',
    'f',
  );
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.config?.openapi, [
    { document: 'a.yaml' },
    { document: 'b.yaml', clients: ['./gen', '@acme/c'] },
  ]);
});

/**
 * OpenAPI `$ref`s to path items and operations (OpenAPI 3.1 `#/components/pathItems/...`) are
 * followed within the document; a cycle, a chain too long, a pointer that leads nowhere and a
 * reference to another file are reported as config errors, never followed forever. Expected values
 * are from the OpenAPI 3.1 specification's reference rules (JSON pointers, `~1` for `/`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readOpenApiRoutes, resolveRef } from '../../../server/src/config/openapi';

const dir = mkdtempSync(join(tmpdir(), 'clearance-openapi-refs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function read(document: unknown) {
  writeFileSync(join(dir, 'api.json'), JSON.stringify(document));
  return readOpenApiRoutes(dir, ['api.json']);
}

test('path items and operations behind local $refs become routes', () => {
  const result = read({
    openapi: '3.1.0',
    paths: {
      '/pets/{petId}': { $ref: '#/components/pathItems/Pet' },
      '/stores': { get: { $ref: '#/components/x-operations/listStores' } },
    },
    components: {
      pathItems: {
        Pet: { $ref: '#/components/pathItems/PetItem' },
        PetItem: { delete: { operationId: 'deletePet', tags: ['pets'] } },
      },
      'x-operations': { listStores: { operationId: 'listStores' } },
    },
  });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.routes.map((route) => [route.pattern, route.action, route.resource?.type]),
    [
      ['DELETE /pets/{petId}', 'deletePet', 'pet'],
      ['GET /stores', 'listStores', undefined],
    ],
  );
});

test('JSON pointer escapes: ~1 is / and ~0 is ~', () => {
  const document = { paths: { '/a/{id}': { get: { operationId: 'getA' } } } };
  assert.deepEqual(resolveRef(document, { $ref: '#/paths/~1a~1{id}/get' }), { operationId: 'getA' });
  assert.deepEqual(resolveRef({ 'x~y': 1 }, { $ref: '#/x~0y' }), 1);
});

test('cycles, long chains, dangling and external references are reported, not followed', () => {
  const chain: Record<string, unknown> = {};
  for (let i = 0; i < 40; i++) chain[`r${i}`] = { $ref: `#/components/chain/r${i + 1}` };
  chain.r40 = { get: { operationId: 'deep' } };
  const result = read({
    openapi: '3.1.0',
    paths: {
      '/loop': { $ref: '#/components/pathItems/A' },
      '/self': { $ref: '#/paths/~1self' },
      '/long': { $ref: '#/components/chain/r0' },
      '/gone': { $ref: '#/components/pathItems/Missing' },
      '/other': { $ref: 'other.yaml#/Pet' },
      '/bad': { $ref: '#/components/%E0%A4%A' },
      '/ok': { get: { operationId: 'ok' } },
    },
    components: {
      pathItems: { A: { $ref: '#/components/pathItems/B' }, B: { $ref: '#/components/pathItems/A' } },
      chain,
    },
  });
  assert.deepEqual(
    result.routes.map((route) => route.pattern),
    ['GET /ok'],
  );
  const messages = result.errors.map((error) => error.message);
  assert.equal(messages.length, 6);
  assert.ok(messages.every((message) => message.startsWith('openapi api.json: /')));
  assert.match(messages[0] ?? '', /cycle/);
  assert.match(messages[1] ?? '', /cycle/);
  assert.match(messages[2] ?? '', /more than 16 references/);
  assert.match(messages[3] ?? '', /nothing at that place/);
  assert.match(messages[4] ?? '', /only references within the document/);
  assert.match(messages[5] ?? '', /not a JSON pointer/);
  assert.ok(result.errors.every((error) => error.code === 'config_error'));
});

/**
 * Generated OpenAPI clients called by operation name (test/fixtures/scanner/openapi-clients): the
 * fixture's `.clearance.yaml` names its documents, the scanner gets their operations, and every call
 * found in src/ is compared with expected.yaml (labelled by reading the sources against the
 * documents), down to the action and resource the policy input states. Look-alikes (the same method
 * name on other objects) are in the sources and must not be found.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { readProjectConfig } from '../../../server/src/config/clearance-yaml';
import { readOpenApiRoutes } from '../../../server/src/config/openapi';
import { buildCallInput } from '../../../server/src/decision/input';
import { listSourceFiles } from '../../../server/src/decision/scan';
import type { Identity } from '../../../server/src/identity';
import { createScanner } from '../../../server/src/scanner';

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'scanner', 'openapi-clients');
const identity: Identity = { status: 'missing', reason: 'test', source: { kind: 'none', label: 'none' } };

interface ExpectedCall {
  file: string;
  line: number;
  method: string;
  url: string;
  operation: string;
  action?: string;
  resource?: { type: string; id?: string };
}

test('generated OpenAPI clients: calls by operation name, and none of the look-alikes', async () => {
  const read = readProjectConfig(ROOT);
  assert.deepEqual(read.errors, []);
  const config = read.config;
  assert.ok(config);
  const scanner = createScanner({ clientMappings: config.clients });
  const expected = (
    parse(readFileSync(path.join(ROOT, 'expected.yaml'), 'utf8')) as { calls: ExpectedCall[] }
  ).calls;
  const found: ExpectedCall[] = [];
  for (const file of listSourceFiles(ROOT).sort()) {
    const result = await scanner.scanText(file, readFileSync(file, 'utf8'));
    assert.deepEqual(result.errors, [], `${file}: no scan errors`);
    for (const call of result.calls) {
      if (call.client !== 'openapi-client') continue;
      const { input } = buildCallInput(call, identity, new Date(0), config);
      const resource = input.resource as { type?: string; id?: string } | undefined;
      found.push({
        file: path.relative(ROOT, file).split(path.sep).join('/'),
        line: call.calleeLocation.start.line,
        method: call.method ?? '',
        url: call.url.segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join(''),
        operation: call.operation?.id ?? '',
        ...(typeof input.action === 'string' ? { action: input.action } : {}),
        ...(resource?.type === undefined
          ? {}
          : { resource: { type: resource.type, ...(resource.id === undefined ? {} : { id: resource.id }) } }),
      });
    }
  }
  const byPlace = (a: ExpectedCall, b: ExpectedCall) => a.file.localeCompare(b.file) || a.line - b.line;
  assert.deepEqual(found.sort(byPlace), expected.sort(byPlace));
});

test('generated OpenAPI clients: the generated method names of each convention', () => {
  const { operations, errors } = readOpenApiRoutes(ROOT, [
    'api/petstore.yaml',
    { document: 'api/orders.yaml', clients: ['./src/orders-client', 'acme_orders'] },
  ]);
  assert.deepEqual(errors, []);
  const described = operations.map((mapping) => {
    const operation = mapping.operation;
    assert.ok(operation);
    return [operation.id, operation.names, operation.groups, operation.positional];
  });
  // Concrete paths come first (OpenAPI's matching order); compared here in operationId order.
  const byId = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
  assert.deepEqual(
    described.sort(byId),
    [
      [
        'getPetById',
        { camel: 'getPetById', snake: 'get_pet_by_id', pascal: 'GetPetById' },
        ['Pet'],
        ['petId'],
      ],
      ['deletePet', { camel: 'deletePet', snake: 'delete_pet', pascal: 'DeletePet' }, ['Pet'], ['petId']],
      [
        'findPetsByStatus',
        { camel: 'findPetsByStatus', snake: 'find_pets_by_status', pascal: 'FindPetsByStatus' },
        ['Pet'],
        ['status'],
      ],
      [
        'get_order_by_id',
        { camel: 'getOrderById', snake: 'get_order_by_id', pascal: 'GetOrderById' },
        ['Store'],
        ['orderId'],
      ],
      [
        'updateOwnerPet',
        { camel: 'updateOwnerPet', snake: 'update_owner_pet', pascal: 'UpdateOwnerPet' },
        ['Pet'],
        ['tenant', 'ownerId', 'petId'],
      ],
      ['healthGet', { camel: 'healthGet', snake: 'health_get', pascal: 'HealthGet' }, ['Default'], []],
      [
        'get-order',
        { camel: 'getOrder', snake: 'get_order', pascal: 'GetOrder' },
        ['CustomerOrders'],
        ['order_id'],
      ],
      [
        'createOrder',
        { camel: 'createOrder', snake: 'create_order', pascal: 'CreateOrder' },
        ['CustomerOrders'],
        ['body'],
      ],
    ].sort(byId),
  );
  const getOrder = operations.find((mapping) => mapping.operation?.id === 'get-order');
  assert.deepEqual(getOrder?.operation?.modules, [path.join(ROOT, 'src', 'orders-client'), 'acme_orders']);
});

/**
 * GraphQL operations defined in `.graphql` files and mapped in `.clearance.yaml` `graphql:`
 * (test/fixtures/scanner/graphql-documents): calls whose document is imported (codegen documents and
 * hooks, a loader's `.graphql` import, a constant from another file) get the operation's type and
 * root field, and the mappings give action and resource. Expected values are read off the fixture.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { readProjectConfig } from '../../../server/src/config/clearance-yaml';
import { buildCallInput } from '../../../server/src/decision/input';
import type { Identity } from '../../../server/src/identity';
import { createScanner } from '../../../server/src/scanner';

const ROOT = path.join(__dirname, '..', '..', 'fixtures', 'scanner', 'graphql-documents');
const identity: Identity = { status: 'missing', reason: 'test', source: { kind: 'none', label: 'none' } };

interface ExpectedCall {
  line: number;
  action?: string;
  resource?: { type: string; id?: string };
}

test('graphql documents: imported operations are completed and mapped', async () => {
  const read = readProjectConfig(ROOT);
  assert.deepEqual(read.errors, []);
  assert.ok(read.config);
  assert.deepEqual(
    read.config.graphql?.operations.map((operation) => [
      operation.type,
      operation.name,
      operation.field,
      operation.line,
    ]),
    [
      ['query', 'GetCustomer', 'viewer', 1],
      ['query', 'InvoiceById', 'invoice', 1],
      ['query', 'GetOrder', 'order', 2],
      ['mutation', 'CancelOrder', 'cancelOrder', 6],
    ],
  );
  const file = path.join(ROOT, 'src', 'components', 'Order.tsx');
  const result = await createScanner().scanText(file, readFileSync(file, 'utf8'));
  assert.deepEqual(result.errors, []);
  const found = result.calls.map((call): ExpectedCall => {
    assert.equal(call.client, 'graphql');
    const { input } = buildCallInput(call, identity, new Date(0), read.config);
    const resource = input.resource as { type?: string; id?: string } | undefined;
    return {
      line: call.calleeLocation.start.line,
      ...(typeof input.action === 'string' ? { action: input.action } : {}),
      ...(resource?.type === undefined
        ? {}
        : { resource: { type: resource.type, ...(resource.id === undefined ? {} : { id: resource.id }) } }),
    };
  });
  const expected = (
    parse(readFileSync(path.join(ROOT, 'expected.yaml'), 'utf8')) as { calls: ExpectedCall[] }
  ).calls;
  assert.deepEqual(found, expected);
});

test('graphql: a document that does not parse, or lies outside the folder, is an error with its place', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'clearance-graphql-'));
  try {
    writeFileSync(path.join(dir, '.clearance.yaml'), 'graphql:\n  documents: [bad.graphql, ../elsewhere]\n');
    writeFileSync(path.join(dir, 'bad.graphql'), 'query A {\n  order(id: ) { id }\n}\n');
    const read = readProjectConfig(dir);
    assert.equal(read.config, undefined);
    // Outside the folder: at its entry in .clearance.yaml (line 2, column 28, counted by hand); the
    // syntax error: in the document, at the parser's line and column.
    assert.deepEqual(
      read.errors.map((error) => [
        error.message.split(':')[0],
        path.basename(error.location?.file ?? ''),
        error.location?.start.line,
        error.location?.start.column,
      ]),
      [
        ['graphql ../elsewhere', '.clearance.yaml', 2, 28],
        ['graphql bad.graphql', 'bad.graphql', 2, 13],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

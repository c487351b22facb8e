/** Completion in `.clearance.yaml`: the text before the cursor (`|`) and the labels offered there. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeClearanceYaml } from '../../../server/src/config/clearance-yaml-completion';

const CASES: Array<{ note: string; text: string; labels: string[] }> = [
  {
    note: 'an empty file offers every top-level key',
    text: '|',
    labels: [
      'actions',
      'baseUrls',
      'bundles',
      'clients',
      'exclude',
      'graphql',
      'lint',
      'openapi',
      'routes',
      'services',
    ],
  },
  {
    note: 'keys already written are not offered again',
    text: 'routes:\n  /a: {}\n|\nbaseUrls: []\n',
    labels: ['actions', 'bundles', 'clients', 'exclude', 'graphql', 'lint', 'openapi', 'services'],
  },
  {
    note: 'under actions: the methods',
    text: 'actions:\n  GET: read\n  |',
    labels: ['DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
  },
  {
    note: 'after a method: the default actions',
    text: 'actions:\n  DELETE: |',
    labels: ['create', 'delete', 'read', 'update'],
  },
  { note: 'under routes: an example template', text: 'routes:\n  |', labels: ['DELETE /api/orders/{id}'] },
  {
    note: 'inside a route: its keys, even while the file does not parse',
    text: 'routes: [\nroutes:\n  GET /a/{id}:\n    action: read\n    |',
    labels: ['resource'],
  },
  {
    note: 'inside a resource object: type and id',
    text: 'clients:\n  a.b($x):\n    resource:\n      |',
    labels: ['id', 'type'],
  },
  { note: 'under graphql: its keys', text: 'graphql:\n  |', labels: ['documents', 'operations'] },
  {
    note: 'inside a GraphQL operation mapping: action and resource',
    text: 'graphql:\n  operations:\n    OrderQuery:\n      |',
    labels: ['action', 'resource'],
  },
  { note: 'a free-form value: nothing', text: 'baseUrls:\n  - |', labels: [] },
];

for (const item of CASES) {
  test(`completion: ${item.note}`, () => {
    const offset = item.text.indexOf('|');
    const text = item.text.replace('|', '');
    assert.deepEqual(
      completeClearanceYaml(text, offset)
        .map((c) => c.label)
        .sort(),
      item.labels,
    );
  });
}

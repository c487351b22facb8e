/**
 * Guards what the scanner asks the tree per found call on a large file, where each question costs:
 * a node's `parent` is a search down from the root (`ts_node_child_with_descendant`), so a reading
 * that asks it once per call of a client's helper (`axios.get(url)`) costs a search per call. The
 * calls found are checked too, so a reading made cheaper by reading less must still find them all.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScanner } from '../../../server/src/scanner';
import { loadParser } from '../../../server/src/scanner/runtime';

const CALLS = 400;

// A file of helper calls in the shapes the JS clients read: awaited, not awaited, and through an
// instance from a factory; and one generic call after `await` (tree-sitter reads `await
// axios.get<T>(url)` as a call of `await axios.get`, the one shape that needs the call's parent).
function helperCalls(): string {
  const lines = [
    "import axios from 'axios';",
    "const api = axios.create({ baseURL: '/v1' });",
    'export async function many(id: string) {',
    "  await axios.get<Item>('/generic');",
  ];
  for (let i = 0; i < CALLS; i++) {
    if (i % 4 === 0) lines.push(`  await axios.get('/a/${i}/' + id);`);
    else if (i % 4 === 1) lines.push(`  axios.post(\`/b/\${id}/${i}\`);`);
    else if (i % 4 === 2) lines.push(`  return axios.put('/c/${i}');`);
    else lines.push(`  await api.delete('/d/${i}');`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

test("a client's helper calls are read without asking each call's parent of the root", async () => {
  const parser = await loadParser('typescript', undefined);
  const tree = parser.parse('x');
  assert.ok(tree !== null);
  const proto = Object.getPrototypeOf(tree.rootNode) as object;
  tree.delete();
  const parent = Object.getOwnPropertyDescriptor(proto, 'parent');
  assert.ok(parent?.get !== undefined);
  const readParent = parent.get;
  let reads = 0;
  Object.defineProperty(proto, 'parent', {
    ...parent,
    get(this: unknown) {
      reads++;
      return readParent.call(this);
    },
  });
  try {
    const result = await createScanner().scanText('many.ts', helperCalls());
    assert.equal(result.calls.length, CALLS + 1);
    const urls = result.calls.map((call) => call.url.source);
    assert.ok(urls.includes('/generic'), 'the generic call after await is found');
    assert.ok(urls.includes('/v1/d/3'), 'the instance is followed, with its base URL');
    // Without the call's own parent read per helper call: 440 reads here (one or more per call).
    assert.ok(reads < CALLS / 4, `${reads} parent reads for ${CALLS} calls`);
  } finally {
    Object.defineProperty(proto, 'parent', parent);
  }
});

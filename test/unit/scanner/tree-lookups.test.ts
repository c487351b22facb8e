/**
 * Guards the scanner's fast tree lookups against the slow reading they replace, on every source
 * file under test/fixtures/scanner (clean and broken code of each language):
 * - `findWordNodes` (root lookups in a clean tree, a cursor walk in a broken one) gives, for each
 *   whole-word hit of a name, the innermost node spanning exactly the word and its three nearest
 *   ancestors, as a walk of every node of the tree finds them;
 * - `findEnclosingOfTypes` (an index of the tree's functions) gives, for every node, the nearest
 *   function ancestor that climbing its parents gives, or says it cannot tell; `findOutermostOfTypes`
 *   the outermost function the node is in (or is), as the climb gives it;
 * - no two nodes of a call type span the same range, so the call node a recogniser located is the
 *   one the project pass's climb from `descendantForIndex` finds (`ScanContext.locatedCall`);
 * - a hit's ancestors read one level at a time (`ancestor(depth)`, asked out of order) are the same
 *   as its `ancestors`;
 * - `namedChildrenOf` gives every node's `namedChildren`, short lists read by index.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { listSourceFiles } from '../../../server/src/decision/scan';
import { languageForPath } from '../../../server/src/scanner/languages';
import {
  findEnclosingOfTypes,
  findOutermostOfTypes,
} from '../../../server/src/scanner/project/function-index';
import { loadParser } from '../../../server/src/scanner/runtime';
import { findWordNodes, namedChildrenOf } from '../../../server/src/scanner/syntax';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'scanner');
const FUNCTION_TYPES = ['function_declaration', 'method_definition', 'arrow_function', 'function_definition'];
const NAMES = ['fetch', 'axios', 'requests', 'http', 'client', 'get', 'url', 'self', 'this'];

// Every node of the tree in document order, by a cursor walk (the oracle's own reading), and the
// tree's depth.
function allNodes(root: Node): { nodes: Node[]; depth: number } {
  const nodes: Node[] = [];
  const cursor = root.walk();
  let depth = 0;
  for (;;) {
    nodes.push(cursor.currentNode);
    depth = Math.max(depth, cursor.currentDepth);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return { nodes, depth };
  }
}

// Past this depth the climb below (each `parent` a search from the root) is cubic in the depth:
// a pathological fixture (10,000 nested calls) checks the function index at the words' hits only.
const CLIMB_EVERY_NODE_DEPTH = 500;

function ancestorsOf(node: Node, count: number): number[] {
  const ids: number[] = [];
  for (let up = node.parent; up !== null && ids.length < count; up = up.parent) ids.push(up.id);
  return ids;
}

for (const file of listSourceFiles(FIXTURES)) {
  const language = languageForPath(file);
  if (language === undefined || file.endsWith('.vue') || file.endsWith('.svelte')) continue;
  test(`fast tree lookups equal a full walk: ${path.relative(FIXTURES, file)}`, async () => {
    const text = readFileSync(file, 'utf8');
    const tree = (await loadParser(language, undefined)).parse(text);
    assert.ok(tree);
    try {
      const { nodes, depth } = allNodes(tree.rootNode);
      const hitNodes: Node[] = [];
      for (const word of NAMES) {
        const expected: Array<[number, number[]]> = [];
        const starts = new Set<number>();
        for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
          if (/[\w$]/.test(text[at - 1] ?? '') || /[\w$]/.test(text[at + word.length] ?? '')) continue;
          // The innermost node spanning exactly the word: the last such node in document order.
          const exact = nodes.filter((node) => node.startIndex === at && node.endIndex === at + word.length);
          const node = exact[exact.length - 1];
          if (node !== undefined && !starts.has(at)) {
            starts.add(at);
            expected.push([node.id, ancestorsOf(node, 3)]);
            hitNodes.push(node);
          }
        }
        const found: Array<[number, number[]]> = findWordNodes(tree.rootNode, text, word).map((hit) => [
          hit.node.id,
          hit.ancestors.map((ancestor) => ancestor.id),
        ]);
        assert.deepEqual(found, expected, `hits of ${word}`);
        // Read lazily: the grandparent first, then the rest, then the whole list.
        const lazy: Array<[number, number[]]> = findWordNodes(tree.rootNode, text, word).map((hit) => {
          const grandparent = hit.ancestor(1);
          const read = [hit.ancestor(0), grandparent, hit.ancestor(2)].filter((node) => node !== undefined);
          assert.deepEqual(
            read.map((node) => node.id),
            hit.ancestors.map((node) => node.id),
          );
          return [hit.node.id, read.map((node) => node.id)];
        });
        assert.deepEqual(lazy, expected, `hits of ${word}, ancestors read one at a time`);
      }
      for (const node of nodes) {
        const expectedChildren = node.namedChildren.map((child) => child?.id);
        const children = namedChildrenOf(node).map((child) => child?.id);
        assert.deepEqual(children, expectedChildren, `named children of ${node.type} at ${node.startIndex}`);
      }
      const callRanges = new Set<string>();
      for (const node of nodes) {
        if (!/call/.test(node.type)) continue;
        const range = `${node.startIndex}:${node.endIndex}`;
        assert.ok(!callRanges.has(range), `two call nodes span ${range} (${node.type})`);
        callRanges.add(range);
      }
      for (const node of depth <= CLIMB_EVERY_NODE_DEPTH ? nodes : hitNodes) {
        const outermost = findOutermostOfTypes(node, FUNCTION_TYPES);
        if (outermost !== null) {
          let top: Node | undefined;
          for (let up: Node | null = node; up !== null; up = up.parent)
            if (FUNCTION_TYPES.includes(up.type)) top = up;
          assert.equal(
            outermost?.id,
            top?.id,
            `outermost function around ${node.type} at ${node.startIndex}`,
          );
        }
        const indexed = findEnclosingOfTypes(node, FUNCTION_TYPES);
        if (indexed === null) continue;
        let climbed: Node | null = node.parent;
        while (climbed !== null && !FUNCTION_TYPES.includes(climbed.type)) climbed = climbed.parent;
        assert.equal(indexed?.id, climbed?.id, `function around ${node.type} at ${node.startIndex}`);
      }
    } finally {
      tree.delete();
    }
  });
}

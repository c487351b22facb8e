/**
 * The functions of a tree, indexed once per tree and set of types: the innermost one holding a node
 * is found by a binary search on their starts and a climb through the functions around that one,
 * rather than by asking the node for its parents. Each `parent` is a search from the root in wasm,
 * and the project pass asks for the function around every call (four parents a call in a
 * 100,000-call function).
 */
import type { Node, Tree } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { countAtMost } from '../sorted-search';

/** A tree's nodes of some types in document order, with their extents and nesting. */
interface FunctionIndex {
  nodes: Node[];
  starts: number[];
  ends: number[];
  /** For each node, the position of the innermost indexed node around it, or -1. */
  outer: number[];
}

const indices = new WeakMap<Tree, Map<string | readonly string[], FunctionIndex>>();

/**
 * The nearest ancestor of `node` whose type is one of `types`, read from the tree's index: the
 * innermost indexed node whose extent holds `node`'s and is larger (extents of a tree nest, so
 * that node is an ancestor). Undefined when no indexed node holds it; null when extents cannot
 * tell (an empty node, or an indexed node of exactly its extent, which may be the node itself or
 * one inside it): the caller then climbs the parents.
 */
export function findEnclosingOfTypes(node: Node, types: readonly string[]): Node | undefined | null {
  const start = node.startIndex;
  const end = node.endIndex;
  if (end <= start) return null;
  const index = readIndex(node.tree, types);
  let at = lastStartingBy(index, start);
  while (at >= 0 && (index.ends[at] as number) < end) at = index.outer[at] as number;
  if (at < 0) return undefined;
  if (index.starts[at] === start && index.ends[at] === end) return null;
  return index.nodes[at];
}

/**
 * The outermost ancestor of `node` (or `node` itself) whose type is one of `types`, read from the
 * tree's index: the chain of indexed nodes around the innermost one, followed to its end. Null when
 * extents cannot tell (an empty node): the caller then climbs the parents.
 */
export function findOutermostOfTypes(node: Node, types: readonly string[]): Node | undefined | null {
  const start = node.startIndex;
  const end = node.endIndex;
  if (end <= start) return null;
  const index = readIndex(node.tree, types);
  let at = lastStartingBy(index, start);
  // An indexed node of exactly the node's extent is the node itself or one inside it, which is no
  // ancestor: skip those that are not the node.
  while (
    at >= 0 &&
    ((index.ends[at] as number) < end ||
      (index.starts[at] === start && index.ends[at] === end && index.nodes[at]?.id !== node.id))
  )
    at = index.outer[at] as number;
  if (at < 0) return undefined;
  while ((index.outer[at] as number) >= 0) at = index.outer[at] as number;
  return index.nodes[at];
}

// The last indexed node starting at or before `start`; in document order a node inside another
// that starts at the same offset comes after it, so this is the innermost candidate.
function lastStartingBy(index: FunctionIndex, start: number): number {
  return countAtMost(index.starts, start) - 1;
}

function readIndex(tree: Tree, types: readonly string[]): FunctionIndex {
  let byTypes = indices.get(tree);
  if (byTypes === undefined) {
    byTypes = new Map();
    indices.set(tree, byTypes);
  }
  // By the list itself first: callers pass constant lists, and joining one into a key per node asked
  // about cost more than the lookup.
  const known = byTypes.get(types);
  if (known !== undefined) return known;
  const key = types.join(' ');
  let index = byTypes.get(key);
  if (index === undefined) {
    index = { nodes: [], starts: [], ends: [], outer: [] };
    // The enclosing indexed nodes of the current one, innermost last.
    const open: number[] = [];
    for (const found of nodesOfType(tree.rootNode, types)) {
      if (found === null) continue;
      const start = found.startIndex;
      const end = found.endIndex;
      while (open.length > 0 && (index.ends[open[open.length - 1] as number] as number) < end) open.pop();
      index.outer.push(open[open.length - 1] ?? -1);
      open.push(index.nodes.length);
      index.nodes.push(found);
      index.starts.push(start);
      index.ends.push(end);
    }
    byTypes.set(key, index);
  }
  byTypes.set(types, index);
  return index;
}

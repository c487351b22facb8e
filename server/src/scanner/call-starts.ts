/**
 * A word hit's node and parents read from the call it starts, where it starts one. Most hits of a
 * client's name start a call (`fetch(url)`, `axios.get(url)`), and asking the root for each one
 * (`descendantForIndex`, then `parent` per level, each a search down from the root) was a sixth of
 * the scan of a 100,000-call file. The tree's calls are in the one walk every scan makes
 * (`nodesOfType`), in document order; the innermost call starting at a hit is found there by binary
 * search, and its first child (or that child's first child, for a member callee) is compared with
 * the hit. A child's parent is the node it was read from, so every answer is the tree's own; a hit
 * that does not start a call this way is asked of the root as before.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { nodesOfType } from './nodes-of-type';
import { countAtMost } from './sorted-search';

// The call node types of the scanned grammars (JavaScript/TypeScript and Go; Python's `call`).
const CALL_TYPES = ['call_expression', 'call'];

interface TreeCalls {
  /** Each call's start offset, ascending (document order). */
  starts: number[];
  calls: Node[];
}

// null: the tree has no readable walk, so no hit is answered here.
const callsByTree = new WeakMap<Tree, TreeCalls | null>();

function treeCalls(root: Node): TreeCalls | null {
  const tree = root.tree;
  let found = callsByTree.get(tree);
  if (found === undefined) {
    found = null;
    const nodes = nodesOfType(root, CALL_TYPES);
    if (nodes.every((node) => node !== null)) {
      const calls = nodes as Node[];
      found = { starts: calls.map((call) => call.startIndex), calls };
    }
    callsByTree.set(tree, found);
  }
  return found;
}

/** A hit found from a call: the node spelling the word and its parents read so far (parent first). */
export interface CallHit {
  node: Node;
  parents: Node[];
}

/**
 * The leaf spanning exactly `[start, end)` and its parents up to the call, when the innermost call
 * starting at `start` has that leaf as its first child, or as its first child's first child; else
 * undefined (the caller asks the root). `root` must be a tree's root without syntax errors.
 */
export function findHitInCall(root: Node, start: number, end: number): CallHit | undefined {
  const calls = treeCalls(root);
  if (calls === null) return undefined;
  const { starts } = calls;
  // The last call starting at or before `start`: calls starting at one offset are nested, the
  // innermost last in document order.
  const last = countAtMost(starts, start) - 1;
  if (last < 0 || starts[last] !== start) return undefined;
  const call = calls.calls[last] as Node;
  const first = call.firstChild;
  if (first === null) return undefined;
  if (isLeafSpanning(first, start, end)) return { node: first, parents: [call] };
  const inner = first.firstChild;
  if (inner !== null && isLeafSpanning(inner, start, end)) return { node: inner, parents: [first, call] };
  return undefined;
}

// A node without children spanning exactly the range is the deepest node holding it, which is
// what `descendantForIndex` answers (nodes holding one range are nested, so the deepest is one).
function isLeafSpanning(node: Node, start: number, end: number): boolean {
  return node.startIndex === start && node.endIndex === end && node.childCount === 0;
}

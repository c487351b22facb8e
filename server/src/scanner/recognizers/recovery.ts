/**
 * Reading code around a syntax error. Inside an ERROR node the parser's recovery is a guess: it can
 * fold a valid call into its broken neighbour. A name found there is looked up again in a re-parse
 * that starts at its own line (out of reach of the broken code before it) and kept only when the
 * statement holding it reads cleanly there; one re-parse serves every later name it covers. The
 * fetch recogniser has its own, finer-grained version of this for JavaScript.
 */

import type { Node } from 'web-tree-sitter';
import { knownAncestors, type WordNode } from '../syntax';
import type { ScanContext } from './context';

// A re-parse after a syntax error covers this many characters from the start of the name's line.
const FRAGMENT_LENGTH = 20_000;
const STATEMENT = /(?:_statement|_declaration)$/;
const ANCESTOR_COUNT = 3;

const fragmentsByContext = new WeakMap<ScanContext, Node[]>();

/**
 * Finds the nodes that spell `word`, as `context.findWordNodes` does, with each hit inside an ERROR
 * node replaced by the same name in a clean re-parse, or dropped when there is none.
 */
export function findCleanWordNodes(context: ScanContext, word: string): WordNode[] {
  const clean: WordNode[] = [];
  for (const hit of context.findWordNodes(word)) {
    if (!context.isInsideError(hit.node)) {
      clean.push(hit);
      continue;
    }
    const recovered = recoverWordNode(context, hit.node);
    if (recovered !== undefined) clean.push(recovered);
  }
  return clean;
}

function recoverWordNode(context: ScanContext, word: Node): WordNode | undefined {
  let fragments = fragmentsByContext.get(context);
  if (fragments === undefined) {
    fragments = [];
    fragmentsByContext.set(context, fragments);
  }
  const covering = fragments.find((f) => f.startIndex <= word.startIndex && word.endIndex <= f.endIndex);
  const found = covering === undefined ? undefined : readCleanWord(covering, word);
  if (found !== undefined) return found;
  const lineStart = context.findLineStart(word.startIndex);
  const indent = /^[ \t]*/.exec(context.text.slice(lineStart, word.startIndex))?.[0].length ?? 0;
  const start = lineStart + indent;
  if (covering?.startIndex === start) return undefined;
  const fragment = context.parseFragment(start, start + FRAGMENT_LENGTH);
  if (fragment === undefined) return undefined;
  fragments.push(fragment);
  return readCleanWord(fragment, word);
}

// The node at the word's offsets in the fragment, if its statement holds no error.
function readCleanWord(fragment: Node, word: Node): WordNode | undefined {
  const node = fragment.descendantForIndex(word.startIndex, word.endIndex);
  if (node === null || node.startIndex !== word.startIndex || node.endIndex !== word.endIndex)
    return undefined;
  const ancestors: Node[] = [];
  let statement: Node | undefined;
  for (let current = node.parent; current !== null; current = current.parent) {
    if (ancestors.length < ANCESTOR_COUNT) ancestors.push(current);
    if (current.isError) return undefined;
    if (STATEMENT.test(current.type)) {
      statement = current;
      break;
    }
  }
  if (statement === undefined || statement.hasError || statement.previousSibling?.isError === true)
    return undefined;
  return knownAncestors(node, ancestors);
}

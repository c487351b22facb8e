/**
 * Helpers over tree-sitter's JavaScript/TypeScript trees: finding the nodes that spell a name,
 * reading string and template literals, and seeing through parentheses and type assertions.
 * Node indices are UTF-16 offsets into the scanned text, so slicing that text is exact.
 */

import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import { findHitInCall } from './call-starts';
import { countAtMost } from './sorted-search';
import type { UrlSegment } from './types';

/** A string or template literal read from the tree. */
export interface LiteralText {
  /** The text between the quotes or backticks, as written. */
  raw: string;
  /** The literal's pieces: decoded text and, for templates, the substitutions' source. */
  segments: UrlSegment[];
}

const IDENTIFIER_CHAR = /[\p{ID_Continue}$\u200c\u200d]/u;

// Wrappers that do not change an expression's value; a URL or options object may sit inside them.
const TRANSPARENT_WRAPPERS = new Set([
  'parenthesized_expression',
  'as_expression',
  'satisfies_expression',
  'non_null_expression',
  'type_assertion',
]);

/** A node that spells a searched word, with its nearest ancestors (parent first). */
export interface WordNode {
  node: Node;
  /** The nearest ancestors, parent first, up to three. */
  readonly ancestors: Node[];
  /**
   * The ancestor `depth` levels up (0: the parent, at most 2), read only as far as asked: in a tree
   * each `parent` is a search down from the root, and most hits are rejected on their parent alone.
   */
  ancestor(depth: number): Node | undefined;
}

// How many ancestors a word hit carries; recognisers look at a call's callee, member and call.
const ANCESTOR_COUNT = 3;

/** A word hit whose ancestors are already known (a cursor walk, a fragment's climb). */
export function knownAncestors(node: Node, ancestors: Node[]): WordNode {
  return { node, ancestors, ancestor: (depth) => ancestors[depth] };
}

// A hit of a tree without errors: its ancestors are read with `parent`, one level at a time.
class ClimbedWordNode implements WordNode {
  // True once the root was passed or the three ancestors were read.
  private complete = false;

  /** `read`: the nearest ancestors already known, parent first (fewer than three). */
  constructor(
    readonly node: Node,
    private readonly read: Node[] = [],
  ) {}

  ancestor(depth: number): Node | undefined {
    while (this.read.length <= depth && !this.complete) {
      const next = (this.read.length === 0 ? this.node : (this.read.at(-1) as Node)).parent;
      if (next !== null) this.read.push(next);
      if (next === null || this.read.length === ANCESTOR_COUNT) this.complete = true;
    }
    return this.read[depth];
  }

  get ancestors(): Node[] {
    this.ancestor(ANCESTOR_COUNT - 1);
    return this.read;
  }
}

/**
 * How often each identifier-like word (`[A-Za-z_$][\w$]*`, ASCII) occurs in a text (also in strings
 * and comments): a cheap filter before a tree search, so looking up thousands of project client
 * names in a file costs one pass over its text rather than one search per name.
 */
export function countWords(text: string): Map<string, number> {
  // A loop over character codes, not `matchAll`: the project pass counts every file's words, and
  // a match object per word took twice as long (about 0.3 s of a 5,000-file workspace).
  const counts = new Map<string, number>();
  const length = text.length;
  let at = 0;
  while (at < length) {
    if (!startsWord(text.charCodeAt(at))) {
      at++;
      continue;
    }
    const start = at++;
    while (at < length && continuesWord(text.charCodeAt(at))) at++;
    const word = text.slice(start, at);
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

// `[A-Za-z_$]`
function startsWord(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
}

// `[\w$]`: a word's start or a digit.
function continuesWord(code: number): boolean {
  return startsWord(code) || (code >= 48 && code <= 57);
}

/**
 * Finds the syntax nodes that are exactly the word `word` (an identifier, property name, ...).
 * The text is searched first and the tree is asked only about the hits, in one forward walk of a
 * tree cursor that jumps straight into the top-level statement holding a hit: asking the root for
 * each hit (`descendantForIndex`, `parent`) rescans long child lists every time, which turns
 * quadratic on big files and on the flat ERROR nodes that broken code produces. Occurrences inside strings and comments resolve to string or comment nodes,
 * which callers reject by type.
 */
export function findWordNodes(root: Node, text: string, word: string): WordNode[] {
  if (!root.hasError && root.parent === null) return findWordNodesInCleanTree(root, text, word);
  const found: WordNode[] = [];
  const cursor = root.walk();
  // Ancestors are read with a second cursor: climbing the search cursor itself would leave it near
  // the root, and the next hit would scan the root's children from the first one again, which is
  // quadratic in the statements of a file.
  const climber = root.walk();
  const top = topLevelChildren(root);
  let current = -1;
  try {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
      const end = at + word.length;
      if (isIdentifierChar(text, at - 1) || isIdentifierChar(text, end)) continue;
      // Into the top-level child that holds the hit in one step, not by stepping over the ones before
      // it: once per word that would be (words x top-level statements) steps.
      // The first top-level child ending past the hit (ends ascend), or the count when none does.
      const index = countAtMost(top.ends, at);
      if (index !== current && index < top.ends.length && (top.starts[index] as number) <= at) {
        cursor.gotoDescendant(top.descendants[index] as number);
        current = index;
      }
      if (!moveCursorTo(cursor, at, end)) continue;
      const node = cursor.currentNode;
      const ancestors: Node[] = [];
      climber.resetTo(cursor);
      while (ancestors.length < ANCESTOR_COUNT && climber.gotoParent()) ancestors.push(climber.currentNode);
      found.push(knownAncestors(node, ancestors));
    }
  } finally {
    cursor.delete();
    climber.delete();
  }
  return found;
}

/**
 * `findWordNodes` in a tree without syntax errors: each hit is asked of the root (`descendantForIndex`,
 * then `parent`), a few calls into wasm per hit where the cursor walk takes dozens. Without ERROR
 * nodes every long child list (statements, arguments, elements) is a repetition, which tree-sitter
 * stores as a balanced tree of hidden nodes, so each question costs the tree's depth; only the flat
 * child lists of error recovery make it quadratic, and those trees keep the cursor walk.
 */
function findWordNodesInCleanTree(root: Node, text: string, word: string): WordNode[] {
  const found: WordNode[] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    const end = at + word.length;
    if (isIdentifierChar(text, at - 1) || isIdentifierChar(text, end)) continue;
    // A hit that starts a call is read from the call, with its parents (see `call-starts.ts`).
    const inCall = findHitInCall(root, at, end);
    if (inCall !== undefined) {
      found.push(new ClimbedWordNode(inCall.node, inCall.parents));
      continue;
    }
    // The deepest node holding the range: the word's own node when one spans exactly the word.
    const node = root.descendantForIndex(at, end);
    if (node === null || node.startIndex !== at || node.endIndex !== end) continue;
    found.push(new ClimbedWordNode(node));
  }
  return found;
}

/** The start, end and cursor descendant index of each child of a root, in order. */
interface TopLevelChildren {
  starts: number[];
  ends: number[];
  descendants: number[];
}

const topLevelByTree = new WeakMap<object, Map<number, TopLevelChildren>>();

// Read once per tree with one walk over the root's children (the same visible children a cursor visits).
function topLevelChildren(root: Node): TopLevelChildren {
  let byRoot = topLevelByTree.get(root.tree);
  if (byRoot === undefined) {
    byRoot = new Map();
    topLevelByTree.set(root.tree, byRoot);
  }
  let found = byRoot.get(root.id);
  if (found === undefined) {
    found = { starts: [], ends: [], descendants: [] };
    const cursor = root.walk();
    try {
      for (let more = cursor.gotoFirstChild(); more; more = cursor.gotoNextSibling()) {
        found.starts.push(cursor.startIndex);
        found.ends.push(cursor.endIndex);
        found.descendants.push(cursor.currentDescendantIndex);
      }
    } finally {
      cursor.delete();
    }
    byRoot.set(root.id, found);
  }
  return found;
}

// Moves the cursor, which sits at or before `start`, to the node spanning exactly [start, end).
function moveCursorTo(cursor: TreeCursor, start: number, end: number): boolean {
  // Forward over earlier siblings, up out of nodes that end too soon.
  while (!(cursor.startIndex <= start && end <= cursor.endIndex)) {
    if (cursor.endIndex <= start && cursor.gotoNextSibling()) continue;
    if (!cursor.gotoParent()) return false;
  }
  // Down into the child that holds the range, until the node is the range itself.
  while (cursor.startIndex !== start || cursor.endIndex !== end) {
    if (!cursor.gotoFirstChild()) return false;
    while (cursor.endIndex <= start && cursor.gotoNextSibling()) {}
    if (!(cursor.startIndex <= start && end <= cursor.endIndex)) return false;
  }
  // Nodes can wrap a single child of the same extent (an import specifier its identifier): take the
  // innermost, as `descendantForIndex` would.
  while (cursor.gotoFirstChild()) {
    if (cursor.startIndex !== start || cursor.endIndex !== end) {
      cursor.gotoParent();
      break;
    }
  }
  return true;
}

// Up to this many named children are read one at a time: `namedChildren` allocates a buffer on the
// wasm side and reads it back value by value, three to four times the cost of `namedChild(i)` for the
// one to four children of an argument list or a template. Each `namedChild(i)` walks the node's
// children from the first, so a longer list is read in one `namedChildren` call.
const CHILDREN_BY_INDEX = 8;

/** A node's named children, as `node.namedChildren` gives them, read the cheaper way for its count. */
export function namedChildrenOf(node: Node): Array<Node | null> {
  const count = node.namedChildCount;
  if (count > CHILDREN_BY_INDEX) return node.namedChildren;
  const children: Array<Node | null> = [];
  for (let i = 0; i < count; i++) children.push(node.namedChild(i));
  return children;
}

// Whether each tree asked about has syntax errors (its root's `hasError`, a call into wasm), by tree.
const treesWithErrors = new WeakMap<Tree, boolean>();

/**
 * Tells whether `child`, a child of `parent`, is the child in `parent`'s first field (`field`: a
 * call's `function`, a member expression's `object`), as `isSameNode(parent.childForFieldName(field),
 * child)` would. In a tree without errors no child is empty before the first one, so the first child
 * is the one that starts where its parent does: compared by offset (no call into wasm, no node made).
 * A tree with errors (MISSING nodes are empty) is asked for the field.
 */
export function isFirstFieldChild(parent: Node, child: Node, field: string): boolean {
  if (treeHasErrors(parent.tree)) return isSameNode(parent.childForFieldName(field), child);
  return child.startIndex === parent.startIndex && child.tree === parent.tree;
}

// Asked once per tree: `hasError` is a call into wasm.
function treeHasErrors(tree: Tree): boolean {
  let hasErrors = treesWithErrors.get(tree);
  if (hasErrors === undefined) {
    hasErrors = tree.rootNode.hasError;
    treesWithErrors.set(tree, hasErrors);
  }
  return hasErrors;
}

/** Tells whether two nodes of the same tree are the same node. */
export function isSameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && a.id === b.id;
}

// The node whose type was read last, and that type: reading a URL asks one node's type several
// times in turn (unwrapping, literal, concatenation), and each `type` is a call into wasm.
let typedNode: Node | undefined;
let typedAs = '';

/** A node's type (`node.type`), read once for the node asked last. */
export function nodeType(node: Node): string {
  if (node !== typedNode) {
    typedAs = node.type;
    typedNode = node;
  }
  return typedAs;
}

/** Strips parentheses, `as`/`satisfies` casts and non-null assertions around an expression. */
export function unwrapExpression(node: Node): Node {
  let current = node;
  while (TRANSPARENT_WRAPPERS.has(nodeType(current))) {
    const inner = nodeType(current) === 'type_assertion' ? current.lastNamedChild : current.firstNamedChild;
    if (inner === null) break;
    current = inner;
  }
  return current;
}

/** Returns the source text of a node. */
export function sliceNode(text: string, node: Node): string {
  return text.slice(node.startIndex, node.endIndex);
}

/** Reads a string or template literal; undefined for any other node. */
export function readLiteral(node: Node, text: string): LiteralText | undefined {
  const type = nodeType(node);
  if (type === 'string') {
    const raw = sliceBetweenDelimiters(text, node.startIndex, node.endIndex);
    return { raw, segments: [{ kind: 'literal', text: decodeEscapes(raw) }] };
  }
  if (type === 'template_string') return readTemplate(node, text);
  return undefined;
}

/** Reads the value of a string literal, or of a template literal without substitutions. */
export function readConstantString(node: Node, text: string): string | undefined {
  const literal = readLiteral(unwrapExpression(node), text);
  if (literal === undefined || literal.segments.some((segment) => segment.kind === 'expr')) return undefined;
  return literal.segments.map((segment) => (segment.kind === 'literal' ? segment.text : '')).join('');
}

/** Decodes JavaScript string escapes (`\n`, `\x41`, `\u{1F600}`, line continuations, ...). */
export function decodeEscapes(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(
    /\\(?:u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(\r\n|[\n\r\u2028\u2029])|([\s\S]))/g,
    (_match, braced?: string, unicode?: string, hex?: string, newline?: string, other?: string) => {
      const code = braced ?? unicode ?? hex;
      if (code !== undefined) {
        const value = Number.parseInt(code, 16);
        return value <= 0x10ffff ? String.fromCodePoint(value) : '';
      }
      if (newline !== undefined) return '';
      return SIMPLE_ESCAPES[other ?? ''] ?? other ?? '';
    },
  );
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

function readTemplate(node: Node, text: string): LiteralText {
  const raw = sliceBetweenDelimiters(text, node.startIndex, node.endIndex);
  // A substitution starts with `${`: a template without one is a single literal, read from the text.
  if (!raw.includes('${')) {
    const segments: UrlSegment[] = [];
    pushLiteral(segments, raw);
    return { raw, segments };
  }
  const simple = readWordSubstitutions(node, raw);
  if (simple !== undefined) return { raw, segments: simple };
  const segments: UrlSegment[] = [];
  const contentEnd = node.startIndex + 1 + raw.length;
  let literalStart = node.startIndex + 1;
  for (const child of namedChildrenOf(node)) {
    if (child === null || child.type !== 'template_substitution') continue;
    pushLiteral(segments, text.slice(literalStart, child.startIndex));
    const expression = child.firstNamedChild;
    segments.push({ kind: 'expr', source: expression === null ? '' : sliceNode(text, expression) });
    literalStart = child.endIndex;
  }
  pushLiteral(segments, text.slice(literalStart, contentEnd));
  return { raw, segments };
}

// A substitution of one ASCII word (`${id}`, `${ this }`): nothing in it can hold a `}`, a comment or
// another template.
const WORD_SUBSTITUTION = /\$\{[ \t]*([A-Za-z_$][\w$]*)[ \t]*\}/y;

/**
 * A template's segments read from its text when every substitution in it is one word: the segments
 * `readTemplate` reads from the tree (its children, each substitution's first named child), without
 * a call into wasm per child. Only in a tree without errors, where each `${` not escaped by an odd
 * run of backslashes starts a substitution; undefined for any other template.
 */
function readWordSubstitutions(node: Node, raw: string): UrlSegment[] | undefined {
  if (treeHasErrors(node.tree)) return undefined;
  const segments: UrlSegment[] = [];
  let literalStart = 0;
  let at = raw.indexOf('${');
  while (at >= 0) {
    let backslashes = 0;
    while (raw[at - 1 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 1) {
      at = raw.indexOf('${', at + 2);
      continue;
    }
    WORD_SUBSTITUTION.lastIndex = at;
    const match = WORD_SUBSTITUTION.exec(raw);
    if (match === null) return undefined;
    pushLiteral(segments, raw.slice(literalStart, at));
    segments.push({ kind: 'expr', source: match[1] as string });
    literalStart = at + match[0].length;
    at = raw.indexOf('${', literalStart);
  }
  pushLiteral(segments, raw.slice(literalStart));
  return segments;
}

function pushLiteral(segments: UrlSegment[], raw: string): void {
  if (raw.length > 0) segments.push({ kind: 'literal', text: decodeEscapes(raw) });
}

// A literal cut short by a syntax error has no closing delimiter; keep everything after the opening.
function sliceBetweenDelimiters(text: string, start: number, end: number): string {
  const open = text[start];
  const closed = end - start >= 2 && text[end - 1] === open;
  return text.slice(start + 1, closed ? end - 1 : end);
}

function isIdentifierChar(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 128) {
    return (
      (code >= 97 && code <= 122) ||
      (code >= 65 && code <= 90) ||
      (code >= 48 && code <= 57) ||
      code === 95 ||
      code === 36
    );
  }
  // Low surrogate before the word: check the whole code point it ends.
  const start = code >= 0xdc00 && code <= 0xdfff && index > 0 ? index - 1 : index;
  const point = text.codePointAt(start) ?? code;
  return IDENTIFIER_CHAR.test(String.fromCodePoint(point));
}

/** The operands of an `a + b + c` chain, left to right (iterative: a chain nests as deep as it is long). */
export function flattenConcatenation(node: Node, text: string): Node[] {
  const operands: Node[] = [];
  const pending: Node[] = [node];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const inner = unwrapExpression(next);
    const operator = inner.type === 'binary_expression' ? inner.childForFieldName('operator') : null;
    const left = inner.childForFieldName('left');
    const right = inner.childForFieldName('right');
    if (operator === null || sliceNode(text, operator) !== '+' || left === null || right === null) {
      operands.push(inner);
      continue;
    }
    pending.push(right, left);
  }
  return operands;
}

/**
 * A tree's nodes by type, read in one walk. Recognisers and the project pass each ask the root for
 * the nodes of a few types (comments, classes, declarators, imports, ...); each `descendantsOfType`
 * walks the whole tree again, which on a 100,000-call file was a third of the scan. Here the first
 * question about a tree's root walks it once for every type any tree of that language was asked
 * about so far, and later questions are answered from that walk.
 */
import type { Language, Node, Tree } from 'web-tree-sitter';

interface TreeNodes {
  /** The root's id: only questions about the whole tree are answered from the walk. */
  rootId: number;
  /** The types the walk collected. */
  types: ReadonlySet<string>;
  /** The nodes of the walk in document (pre-)order, and each type's positions in it. */
  nodes: Node[];
  byType: Map<string, number[]>;
}

// null: the walk gave a node it could not read (never seen), so the tree is asked directly.
const walks = new WeakMap<Tree, TreeNodes | null>();
// The types asked about per language: a file's walk collects them all, since the scans of every
// file of a language ask about much the same ones.
const askedByLanguage = new WeakMap<Language, Set<string>>();

// The types the scanner's own modules ask the root about (recognisers, annotations, the project
// pass), known before the first file: without them the process's first file of a language walked
// its tree once per type not yet asked (five walks of the 100,000-call file). A name a grammar does
// not have matches no node, as in `descendantsOfType`; a type missing here costs a walk, not a result.
const EXPECTED_TYPES = [
  'comment',
  'call',
  'variable_declarator',
  'assignment_expression',
  'assignment',
  'short_var_declaration',
  'assignment_statement',
  'const_spec',
  'var_spec',
  'composite_literal',
  'class_declaration',
  'class',
  'abstract_class_declaration',
  'class_definition',
  'public_field_definition',
  'required_parameter',
  'optional_parameter',
  'field_declaration',
  'method_definition',
  // Constructions, for clients injected through a constructor (`project/injected-fields.ts`).
  'new_expression',
  'function_definition',
  'method_declaration',
  'import_statement',
  'import_from_statement',
  'import_spec',
  'typed_parameter',
  'typed_default_parameter',
  'default_parameter',
  // Functions, for the function around a call (`project/function-index.ts`).
  'function_declaration',
  'generator_function_declaration',
  'arrow_function',
  'function_expression',
  'function',
  'func_literal',
];

/**
 * The descendants of `node` (itself included) whose type is one of `types`, in document order:
 * exactly `node.descendantsOfType(types)`, answered from one walk per tree when `node` is the root.
 */
export function nodesOfType(node: Node, types: string | readonly string[]): Array<Node | null> {
  const wanted = typeof types === 'string' ? [types] : types;
  const tree = node.tree;
  let asked = askedByLanguage.get(tree.language);
  if (asked === undefined) {
    asked = new Set(EXPECTED_TYPES);
    askedByLanguage.set(tree.language, asked);
  }
  // Not ERROR: web-tree-sitter 0.25.10 puts its symbol (65535) first in the list its wasm side
  // searches as if sorted, so ERROR asked with any other type finds only the ERROR nodes.
  for (const type of wanted) if (type !== 'ERROR') asked.add(type);
  let walk = walks.get(tree);
  if (walk === undefined) {
    const root = tree.rootNode;
    if (root.id !== node.id) return node.descendantsOfType([...wanted]);
    walk = walkOnce(root, asked);
    walks.set(tree, walk);
  }
  if (walk === null || walk.rootId !== node.id || !wanted.every((type) => walk.types.has(type)))
    return node.descendantsOfType([...wanted]);
  const positions: number[] = [];
  // One loop, not a spread: a big file's list of one type is longer than a call's argument limit.
  for (const type of new Set(wanted)) for (const at of walk.byType.get(type) ?? []) positions.push(at);
  if (wanted.length > 1) positions.sort((a, b) => a - b);
  return positions.map((at) => walk.nodes[at] as Node);
}

function walkOnce(root: Node, asked: ReadonlySet<string>): TreeNodes | null {
  const types = new Set(asked);
  const nodes: Node[] = [];
  const byType = new Map<string, number[]>();
  for (const found of root.descendantsOfType([...types])) {
    if (found === null) return null;
    const list = byType.get(found.type);
    if (list === undefined) byType.set(found.type, [nodes.length]);
    else list.push(nodes.length);
    nodes.push(found);
  }
  return { rootId: root.id, types, nodes, byType };
}

/**
 * Lexical scopes, as far as recognisers need them: where a name is declared in a file, and which
 * declaration a use of that name refers to. A call to `fetch` is only the global fetch when no
 * enclosing scope declares its own `fetch`. This is a syntactic approximation: it follows
 * JavaScript's block and function scoping and hoisting, but not `with`, `eval`, or Annex B's
 * sloppy-mode function hoisting.
 */

import type { Node } from 'web-tree-sitter';
import {
  isSameNode,
  nodeType,
  readConstantString,
  sliceNode,
  unwrapExpression,
  type WordNode,
} from './syntax';

/** How a name was declared. */
export type BindingKind =
  | 'function'
  | 'class'
  | 'var'
  | 'let'
  | 'const'
  | 'using'
  | 'parameter'
  | 'catch'
  | 'import';

/** One declaration of a name and the range of text in which it is visible. */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The identifier that declares the name. */
  node: Node;
  /** Start and end (UTF-16 offsets) of the scope the declaration is visible in. */
  scopeStart: number;
  scopeEnd: number;
  /** For imports: the module specifier (`'node-fetch'`). */
  importSource?: string;
  /** For variables: the declarator's value, when present (`require('x')` in `const { a } = require('x')`). */
  initializer?: Node;
  /** For variables: true when the name comes out of a destructuring pattern. */
  destructured?: boolean;
}

// Nodes whose extent is a block scope (`let`, `const`, `class`, function declarations).
const BLOCK_SCOPES = new Set([
  'program',
  'statement_block',
  'switch_body',
  'for_statement',
  'for_in_statement',
  'class_static_block',
]);

// Nodes whose extent is a function scope (`var`).
const FUNCTION_SCOPES = new Set([
  'program',
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'generator_function',
  'arrow_function',
  'method_definition',
  'class_static_block',
]);

// The node types that can be a declared name.
const DECLARED_TYPES = new Set(['identifier', 'shorthand_property_identifier_pattern', 'type_identifier']);

// Destructuring nodes that pass a binding up to their declaration.
const PATTERNS = new Set(['object_pattern', 'array_pattern', 'rest_pattern']);

/** Picks the declarations of `name` out of the nodes that spell it (see `findWordNodes`). */
export function collectBindings(nodes: readonly WordNode[], name: string, text: string): Binding[] {
  const bindings: Binding[] = [];
  for (const hit of nodes) {
    // The hit's own type first: its parent (a search from the root) only for a name that can declare.
    if (!DECLARED_TYPES.has(hit.node.type)) continue;
    const binding = classifyBinding(hit.node, hit.ancestor(0) ?? null, name, text);
    if (binding !== undefined) bindings.push(binding);
  }
  return bindings;
}

/** Returns the innermost declaration among `bindings` whose scope holds `use`, if any. */
export function resolveBinding(bindings: readonly Binding[], use: Node): Binding | undefined {
  if (bindings.length === 0) return undefined;
  // Read once: each `endIndex` is a call into wasm, and a name's uses are resolved one by one.
  const start = use.startIndex;
  const end = use.endIndex;
  let best: Binding | undefined;
  for (const binding of bindings) {
    if (start < binding.scopeStart || end > binding.scopeEnd) continue;
    if (best === undefined || binding.scopeEnd - binding.scopeStart < best.scopeEnd - best.scopeStart) {
      best = binding;
    }
  }
  return best;
}

// `parent` comes with the word hit: asking a node for its parent rescans from the root.
function classifyBinding(
  node: Node,
  nodeParent: Node | null,
  name: string,
  text: string,
): Binding | undefined {
  let child = node;
  let parent = nodeParent;
  while (parent !== null && isPatternStep(parent, child)) {
    child = parent;
    parent = parent.parent;
  }
  if (parent === null) return undefined;
  const direct = isSameNode(child, node);
  const make = (kind: BindingKind, scope: Node | null, extra: Partial<Binding> = {}): Binding | undefined =>
    scope === null || isInsideAmbientDeclaration(scope, child)
      ? undefined
      : { name, kind, node, scopeStart: scope.startIndex, scopeEnd: scope.endIndex, ...extra };

  switch (nodeType(parent)) {
    case 'variable_declarator': {
      if (!isSameNode(parent.childForFieldName('name'), child)) return undefined;
      const declaration = parent.parent;
      if (declaration === null) return undefined;
      const kind = readDeclarationKind(declaration);
      const scope =
        kind === 'var'
          ? findEnclosing(declaration, FUNCTION_SCOPES)
          : findEnclosing(declaration, BLOCK_SCOPES);
      const initializer = parent.childForFieldName('value');
      return make(kind, scope, { destructured: !direct, ...(initializer === null ? {} : { initializer }) });
    }
    case 'required_parameter':
    case 'optional_parameter':
      if (!isSameNode(parent.childForFieldName('pattern'), child)) return undefined;
      return make('parameter', parent.parent?.parent ?? null);
    case 'formal_parameters':
      return make('parameter', parent.parent);
    case 'arrow_function':
      return isSameNode(parent.childForFieldName('parameter'), child) ? make('parameter', parent) : undefined;
    case 'catch_clause':
      return isSameNode(parent.childForFieldName('parameter'), child) ? make('catch', parent) : undefined;
    case 'for_in_statement':
      return isSameNode(parent.childForFieldName('left'), child) ? make('let', parent) : undefined;
    case 'function_declaration':
    case 'generator_function_declaration':
      return isSameNode(parent.childForFieldName('name'), child)
        ? make('function', findEnclosing(parent, BLOCK_SCOPES))
        : undefined;
    case 'class_declaration':
      return isSameNode(parent.childForFieldName('name'), child)
        ? make('class', findEnclosing(parent, BLOCK_SCOPES))
        : undefined;
    case 'function_expression':
    case 'function':
    case 'generator_function':
    case 'class':
      // A named function or class expression sees its own name, and nothing outside it does.
      return isSameNode(parent.childForFieldName('name'), child)
        ? make(parent.type === 'class' ? 'class' : 'function', parent)
        : undefined;
    default:
      return classifyImport(parent, child, text, make);
  }
}

type MakeBinding = (kind: BindingKind, scope: Node | null, extra?: Partial<Binding>) => Binding | undefined;

function classifyImport(parent: Node, child: Node, text: string, make: MakeBinding): Binding | undefined {
  let statement: Node | null = null;
  switch (nodeType(parent)) {
    case 'import_specifier': {
      const alias = parent.childForFieldName('alias');
      const local = alias ?? parent.childForFieldName('name');
      if (!isSameNode(local, child)) return undefined;
      statement = parent.parent?.parent?.parent ?? null;
      break;
    }
    case 'import_clause':
      statement = parent.parent;
      break;
    case 'namespace_import':
      statement = parent.parent?.parent ?? null;
      break;
    case 'import_require_clause':
      if (!isSameNode(parent.firstNamedChild, child)) return undefined;
      statement = parent.parent;
      break;
    default:
      return undefined;
  }
  if (statement === null || statement.type !== 'import_statement') return undefined;
  const sourceNode = statement.childForFieldName('source') ?? parent.childForFieldName('source');
  const importSource = sourceNode === null ? undefined : readConstantString(sourceNode, text);
  const root = findEnclosing(statement, new Set(['program']));
  return make('import', root, importSource === undefined ? {} : { importSource });
}

function isPatternStep(parent: Node, child: Node): boolean {
  const type = nodeType(parent);
  if (PATTERNS.has(type)) return true;
  if (type === 'pair_pattern') return isSameNode(parent.childForFieldName('value'), child);
  if (type === 'assignment_pattern' || type === 'object_assignment_pattern') {
    return isSameNode(parent.childForFieldName('left'), child);
  }
  return false;
}

function readDeclarationKind(declaration: Node): BindingKind {
  if (declaration.type === 'variable_declaration') return 'var';
  const keyword = declaration.firstChild?.type;
  if (keyword === 'let') return 'let';
  if (keyword === 'using' || keyword === 'await') return 'using';
  return 'const';
}

function findEnclosing(node: Node, types: ReadonlySet<string>): Node | null {
  let current = node.parent;
  while (current !== null && !types.has(current.type)) current = current.parent;
  return current;
}

// `declare const fetch: ...` describes the global rather than replacing it. Only the nodes between
// the declaration and its scope can be the `declare`.
function isInsideAmbientDeclaration(scope: Node, declaration: Node): boolean {
  for (
    let current = declaration.parent;
    current !== null && !isSameNode(current, scope);
    current = current.parent
  ) {
    if (current.type === 'ambient_declaration') return true;
  }
  return scope.type === 'ambient_declaration';
}

/** Reads the module a binding's value requires: `require('<module>')` or its `.default`. */
export function readRequiredModule(binding: Binding, text: string): string | undefined {
  if (binding.initializer === undefined) return undefined;
  let value = unwrapExpression(binding.initializer);
  if (
    value.type === 'member_expression' &&
    readText(value.childForFieldName('property'), text) === 'default'
  ) {
    const object = value.childForFieldName('object');
    if (object === null) return undefined;
    value = unwrapExpression(object);
  }
  if (value.type !== 'call_expression' || readText(value.childForFieldName('function'), text) !== 'require')
    return undefined;
  const argument = value.childForFieldName('arguments')?.firstNamedChild;
  return argument === null || argument === undefined ? undefined : readConstantString(argument, text);
}

function readText(node: Node | null, text: string): string | undefined {
  return node === null ? undefined : sliceNode(text, node);
}

/**
 * The shape of code around a call, for the project pass, in TypeScript/JavaScript, Python and Go:
 * the function or method a node sits in (its name, parameters, the class or object it belongs to,
 * the names `this`/`self`/a Go receiver take), and the classes and typed fields a file declares.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readPythonParamName, readPythonString } from '../python-syntax';
import { readConstantString, sliceNode } from '../syntax';
import type { ScanLanguage } from '../types';
import { findEnclosingOfTypes } from './function-index';
import { readGoEmbeddings } from './go-embedded';
import { readPythonFieldTypes } from './python-field-types';
import type { ClassFact } from './types';

/** A function or method, as the project pass sees it. */
export interface FunctionShape {
  node: Node;
  name: string;
  /** The class, or for an object literal's method the variable holding the object. */
  owner?: string;
  /** Parameter names in argument order; destructured parameters are ''. */
  params: string[];
  /** Constant string defaults of parameters, by position (`slug = ""`). */
  defaults?: Map<number, string>;
  /** Names bound by destructuring an object parameter: `send({ method, path })` → path: (0, 'path'). */
  keys?: Map<string, { index: number; key: string }>;
  /** Names the receiver goes by inside: `this`, `self`, a Go receiver's name. */
  selfNames: string[];
  line: number;
}

const JS_FUNCTIONS = new Set([
  'function_declaration',
  'generator_function_declaration',
  'method_definition',
  'arrow_function',
  'function_expression',
  'function',
]);
const JS_CLASSES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);

/** Tells whether the language is one of the JavaScript family. */
export function isJsLanguage(language: ScanLanguage): boolean {
  return language === 'typescript' || language === 'tsx' || language === 'javascript';
}

const PYTHON_FUNCTIONS = ['function_definition'];
// A Go closure ends the search: a function literal is no named function.
const GO_FUNCTIONS = ['function_declaration', 'method_declaration', 'func_literal'];
const JS_FUNCTION_LIST = [...JS_FUNCTIONS];

/** The innermost named function or method holding `node`, if any. */
export function findEnclosingFunction(
  node: Node,
  language: ScanLanguage,
  text: string,
): FunctionShape | undefined {
  const types = isJsLanguage(language)
    ? JS_FUNCTION_LIST
    : language === 'python'
      ? PYTHON_FUNCTIONS
      : language === 'go'
        ? GO_FUNCTIONS
        : [];
  const indexed = types.length === 0 ? undefined : findEnclosingOfTypes(node, types);
  if (indexed !== null) return indexed === undefined ? undefined : readFunctionShape(indexed, language, text);
  for (let current = node.parent; current !== null; current = current.parent) {
    if (types.includes(current.type)) return readFunctionShape(current, language, text);
  }
  return undefined;
}

/** The shape of a function node of one of its language's function types (`findEnclosingFunction`'s). */
export function readFunctionShape(fn: Node, language: ScanLanguage, text: string): FunctionShape | undefined {
  if (isJsLanguage(language)) return readShapeOnce(fn, text, readJsFunction);
  if (language === 'python') return readShapeOnce(fn, text, readPythonFunction);
  return fn.type === 'func_literal' ? undefined : readShapeOnce(fn, text, readGoFunction);
}

// Shapes read, by tree and function node: a function with thousands of calls is read once, not
// once per call (a 100,000-call function's parameters were read 100,000 times).
const shapes = new WeakMap<object, { text: string; byNode: Map<number, FunctionShape | undefined> }>();

function readShapeOnce(
  fn: Node,
  text: string,
  read: (fn: Node, text: string) => FunctionShape | undefined,
): FunctionShape | undefined {
  let known = shapes.get(fn.tree);
  if (known === undefined || known.text !== text) {
    known = { text, byNode: new Map() };
    shapes.set(fn.tree, known);
  }
  if (known.byNode.has(fn.id)) return known.byNode.get(fn.id);
  const shape = read(fn, text);
  known.byNode.set(fn.id, shape);
  return shape;
}

/** The name a module's anonymous default-exported function goes by (`export default (url) => ...`). */
export const DEFAULT_EXPORT = 'default';

function isDefaultExport(fn: Node): boolean {
  let up = fn.parent;
  while (up?.type === 'parenthesized_expression') up = up.parent;
  return up?.type === 'export_statement' && up.children.some((c) => c?.type === 'default');
}

function readJsFunction(fn: Node, text: string): FunctionShape | undefined {
  let name: string | undefined;
  let owner: string | undefined;
  const parent = seeThroughMemo(fn, text)?.parent ?? fn.parent;
  if (fn.type === 'method_definition') {
    name = readName(fn.childForFieldName('name'), text);
    owner = readJsOwner(parent, text);
  } else if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration') {
    name = readName(fn.childForFieldName('name'), text);
  } else if (parent?.type === 'variable_declarator') {
    name = readName(parent.childForFieldName('name'), text);
  } else if (parent?.type === 'pair') {
    name = readName(parent.childForFieldName('key'), text);
    owner = readJsOwner(parent.parent, text);
  } else if (parent?.type === 'public_field_definition') {
    name = readName(parent.childForFieldName('name'), text);
    owner = readJsOwner(parent.parent, text);
  } else if (isDefaultExport(fn)) {
    // `export default (url, init) => ...`: importers name it as they like; matched as `default`.
    name = DEFAULT_EXPORT;
  } else {
    const field = readFieldOfReturned(fn, text);
    name = field?.name;
    owner = field?.owner;
  }
  if (name === undefined || name === '') return undefined;
  const { params, defaults, keys } = readJsParams(fn, text);
  return {
    node: fn,
    name,
    ...(owner === undefined ? {} : { owner }),
    params,
    ...(defaults.size === 0 ? {} : { defaults }),
    ...(keys.size === 0 ? {} : { keys }),
    selfNames: owner === undefined ? [] : ['this'],
    line: fn.startPosition.row + 1,
  };
}

/**
 * A JS function's parameters in argument order ('' for a destructured one, a rest parameter by its
 * name, `this:` left out), their constant string defaults and the keys an object pattern binds.
 */
export function readJsParams(
  fn: Node,
  text: string,
): { params: string[]; defaults: Map<number, string>; keys: Map<string, { index: number; key: string }> } {
  const params: string[] = [];
  const defaults = new Map<number, string>();
  const keys = new Map<string, { index: number; key: string }>();
  const single = fn.childForFieldName('parameter');
  if (single !== null) params.push(sliceNode(text, single));
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null || param.type === 'comment') continue;
    const pattern =
      param.type === 'required_parameter' || param.type === 'optional_parameter'
        ? param.childForFieldName('pattern')
        : param;
    if (pattern?.type === 'this') continue;
    let fallback = param.childForFieldName('value');
    let target = pattern;
    if (pattern?.type === 'assignment_pattern') {
      target = pattern.childForFieldName('left');
      fallback = pattern.childForFieldName('right');
    }
    const constant = fallback === null ? undefined : readConstantString(fallback, text);
    if (constant !== undefined) defaults.set(params.length, constant);
    if (target?.type === 'object_pattern') readPatternKeys(target, params.length, text, keys);
    const restName = target?.type === 'rest_pattern' ? target.firstNamedChild : target;
    params.push(restName?.type === 'identifier' ? sliceNode(text, restName) : '');
  }
  return { params, defaults, keys };
}

/**
 * A function a method returns, kept in a field of the class: `this.send_ = this.makeSender()` in
 * the constructor (or a field `send_ = this.makeSender()`) where `makeSender()` ends `return async
 * (url, init) => ...`. Calling `this.send_(...)` runs the returned function, so it goes by the
 * field's name. Only when one field holds the method's result, and the method returns nothing else.
 */
function readFieldOfReturned(fn: Node, text: string): { name: string; owner: string } | undefined {
  const statement = fn.parent;
  const method = statement?.type === 'return_statement' ? statement.parent?.parent : undefined;
  const body = method?.parent;
  const methodName = readName(method?.childForFieldName('name') ?? null, text);
  if (method?.type !== 'method_definition' || body?.type !== 'class_body' || methodName === undefined)
    return undefined;
  const returns = nodesOfType(method, 'return_statement').filter(
    (r) => r !== null && innermostFunction(r)?.id === method.id,
  );
  if (returns.length !== 1) return undefined;
  const fields = new Set<string>();
  for (const call of nodesOfType(body, 'call_expression')) {
    const callee = call?.childForFieldName('function');
    if (
      call == null ||
      callee?.type !== 'member_expression' ||
      callee.childForFieldName('object')?.type !== 'this' ||
      sliceNode(text, callee.childForFieldName('property') ?? callee) !== methodName
    )
      continue;
    const field = readAssignedField(call);
    if (field === undefined) return undefined;
    fields.add(sliceNode(text, field));
  }
  const owner = readJsOwner(body, text);
  const [name] = fields;
  return fields.size === 1 && name !== undefined && owner !== undefined ? { name, owner } : undefined;
}

// The field a value is stored in: `this.x = value` or a field declaration `x = value`.
function readAssignedField(value: Node): Node | undefined {
  const holder = value.parent;
  if (holder?.type === 'public_field_definition' && holder.childForFieldName('value')?.id === value.id)
    return holder.childForFieldName('name') ?? undefined;
  if (holder?.type !== 'assignment_expression' || holder.childForFieldName('right')?.id !== value.id)
    return undefined;
  const target = holder.childForFieldName('left');
  if (target?.type !== 'member_expression' || target.childForFieldName('object')?.type !== 'this')
    return undefined;
  return target.childForFieldName('property') ?? undefined;
}

// The innermost JavaScript function around a node (from the tree's function index, else a climb).
function innermostFunction(node: Node): Node | undefined {
  const indexed = findEnclosingOfTypes(node, JS_FUNCTION_LIST);
  if (indexed !== null) return indexed;
  for (let current = node.parent; current !== null; current = current.parent)
    if (JS_FUNCTIONS.has(current.type)) return current;
  return undefined;
}

// `{ method, path: url, data = {} }`: each bound name and the key it is read from.
function readPatternKeys(
  pattern: Node,
  index: number,
  text: string,
  keys: Map<string, { index: number; key: string }>,
): void {
  for (const child of pattern.namedChildren) {
    if (child === null) continue;
    if (child.type === 'shorthand_property_identifier_pattern') {
      keys.set(sliceNode(text, child), { index, key: sliceNode(text, child) });
    } else if (child.type === 'object_assignment_pattern') {
      const left = child.childForFieldName('left');
      if (left?.type === 'shorthand_property_identifier_pattern')
        keys.set(sliceNode(text, left), { index, key: sliceNode(text, left) });
    } else if (child.type === 'pair_pattern') {
      const key = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      if (key !== null && value?.type === 'identifier')
        keys.set(sliceNode(text, value), { index, key: sliceNode(text, key) });
    }
  }
}

// A method's holder: a class body (the class's name) or an object literal (its variable's name).
function readJsOwner(holder: Node | null, text: string): string | undefined {
  if (holder?.type === 'class_body') {
    const cls = holder.parent;
    return cls !== null && JS_CLASSES.has(cls.type)
      ? readName(cls.childForFieldName('name'), text)
      : undefined;
  }
  if (holder?.type === 'object') {
    let up = holder.parent;
    while (
      up !== null &&
      (up.type === 'as_expression' ||
        up.type === 'satisfies_expression' ||
        up.type === 'parenthesized_expression')
    )
      up = up.parent;
    if (up?.type === 'variable_declarator') return readName(up.childForFieldName('name'), text);
    // `function useApi() { return { get: ... } }`: the object a named function returns is that
    // function's, so a caller destructuring its call (`const { get } = useApi()`) names the key.
    if (up?.type === 'return_statement') {
      const returning = innermostFunction(up);
      if (returning?.type === 'function_declaration')
        return readName(returning.childForFieldName('name'), text);
      const declarator = returning?.parent;
      if (declarator?.type === 'variable_declarator')
        return readName(declarator.childForFieldName('name'), text);
    }
  }
  return undefined;
}

// React's memoising wrappers hand the function back: `useCallback(fn, deps)` and `useMemo(() =>
// fn, deps)` stand where `fn` would, so the function is named by where that call stands.
const MEMO_HOOKS = new Set(['useCallback', 'useMemo', 'React.useCallback', 'React.useMemo']);

function seeThroughMemo(fn: Node, text: string): Node | undefined {
  let inner = fn;
  let args = fn.parent;
  // `useMemo(() => fn)`: the function is the body of the arrow given to useMemo.
  if (args?.type === 'arrow_function' && args.childForFieldName('body')?.id === fn.id) {
    inner = args;
    args = args.parent;
  }
  const call = args?.type === 'arguments' && args.firstNamedChild?.id === inner.id ? args.parent : null;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (call == null || callee == null) return undefined;
  const name = sliceNode(text, callee);
  // useMemo's own factory arrow is not the function it hands back.
  if (!MEMO_HOOKS.has(name) || (inner === fn) === name.endsWith('useMemo')) return undefined;
  return call;
}

function readPythonFunction(fn: Node, text: string): FunctionShape | undefined {
  const name = readName(fn.childForFieldName('name'), text);
  if (name === undefined) return undefined;
  let holder = fn.parent;
  if (holder?.type === 'decorated_definition') holder = holder.parent;
  const cls = holder?.type === 'block' ? holder.parent : null;
  const owner = cls?.type === 'class_definition' ? readName(cls.childForFieldName('name'), text) : undefined;
  const params: string[] = [];
  const defaults = new Map<number, string>();
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null || param.type === 'comment') continue;
    if (param.type === 'list_splat_pattern' || param.type === 'dictionary_splat_pattern') continue;
    if (param.type === 'keyword_separator' || param.type === 'positional_separator') continue;
    const fallback = param.childForFieldName('value');
    const constant = fallback === null ? undefined : readPythonString(fallback, text);
    if (constant !== undefined) defaults.set(params.length, constant);
    const nameNode = readPythonParamName(param);
    params.push(nameNode?.type === 'identifier' ? sliceNode(text, nameNode) : '');
  }
  const selfNames: string[] = [];
  if (owner !== undefined && params.length > 0 && !isStatic(fn, text)) {
    selfNames.push(params.shift() ?? 'self');
    const shifted = new Map<number, string>();
    for (const [index, value] of defaults) if (index > 0) shifted.set(index - 1, value);
    defaults.clear();
    for (const [index, value] of shifted) defaults.set(index, value);
  }
  return {
    node: fn,
    name,
    ...(owner === undefined ? {} : { owner }),
    params,
    ...(defaults.size === 0 ? {} : { defaults }),
    selfNames,
    line: fn.startPosition.row + 1,
  };
}

function isStatic(fn: Node, text: string): boolean {
  const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : null;
  return (
    decorated !== null &&
    /@staticmethod\b/.test(sliceNode(text, decorated).slice(0, fn.startIndex - decorated.startIndex))
  );
}

function readGoFunction(fn: Node, text: string): FunctionShape | undefined {
  const name = readName(fn.childForFieldName('name'), text);
  if (name === undefined) return undefined;
  let owner: string | undefined;
  const selfNames: string[] = [];
  const receiver = fn
    .childForFieldName('receiver')
    ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  if (receiver !== undefined && receiver !== null) {
    owner = readGoTypeName(receiver.childForFieldName('type'), text);
    const receiverName = receiver.childForFieldName('name');
    if (receiverName !== null) selfNames.push(sliceNode(text, receiverName));
  }
  const params: string[] = [];
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null || param.type === 'comment') continue;
    const names = param.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (names.length === 0) params.push('');
    for (const n of names) params.push(sliceNode(text, n));
  }
  return {
    node: fn,
    name,
    ...(owner === undefined ? {} : { owner }),
    params,
    selfNames,
    line: fn.startPosition.row + 1,
  };
}

/** The type name of a Go type expression: `*Client` and `Client` give `Client`. */
export function readGoTypeName(type: Node | null, text: string): string | undefined {
  let current = type;
  while (current !== null && current.type === 'pointer_type') current = current.namedChildren[0] ?? null;
  if (current?.type === 'type_identifier') return sliceNode(text, current);
  if (current?.type === 'qualified_type') return readName(current.childForFieldName('name'), text);
  return undefined;
}

/** The class holding `node` (for `this`/`self`), when it sits in a method. */
export function findEnclosingOwner(
  node: Node,
  language: ScanLanguage,
  text: string,
): FunctionShape | undefined {
  for (let from = node; ; ) {
    const fn = findEnclosingFunction(from, language, text);
    if (fn?.owner !== undefined) return fn;
    if (!isJsLanguage(language)) return undefined;
    // An arrow function inside a method sees the method's `this`, a named one or an anonymous
    // callback (`withRetry(req, (r) => this.sendOnce(r))`, whose shape is not read).
    let arrow = fn?.node ?? from.parent;
    while (fn === undefined && arrow !== null && !JS_FUNCTIONS.has(arrow.type)) arrow = arrow.parent;
    if (arrow === null && from.type === 'arrow_function') return readFieldInitialiserOwner(from, text);
    if (arrow?.type !== 'arrow_function') return undefined;
    from = arrow;
  }
}

// `readonly shelves = { get: (args) => this.request(...) }`: an arrow function in a class field's
// initialiser sees the instance as `this`.
function readFieldInitialiserOwner(arrow: Node, text: string): FunctionShape | undefined {
  let field = arrow.parent;
  while (field !== null && field.type !== 'public_field_definition' && !JS_FUNCTIONS.has(field.type))
    field = field.parent;
  if (field?.type !== 'public_field_definition') return undefined;
  const owner = readJsOwner(field.parent, text);
  return owner === undefined
    ? undefined
    : { node: arrow, name: '', owner, params: [], selfNames: ['this'], line: arrow.startPosition.row + 1 };
}

/** The classes and typed fields one file declares. */
export function collectClassFacts(
  root: Node,
  language: ScanLanguage,
  text: string,
): { classes: ClassFact[]; fieldTypes: Array<[string, string]> } {
  const classes: ClassFact[] = [];
  const fieldTypes: Array<[string, string]> = [];
  if (isJsLanguage(language)) {
    for (const cls of nodesOfType(root, [...JS_CLASSES])) {
      const name = cls === null ? undefined : readName(cls.childForFieldName('name'), text);
      if (cls === null || name === undefined) continue;
      const heritage = cls.namedChildren.find((c) => c?.type === 'class_heritage');
      const extendsClause = heritage?.namedChildren.find((c) => c?.type === 'extends_clause') ?? heritage;
      const base = extendsClause?.namedChildren.find((c) => c !== null && c.type !== 'type_arguments');
      classes.push({
        name,
        bases: base === undefined || base === null ? [] : [lastName(sliceNode(text, base))],
      });
    }
    for (const field of nodesOfType(root, [
      'public_field_definition',
      'required_parameter',
      'optional_parameter',
    ])) {
      if (field === null) continue;
      const nameNode = field.childForFieldName('name') ?? field.childForFieldName('pattern');
      const type = field.childForFieldName('type')?.namedChildren[0];
      if (nameNode === null || type === undefined || type === null) continue;
      if (
        field.type !== 'public_field_definition' &&
        !field.namedChildren.some((c) => c?.type === 'accessibility_modifier')
      )
        continue;
      const typeName =
        type.type === 'generic_type' ? readName(type.childForFieldName('name'), text) : sliceNode(text, type);
      if (typeName !== undefined && /^[A-Za-z_$][\w$]*$/.test(typeName))
        fieldTypes.push([sliceNode(text, nameNode), typeName]);
    }
    fieldTypes.push(...readModuleInstances(root, text));
  } else if (language === 'python') {
    for (const cls of nodesOfType(root, 'class_definition')) {
      const name = cls === null ? undefined : readName(cls.childForFieldName('name'), text);
      if (cls === null || name === undefined) continue;
      // A generic base (`Manager[Item]`, `base.Manager[T]`) is that class.
      const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? [])
        .map((b) => (b?.type === 'subscript' ? b.childForFieldName('value') : b))
        .filter((b): b is Node => b != null && (b.type === 'identifier' || b.type === 'attribute'))
        .map((b) => lastName(sliceNode(text, b)));
      classes.push({ name, bases });
    }
    fieldTypes.push(...readPythonFieldTypes(root, text));
  } else if (language === 'go') {
    for (const field of nodesOfType(root, 'field_declaration')) {
      if (field === null) continue;
      const typeName = readGoTypeName(field.childForFieldName('type'), text);
      if (typeName === undefined) continue;
      for (const n of field.childrenForFieldName('name'))
        if (n !== null) fieldTypes.push([sliceNode(text, n), typeName]);
    }
    classes.push(...readGoEmbeddings(root, text));
  }
  return { classes, fieldTypes };
}

// `export const client = new ApiClient()` at the top of a module: modules that import `client`
// call that class's methods on it, as on a field declared with the class (a capitalised name).
function readModuleInstances(root: Node, text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const statement of root.namedChildren) {
    const declaration = statement?.type === 'export_statement' ? statement.namedChildren.at(-1) : statement;
    if (declaration?.type !== 'lexical_declaration') continue;
    for (const declarator of declaration.namedChildren) {
      const name = declarator?.childForFieldName('name');
      const value = declarator?.childForFieldName('value');
      const built = value?.type === 'new_expression' ? value.childForFieldName('constructor') : null;
      if (name?.type !== 'identifier' || built?.type !== 'identifier') continue;
      const type = sliceNode(text, built);
      if (/^[A-Z]/.test(type)) out.push([sliceNode(text, name), type]);
    }
  }
  return out;
}

function readName(node: Node | null, text: string): string | undefined {
  return node === null ? undefined : sliceNode(text, node);
}

/** The last dotted part of a name: `requests.Session` gives `Session`. */
export function lastName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

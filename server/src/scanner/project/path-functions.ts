/**
 * Go path functions of the same file, read at their call sites: `path, err :=
 * getItemPath("service", id)` where `getItemPath` returns `fmt.Sprintf("/services/%s/items", id),
 * nil` from the `case "service":` of a `switch` on its first parameter (also after `strings.ToLower`
 * or `strings.TrimSpace` of it). The call reads as the returned URL of the case its literal argument
 * picks, or of the function's one final `return` when there is no switch, with the function's
 * parameters replaced by the caller's arguments; a path function built on another one
 * (`base, err := getItemPath(kind, id)` then `return fmt.Sprintf("%s/%s", base, feature), nil`)
 * reads through both. A switch whose argument is not a literal, or picks no case, is not read.
 * A method called on the receiver of the method around the call (`s.itemLink(name)` in `func (s
 * *items) Read(...)`) is read the same way when the file declares that method on the same type,
 * also one taking nothing (`r.path()` returning a path built on the receiver's fields).
 * A variadic last parameter (`segs ...string`) takes the rest of the arguments as a list of items,
 * and a return that joins a list (`strings.Join(append([]string{c.base}, segs...), "/")`,
 * `path.Join(all...)`) reads as its items joined: URL builders taking path segments.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { joinParts } from './values';

/** Reads a URL with the current bindings: `resolve` in values.ts, handed in to avoid a cycle. */
export type ReadUrl = (node: Node) => UrlSegment[];
/** The value last assigned to a name above a use: `readNameValue` in values.ts, handed in likewise. */
export type ReadName = (name: string, use: Node) => Node | undefined;

const MAX_NESTING = 3;
// A slice literal or `append` chain longer than this is not a URL's segments.
const MAX_ITEMS = 32;
const LIST_JOIN = /^(?:strings\.Join|path\.Join|url\.JoinPath)$/;
const GO_FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** A path function's parameters at one call: each one's URL, and the variadic one's items. */
interface Frame {
  values: Map<string, UrlSegment[]>;
  lists: Map<string, UrlSegment[][]>;
}

// The parameters of the path functions being read, innermost last (a path function's own call of
// another one reads its arguments with them).
const bindings: Frame[] = [];

/** Runs `read` outside the path functions being read: no caller's parameters are bound in it. */
export function withoutBindings<T>(read: () => T): T {
  const saved = bindings.splice(0);
  try {
    return read();
  } finally {
    bindings.splice(0, bindings.length, ...saved);
  }
}

/** The URL a call of a same-file Go path function returns, or undefined when it is not one. */
export function readPathFunctionCall(
  call: Node,
  text: string,
  root: Node,
  read: ReadUrl,
  readName: ReadName,
): UrlSegment[] | undefined {
  if (call.type !== 'call_expression' || bindings.length >= MAX_NESTING) return undefined;
  const callee = call.childForFieldName('function');
  const fn =
    callee?.type === 'identifier'
      ? findFunction(root, sliceNode(text, callee), text)
      : callee?.type === 'selector_expression'
        ? findReceiverMethod(callee, text, root)
        : undefined;
  if (fn === undefined) return undefined;
  const { names: params, variadic } = readParams(fn, text);
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment',
  );
  const fixed = variadic === undefined ? params.length : params.length - 1;
  // A method of the receiver's type may take nothing (`r.path()` building on `r.owner`, `r.name`).
  const method = callee?.type === 'selector_expression';
  if (
    (params.length === 0 && !method) ||
    args.length < fixed ||
    (variadic === undefined && args.length !== fixed)
  )
    return undefined;
  const env: Frame = { values: new Map(), lists: new Map() };
  for (let i = 0; i < fixed; i++) env.values.set(params[i] as string, bind(read(args[i] as Node)));
  if (variadic !== undefined) {
    // `segs ...string` takes the rest of the arguments, or the slice spread into it (`makeURL(parts...)`).
    const rest = args.slice(fixed);
    const last = rest.at(-1);
    const spread = last?.type === 'variadic_argument' ? last.namedChildren[0] : undefined;
    const items =
      spread == null
        ? rest.map((arg) => bind(read(arg)))
        : rest.length === 1
          ? readGoList(spread, text, read, readName)
          : undefined;
    if (items === undefined) return undefined;
    env.lists.set(variadic, items);
  }
  const returned = pickReturn(fn, env.values, text);
  if (returned === undefined) return undefined;
  bindings.push(env);
  try {
    const url = bind(read(returned));
    // A function that returns a join of its segments builds a path whatever they hold (`realms`).
    const joins =
      returned.type === 'call_expression' &&
      LIST_JOIN.test(sliceNode(text, returned.childForFieldName('function') ?? returned));
    return joins || url.some((s) => s.kind === 'literal' && s.text.includes('/')) ? url : undefined;
  } finally {
    bindings.pop();
  }
}

// Segments naming a parameter of the path function being read take the caller's value.
function bind(segments: readonly UrlSegment[]): UrlSegment[] {
  const env = bindings[bindings.length - 1]?.values;
  if (env === undefined) return [...segments];
  return segments.flatMap((segment) =>
    segment.kind === 'expr' && env.has(segment.source) ? (env.get(segment.source) ?? []) : [segment],
  );
}

/**
 * The items of a Go `[]string` a URL is joined from, each read as a URL: a slice literal
 * (`[]string{base, "users", id}`), `append(list, a, b)` or `append(list, more...)`, a local assigned
 * one of those above the use (`segs = append([]string{c.base}, segs...)`, whose own `segs` is the
 * value before it), or the variadic parameter of the path function being read. Undefined for
 * anything else (a slice appended to in a loop is not read).
 */
export function readGoList(
  node: Node,
  text: string,
  read: ReadUrl,
  readName: ReadName,
  depth = 0,
): UrlSegment[][] | undefined {
  if (depth > MAX_NESTING) return undefined;
  const next = (n: Node) => readGoList(n, text, read, readName, depth + 1);
  if (node.type === 'parenthesized_expression') {
    const inner = node.namedChildren.find((c) => c !== null && c.type !== 'comment');
    return inner == null ? undefined : next(inner);
  }
  if (node.type === 'identifier') {
    const name = sliceNode(text, node);
    const value = readLocalSlice(node, name, readName);
    if (value !== undefined) return next(value);
    return bindings[bindings.length - 1]?.lists.get(name);
  }
  if (node.type === 'composite_literal') {
    if (node.childForFieldName('type')?.type !== 'slice_type') return undefined;
    const elements = (node.childForFieldName('body')?.namedChildren ?? []).filter(
      (c): c is Node => c !== null && c.type !== 'comment',
    );
    if (elements.length > MAX_ITEMS || elements.some((e) => e.type !== 'literal_element')) return undefined;
    return elements.map((element) => bind(read(element.namedChildren[0] ?? element)));
  }
  if (
    node.type !== 'call_expression' ||
    sliceNode(text, node.childForFieldName('function') ?? node) !== 'append'
  )
    return undefined;
  const [first, ...rest] = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment',
  );
  const items = first === undefined ? undefined : next(first);
  if (items === undefined) return undefined;
  const out = [...items];
  for (const arg of rest) {
    if (arg.type !== 'variadic_argument') out.push(bind(read(arg)));
    else {
      const spread = arg.namedChildren[0];
      const more = spread == null ? undefined : next(spread);
      if (more === undefined) return undefined;
      out.push(...more);
    }
  }
  return out.length > MAX_ITEMS ? undefined : out;
}

// The value a local (or a reassigned parameter) holds at `use`: its last assignment above it in the
// function around it.
function readLocalSlice(use: Node, name: string, readName: ReadName): Node | undefined {
  let fn: Node | null = use.parent;
  while (fn !== null && !GO_FUNCTIONS.has(fn.type)) fn = fn.parent;
  if (fn === null) return undefined;
  const value = readName(name, use);
  if (value === undefined || value.startIndex < fn.startIndex || value.endIndex > fn.endIndex)
    return undefined;
  // Appended to in a loop (`parts = append(parts, tag)` for each tag): not a fixed list of items.
  for (let around = value.parent; around !== null && around.id !== fn.id; around = around.parent)
    if (
      around.type === 'for_statement' &&
      (use.startIndex < around.startIndex || use.endIndex > around.endIndex)
    )
      return undefined;
  return value;
}

/**
 * `strings.Join(segs, "/")`, `path.Join(segs...)`, `url.JoinPath(base, segs...)` on a list read by
 * `readGoList`: its items joined by the separator (one `/` for the path joins). Undefined when the
 * list or the separator is not read.
 */
export function readGoListJoin(
  call: Node,
  text: string,
  read: ReadUrl,
  readName: ReadName,
): UrlSegment[] | undefined {
  if (call.type !== 'call_expression') return undefined;
  const name = sliceNode(text, call.childForFieldName('function') ?? call);
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment',
  );
  if (name === 'strings.Join' && args.length === 2) {
    const [list, separator] = args as [Node, Node];
    const items = readGoList(list, text, read, readName);
    const [sep, ...more] = read(separator);
    if (items === undefined || sep?.kind !== 'literal' || more.length > 0) return undefined;
    return items.flatMap((item, i) => (i === 0 ? item : [{ kind: 'literal', text: sep.text }, ...item]));
  }
  const last = args.at(-1);
  if (!LIST_JOIN.test(name) || name === 'strings.Join' || last?.type !== 'variadic_argument')
    return undefined;
  const spread = last.namedChildren[0];
  const items = spread == null ? undefined : readGoList(spread, text, read, readName);
  if (items === undefined) return undefined;
  return joinParts([...args.slice(0, -1).map((arg) => bind(read(arg))), ...items]);
}

// A file's top-level functions by name (methods by `Type.name`), read once per tree (a file may hold thousands of calls).
const functionIndexes = new WeakMap<object, { text: string; byName: Map<string, Node> }>();

function findFunction(root: Node, name: string, text: string): Node | undefined {
  let index = functionIndexes.get(root.tree);
  if (index === undefined || index.text !== text) {
    index = { text, byName: new Map() };
    for (const statement of root.namedChildren) {
      const id =
        statement?.type === 'function_declaration' || statement?.type === 'method_declaration'
          ? statement.childForFieldName('name')
          : null;
      if (statement == null || id == null) continue;
      // Methods by `Type.name`, so a function of the same name is not taken for one.
      const receiver = statement.type === 'method_declaration' ? readReceiver(statement, text) : undefined;
      if (statement.type === 'function_declaration') index.byName.set(sliceNode(text, id), statement);
      else if (receiver !== undefined) index.byName.set(`${receiver.type}.${sliceNode(text, id)}`, statement);
    }
    functionIndexes.set(root.tree, index);
  }
  return index.byName.get(name);
}

// `s.itemLink` inside `func (s *items) ...`: the method `itemLink` declared on `items` in this file.
function findReceiverMethod(callee: Node, text: string, root: Node): Node | undefined {
  const operand = callee.childForFieldName('operand');
  const field = callee.childForFieldName('field');
  if (operand?.type !== 'identifier' || field === null) return undefined;
  let around: Node | null = callee.parent;
  while (around !== null && around.type !== 'method_declaration') around = around.parent;
  const receiver = around === null ? undefined : readReceiver(around, text);
  if (receiver === undefined || receiver.name !== sliceNode(text, operand)) return undefined;
  return findFunction(root, `${receiver.type}.${sliceNode(text, field)}`, text);
}

// A method's receiver: its name and its type without `*` (`(s *items)` → s, items).
function readReceiver(method: Node, text: string): { name: string; type: string } | undefined {
  const declaration = method
    .childForFieldName('receiver')
    ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  const name = declaration?.childForFieldName('name');
  const type = declaration?.childForFieldName('type');
  if (name == null || type == null) return undefined;
  return { name: sliceNode(text, name), type: sliceNode(text, type).replace(/^\*/, '') };
}

// A function's parameter names in order, and the name of its variadic one (`segs ...string`, last).
function readParams(fn: Node, text: string): { names: string[]; variadic?: string } {
  const names: string[] = [];
  let variadic: string | undefined;
  for (const declaration of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (declaration?.type === 'comment') continue;
    const spread = declaration?.type === 'variadic_parameter_declaration';
    if ((declaration?.type !== 'parameter_declaration' && !spread) || variadic !== undefined)
      return { names: [] };
    for (const name of declaration?.childrenForFieldName('name') ?? []) {
      if (name === null) continue;
      names.push(sliceNode(text, name));
      if (spread) variadic = sliceNode(text, name);
    }
  }
  return { names, variadic };
}

// The first value of the `return` that the arguments choose: the case of a switch on a parameter
// that its literal value names, or the function's final `return`.
function pickReturn(fn: Node, env: ReadonlyMap<string, UrlSegment[]>, text: string): Node | undefined {
  const body = fn.childForFieldName('body');
  if (body === null) return undefined;
  const statements = body.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment');
  for (const statement of statements) {
    if (statement.type !== 'expression_switch_statement') continue;
    const subject = readSwitchSubject(statement, text);
    const value = subject === undefined ? undefined : env.get(subject);
    const [only, ...rest] = value ?? [];
    if (only?.kind !== 'literal' || rest.length > 0) return undefined;
    for (const clause of statement.namedChildren) {
      if (clause?.type !== 'expression_case') continue;
      const values = clause.childForFieldName('value')?.namedChildren ?? [];
      const names = values.map((v) => (v === null ? undefined : readStringLiteral(v, text)));
      if (!names.some((name) => name !== undefined && name.toLowerCase() === only.text.trim().toLowerCase()))
        continue;
      const returns = clause.namedChildren.filter((c) => c?.type === 'return_statement');
      return returns.length === 1 ? firstValue(returns[0] as Node) : undefined;
    }
    return undefined;
  }
  const last = statements.at(-1);
  return last?.type === 'return_statement' ? firstValue(last) : undefined;
}

// `switch kind`, `switch strings.ToLower(strings.TrimSpace(kind))`: the parameter switched on.
function readSwitchSubject(statement: Node, text: string): string | undefined {
  let value = statement.childForFieldName('value');
  while (value?.type === 'call_expression') {
    const callee = sliceNode(text, value.childForFieldName('function') ?? value);
    if (!/^strings\.(?:ToLower|ToUpper|TrimSpace)$/.test(callee)) return undefined;
    value = value.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment') ?? null;
  }
  return value?.type === 'identifier' ? sliceNode(text, value) : undefined;
}

function readStringLiteral(node: Node, text: string): string | undefined {
  if (node.type !== 'interpreted_string_literal' && node.type !== 'raw_string_literal') return undefined;
  return sliceNode(text, node).slice(1, -1);
}

function firstValue(statement: Node): Node | undefined {
  const list = statement.namedChildren.find((c) => c !== null && c.type !== 'comment');
  if (list == null) return undefined;
  const first = list.type === 'expression_list' ? list.namedChildren[0] : list;
  return first ?? undefined;
}

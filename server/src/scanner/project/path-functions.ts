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
 * *items) Read(...)`) is read the same way when the file declares that method on the same type.
 */

import type { Node } from 'web-tree-sitter';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';

/** Reads a URL with the current bindings: `resolve` in values.ts, handed in to avoid a cycle. */
export type ReadUrl = (node: Node) => UrlSegment[];

const MAX_NESTING = 3;
// The parameters of the path functions being read, innermost last (a path function's own call of
// another one reads its arguments with them).
const bindings: Array<Map<string, UrlSegment[]>> = [];

/** The URL a call of a same-file Go path function returns, or undefined when it is not one. */
export function readPathFunctionCall(
  call: Node,
  text: string,
  root: Node,
  read: ReadUrl,
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
  const params = readParams(fn, text);
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment',
  );
  if (params.length === 0 || args.length !== params.length) return undefined;
  const env = new Map<string, UrlSegment[]>();
  params.forEach((param, i) => {
    env.set(param, bind(read(args[i] as Node)));
  });
  const returned = pickReturn(fn, env, text);
  if (returned === undefined) return undefined;
  bindings.push(env);
  try {
    const url = bind(read(returned));
    return url.some((s) => s.kind === 'literal' && s.text.includes('/')) ? url : undefined;
  } finally {
    bindings.pop();
  }
}

// Segments naming a parameter of the path function being read take the caller's value.
function bind(segments: readonly UrlSegment[]): UrlSegment[] {
  const env = bindings[bindings.length - 1];
  if (env === undefined) return [...segments];
  return segments.flatMap((segment) =>
    segment.kind === 'expr' && env.has(segment.source) ? (env.get(segment.source) ?? []) : [segment],
  );
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

function readParams(fn: Node, text: string): string[] {
  const names: string[] = [];
  for (const declaration of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (declaration?.type !== 'parameter_declaration') return [];
    for (const name of declaration.childrenForFieldName('name'))
      if (name !== null) names.push(sliceNode(text, name));
  }
  return names;
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

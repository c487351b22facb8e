/**
 * Go pagers: a constructor keeps the first page's URL in a struct (`func NewLister(svc *Service, first
 * string, ...) Lister { return Lister{svc: svc, first: first} }`) and the struct's methods fetch it
 * when the caller walks the pages (`l.fetch(ctx, l.first)`, or through `next := l.first`). The
 * construction is where the code states what it calls, as Python's lazy lists are: each
 * `pages.NewLister(svc, itemsURL(svc), ...)` is that request, and the fetch inside the methods is
 * the pager's transport. Only a field the file's struct literals of that type set from the
 * constructor's parameter (or copy from another value of the type, `first: l.first`), never
 * assigned, with one constructor.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import { readNameValue } from './assigned-values';
import { readFunctionShape } from './code-shape';
import type { KeptUrl } from './python-constructors';

const SELECTOR = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;

/**
 * The constructor of the Go pager around `node` (a call in one of its methods) as a wrapper, when
 * the call's whole URL is a field the constructor sets from its parameter; undefined otherwise.
 */
export function readGoKeptUrlWrapper(context: ScanContext, call: HttpCall, node: Node): KeptUrl | undefined {
  const { text } = context;
  if (context.language !== 'go' || call.method === undefined) return undefined;
  const [only, ...rest] = call.url.segments;
  if (only?.kind !== 'expr' || rest.length > 0) return undefined;
  let method: Node | null = node.parent;
  while (method !== null && method.type !== 'method_declaration') method = method.parent;
  const declaration = method
    ?.childForFieldName('receiver')
    ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
  const receiver = declaration?.childForFieldName('name');
  const receiverType = declaration?.childForFieldName('type');
  if (receiver == null || receiverType == null) return undefined;
  const type = sliceNode(text, receiverType).replace(/^\*/, '');
  // `l.first`, or a local assigned it above the call (`next := l.first`).
  let source = only.source;
  if (/^[A-Za-z_]\w*$/.test(source)) {
    const value = readNameValue(source, node, 'go', text, context.root);
    if (value === undefined) return undefined;
    source = sliceNode(text, value);
  }
  const [, self, field] = SELECTOR.exec(source) ?? [];
  if (self !== sliceNode(text, receiver) || field === undefined) return undefined;
  const maker = findConstructor(context, type, field);
  if (maker === undefined) return undefined;
  const shape = readFunctionShape(maker.fn, 'go', text);
  const urlParam = shape?.params.indexOf(maker.param) ?? -1;
  if (shape === undefined || urlParam < 0) return undefined;
  return {
    call,
    definition: {
      kind: 'wrapper',
      language: 'go',
      name: shape.name,
      params: shape.params,
      method: call.method,
      urlParam,
      url: [{ kind: 'expr', source: maker.param }],
      client: call.client,
      site: { file: context.file, line: shape.line },
      forwards: true,
    },
  };
}

// What `findConstructor` reads from a file, gathered once per scan: each call asking again would
// walk every struct literal and assignment of the file (quadratic on a file of many pager methods).
interface KeptIndex {
  /** The file's struct literals by the type they are written with. */
  literals: Map<string, Node[]>;
  /** The field names the file assigns (`x.field = ...`, `a.b.field, err = ...`). */
  assigned: Set<string>;
  /** Answers already given, by type and field. */
  answers: Map<string, { fn: Node; param: string } | undefined>;
}

const indexes = new WeakMap<ScanContext, KeptIndex>();

function keptIndex(context: ScanContext): KeptIndex {
  const known = indexes.get(context);
  if (known !== undefined) return known;
  const { text, root } = context;
  const literals = new Map<string, Node[]>();
  for (const literal of nodesOfType(root, 'composite_literal')) {
    if (literal === null) continue;
    const type = sliceNode(text, literal.childForFieldName('type') ?? literal);
    const list = literals.get(type);
    if (list === undefined) literals.set(type, [literal]);
    else list.push(literal);
  }
  const assigned = new Set<string>();
  for (const assignment of nodesOfType(root, 'assignment_statement')) {
    for (const target of assignment?.childForFieldName('left')?.namedChildren ?? []) {
      if (target === null) continue;
      const written = sliceNode(text, target);
      const dot = written.lastIndexOf('.');
      if (dot >= 0) assigned.add(written.slice(dot + 1));
    }
  }
  const index = { literals, assigned, answers: new Map() };
  indexes.set(context, index);
  return index;
}

// The one top-level function whose struct literal of `type` sets `field` from its parameter, when
// every other literal of the type copies the field from a value of the type and nothing assigns it.
function findConstructor(
  context: ScanContext,
  type: string,
  field: string,
): { fn: Node; param: string } | undefined {
  const index = keptIndex(context);
  const key = `${type}\0${field}`;
  if (index.answers.has(key)) return index.answers.get(key);
  const found = index.assigned.has(field) ? undefined : readConstructor(context, index, type, field);
  index.answers.set(key, found);
  return found;
}

function readConstructor(
  context: ScanContext,
  index: KeptIndex,
  type: string,
  field: string,
): { fn: Node; param: string } | undefined {
  const { text } = context;
  const copied = new RegExp(`^[A-Za-z_]\\w*\\.${field}$`);
  let found: { fn: Node; param: string } | undefined;
  for (const literal of index.literals.get(type) ?? []) {
    for (const element of literal.childForFieldName('body')?.namedChildren ?? []) {
      if (element?.type !== 'keyed_element') continue;
      const [key, value] = element.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (key === undefined || value === undefined || sliceNode(text, key) !== field) continue;
      const written = sliceNode(text, value);
      if (copied.test(written)) continue;
      let fn: Node | null = literal.parent;
      while (fn !== null && fn.type !== 'function_declaration' && fn.type !== 'method_declaration')
        fn = fn.parent;
      if (fn?.type !== 'function_declaration' || found !== undefined || !/^[A-Za-z_]\w*$/.test(written))
        return undefined;
      found = { fn, param: written };
    }
  }
  return found;
}

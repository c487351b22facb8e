/**
 * Request helpers handed their transport (JavaScript/TypeScript). SDKs keep the HTTP library out of
 * their endpoint code: `_send(client, requester, { url, method, body })` calls the `requester` its
 * caller hands in (a parameter), `this.#transport(opts)` a function the constructor was given, or
 * `options.fetch(...)`. No HTTP library is visible in the helper, so no call is found in it and it
 * is no wrapper by the usual reading; yet its callers state every request (`{ url: '/teams/' + id,
 * method: 'PUT' }`). A function is such a helper when it calls a transport handed in (or hands one
 * on, with its options, to another call) with its options parameter (itself, spread into an object,
 * or a local built from it by a call), and that parameter's URL key (`url`, `uri`, `path`,
 * `endpoint`) is read in it or in the same file's functions it hands the parameter to. The method is
 * the options' `method`, else the default those functions give it (`options.method || 'GET'`).
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import type { ScanContext } from '../recognizers/context';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import { type FunctionShape, isJsLanguage, readFunctionShape } from './code-shape';
import { isPrivateFunction } from './single-report';
import type { WrapperDefinition } from './types';

// A transport is named (or typed) for what it does, its last word: `fetch`, `fetchImpl`,
// `httpRequest`, `requester`, `transport` (`requestLog` is a logger, `httpServer` a server).
const TRANSPORT =
  /(?:fetch|fetcher|fetchFn|fetchImpl|request|requester|requestFn|http|httpClient|transport)$/i;
// A file that names none of them has no such helper.
const TRANSPORT_WORD = /fetch|request|http|transport/i;
// An event hook (`onRequest`) is called with a request, it does not send one.
const HOOK = /^on[A-Z]/;
// In order of preference where a helper reads several (`options.uri || options.url`).
const URL_KEYS = ['url', 'uri', 'path', 'endpoint'];
const FUNCTION_TYPES = ['function_declaration', 'method_definition', 'arrow_function', 'function_expression'];
const FOLLOW_DEPTH = 3;

// A member named for a transport (`.fetch`, `?.#requester`, `. /* c */ httpClient`): the word may
// end the name (`TRANSPORT`); this only says whether a text can hold one.
const MEMBER_TRANSPORT =
  /\.(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*#?[\p{ID_Continue}$\\\u200c\u200d]*?(?:fetch|request|http|transport)/iu;

/** A file's functions by name (null where two share one). */
interface ShapesByName {
  get(name: string): FunctionShape | null | undefined;
}

// Every function's shape by name, read on the first question.
function lazyShapesByName(
  functions: ReadonlyArray<Node | null>,
  language: ScanContext['language'],
  text: string,
): ShapesByName {
  let byName: Map<string, FunctionShape | null> | undefined;
  return {
    get(name) {
      if (byName === undefined) {
        byName = new Map();
        for (const node of functions) {
          const shape = node === null ? undefined : readFunctionShape(node, language, text);
          if (shape !== undefined) byName.set(shape.name, byName.has(shape.name) ? null : shape);
        }
      }
      return byName.get(name);
    },
  };
}

interface Candidate {
  index: number;
  /** Same-file functions the options are handed to, with the parameter position they land in. */
  handed: Array<[Node, number]>;
}

/** The file's request helpers whose transport is handed in (see the module comment). */
export function findInjectedTransportHelpers(
  context: ScanContext,
  seen: Map<number, Node>,
): WrapperDefinition[] {
  const { text, language } = context;
  if (!isJsLanguage(language) || !TRANSPORT_WORD.test(text)) return [];
  const functions = nodesOfType(context.root, FUNCTION_TYPES);
  // Only a function whose text names a transport can be a helper (`readCandidates`), so only those
  // are read up front; every function's shape, by name, only once a helper's call asks for one.
  const shapes: FunctionShape[] = [];
  for (const node of functions) {
    if (node === null || !TRANSPORT_WORD.test(sliceNode(text, node))) continue;
    const shape = readFunctionShape(node, language, text);
    if (shape !== undefined) shapes.push(shape);
  }
  const byName = lazyShapesByName(functions, language, text);
  const found: WrapperDefinition[] = [];
  // Helpers that call the transport first, then those handing it on to one of them (a round each).
  const helpers = new Set<number>();
  for (let round = 0; round < FOLLOW_DEPTH; round += 1) {
    const before = helpers.size;
    for (const shape of shapes) {
      if (seen.has(shape.node.id) || shape.name === 'constructor') continue;
      const definition = readHelper(context, shape, byName, helpers);
      if (definition === undefined) continue;
      helpers.add(shape.node.id);
      seen.set(shape.node.id, shape.node);
      found.push(definition);
    }
    if (helpers.size === before) break;
  }
  return found;
}

// `fn` as a request helper: the options parameter it hands its transport, and the keys read of it.
function readHelper(
  context: ScanContext,
  shape: FunctionShape,
  byName: ShapesByName,
  helpers: ReadonlySet<number>,
): WrapperDefinition | undefined {
  const { text, language } = context;
  for (const candidate of readCandidates(context, shape, byName, helpers)) {
    const reads = { keys: new Set<string>(), methodDefault: undefined as string | undefined };
    readOptionKeys(context, shape, shape.params[candidate.index] ?? '', byName, reads, 0);
    for (const [node, index] of candidate.handed) {
      const target = readFunctionShape(node, language, text);
      const param = target?.params[index];
      if (target !== undefined && param !== undefined && param !== '')
        readOptionKeys(context, target, param, byName, reads, 1);
    }
    const urlKey = URL_KEYS.find((key) => reads.keys.has(key));
    if (urlKey === undefined) continue;
    const param = shape.params[candidate.index] ?? '';
    return {
      kind: 'wrapper',
      language,
      name: shape.name,
      ...(shape.owner === undefined ? {} : { owner: shape.owner }),
      params: shape.params,
      methodParam: candidate.index,
      methodKey: 'method',
      ...(reads.methodDefault === undefined ? {} : { methodDefault: reads.methodDefault }),
      urlParam: candidate.index,
      urlKey,
      url: [{ kind: 'expr', source: param }],
      client: 'custom',
      site: { file: context.file, line: shape.line },
      forwards: true,
      ...(isPrivateFunction(shape, language, text) ? { private: true } : {}),
    };
  }
  return undefined;
}

// The parameters `fn` hands to a transport it was given (called, or handed on with it): one of them
// is the options, the one whose URL key is read.
function readCandidates(
  context: ScanContext,
  fn: FunctionShape,
  byName: ShapesByName,
  helpers: ReadonlySet<number>,
): Candidate[] {
  const { text } = context;
  const body = fn.node.childForFieldName('body');
  // Every transport is named for what it does (its name, type or field): a function whose text
  // names none has none, and its calls are not walked.
  if (body === null || fn.params.length === 0 || !TRANSPORT_WORD.test(sliceNode(text, fn.node))) return [];
  const found: Candidate[] = [];
  const transports = readTransportParams(fn, body, text);
  // Without a transport parameter, a call is a transport only as a member named for one
  // (`options.fetch(...)`, `this.#requester(...)`): a function whose text has none has no candidate.
  if (transports.size === 0 && !MEMBER_TRANSPORT.test(sliceNode(text, fn.node))) return [];
  const isTransport = (node: Node): boolean => {
    const callee = unwrapExpression(node);
    if (callee.type === 'identifier') return transports.has(sliceNode(text, callee));
    if (callee.type !== 'member_expression') return false;
    const object = callee.childForFieldName('object');
    const property = callee.childForFieldName('property');
    if (object === null || property === null) return false;
    const name = sliceNode(text, property).replace(/^#/, '');
    if (!TRANSPORT.test(name) || HOOK.test(name)) return false;
    // `options.fetch(...)`: a member of a parameter; `this.#requester(...)`: a field the
    // constructor was handed.
    if (object.type === 'identifier') return fn.params.includes(sliceNode(text, object));
    return object.type === 'this' && isHandedField(fn, sliceNode(text, property), text);
  };
  for (const call of nodesOfType(body, 'call_expression')) {
    const callee = call?.childForFieldName('function');
    const args = call?.childForFieldName('arguments');
    if (call == null || callee == null || args == null) continue;
    const list = args.namedChildren.filter((arg): arg is Node => arg !== null && arg.type !== 'comment');
    const called = isTransport(callee);
    // Handed on with the options: only to a helper of this file that sends through it.
    const target = called ? undefined : readSameFileFunction(context, fn, callee, byName);
    if (!called && (target === undefined || !helpers.has(target.node.id) || !list.some(isTransport)))
      continue;
    for (const [position, arg] of list.entries()) {
      if (called && position > 0) break;
      if (isTransport(arg)) continue;
      for (const index of readDerivedParams(context, fn, arg, transports))
        found.push({ index, handed: target === undefined ? [] : [[target.node, position]] });
    }
  }
  return found;
}

// Parameters typed as a transport (`send: HttpRequest`, `fetcher: typeof fetch`), or named as one
// and called in the body (a `request` that is only read is the request, not its sender).
function readTransportParams(fn: FunctionShape, body: Node, text: string): Set<string> {
  const found = new Set<string>();
  const list = fn.node.childForFieldName('parameters')?.namedChildren ?? [];
  // The names called in the body, read (a walk of the body) only when a parameter is named as a
  // transport.
  let called: Set<string> | undefined;
  const isCalled = (name: string): boolean => {
    if (called === undefined) {
      called = new Set<string>();
      for (const call of nodesOfType(body, 'call_expression')) {
        const callee = call?.childForFieldName('function');
        if (callee?.type === 'identifier') called.add(sliceNode(text, callee));
      }
    }
    return called.has(name);
  };
  for (const param of list) {
    if (param === null) continue;
    const pattern = param.childForFieldName('pattern') ?? (param.type === 'identifier' ? param : null);
    if (pattern?.type !== 'identifier') continue;
    const name = sliceNode(text, pattern);
    const type = param.childForFieldName('type');
    if (HOOK.test(name)) continue;
    const typeName =
      type === null
        ? ''
        : sliceNode(text, type)
            .replace(/^:\s*/, '')
            .replace(/^typeof\s+/, '');
    if (
      (TRANSPORT.test(name) && isCalled(name)) ||
      (/^[A-Za-z_$][\w$.]*$/.test(typeName) && TRANSPORT.test(typeName))
    )
      found.add(name);
  }
  return found;
}

// `this.#requester = requester` (or `= options.fetch ?? fetch`) in the class's constructor: a field
// holding what the class was handed.
function isHandedField(fn: FunctionShape, field: string, text: string): boolean {
  let holder: Node | null = fn.node.parent;
  while (holder !== null && holder.type !== 'class_body') holder = holder.parent;
  if (holder === null) return false;
  for (const member of holder.namedChildren) {
    if (member?.type !== 'method_definition') continue;
    const name = member.childForFieldName('name');
    if (name === null || sliceNode(text, name) !== 'constructor') continue;
    const ctor = readFunctionShape(member, 'typescript', text);
    const params = new Set(ctor?.params.filter((p) => p !== '') ?? []);
    for (const assignment of nodesOfType(member, 'assignment_expression')) {
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (left == null || right == null || left.type !== 'member_expression') continue;
      const property = left.childForFieldName('property');
      if (left.childForFieldName('object')?.type !== 'this' || property === null) continue;
      if (sliceNode(text, property) !== field) continue;
      const root = /^[A-Za-z_$][\w$]*/.exec(sliceNode(text, unwrapExpression(right)))?.[0];
      if (root !== undefined && params.has(root)) return true;
    }
  }
  return false;
}

// The parameters an argument carries: itself, spread into an object (`{ ...options, signal }`), or
// handed to the call that builds it (`prepare(client, options)`, in place or in a local).
function readDerivedParams(
  context: ScanContext,
  fn: FunctionShape,
  arg: Node,
  transports: ReadonlySet<string>,
): number[] {
  const { text } = context;
  const direct = (node: Node): number[] => {
    const value = unwrapExpression(node);
    if (value.type === 'identifier') {
      const name = sliceNode(text, value);
      const index = transports.has(name) ? -1 : fn.params.indexOf(name);
      return index >= 0 ? [index] : [];
    }
    if (value.type !== 'object') return [];
    return value.namedChildren.flatMap((property) =>
      property?.type === 'spread_element' && property.firstNamedChild !== null
        ? direct(property.firstNamedChild)
        : [],
    );
  };
  const fromCall = (call: Node): number[] =>
    (call.childForFieldName('arguments')?.namedChildren ?? []).flatMap((inner) =>
      inner === null ? [] : direct(inner),
    );
  const own = direct(arg);
  if (own.length > 0) return own;
  const value = unwrapExpression(arg);
  if (value.type === 'call_expression') return fromCall(value);
  if (value.type !== 'identifier') return [];
  const local = sliceNode(text, value);
  for (const declarator of nodesOfType(fn.node, 'variable_declarator')) {
    const name = declarator?.childForFieldName('name');
    const init = declarator?.childForFieldName('value');
    if (name == null || init == null || sliceNode(text, name) !== local) continue;
    const built = unwrapExpression(init);
    if (built.type === 'object') return direct(built);
    return built.type === 'call_expression' ? fromCall(built) : [];
  }
  return [];
}

// A function of this file a callee names: `prepare(...)`, or `this.prepare(...)` in a class.
function readSameFileFunction(
  context: ScanContext,
  fn: FunctionShape,
  callee: Node,
  byName: ShapesByName,
): FunctionShape | undefined {
  const { text } = context;
  const value = unwrapExpression(callee);
  let name: string | undefined;
  if (value.type === 'identifier') name = sliceNode(text, value);
  else if (value.type === 'member_expression' && value.childForFieldName('object')?.type === 'this') {
    const property = value.childForFieldName('property');
    name = property === null ? undefined : sliceNode(text, property);
  }
  const target = name === undefined ? undefined : byName.get(name);
  return target === null || target === undefined || target.node.id === fn.node.id ? undefined : target;
}

// The keys `fn` reads of its options parameter `param` (`param.url`, `const { uri } = param`), and
// the method's default (`param.method || 'GET'`, `{ method = 'GET' } = param`), following the
// parameter into the file's functions it is handed to.
function readOptionKeys(
  context: ScanContext,
  fn: FunctionShape,
  param: string,
  byName: ShapesByName,
  reads: { keys: Set<string>; methodDefault: string | undefined },
  depth: number,
): void {
  const { text } = context;
  const body = fn.node.childForFieldName('body');
  if (body === null || param === '') return;
  for (const member of nodesOfType(body, 'member_expression')) {
    const object = member?.childForFieldName('object');
    const property = member?.childForFieldName('property');
    if (member == null || object == null || property == null || sliceNode(text, object) !== param) continue;
    const key = sliceNode(text, property);
    reads.keys.add(key);
    if (key !== 'method') continue;
    const parent = member.parent;
    if (parent?.type !== 'binary_expression' || !isSameStart(parent.childForFieldName('left'), member))
      continue;
    const operator = sliceNode(text, parent.childForFieldName('operator') ?? parent);
    const right = parent.childForFieldName('right');
    const fallback = right === null ? undefined : readConstantString(right, text);
    if ((operator === '||' || operator === '??') && fallback !== undefined && /^[A-Za-z]+$/.test(fallback))
      reads.methodDefault ??= fallback.toUpperCase();
  }
  for (const declarator of nodesOfType(body, 'variable_declarator')) {
    const pattern = declarator?.childForFieldName('name');
    const init = declarator?.childForFieldName('value');
    if (
      pattern?.type !== 'object_pattern' ||
      init == null ||
      sliceNode(text, unwrapExpression(init)) !== param
    )
      continue;
    for (const property of pattern.namedChildren) {
      if (property?.type === 'shorthand_property_identifier_pattern')
        reads.keys.add(sliceNode(text, property));
      else if (property?.type === 'pair_pattern') {
        const key = property.childForFieldName('key');
        if (key !== null) reads.keys.add(sliceNode(text, key));
      } else if (property?.type === 'object_assignment_pattern') {
        const left = property.childForFieldName('left');
        const right = property.childForFieldName('right');
        if (left === null) continue;
        const key = sliceNode(text, left);
        reads.keys.add(key);
        const fallback = right === null ? undefined : readConstantString(right, text);
        if (key === 'method' && fallback !== undefined && /^[A-Za-z]+$/.test(fallback))
          reads.methodDefault ??= fallback.toUpperCase();
      }
    }
  }
  if (depth >= FOLLOW_DEPTH) return;
  for (const call of nodesOfType(body, 'call_expression')) {
    const callee = call?.childForFieldName('function');
    const args = call?.childForFieldName('arguments');
    if (call == null || callee == null || args == null) continue;
    const list = args.namedChildren.filter((arg): arg is Node => arg !== null && arg.type !== 'comment');
    const position = list.findIndex((arg) => carries(arg, param, text));
    if (position < 0) continue;
    const target = readSameFileFunction(context, fn, callee, byName);
    const next = target?.params[position];
    if (target !== undefined && next !== undefined && next !== '')
      readOptionKeys(context, target, next, byName, reads, depth + 1);
  }
}

// Whether an argument is `param` itself or an object spreading it.
function carries(arg: Node, param: string, text: string): boolean {
  const value = unwrapExpression(arg);
  if (value.type === 'identifier') return sliceNode(text, value) === param;
  return (
    value.type === 'object' &&
    value.namedChildren.some(
      (p) =>
        p?.type === 'spread_element' &&
        p.firstNamedChild !== null &&
        sliceNode(text, p.firstNamedChild) === param,
    )
  );
}

function isSameStart(a: Node | null, b: Node): boolean {
  return a !== null && a.startIndex === b.startIndex && a.endIndex === b.endIndex;
}

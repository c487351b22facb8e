/**
 * Go URLs written piece by piece into a `strings.Builder` (or a `bytes.Buffer`) and read back with
 * `b.String()`: `var endpoint strings.Builder`, `fmt.Fprintf(&endpoint, "v1/boards/%v", id)`,
 * `endpoint.WriteString("/cards")`, then `NewRequest(ctx, "GET", endpoint.String(), nil)`. The URL
 * is what the function writes into the builder before that use, in order. A write under a
 * condition that starts a query (`?`, `&`) is the same resource's query and is kept; any other
 * conditional write (a path part that may or may not be there, a loop's parts) ends the reading
 * with one run-time part, since the path past it is not known.
 */

import type { Node } from 'web-tree-sitter';
import { expandFormat, pushSegment, readGoString } from '../recognizers/go-http';
import { countBelow } from '../sorted-search';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { readStringCallReceiver } from './go-url-struct';

/** Reads a URL node one level deeper (values.ts's `resolve`, handed in to avoid a cycle). */
export type ReadNode = (node: Node) => UrlSegment[];

const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);
const BUILDER_TYPES = new Set(['strings.Builder', 'bytes.Buffer']);
// Constructors that give an empty builder, or one holding their first argument.
const EMPTY_CONSTRUCTORS = /^new\(\s*(?:strings\.Builder|bytes\.Buffer)\s*\)$/;
const FILLED_CONSTRUCTORS = new Set(['bytes.NewBufferString', 'bytes.NewBuffer']);
const WRITE_METHODS = new Set(['WriteString', 'WriteByte', 'WriteRune', 'Write']);
const PRINT_FUNCTIONS = new Set(['fmt.Fprintf', 'fmt.Fprint']);
const QUERY_START = /^[?&#]/;

/** The URL of `b.String()` on a builder the function around it declares and writes, or undefined. */
export function readGoBuilderString(node: Node, text: string, read: ReadNode): UrlSegment[] | undefined {
  const operand = readStringCallReceiver(node, text);
  if (operand === undefined) return undefined;
  let fn: Node | null = node.parent;
  while (fn !== null && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
  const body = fn?.childForFieldName('body');
  if (body == null) return undefined;
  // Cheap test first: most `x.String()` calls are on no builder at all.
  if (!mentionsBuilder(node.tree, text, body.startIndex, node.startIndex)) return undefined;
  const name = sliceNode(text, operand);
  const declared = findDeclaration(body, name, node, text);
  if (declared === undefined) return undefined;
  const out: UrlSegment[] = [];
  if (declared.initial !== undefined) for (const s of read(declared.initial)) pushSegment(out, s);
  const block = declared.statement.parent;
  if (block === null) return undefined;
  for (const call of body.descendantsOfType('call_expression', undefined, undefined)) {
    if (call === null || call.startIndex < declared.statement.endIndex) continue;
    if (call.startIndex >= node.startIndex) break;
    if (!insideFunction(call, body.parent ?? body)) continue;
    const written = readWrite(call, name, text, read);
    if (written === undefined) continue;
    if (written === 'reset') {
      out.length = 0;
      continue;
    }
    if (!isConditional(call, block)) {
      for (const s of written) pushSegment(out, s);
      continue;
    }
    const head = written[0];
    if (head?.kind === 'literal' && QUERY_START.test(head.text)) {
      for (const s of written) pushSegment(out, s);
      continue;
    }
    pushSegment(out, { kind: 'expr', source: name });
    break;
  }
  return out.some((s) => s.kind === 'literal') ? out : undefined;
}

// Where a file names a builder type or constructor (`strings.Builder`, `bytes.`), found once per
// tree: each `x.String()` asks whether one lies between its function's start and itself, so a file of
// many such calls is not read again per call.
const MENTION = /strings\.Builder|bytes\./g;
const mentions = new WeakMap<object, { text: string; at: number[] }>();

function mentionsBuilder(tree: object, text: string, from: number, to: number): boolean {
  let known = mentions.get(tree);
  if (known === undefined || known.text !== text) {
    known = { text, at: [...text.matchAll(MENTION)].map((m) => m.index ?? 0) };
    mentions.set(tree, known);
  }
  const { at } = known;
  // The first mention at or after `from`, if it is before `to`.
  const first = countBelow(at, from);
  return first < at.length && (at[first] as number) < to;
}

interface Declaration {
  statement: Node;
  initial?: Node;
}

// `var b strings.Builder`, `b := strings.Builder{}`, `b := &strings.Builder{}`, `b := new(bytes.Buffer)`,
// `b := bytes.NewBufferString("v1/")`: the statement declaring `name` last before the use.
function findDeclaration(body: Node, name: string, use: Node, text: string): Declaration | undefined {
  let found: Declaration | undefined;
  for (const spec of body.descendantsOfType(['var_spec', 'short_var_declaration'], undefined, undefined)) {
    if (spec === null || spec.startIndex >= use.startIndex) break;
    if (spec.type === 'var_spec') {
      const names = spec.childrenForFieldName('name').filter((n) => n !== null);
      const type = spec.childForFieldName('type');
      if (names.length === 1 && sliceNode(text, names[0] as Node) === name && type !== null) {
        if (BUILDER_TYPES.has(sliceNode(text, type)) && spec.childForFieldName('value') === null)
          found = { statement: spec.parent?.type === 'var_declaration' ? spec.parent : spec };
        else found = undefined;
      }
      continue;
    }
    const left = spec.childForFieldName('left')?.namedChildren ?? [];
    const right = spec.childForFieldName('right')?.namedChildren ?? [];
    if (left.length !== 1 || right.length !== 1 || sliceNode(text, left[0] as Node) !== name) continue;
    found = readConstructed(spec, right[0] as Node, text);
  }
  return found;
}

function readConstructed(statement: Node, value: Node, text: string): Declaration | undefined {
  let inner = value;
  if (inner.type === 'unary_expression') inner = inner.childForFieldName('operand') ?? inner;
  if (inner.type === 'composite_literal') {
    const type = inner.childForFieldName('type');
    const body = inner.childForFieldName('body');
    const empty = body === null || body.namedChildren.every((c) => c === null || c.type === 'comment');
    return type !== null && BUILDER_TYPES.has(sliceNode(text, type)) && empty ? { statement } : undefined;
  }
  if (inner.type !== 'call_expression') return undefined;
  if (EMPTY_CONSTRUCTORS.test(sliceNode(text, inner))) return { statement };
  const callee = sliceNode(text, inner.childForFieldName('function') ?? inner);
  if (!FILLED_CONSTRUCTORS.has(callee)) return undefined;
  let [first] =
    inner.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  // `bytes.NewBuffer([]byte("v1/"))`: the bytes of a string.
  if (first?.type === 'type_conversion_expression') first = first.childForFieldName('operand') ?? first;
  if (first == null || sliceNode(text, first) === 'nil') return { statement };
  return { statement, initial: first };
}

// What one call writes into the builder `name`, 'reset' for `name.Reset()`, undefined for any
// other call.
function readWrite(
  call: Node,
  name: string,
  text: string,
  read: ReadNode,
): UrlSegment[] | 'reset' | undefined {
  const callee = call.childForFieldName('function');
  const args =
    call
      .childForFieldName('arguments')
      ?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  if (callee === null) return undefined;
  const operand = callee.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  if (operand != null && sliceNode(text, operand) === name) {
    const method = sliceNode(text, callee.childForFieldName('field') ?? callee);
    if (method === 'Reset') return 'reset';
    if (!WRITE_METHODS.has(method) || args.length !== 1) return undefined;
    let [arg] = args as [Node];
    if (arg.type === 'rune_literal') return [{ kind: 'literal', text: readRune(sliceNode(text, arg)) }];
    if (method === 'Write' && arg.type === 'type_conversion_expression')
      arg = arg.childForFieldName('operand') ?? arg;
    const value = read(arg);
    return value.length > 0 ? value : [{ kind: 'expr', source: sliceNode(text, arg) }];
  }
  const printer = sliceNode(text, callee);
  if (!PRINT_FUNCTIONS.has(printer)) return undefined;
  const [target, ...rest] = args;
  if (target === undefined) return undefined;
  const written = sliceNode(text, target).replace(/^&\s*/, '');
  if (written !== name) return undefined;
  if (printer === 'fmt.Fprint') {
    const out: UrlSegment[] = [];
    for (const arg of rest) {
      const literal = readGoString(arg, text);
      pushSegment(
        out,
        literal === undefined
          ? { kind: 'expr', source: sliceNode(text, arg) }
          : { kind: 'literal', text: literal },
      );
    }
    return out;
  }
  const [format, ...values] = rest;
  if (format === undefined) return undefined;
  const literal = readGoString(format, text);
  return literal === undefined
    ? [{ kind: 'expr', source: sliceNode(text, format) }]
    : expandFormat(literal, values, text);
}

function readRune(source: string): string {
  const inner = source.slice(1, -1);
  return inner.startsWith('\\') ? (inner === '\\\\' ? '\\' : inner.slice(1)) : inner;
}

// A write inside a closure of the function is not known to run before the use.
function insideFunction(call: Node, fn: Node): boolean {
  for (let at: Node | null = call.parent; at !== null && at.id !== fn.id; at = at.parent)
    if (FUNCTION_TYPES.has(at.type)) return false;
  return true;
}

// A write whose statement is not directly in the block that declares the builder runs only
// sometimes (an `if`, a `for`, a `switch` case).
function isConditional(call: Node, block: Node): boolean {
  let statement: Node | null = call;
  while (statement !== null && statement.parent !== null && statement.parent.id !== block.id) {
    if (
      statement.parent.type === 'block' ||
      statement.parent.type === 'expression_case' ||
      statement.parent.type === 'default_case'
    )
      return true;
    statement = statement.parent;
  }
  return statement === null || statement.parent === null;
}

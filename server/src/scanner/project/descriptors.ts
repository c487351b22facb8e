/**
 * Request descriptors: a Python class whose constructor keeps a request's method and URL built from
 * its arguments (`Route('POST', '/channels/{channel_id}/messages', channel_id=cid)`, whose
 * `__init__` sets `self.method = method` and `self.url = self.BASE + self.path`), handed to a
 * transport that reads `route.method` and `route.url`. Each attribute the constructor sets is
 * shared with the project as a helper named `Class.attr` whose URL names the constructor's
 * parameters; a call site that passes `Class(...)` (or a local assigned one) reads the attribute
 * with its arguments put in. `{name}` placeholders in a path become expressions.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readPythonArguments, readPythonString, readPythonUrl } from '../python-syntax';
import type { ScanContext } from '../recognizers/context';
import { sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import type { HelperFact, SharedValues } from './types';
import { mergeSegments, readUrlValue } from './values';

// A class with more attributes than this in its constructor is not a request descriptor.
const MAX_ATTRIBUTES = 24;
const FORMAT_METHODS = new Set(['format', 'format_map']);
const PLACEHOLDER = /\{([A-Za-z_]\w*)\}/g;

/** The constructor attributes of one module's classes, as helpers named `Class.attr`. */
export function collectDescriptors(context: ScanContext): HelperFact[] {
  if (context.language !== 'python') return [];
  const { text } = context;
  const out: HelperFact[] = [];
  for (const cls of nodesOfType(context.root, 'class_definition')) {
    const name = cls?.childForFieldName('name');
    const body = cls?.childForFieldName('body');
    if (cls == null || name == null || body == null) continue;
    const classAttrs = new Map<string, UrlSegment[]>();
    let init: Node | undefined;
    for (const statement of body.namedChildren) {
      const inner = statement?.type === 'expression_statement' ? statement.firstNamedChild : statement;
      if (inner?.type === 'assignment') {
        const left = inner.childForFieldName('left');
        const value = readPythonString(inner.childForFieldName('right') ?? undefined, text);
        if (left?.type === 'identifier' && value !== undefined)
          classAttrs.set(sliceNode(text, left), [{ kind: 'literal', text: value }]);
      }
      const fn =
        statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      if (
        fn?.type === 'function_definition' &&
        sliceNode(text, fn.childForFieldName('name') ?? fn) === '__init__'
      )
        init = fn;
    }
    if (init === undefined) continue;
    const params = readParams(init, text);
    const env = new Map<string, UrlSegment[] | undefined>();
    const attrs = new Map<string, UrlSegment[] | undefined>();
    const evaluate = (node: Node | null): UrlSegment[] | undefined => {
      if (node === null) return undefined;
      if (node.type === 'identifier') {
        const word = sliceNode(text, node);
        return env.has(word)
          ? env.get(word)
          : params.includes(word)
            ? [{ kind: 'expr', source: word }]
            : undefined;
      }
      if (node.type === 'attribute') {
        const object = node.childForFieldName('object');
        const attr = sliceNode(text, node.childForFieldName('attribute') ?? node);
        if (object?.type !== 'identifier' || sliceNode(text, object) !== 'self') return undefined;
        return attrs.has(attr) ? attrs.get(attr) : classAttrs.get(attr);
      }
      if (
        node.type === 'binary_operator' &&
        sliceNode(text, node.childForFieldName('operator') ?? node) === '+'
      ) {
        const left = evaluate(node.childForFieldName('left'));
        const right = evaluate(node.childForFieldName('right'));
        return left === undefined || right === undefined ? undefined : mergeSegments([...left, ...right]);
      }
      if (node.type === 'call') {
        const callee = node.childForFieldName('function');
        const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute') : null;
        return method !== null && FORMAT_METHODS.has(sliceNode(text, method))
          ? evaluate(callee?.childForFieldName('object') ?? null)
          : undefined;
      }
      if (node.type === 'string') {
        const { segments } = readPythonUrl(node, text);
        return segments.every((s) => s.kind === 'literal' || params.includes(s.source))
          ? segments
          : undefined;
      }
      return undefined;
    };
    // The constructor's assignments in order (also inside `if` blocks: a later one wins).
    for (const assignment of init.descendantsOfType('assignment')) {
      const left = assignment?.childForFieldName('left');
      if (assignment == null || left == null) continue;
      const value = evaluate(assignment.childForFieldName('right'));
      if (left.type === 'identifier') env.set(sliceNode(text, left), value);
      else if (
        left.type === 'attribute' &&
        sliceNode(text, left.childForFieldName('object') ?? left) === 'self'
      )
        attrs.set(sliceNode(text, left.childForFieldName('attribute') ?? left), value);
    }
    if (attrs.size > MAX_ATTRIBUTES) continue;
    for (const [attr, url] of attrs) {
      if (url === undefined || url.length === 0) continue;
      out.push({ name: `${sliceNode(text, name)}.${attr}`, param: params[0] ?? '', params, url });
    }
  }
  return out;
}

function readParams(fn: Node, text: string): string[] {
  const params: string[] = [];
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null || /splat/.test(param.type)) continue;
    const name =
      param.type === 'identifier' ? param : (param.childForFieldName('name') ?? param.firstNamedChild);
    if (name?.type === 'identifier') params.push(sliceNode(text, name));
  }
  return params[0] === 'self' ? params.slice(1) : params;
}

/**
 * What attribute `attr` of the descriptor passed at a call site holds: `Route('GET', '/x/{id}',
 * id=i)`, or a local assigned one above; undefined when the argument is not a known descriptor.
 */
export function readDescriptorAttribute(
  context: ScanContext,
  argument: Node,
  attr: string,
  shared: SharedValues | undefined,
): UrlSegment[] | undefined {
  let node: Node | undefined = unwrapExpression(argument);
  if (node.type === 'identifier')
    node = readNameValue(sliceNode(context.text, node), node, context.language, context.text, context.root);
  const callee = node?.type === 'call' ? node.childForFieldName('function') : null;
  if (node === undefined || callee == null) return undefined;
  const className = sliceNode(context.text, callee.childForFieldName('attribute') ?? callee);
  const helper = shared?.helpers.get(`${className}.${attr}`);
  if (helper == null || helper.params === undefined) return undefined;
  const { positional, keywords } = readPythonArguments(node);
  const out: UrlSegment[] = [];
  for (const segment of helper.url) {
    const index = segment.kind === 'expr' ? helper.params.indexOf(segment.source) : -1;
    if (segment.kind === 'literal' || index < 0) {
      out.push(segment);
      continue;
    }
    const value = positional[index] ?? keywords.get(segment.source);
    const read =
      value === undefined
        ? [segment]
        : readUrlValue(value, context.language, context.text, context.root, shared);
    out.push(...read.flatMap(splitPlaceholders));
  }
  return mergeSegments(out);
}

function splitPlaceholders(segment: UrlSegment): UrlSegment[] {
  if (segment.kind !== 'literal') return [segment];
  const out: UrlSegment[] = [];
  let at = 0;
  for (const match of segment.text.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > at) out.push({ kind: 'literal', text: segment.text.slice(at, index) });
    out.push({ kind: 'expr', source: match[1] as string });
    at = index + match[0].length;
  }
  if (at < segment.text.length) out.push({ kind: 'literal', text: segment.text.slice(at) });
  return out;
}

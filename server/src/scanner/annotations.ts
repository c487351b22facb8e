/**
 * Annotation comments: `// clearance: action=delete resource=order:{id}` on the line above a call
 * fixes its action and resource (and makes any call a checked call, not only the ones a recogniser
 * knows); `// clearance: ignore` above a call marks it suppressed. `#` in Python, `//` or `/* *\/`
 * in TypeScript, JavaScript and Go. A comment that starts with `clearance:` but does not parse, or
 * that has no call on the line below it, is reported as an `annotation_error`: never skipped quietly.
 */

import type { Node } from 'web-tree-sitter';
import type { ClearanceError } from '../errors';
import { CALL_NODE_TYPE } from './languages';
import { nodesOfType } from './nodes-of-type';
import type { ScanContext } from './recognizers/context';
import { sliceNode } from './syntax';
import type { CallResource, CallValue, HttpCall } from './types';

/** What one annotation says. */
export type Annotation = { kind: 'ignore' } | { kind: 'fix'; action?: string; resource?: CallResource };

const PREFIX = /^\s*clearance\s*:/;
const ACTION = /^[A-Za-z_][\w.:-]*$/;
const TYPE = /^[A-Za-z_][\w.-]*$/;

/** Parses the text after `clearance:`; returns the annotation or a message saying what is wrong. */
export function parseAnnotation(body: string): Annotation | string {
  const words = body
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  if (words.length === 1 && words[0] === 'ignore') return { kind: 'ignore' };
  if (words.length === 0)
    return 'empty annotation: write `clearance: ignore` or `clearance: action=<action> resource=<type>[:<id>]`';
  const annotation: { kind: 'fix'; action?: string; resource?: CallResource } = { kind: 'fix' };
  for (const word of words) {
    const equals = word.indexOf('=');
    const key = equals < 0 ? word : word.slice(0, equals);
    const value = equals < 0 ? '' : word.slice(equals + 1);
    if (key !== 'action' && key !== 'resource') {
      return `unknown annotation key "${key}": use action=<action>, resource=<type>[:<id>], or ignore alone`;
    }
    if (value === '')
      return `${key} needs a value: ${key === 'action' ? 'action=<action>' : 'resource=<type>[:<id>]'}`;
    if (annotation[key] !== undefined) return `${key} is given twice`;
    if (key === 'action') {
      if (!ACTION.test(value)) return `"${value}" is not an action name (letters, digits, _ . : -)`;
      annotation.action = value;
    } else {
      const resource = parseResource(value);
      if (typeof resource === 'string') return resource;
      annotation.resource = resource;
    }
  }
  return annotation;
}

/** Parses `type`, `type:literal-id` or `type:{placeholder}`; returns a message when malformed. */
export function parseResource(value: string): CallResource | string {
  const colon = value.indexOf(':');
  const type = colon < 0 ? value : value.slice(0, colon);
  if (!TYPE.test(type)) return `"${type}" is not a resource type (letters, digits, _ . -)`;
  if (colon < 0) return { type };
  const id = value.slice(colon + 1);
  if (id === '') return `the resource id after "${type}:" is empty`;
  return { type, id: readIdValue(id) };
}

/** A literal id is known; `{name}` and `$name` stand for values the code computes. */
function readIdValue(id: string): CallValue {
  return /^\{[^{}]+\}$/.test(id) || /^\$\w+$/.test(id)
    ? { known: false, source: id }
    : { known: true, value: id };
}

/**
 * Applies the annotation comments of a file to the calls found in it: fixes or suppresses the calls
 * on the line below each one, adds a call for an annotated call no recogniser knows, and reports
 * annotations that do not parse or sit above no call.
 */
export function applyAnnotations(context: ScanContext, calls: HttpCall[], errors: ClearanceError[]): void {
  // Grouped on the first annotation: most files have none.
  let byLine: Map<number, HttpCall[]> | undefined;
  for (const comment of nodesOfType(context.root, 'comment')) {
    if (comment === null) continue;
    const body = readCommentBody(sliceNode(context.text, comment));
    if (body === undefined) continue;
    const match = PREFIX.exec(body);
    if (match === null) continue;
    const fail = (message: string): void => {
      errors.push({ code: 'annotation_error', message, location: context.locateNode(comment) });
    };
    const annotation = parseAnnotation(body.slice(match[0].length));
    if (typeof annotation === 'string') {
      fail(annotation);
      continue;
    }
    const line = context.locateNode(comment).end.line + 1;
    byLine ??= groupByLine(calls);
    const below = byLine.get(line) ?? [];
    if (annotation.kind === 'ignore') {
      if (below.length === 0) fail('`clearance: ignore` is not on the line above a call Clearance checks');
      for (const call of below) call.suppressed = true;
      continue;
    }
    const target = below[0] ?? findUnknownCall(context, comment);
    if (target === undefined) {
      fail('this clearance annotation is not on the line above a call');
      continue;
    }
    if (below[0] === undefined) {
      calls.push(target);
      byLine.set(line, [target]);
    }
    target.origin = 'annotation';
    if (annotation.action !== undefined) target.action = annotation.action;
    if (annotation.resource !== undefined) target.resource = annotation.resource;
  }
  calls.sort((a, b) => a.location.start.offset - b.location.start.offset);
}

function groupByLine(calls: readonly HttpCall[]): Map<number, HttpCall[]> {
  const byLine = new Map<number, HttpCall[]>();
  for (const call of calls) {
    const list = byLine.get(call.location.start.line);
    if (list === undefined) byLine.set(call.location.start.line, [call]);
    else list.push(call);
  }
  return byLine;
}

/** The comment's text without its delimiters; undefined for a comment syntax we do not read. */
function readCommentBody(text: string): string | undefined {
  if (text.startsWith('//') || text.startsWith('#')) return text.replace(/^(?:\/\/|#)/, '');
  if (text.startsWith('/*')) return text.slice(2, text.endsWith('*/') ? -2 : undefined).replace(/^\*+/, '');
  return undefined;
}

/** The outermost call that starts on the line after the comment, as a call of unknown shape. */
function findUnknownCall(context: ScanContext, comment: Node): HttpCall | undefined {
  const text = context.text;
  const lineBreak = text.slice(comment.endIndex).search(/\r\n|\r|\n/);
  if (lineBreak < 0) return undefined;
  const start =
    comment.endIndex + lineBreak + (text.startsWith('\r\n', comment.endIndex + lineBreak) ? 2 : 1);
  const next = text.slice(start).search(/[\r\n]/);
  const end = next < 0 ? text.length : start + next;
  const row = context.locateNode(comment).end.line;
  let best: Node | undefined;
  for (const node of context.root.descendantsOfType(
    CALL_NODE_TYPE[context.language],
    { row, column: 0 },
    { row: row + 1, column: 0 },
  )) {
    if (node === null || node.startIndex < start || node.startIndex >= end) continue;
    if (best === undefined || node.startIndex < best.startIndex) best = node;
  }
  if (best === undefined) return undefined;
  const callee = best.childForFieldName('function') ?? best;
  const source = sliceNode(text, callee);
  return {
    kind: 'http',
    client: 'custom',
    method: undefined,
    url: { source, segments: [{ kind: 'expr', source }], known: false },
    location: context.locateNode(best),
    calleeLocation: context.locateCallee(callee),
    text: context.readExcerpt(best),
  };
}

/**
 * JavaScript/TypeScript: a call whose whole URL is a local the function declared once above it
 * (`const url = API_ROOT + '/reports/' + id + '/export'`, then `fetch(url, { method: 'POST' })`).
 * The local is the call's URL: the call writes its path there, so it is reported where it stands
 * (not only at the function's call sites, as a call forwarding its caller's URL would be), with the
 * local's value as its URL. A local declared with `let`/`var` and assigned again, or a parameter,
 * is left as it was; so is a value that ends in a parameter named for a path (`BASE + path`: the
 * function is a wrapper of its caller's path). The Python counterpart is python-local-urls.ts.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import { FUNCTION_TYPES } from './assigned-values';
import { isJsLanguage } from './code-shape';
import { readUrlValue } from './values';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// A parameter named for the path or URL a wrapper is handed (`path`, `resourcePath`, `endpoint`).
const PATH_NAME = /^_*(?:\w+_?)?(?:path|url|uri|endpoint|route|resource|suffix)$/i;
// A conditional whose first branch is a query string: `(paged ? `?cursor=${c}` : '')`.
const QUERY_CHOICE = /^\(?([^?`'"()]+)\?\s*[`'"]\?/;

/** Replaces the URL of each JS call whose whole URL is such a local by the local's value. */
export function readJsLocalUrls(context: ScanContext, calls: readonly HttpCall[]): void {
  if (!isJsLanguage(context.language)) return;
  for (const call of calls) {
    if (call.origin !== undefined && call.origin !== 'recognised') continue;
    const [only, ...rest] = call.url.segments;
    if (rest.length > 0 || only?.kind !== 'expr' || !IDENTIFIER.test(only.source)) continue;
    const node = findCall(context, call);
    const segments = node === undefined ? undefined : readLocalUrl(context, node, only.source);
    if (segments === undefined) continue;
    const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
    call.url = { source, segments, known: true };
  }
}

function readLocalUrl(context: ScanContext, node: Node, name: string): UrlSegment[] | undefined {
  const { text } = context;
  const args = node.childForFieldName('arguments')?.namedChildren ?? [];
  if (!args.some((arg) => arg?.type === 'identifier' && sliceNode(text, arg) === name)) return undefined;
  let fn: Node | null = node.parent;
  while (fn !== null && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
  if (fn === null) return undefined;
  const params = paramNames(fn, text);
  if (params.has(name)) return undefined;
  const value = readSingleDeclaration(text, fn, name, node.startIndex);
  if (value === undefined) return undefined;
  const segments = readUrlValue(value, context.language, text, context.root, context.project?.shared);
  if (!writesPath(segments)) return undefined;
  // `const url = BASE + path`: the caller's path under the function's base, a wrapper's request.
  const last = segments.at(-1);
  if (last?.kind === 'expr' && PATH_NAME.test(last.source) && params.has(last.source)) return undefined;
  // `+ (paged ? `?cursor=${c}` : '')` at the end: a choice of query strings, the path ends before it.
  const query = last?.kind === 'expr' ? QUERY_CHOICE.exec(last.source) : null;
  if (query !== null)
    return [
      ...segments.slice(0, -1),
      { kind: 'literal', text: '?' },
      { kind: 'expr', source: (query[1] as string).trim() },
    ];
  return segments;
}

// The call node a call was found at: noted by its recogniser in this scan, else the node of its extent.
function findCall(context: ScanContext, call: HttpCall): Node | undefined {
  const { start, end } = call.location;
  const located = context.locatedCall(start.offset, end.offset);
  if (located !== undefined) return located.type === 'call_expression' ? located : undefined;
  let node: Node | null = context.root.descendantForIndex(start.offset, end.offset);
  while (node !== null && node.startIndex >= start.offset && node.endIndex <= end.offset) {
    if (node.startIndex === start.offset && node.endIndex === end.offset && node.type === 'call_expression')
      return node;
    node = node.parent;
  }
  return undefined;
}

function paramNames(fn: Node, text: string): Set<string> {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  const names = new Set<string>();
  if (params == null) return names;
  if (params.type === 'identifier') names.add(sliceNode(text, params));
  for (const id of params.descendantsOfType(['identifier', 'shorthand_property_identifier_pattern']))
    if (id !== null) names.add(sliceNode(text, id));
  return names;
}

// The value of the one declaration of `name` in `fn` (not in a function inside it), above `before`;
// undefined when the name is declared more than once or assigned again.
function readSingleDeclaration(text: string, fn: Node, name: string, before: number): Node | undefined {
  let found: Node | undefined;
  let count = 0;
  const visit = (node: Node): boolean => {
    for (const child of node.namedChildren) {
      if (child === null || FUNCTION_TYPES.has(child.type) || child.type === 'class_declaration') continue;
      if (child.type === 'variable_declarator') {
        const left = child.childForFieldName('name');
        if (left?.type === 'identifier' && sliceNode(text, left) === name) {
          count++;
          found = child.childForFieldName('value') ?? undefined;
          if (child.startIndex > before || found === undefined) return false;
        }
      } else if (child.type === 'assignment_expression' || child.type === 'augmented_assignment_expression') {
        const left = child.childForFieldName('left');
        if (left?.type === 'identifier' && sliceNode(text, left) === name) return false;
      } else if (child.type === 'update_expression' && sliceNode(text, child).includes(name)) return false;
      if (!visit(child)) return false;
    }
    return true;
  };
  const body = fn.childForFieldName('body');
  if (body === null || !visit(body) || count !== 1) return undefined;
  return found;
}

// A path or URL written in the value: text from a `/` or a scheme on, maybe after one base
// expression (`${API_ROOT}/reports/${id}`), with a letter in it.
function writesPath(segments: readonly UrlSegment[]): boolean {
  const [first, second] = segments;
  const lead = first?.kind === 'expr' ? second : first;
  if (lead?.kind !== 'literal') return false;
  return (
    (lead.text.startsWith('/') && /[A-Za-z]/.test(lead.text)) || /^[a-z][a-z0-9+.-]*:\/\/./i.test(lead.text)
  );
}

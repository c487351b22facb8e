/**
 * Python: a call whose whole URL is a local the function assigned once above it (`url =
 * f"{self.base_url}/invoices/{invoice_id}/send"`, then `self.session.post(url, json=payload)`). The
 * local is the call's URL: the call writes its path there, so it is reported where it stands (not
 * only at the function's call sites, as a call forwarding its caller's URL would be), with the
 * local's value as its URL. A local assigned twice (in branches, in a loop, `+=`), bound by `for`,
 * `with ... as` or `:=`, or a parameter of the function, is left as it was.
 */

import type { Node } from 'web-tree-sitter';
import { readPythonArguments, readPythonUrl } from '../python-syntax';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import { readUrlValue } from './values';

const IDENTIFIER = /^[A-Za-z_]\w*$/;
// A parameter named for the path or URL a wrapper is handed (`path`, `resource_path`, `endpoint`).
const PATH_NAME = /^_*(?:\w+_)?(?:path|url|uri|endpoint|route|resource|suffix)$/i;
// Nodes that bind a name some other way than one plain assignment: the local may hold several values.
const OTHER_BINDINGS = new Set([
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'as_pattern',
  'named_expression',
]);

/** The URL a Python call's whole-URL local holds (see above), or undefined when it is no such local. */
export function readPythonLocalUrl(
  context: ScanContext,
  call: HttpCall,
  node: Node,
): UrlSegment[] | undefined {
  const [only, ...rest] = call.url.segments;
  if (context.language !== 'python' || rest.length > 0 || only?.kind !== 'expr') return undefined;
  const name = only.source;
  if (node.type !== 'call') return undefined;
  const { positional, keywords } = readPythonArguments(node);
  const argument = [...positional, ...keywords.values()].find((arg) => sliceNode(context.text, arg) === name);
  if (argument === undefined) return undefined;
  // `requests.get(service_url(f"/items/{sku}"))`, `s.post(urljoin(self.root, "orders"))`: a helper
  // call given the path, read as the value readers read it (the path it is given, a join).
  if (argument.type === 'call') {
    const segments = readUrlValue(argument, 'python', context.text, context.root, context.project?.shared);
    return writesPath(segments) && !forwardsPath(context.text, node, segments) ? segments : undefined;
  }
  if (argument.type !== 'identifier' || !IDENTIFIER.test(name)) return undefined;
  let fn: Node | null = node.parent;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  if (fn === null) return undefined;
  const params = fn.childForFieldName('parameters');
  if (
    params?.descendantsOfType('identifier').some((id) => id !== null && sliceNode(context.text, id) === name)
  )
    return undefined;
  const value = readSingleAssignment(context.text, fn, name, node.startIndex);
  if (value === undefined) return undefined;
  // Read as the recogniser reads a URL written in the call (a base constant stays the expression
  // it is there), else with the values the project pass follows (`"...".format(...)`, helpers).
  const written = readPythonUrl(value, context.text).segments;
  const segments = writesPath(written)
    ? written
    : readUrlValue(value, 'python', context.text, context.root, context.project?.shared);
  return writesPath(segments) && !forwardsPath(context.text, node, segments) ? segments : undefined;
}

/** Replaces the URL of each Python call whose whole URL is such a local by the local's value. */
export function readPythonLocalUrls(context: ScanContext, calls: readonly HttpCall[]): void {
  if (context.language !== 'python') return;
  for (const call of calls) {
    if (call.origin !== undefined && call.origin !== 'recognised') continue;
    if (call.url.segments.length !== 1 || call.url.segments[0]?.kind !== 'expr') continue;
    const node = findCall(context, call);
    const segments = node === undefined ? undefined : readPythonLocalUrl(context, call, node);
    if (segments === undefined) continue;
    const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
    call.url = { source, segments, known: true };
  }
}

// The call node a call was found at: noted by its recogniser in this scan, else (a call kept from
// the file's first scan) the node of the call's extent.
function findCall(context: ScanContext, call: HttpCall): Node | undefined {
  const { start, end } = call.location;
  const located = context.locatedCall(start.offset, end.offset);
  if (located !== undefined) return located;
  let node: Node | null = context.root.descendantForIndex(start.offset, end.offset);
  while (node !== null && node.startIndex >= start.offset && node.endIndex <= end.offset) {
    if (node.startIndex === start.offset && node.endIndex === end.offset && node.type === 'call') return node;
    node = node.parent;
  }
  return undefined;
}

// The value of the one plain assignment to `name` in `fn` (not in a function inside it), above
// `before`; undefined when the name is bound more than once or some other way.
function readSingleAssignment(text: string, fn: Node, name: string, before: number): Node | undefined {
  let found: Node | undefined;
  let count = 0;
  const visit = (node: Node): boolean => {
    for (const child of node.namedChildren) {
      if (child === null) continue;
      if (
        child.type === 'function_definition' ||
        child.type === 'lambda' ||
        child.type === 'class_definition'
      )
        continue;
      if (child.type === 'assignment') {
        const left = child.childForFieldName('left');
        if (left?.type === 'identifier' && sliceNode(text, left) === name) {
          count++;
          found = child.childForFieldName('right') ?? undefined;
          if (child.startIndex > before) return false;
        } else if (
          left !== null &&
          left.type !== 'attribute' &&
          left.type !== 'subscript' &&
          mentions(text, left, name)
        )
          return false;
      } else if (OTHER_BINDINGS.has(child.type) && bindsName(text, child, name)) return false;
      if (!visit(child)) return false;
    }
    return true;
  };
  const body = fn.childForFieldName('body');
  if (body === null || !visit(body) || count !== 1) return undefined;
  return found;
}

// Whether a binding node (`for url in ...`, `with ... as url`, `url += ...`) binds `name`.
function bindsName(text: string, node: Node, name: string): boolean {
  const target =
    node.type === 'as_pattern'
      ? node.childForFieldName('alias')
      : node.type === 'named_expression'
        ? node.childForFieldName('name')
        : node.childForFieldName('left');
  return target !== null && mentions(text, target, name);
}

function mentions(text: string, node: Node, name: string): boolean {
  if (node.type === 'identifier') return sliceNode(text, node) === name;
  return node.descendantsOfType('identifier').some((id) => id !== null && sliceNode(text, id) === name);
}

/**
 * Whether the URL ends in a parameter of the function around the call named for a path or URL
 * (`"https://api.example.com/v1/" + path`, `f"{BASE}/{resource_path}"`): the function is a wrapper
 * that sends its caller's path under its base, reported at its call sites, not a call of its own.
 */
function forwardsPath(text: string, node: Node, segments: readonly UrlSegment[]): boolean {
  let fn: Node | null = node.parent;
  while (fn !== null && fn.type !== 'function_definition') fn = fn.parent;
  const params = fn?.childForFieldName('parameters');
  if (params == null) return false;
  const names = new Set(
    params.descendantsOfType('identifier').map((id) => (id === null ? '' : sliceNode(text, id))),
  );
  return segments.some(
    (segment) => segment.kind === 'expr' && PATH_NAME.test(segment.source) && names.has(segment.source),
  );
}

// A path or URL written in the value: text from a `/` or a scheme on, maybe after one base
// expression (`{self.base_url}/invoices/{id}`), with a letter in it.
function writesPath(segments: readonly UrlSegment[]): boolean {
  const [first, second] = segments;
  const lead = first?.kind === 'expr' ? second : first;
  if (lead?.kind !== 'literal') return false;
  return (
    (lead.text.startsWith('/') && /[A-Za-z]/.test(lead.text)) || /^[a-z][a-z0-9+.-]*:\/\/./i.test(lead.text)
  );
}

/**
 * Go URL builders a package shares between its files: a package-level variable holding a function
 * literal of one return (`RouteBoard = func(bID string) string { return RouteBoards + bID }`, the
 * endpoints file of many SDKs) and a top-level function of several parameters that only returns a
 * URL (`func archiveRoute(bID, year string) string { return RouteBoard(bID) + "/archive/" + year }`).
 * Each is read with the file's path variables and its other builders written in (builders are
 * mostly built on one another), its parameters kept as expressions that a caller's arguments
 * replace in their places.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { readGoImportPath } from '../recognizers/go-http';
import { flattenConcatenation, sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import type { HelperFact } from './types';
import { mergeSegments, readUrlValue } from './values';

// More builders than this in one file is generated data, not an endpoints file: none is read.
const MAX_BUILDERS = 2_000;
const GO_STRING_TYPES = new Set(['interpreted_string_literal', 'raw_string_literal']);

interface Candidate {
  params: string[];
  returned: Node;
}

/**
 * Reads the Go URL builders of a file: `assignments` are its package-level `var`/`const` values by
 * name, `functions` its top-level function declarations. Single-parameter functions are left to the
 * common helper reader (they are read the same way there).
 */
export function readGoUrlBuilders(
  context: ScanContext,
  assignments: ReadonlyArray<readonly [string, Node]>,
  functions: readonly Node[],
): HelperFact[] {
  const { text } = context;
  const candidates = new Map<string, Candidate>();
  // `RouteOldName = RouteNewName`: another name for a builder, kept when an endpoint is renamed.
  const aliases: Array<[string, string]> = [];
  for (const [name, value] of assignments) {
    if (value.type === 'identifier') aliases.push([name, sliceNode(text, value)]);
    if (value.type !== 'func_literal') continue;
    const candidate = readCandidate(value, text);
    if (candidate !== undefined) candidates.set(name, candidate);
  }
  for (const fn of functions) {
    const name = fn.childForFieldName('name');
    const candidate = fn.type === 'function_declaration' ? readCandidate(fn, text) : undefined;
    if (name !== null && candidate !== undefined && candidate.params.length > 1)
      candidates.set(sliceNode(text, name), candidate);
  }
  if (candidates.size === 0 || candidates.size > MAX_BUILDERS) return [];
  // Read on demand, so a builder built on another declared below it reads it whole; a builder that
  // reaches itself again is not a URL.
  const read = new Map<string, HelperFact | null>();
  const reading = new Set<string>();
  const helpers = new BuilderMap((name) => {
    const known = read.get(name);
    if (known !== undefined) return known;
    const candidate = candidates.get(name);
    if (candidate === undefined || reading.has(name)) return undefined;
    reading.add(name);
    const url = readUrlValue(candidate.returned, 'go', text, context.root, {
      constants: new Map(),
      helpers,
    });
    reading.delete(name);
    const fact = isBuiltUrl(url, candidate.params)
      ? { name, param: candidate.params[0] as string, params: candidate.params, url }
      : null;
    read.set(name, fact);
    return fact;
  });
  const out: HelperFact[] = [];
  for (const name of candidates.keys()) {
    const fact = helpers.get(name);
    if (fact != null) out.push(fact);
  }
  for (const [name, target] of aliases) {
    const fact = candidates.has(name) ? undefined : helpers.get(target);
    if (fact != null) out.push({ ...fact, name });
  }
  return out;
}

// A map whose values are read when first asked for (the helpers' reader only calls `get`).
class BuilderMap extends Map<string, HelperFact | null> {
  constructor(private readonly load: (name: string) => HelperFact | null | undefined) {
    super();
  }

  override get(name: string): HelperFact | null | undefined {
    return this.load(name);
  }
}

// `func(a, b string) string { return ... }`: named parameters (no variadic one, which the path
// functions read as a list) and a body of one statement returning one value.
function readCandidate(fn: Node, text: string): Candidate | undefined {
  const params: string[] = [];
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (param === null || param.type === 'comment') continue;
    if (param.type !== 'parameter_declaration') return undefined;
    const names = param.childrenForFieldName('name').filter((n): n is Node => n !== null);
    if (names.length === 0) return undefined;
    for (const n of names) params.push(sliceNode(text, n));
  }
  const body = fn.childForFieldName('body');
  const statements = (body?.namedChildren ?? []).filter((s): s is Node => s !== null && s.type !== 'comment');
  const only = statements[0];
  if (params.length === 0 || statements.length !== 1 || only?.type !== 'return_statement') return undefined;
  const list = only.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const values = list[0]?.type === 'expression_list' ? list[0].namedChildren : list;
  const returned = values.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (returned.length !== 1) return undefined;
  return { params, returned: returned[0] as Node };
}

// A URL: written text holding a `/` and built on at least one of the parameters (a display name
// joined with spaces, or a constant path that ignores its parameters, is not one).
function isBuiltUrl(url: readonly UrlSegment[], params: readonly string[]): boolean {
  return (
    url.some((s) => s.kind === 'literal' && s.text.includes('/')) &&
    url.some((s) => s.kind === 'expr' && params.includes(s.source))
  );
}

// A builder's URL with each parameter replaced by the caller's argument in its place (a parameter
// the call does not give, or spreads from a slice, stays as it is named).
/** A builder's URL with each parameter replaced by the argument in its place. */
export function substituteArguments(
  helper: HelperFact,
  args: readonly Node[],
  read: (arg: Node) => UrlSegment[],
): UrlSegment[] {
  const params = helper.params ?? [helper.param];
  const values = new Map<string, UrlSegment[]>();
  const out: UrlSegment[] = [];
  const push = (segment: UrlSegment) => out.push({ ...segment });
  for (const segment of helper.url) {
    const index = segment.kind === 'expr' ? params.indexOf(segment.source) : -1;
    const arg = args[index];
    if (segment.kind === 'literal' || arg === undefined || arg.type === 'variadic_argument') {
      push(segment);
      continue;
    }
    let value = values.get(segment.source);
    if (value === undefined) {
      value = read(arg);
      values.set(segment.source, value);
    }
    for (const v of value) push(v);
  }
  return mergeSegments(out);
}

// Go: `RouteBoard(id) + "/cards"`, `base + pathOf(id)`, `RouteBoards + id`: a concatenation with a
// call of a function among its operands, or with neither text nor call of its own, reads each
// operand in turn, so a URL builder's call inside it is the URL it returns and a path variable its
// value. Method calls on values (`c.base.String() + rel.String()`, a client resolving a relative
// path against its base) are not builders: read operand by operand they gave the unread base
// before a relative path and, through `rel`, a prefix the code adds only sometimes, so such a
// concatenation stays one expression as before.
/** Reads a Go concatenation operand by operand when a builder's call, or no text, is among them. */
export function readGoConcatenatedCalls(
  node: Node,
  text: string,
  read: (next: Node) => UrlSegment[],
): UrlSegment[] | undefined {
  if (node.type !== 'binary_expression') return undefined;
  const operands = flattenConcatenation(node, text);
  const calls = operands.filter((o) => o.type === 'call_expression');
  const builder = calls.some((c) => c.childForFieldName('function')?.type === 'identifier');
  const written = operands.some((o) => GO_STRING_TYPES.has(o.type));
  if (operands.length < 2) return undefined;
  if (calls.length > 0 && !builder) return readPathMethodJoin(operands, calls, text, read);
  if (calls.length === 0 && written) return undefined;
  return mergeSegments(operands.flatMap(read));
}

// `endpoints.Invoice(id) + finalizePath`, `r.path() + "/branches"`: calls of the project's path
// functions of another package, or of a method of the receiver's type, each read as a path (its
// text starts with `/`; a call giving a base URL or nothing readable leaves the whole unread).
function readPathMethodJoin(
  operands: readonly Node[],
  calls: readonly Node[],
  text: string,
  read: (next: Node) => UrlSegment[],
): UrlSegment[] | undefined {
  if (!calls.every((c) => isBuilderCallee(c.childForFieldName('function'), text))) return undefined;
  const parts = operands.map((o) => ({ o, url: read(o) }));
  for (const { o, url } of parts) {
    const [head] = url;
    if (calls.includes(o) && !(head?.kind === 'literal' && head.text.startsWith('/'))) return undefined;
  }
  return mergeSegments(parts.flatMap(({ url }) => url));
}

// `archiveRoute(...)`, `r.path()` on the receiver of the method around, or `endpoints.Invoice(...)`:
// a function of the package, a method of the same type, or a function of another package of the
// project (an import path naming a host, as a module's does; the standard library's never).
function isBuilderCallee(callee: Node | null, text: string): boolean {
  if (callee?.type === 'identifier') return true;
  const operand = callee?.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  // `r.path()` in a method of `r`: a path method of the same type (path-functions.ts reads it).
  if (operand != null && isMethodReceiver(operand, text)) return true;
  const path = operand == null ? undefined : readGoImportPath(operand, text);
  return path !== undefined && /^[^/]*\./.test(path);
}

// `r` in `func (r *RepoHandle) Branches(...)`: the receiver of the method around the use.
function isMethodReceiver(operand: Node, text: string): boolean {
  if (operand.type !== 'identifier') return false;
  for (let around = operand.parent; around !== null; around = around.parent) {
    if (around.type === 'func_literal' || around.type === 'function_declaration') return false;
    if (around.type !== 'method_declaration') continue;
    const declaration = around
      .childForFieldName('receiver')
      ?.namedChildren.find((c) => c?.type === 'parameter_declaration');
    const name = declaration?.childForFieldName('name');
    return name != null && sliceNode(text, name) === sliceNode(text, operand);
  }
  return false;
}

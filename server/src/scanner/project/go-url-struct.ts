/**
 * Go URLs kept in a `url.URL` struct: `u := url.URL{Path: "rest/api/2/search"}` (or `&url.URL{...}`,
 * with `Scheme` and `Host`), then `u.RawQuery = ...` and `NewRequest(ctx, "GET", u.String(), nil)`.
 * `u.String()` reads as the struct's scheme, host and path (the query the code sets is not part of
 * the path); a struct with no `Path` written is not read. A local parsed from a reference (`u, err :=
 * url.Parse("https://api.example.com/v1/ping")`, or `base.Parse("ping")` on a base URL the client
 * keeps) reads the same way: the reference, after the base it resolves against; and so does a
 * local resolved from one (`u := base.ResolveReference(rel)` after `rel, err := url.Parse("v1/x")`
 * or `rel := &url.URL{Path: "v1/x"}`). A copy of a base URL whose path is set below (`u := *c.base`,
 * `u.Path = c.base.Path + p`) reads as the base, then `p`.
 */

import type { Node } from 'web-tree-sitter';
import { readGoString } from '../recognizers/go-http';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';

/** Finds the value a name is bound to at a use (values.ts's `readNameValue`, handed in). */
export type FindValue = (name: string, use: Node) => Node | undefined;

/** Reads a URL node one level deeper (values.ts's `resolve`, handed in). */
export type ReadNode = (node: Node) => UrlSegment[];

/** The URL of `u.String()` on a local built from a `url.URL` literal, or undefined. */
export function readGoUrlStruct(
  node: Node,
  text: string,
  findValue: FindValue,
  read: ReadNode,
): UrlSegment[] | undefined {
  const operand = readStringCallReceiver(node, text);
  if (operand === undefined) return undefined;
  const value = findValue(sliceNode(text, operand), node);
  if (value === undefined) return undefined;
  return (
    readBuiltUrl(value, text, findValue, read) ??
    readCopiedBase(value, sliceNode(text, operand), node, text, findValue, read)
  );
}

// `u := *c.baseURL` then `u.Path = c.baseURL.Path + p` (a client's base copied, its path set from
// the request's): the base, then what the assignment adds after the base's own path. The last
// `u.Path` assignment between the copy and the use, in the same block as the copy.
function readCopiedBase(
  value: Node,
  name: string,
  use: Node,
  text: string,
  findValue: FindValue,
  read: ReadNode,
): UrlSegment[] | undefined {
  const base = value.type === 'unary_expression' ? value.childForFieldName('operand') : null;
  if (base?.type !== 'selector_expression' || sliceNode(text, value).charAt(0) !== '*') return undefined;
  let statement: Node | null = value;
  while (statement !== null && statement.parent?.type !== 'block') statement = statement.parent;
  const block = statement?.parent;
  if (statement == null || block == null) return undefined;
  let assigned: Node | undefined;
  for (const sibling of block.namedChildren) {
    if (
      sibling === null ||
      sibling.startIndex <= statement.startIndex ||
      sibling.startIndex >= use.startIndex
    )
      continue;
    if (sibling.type !== 'assignment_statement') continue;
    const left = sibling.childForFieldName('left');
    const right = sibling.childForFieldName('right');
    if (left !== null && right !== null && sliceNode(text, left) === `${name}.Path`) assigned = right;
  }
  const sum = assigned?.firstNamedChild;
  if (sum?.type !== 'binary_expression') return undefined;
  const prefix = sum.childForFieldName('left');
  const rest = sum.childForFieldName('right');
  if (prefix === null || rest === null || sliceNode(text, prefix) !== `${sliceNode(text, base)}.Path`)
    return undefined;
  // `unescaped, err := url.PathUnescape(p)` above: the path is `p` as the caller wrote it.
  const held = rest.type === 'identifier' ? findValue(sliceNode(text, rest), rest) : undefined;
  const unescaped =
    held?.type === 'call_expression' &&
    sliceNode(text, held.childForFieldName('function') ?? held) === 'url.PathUnescape'
      ? held.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment')
      : undefined;
  return [
    { kind: 'expr', source: sliceNode(text, base) },
    { kind: 'literal', text: '/' },
    ...read(unescaped ?? rest),
  ];
}

// A `url.URL` literal (or its address), or a parsed or resolved reference.
function readBuiltUrl(
  node: Node,
  text: string,
  findValue: FindValue,
  read: ReadNode,
  depth = 0,
): UrlSegment[] | undefined {
  let value: Node | null = node;
  if (value.type === 'unary_expression') value = value.childForFieldName('operand');
  if (value?.type === 'call_expression') return readParsed(value, text, findValue, read, depth);
  if (value?.type !== 'composite_literal') return undefined;
  const type = value.childForFieldName('type');
  if (type === null || sliceNode(text, type) !== 'url.URL') return undefined;
  const fields = new Map<string, string>();
  for (const element of value.childForFieldName('body')?.namedChildren ?? []) {
    if (element?.type !== 'keyed_element') continue;
    const [key, literal] = element.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    const written = literal?.firstNamedChild ? readGoString(literal.firstNamedChild, text) : undefined;
    if (key !== undefined && written !== undefined) fields.set(sliceNode(text, key), written);
  }
  const path = fields.get('Path');
  if (path === undefined) return undefined;
  const scheme = fields.get('Scheme');
  const host = fields.get('Host');
  const origin = scheme !== undefined && host !== undefined ? `${scheme}://${host}` : '';
  const joined = origin !== '' && !path.startsWith('/') ? `${origin}/${path}` : `${origin}${path}`;
  return [{ kind: 'literal', text: joined }];
}

// `url.Parse(ref)` is the reference; `base.Parse(ref)` is it resolved against `base`: a path
// (`/api/v2/x`) keeps only the base's origin, a relative one (`ping`) goes after the base's path.
function readParsed(
  call: Node,
  text: string,
  findValue: FindValue,
  read: ReadNode,
  depth: number,
): UrlSegment[] | undefined {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  const operand = callee?.type === 'selector_expression' ? callee.childForFieldName('operand') : null;
  const field = callee == null ? '' : sliceNode(text, callee.childForFieldName('field') ?? callee);
  const [ref] = args;
  if (operand == null || !['Parse', 'ResolveReference'].includes(field) || args.length !== 1 || ref == null)
    return undefined;
  // `base.ResolveReference(rel)`: `rel` parsed or built above (`rel, err := url.Parse("v1/x")`,
  // `rel := &url.URL{Path: "v1/x"}`), resolved against the base as `base.Parse` resolves it.
  const reference =
    field === 'Parse'
      ? read(ref)
      : depth >= 2
        ? undefined
        : readBuiltUrl(
            ref.type === 'identifier' ? (findValue(sliceNode(text, ref), ref) ?? ref) : ref,
            text,
            findValue,
            read,
            depth + 1,
          );
  if (reference === undefined || (field === 'ResolveReference' && sliceNode(text, operand) === 'url'))
    return undefined;
  const segments = reference;
  const [first] = segments;
  if (first?.kind !== 'literal' || first.text === '') return undefined;
  if (sliceNode(text, operand) === 'url' || /^[a-z][a-z0-9+.-]*:\/\//i.test(first.text)) return segments;
  const base: UrlSegment = { kind: 'expr', source: sliceNode(text, operand) };
  return first.text.startsWith('/')
    ? [base, ...segments]
    : [base, { kind: 'literal', text: '/' }, ...segments];
}

/** The variable `x` of a Go `x.String()` call (no arguments), or undefined for any other node. */
export function readStringCallReceiver(node: Node, text: string): Node | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  const args = node.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  if (callee?.type !== 'selector_expression' || args.length > 0) return undefined;
  const operand = callee.childForFieldName('operand');
  const field = callee.childForFieldName('field');
  if (operand?.type !== 'identifier' || field === null || sliceNode(text, field) !== 'String')
    return undefined;
  return operand;
}

/**
 * Go URLs kept in a `url.URL` struct: `u := url.URL{Path: "rest/api/2/search"}` (or `&url.URL{...}`,
 * with `Scheme` and `Host`), then `u.RawQuery = ...` and `NewRequest(ctx, "GET", u.String(), nil)`.
 * `u.String()` reads as the struct's scheme, host and path (the query the code sets is not part of
 * the path); a struct with no `Path` written is not read.
 */

import type { Node } from 'web-tree-sitter';
import { readGoString } from '../recognizers/go-http';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';

/** Finds the value a name is bound to at a use (values.ts's `readNameValue`, handed in). */
export type FindValue = (name: string, use: Node) => Node | undefined;

/** The URL of `u.String()` on a local built from a `url.URL` literal, or undefined. */
export function readGoUrlStruct(node: Node, text: string, findValue: FindValue): UrlSegment[] | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  const args = node.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  if (callee?.type !== 'selector_expression' || args.length > 0) return undefined;
  const operand = callee.childForFieldName('operand');
  const field = callee.childForFieldName('field');
  if (operand?.type !== 'identifier' || field === null || sliceNode(text, field) !== 'String')
    return undefined;
  let value = findValue(sliceNode(text, operand), node);
  if (value?.type === 'unary_expression') value = value.childForFieldName('operand') ?? undefined;
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

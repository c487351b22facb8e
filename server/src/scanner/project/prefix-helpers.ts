/**
 * JavaScript/TypeScript path helpers given a map of owners: `getPath('hooks', { teams: teamId,
 * orgs: orgId })` whose body walks `Object.entries` of the map writing `${key}/${id}` for each owner
 * that is set, and returns them before the path (`${prefix}/${suffix}`). A call reads as its first
 * owner's form, `teams/{teamId}/hooks`: one of the URLs it sends, where the path alone (what the
 * helper's first argument says) is only the one sent when no owner is set. A helper handed a map
 * of anything else (query parameters) keeps its first-argument reading.
 */

import type { Node } from 'web-tree-sitter';
import { nodesOfType } from '../nodes-of-type';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment } from '../types';
import { readJsParams } from './code-shape';
import type { HelperFact } from './types';

/** Reads a top-level JS function as a prefix-map path helper, if it is one. */
export function readPrefixMapHelper(fn: Node, text: string): HelperFact | undefined {
  const name = fn.childForFieldName('name');
  const body = fn.childForFieldName('body');
  const [suffix, owners, ...rest] = readJsParams(fn, text).params;
  if (name === null || body === null || !suffix || !owners || rest.length > 0) return undefined;
  if (!walksEntries(body, owners, text) || !writesKeyAndId(body, text) || !endsWith(body, suffix, text))
    return undefined;
  return {
    name: sliceNode(text, name),
    param: suffix,
    url: [{ kind: 'expr', source: suffix }],
    prefixMap: true,
  };
}

// `Object.entries(owners)` somewhere in the body.
function walksEntries(body: Node, owners: string, text: string): boolean {
  return nodesOfType(body, 'call_expression').some((call) => {
    const callee = call?.childForFieldName('function');
    const first = call?.childForFieldName('arguments')?.namedChildren.find((c) => c?.type !== 'comment');
    return (
      callee != null &&
      sliceNode(text, callee) === 'Object.entries' &&
      first?.type === 'identifier' &&
      sliceNode(text, first) === owners
    );
  });
}

// The pieces of a template string: its text between substitutions, and the substitutions.
function templatePieces(template: Node): Node[] {
  return template.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

// A template `${key}/${...id...}`: two substitutions joined by one `/`, the first a plain name.
function writesKeyAndId(body: Node, text: string): boolean {
  return nodesOfType(body, 'template_string').some((template) => {
    if (template === null) return false;
    const [key, slash, id, ...more] = templatePieces(template);
    return (
      more.length === 0 &&
      key?.type === 'template_substitution' &&
      key.firstNamedChild?.type === 'identifier' &&
      slash?.type === 'string_fragment' &&
      sliceNode(text, slash) === '/' &&
      id?.type === 'template_substitution'
    );
  });
}

// A returned template ending `/${suffix}`: the path comes after the owners.
function endsWith(body: Node, suffix: string, text: string): boolean {
  return nodesOfType(body, 'template_string').some((template) => {
    if (template === null) return false;
    const pieces = templatePieces(template);
    const last = pieces.at(-1);
    const before = pieces.at(-2);
    return (
      last?.type === 'template_substitution' &&
      sliceNode(text, last.firstNamedChild ?? last) === suffix &&
      before?.type === 'string_fragment' &&
      sliceNode(text, before).endsWith('/')
    );
  });
}

/**
 * A prefix-map helper's call (`getPath(path, { teams: id })`): the first owner's key and id written
 * before the path read from `suffix`. Undefined when the map is not written at the call.
 */
export function readPrefixMapCall(call: Node, suffix: UrlSegment[], text: string): UrlSegment[] | undefined {
  const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment',
  );
  const map = args[1] === undefined ? undefined : unwrapExpression(args[1]);
  if (args.length === 1) return suffix;
  if (map?.type !== 'object' || args.length !== 2) return undefined;
  const first = map.namedChildren.find((c) => c !== null && c.type !== 'comment');
  let key: string | undefined;
  let value: string | undefined;
  if (first?.type === 'shorthand_property_identifier') key = value = sliceNode(text, first);
  else if (first?.type === 'pair') {
    const keyNode = first.childForFieldName('key');
    const valueNode = first.childForFieldName('value');
    key =
      keyNode?.type === 'property_identifier'
        ? sliceNode(text, keyNode)
        : keyNode == null
          ? undefined
          : readConstantString(keyNode, text);
    value = valueNode == null ? undefined : sliceNode(text, valueNode);
  }
  if (!key || value === undefined) return undefined;
  const out: UrlSegment[] = [
    { kind: 'literal', text: `${key}/` },
    { kind: 'expr', source: value },
  ];
  return suffix.length === 0 ? out : [...out, { kind: 'literal', text: '/' }, ...suffix];
}

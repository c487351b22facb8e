/**
 * Reading JavaScript call arguments and option objects (`{ method: 'POST', url }`), and joining a
 * client instance's base URL to a call's URL. Shared by the JavaScript HTTP-client recognisers.
 */

import type { Node } from 'web-tree-sitter';
import { namedChildrenOf, readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { UrlSegment, UrlTemplate } from '../types';

/** What an options object says about one property. */
export type PropertyReading = { kind: 'absent' } | { kind: 'value'; node: Node } | { kind: 'unknown' };

/** The helper methods of axios-like clients and the method each sends: `api.get(url)`. */
export const HTTP_HELPERS: ReadonlyMap<string, string> = new Map([
  ['get', 'GET'],
  ['delete', 'DELETE'],
  ['head', 'HEAD'],
  ['options', 'OPTIONS'],
  ['post', 'POST'],
  ['put', 'PUT'],
  ['patch', 'PATCH'],
]);

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

// The call whose `arguments` child was read last, and that child: a recogniser that checks a call's
// arguments (a tagged template has none) then reads them asks the same node twice.
let argumentsCall: Node | undefined;
let argumentsNode: Node | null = null;

/** A call's `arguments` child (`childForFieldName('arguments')`), read once for the call asked last. */
export function argumentsOf(call: Node): Node | null {
  if (call !== argumentsCall) {
    argumentsNode = call.childForFieldName('arguments');
    argumentsCall = call;
  }
  return argumentsNode;
}

/** Returns a call's arguments, comments left out. */
export function readCallArguments(call: Node): Node[] {
  const args = argumentsOf(call);
  if (args === null) return [];
  return namedChildrenOf(args).filter((child): child is Node => child !== null && child.type !== 'comment');
}

/** The parameter name a type annotation belongs to (`fetcher` in `fetcher: Fetch`, also optional). */
export function readAnnotatedParam(annotation: Node): Node | undefined {
  const param = annotation.parent;
  if (param?.type !== 'required_parameter' && param?.type !== 'optional_parameter') return undefined;
  const pattern = param.childForFieldName('pattern');
  return pattern?.type === 'identifier' ? pattern : undefined;
}

/**
 * Reads property `key` of an object literal. Properties apply in order, so a spread (which may carry
 * the key) makes it unknown until a later `key:` sets it again; a value that is not an object
 * literal makes every property unknown.
 */
export function readObjectProperty(options: Node | undefined, key: string, text: string): PropertyReading {
  if (options === undefined) return { kind: 'absent' };
  const object = unwrapExpression(options);
  if (object.type === 'ternary_expression') return readChosenProperty(object, key, text);
  if (object.type !== 'object') return { kind: 'unknown' };
  let reading: PropertyReading = { kind: 'absent' };
  for (const property of object.namedChildren) {
    if (property === null) continue;
    if (property.type === 'spread_element') {
      reading = { kind: 'unknown' };
    } else if (property.type === 'shorthand_property_identifier' && sliceNode(text, property) === key) {
      reading = { kind: 'unknown' };
    } else if (property.type === 'pair' && readPropertyName(property, text) === key) {
      const value = property.childForFieldName('value');
      reading = value === null ? { kind: 'unknown' } : { kind: 'value', node: value };
    }
  }
  return reading;
}

// `token ? { headers } : undefined`: options only one branch gives (the other none at all), or
// both alike. A key that the branches set differently, or one of them sets, is unknown.
function readChosenProperty(choice: Node, key: string, text: string): PropertyReading {
  const [first, second] = [
    choice.childForFieldName('consequence'),
    choice.childForFieldName('alternative'),
  ].map((branch): PropertyReading => {
    if (branch === null) return { kind: 'unknown' };
    const inner = unwrapExpression(branch);
    const written = sliceNode(text, inner);
    if (written === 'undefined' || written === 'null') return { kind: 'absent' };
    return inner.type === 'object' ? readObjectProperty(inner, key, text) : { kind: 'unknown' };
  });
  if (first === undefined || second === undefined || first.kind === 'unknown') return { kind: 'unknown' };
  if (first.kind === 'absent') return second.kind === 'absent' ? first : { kind: 'unknown' };
  return second.kind === 'value' && sliceNode(text, second.node) === sliceNode(text, first.node)
    ? first
    : { kind: 'unknown' };
}

/**
 * Reads the HTTP method from an options object: upper case when literal, undefined when computed,
 * `fallback` when the options do not set it.
 */
export function readMethodOption(
  options: Node | undefined,
  text: string,
  fallback: string,
): string | undefined {
  const reading = readObjectProperty(options, 'method', text);
  if (reading.kind === 'absent') return fallback;
  if (reading.kind === 'unknown') return undefined;
  return readConstantString(reading.node, text)?.toUpperCase();
}

/** Tells whether a node is an object literal (an options or config object rather than a URL). */
export function isObjectLiteral(node: Node | undefined): boolean {
  return node !== undefined && unwrapExpression(node).type === 'object';
}

/**
 * Joins a base URL (axios `baseURL`, ky and got `prefixUrl`) and a call's URL with one `/` between
 * them. An absolute URL ignores the base, as the libraries do; a base the code computes stays in
 * front as an expression, which the resource mapping treats like any leading origin.
 */
export function joinBaseUrl(base: UrlTemplate | undefined, url: UrlTemplate): UrlTemplate {
  if (base === undefined || !url.known) return url;
  const first = url.segments[0];
  if (first?.kind === 'literal' && ABSOLUTE_URL.test(first.text)) return url;
  const head: UrlSegment[] = base.known
    ? base.segments.map((s) => ({ ...s }))
    : [{ kind: 'expr', source: base.source }];
  const tail = url.segments.map((s) => ({ ...s }));
  const last = head[head.length - 1];
  const next = tail[0];
  const baseSource = base.known ? base.source : `\${${base.source}}`;
  if (next === undefined) return mergeUrl(head, tail, baseSource, url.source);
  const baseEndsInSlash = last?.kind === 'literal' && last.text.endsWith('/');
  const urlStartsWithSlash = next.kind === 'literal' && next.text.startsWith('/');
  if (baseEndsInSlash && urlStartsWithSlash) {
    next.text = next.text.slice(1);
    return mergeUrl(head, tail, baseSource, url.source.slice(1));
  }
  const separated =
    baseEndsInSlash || urlStartsWithSlash || (next.kind === 'literal' && /^[?#]/.test(next.text));
  const sourceJoin = separated ? '' : '/';
  if (sourceJoin !== '') head.push({ kind: 'literal', text: sourceJoin });
  return mergeUrl(head, tail, baseSource + sourceJoin, url.source);
}

function mergeUrl(
  head: UrlSegment[],
  tail: UrlSegment[],
  headSource: string,
  tailSource: string,
): UrlTemplate {
  const segments: UrlSegment[] = [];
  for (const segment of [...head, ...tail]) {
    const previous = segments[segments.length - 1];
    if (segment.kind === 'literal' && segment.text === '') continue;
    if (segment.kind === 'literal' && previous?.kind === 'literal') previous.text += segment.text;
    else segments.push(segment);
  }
  return { source: headSource + tailSource, segments, known: true };
}

/** The name of an object literal pair's key: written, quoted or a constant computed key. */
export function readPropertyName(pair: Node, text: string): string | undefined {
  const key = pair.childForFieldName('key');
  if (key === null) return undefined;
  if (key.type === 'property_identifier') return sliceNode(text, key);
  if (key.type === 'computed_property_name') {
    const inner = key.firstNamedChild;
    return inner === null ? undefined : readConstantString(inner, text);
  }
  return readConstantString(key, text);
}

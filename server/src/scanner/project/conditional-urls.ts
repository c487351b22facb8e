/**
 * A URL that picks one of two strings with a conditional (`'/articles' + (feed ? '/feed' : '')`,
 * `` `${base}${admin ? '/admin' : ''}/users` ``, or a local `const endpoint = feed ? 'articles/feed'
 * : 'articles'` named in the URL) may request either: the call is reported once per alternative, so
 * a policy that allows one and denies the other is seen at the call. Only conditionals whose both
 * branches are strings count (anything else is an unknown part, as before), and at most
 * `MAX_VARIANTS` calls come out of one. A method picked the same way (`{ method: on ? 'put' :
 * 'delete' }`) gives one call per method.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { readConstantString, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall, UrlSegment } from '../types';
import { readNameValue } from './assigned-values';
import { isJsLanguage } from './code-shape';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const CONDITIONALS = new Set(['ternary_expression', 'conditional_expression']);
const MAX_VARIANTS = 4;
const JS_CHOICE = /\?\s*['"`]/;
const PYTHON_CHOICE = /['"]\s+if\s/;

/** Replaces each call whose URL picks between strings with one call per alternative, in place. */
export function splitConditionalUrls(context: ScanContext, calls: HttpCall[]): void {
  if (!isJsLanguage(context.language) && context.language !== 'python') return;
  // A file with no string after a `?` (or before an `if`) has no conditional of strings to read.
  if (!(isJsLanguage(context.language) ? JS_CHOICE : PYTHON_CHOICE).test(context.text)) return;
  const out: HttpCall[] = [];
  for (const call of calls) {
    const choices = call.url.segments.map((segment) =>
      segment.kind === 'expr' ? readChoices(context, call, segment.source) : undefined,
    );
    let variants: UrlSegment[][] = [[]];
    for (const [i, segment] of call.url.segments.entries()) {
      const options = choices[i];
      if (options === undefined) for (const variant of variants) variant.push(segment);
      else
        variants = variants.flatMap((variant) =>
          options.map((text) => [...variant, { kind: 'literal', text } as UrlSegment]),
        );
      if (variants.length > MAX_VARIANTS) break;
    }
    const methods = readMethodChoices(context, call);
    const split = variants.length >= 2 && variants.length <= MAX_VARIANTS;
    if (!split && methods === undefined) {
      out.push(call);
      continue;
    }
    const urls = split ? variants.map(merge) : [call.url.segments];
    const picks = methods !== undefined && methods.length * urls.length <= MAX_VARIANTS ? methods : undefined;
    if (!split && picks === undefined) {
      out.push(call);
      continue;
    }
    for (const segments of urls) {
      const url = split ? { source: sourceOf(segments), segments, known: call.url.known } : call.url;
      if (picks === undefined) out.push({ ...call, url });
      else
        for (const method of picks) {
          const { methodSource: _, ...rest } = call;
          out.push({ ...rest, method, url });
        }
    }
  }
  calls.length = 0;
  calls.push(...out);
}

// The strings an expression of the URL picks between: the conditional itself (as written in the
// call, `(feed ? '/feed' : '')`), or the conditional a local holding it was last assigned.
function readChoices(context: ScanContext, call: HttpCall, source: string): string[] | undefined {
  const trimmed = source.trim();
  if (!/[?]|\bif\b/.test(trimmed) && !IDENTIFIER.test(trimmed)) return undefined;
  const node = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  if (node === null) return undefined;
  if (IDENTIFIER.test(trimmed)) {
    const use = findIdentifier(node, trimmed, context.text) ?? node;
    const value = readNameValue(trimmed, use, context.language, context.text, context.root);
    return value === undefined ? undefined : readConditional(unwrapExpression(value), context.text);
  }
  for (const candidate of node.descendantsOfType([...CONDITIONALS])) {
    if (candidate === null) continue;
    const text = sliceNode(context.text, candidate);
    if (text === trimmed || `(${text})` === trimmed.replace(/\s+/g, ' '))
      return readConditional(candidate, context.text);
  }
  return undefined;
}

// `{ method: on ? 'put' : 'delete' }`: a method the call picks between two strings (its
// `methodSource` as written), upper case; undefined for any other method.
function readMethodChoices(context: ScanContext, call: HttpCall): string[] | undefined {
  const source = call.method === undefined ? call.methodSource?.trim() : undefined;
  if (source === undefined || !/[?]|\bif\b/.test(source)) return undefined;
  const node = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  for (const candidate of node?.descendantsOfType([...CONDITIONALS]) ?? []) {
    if (candidate === null || sliceNode(context.text, candidate) !== source) continue;
    const choices = readConditional(candidate, context.text);
    return choices?.every((c) => /^[A-Za-z]+$/.test(c)) ? choices.map((c) => c.toUpperCase()) : undefined;
  }
  return undefined;
}

function findIdentifier(node: Node, name: string, text: string): Node | undefined {
  for (const id of node.descendantsOfType('identifier'))
    if (id !== null && sliceNode(text, id) === name) return id;
  return undefined;
}

function readConditional(node: Node, text: string): string[] | undefined {
  if (!CONDITIONALS.has(node.type)) return undefined;
  // JS `c ? a : b` names its branches; Python's `a if c else b` lists them around the condition.
  const named = [node.childForFieldName('consequence'), node.childForFieldName('alternative')];
  const branches =
    named[0] !== null && named[1] !== null
      ? named
      : [node.namedChildren[0] ?? null, node.namedChildren[2] ?? null];
  const strings = branches.map((branch) => (branch === null ? undefined : readConstantString(branch, text)));
  if (strings.some((s) => s === undefined)) return undefined;
  return [...new Set(strings as string[])];
}

function merge(segments: readonly UrlSegment[]): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    const last = out[out.length - 1];
    if (segment.kind === 'literal' && segment.text === '') continue;
    if (segment.kind === 'literal' && last?.kind === 'literal') last.text += segment.text;
    else out.push({ ...segment });
  }
  return out;
}

function sourceOf(segments: readonly UrlSegment[]): string {
  return segments.map((s) => (s.kind === 'literal' ? s.text : `\${${s.source}}`)).join('');
}

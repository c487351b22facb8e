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
    // A choice inside the query string (`?format=${f}${preview ? `&preview=1` : ''}`) is the same
    // resource: only the path's conditionals give alternatives.
    const query = call.url.segments.findIndex((s) => s.kind === 'literal' && /[?#]/.test(s.text));
    const choices = call.url.segments.map((segment, i) =>
      segment.kind === 'expr' && (query < 0 || i < query)
        ? readChoices(context, call, segment.source)
        : undefined,
    );
    let variants: UrlSegment[][] = [[]];
    for (const [i, segment] of call.url.segments.entries()) {
      const options = choices[i];
      if (options === undefined) for (const variant of variants) variant.push(segment);
      else variants = variants.flatMap((variant) => options.map((branch) => [...variant, ...branch]));
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

/** JS: whether `node` is a conditional picking between URLs that each write some text (see above). */
export function writesChoices(node: Node, text: string): boolean {
  const inner = unwrapExpression(node);
  const choices = inner.type === 'ternary_expression' ? readConditional(inner, text) : undefined;
  return choices?.some((choice) => choice.some((s) => s.kind === 'literal' && /[^/]/.test(s.text))) === true;
}

// The URLs an expression of the URL picks between: the conditional itself (as written in the
// call, `(feed ? '/feed' : '')`), or the conditional a local holding it was last assigned.
function readChoices(context: ScanContext, call: HttpCall, source: string): UrlSegment[][] | undefined {
  const trimmed = source.trim();
  if (!/[?]|\bif\b/.test(trimmed) && !IDENTIFIER.test(trimmed)) return undefined;
  const node = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  if (node === null) return undefined;
  if (IDENTIFIER.test(trimmed)) {
    const use = findIdentifier(node, trimmed, context.text) ?? node;
    const value = readNameValue(trimmed, use, context.language, context.text, context.root);
    return value === undefined ? undefined : readConditional(unwrapExpression(value), context.text);
  }
  const candidate = findConditional(node, trimmed, context.text);
  return candidate === undefined ? undefined : readConditional(candidate, context.text);
}

// The conditional under `node` written as `source` (or in parentheses).
function findConditional(node: Node, source: string, text: string): Node | undefined {
  for (const candidate of node.descendantsOfType([...CONDITIONALS])) {
    if (candidate === null) continue;
    const written = sliceNode(text, candidate);
    if (written === source || `(${written})` === source.replace(/\s+/g, ' ')) return candidate;
  }
  return undefined;
}

/**
 * JS: whether a URL part `source` of the call at `node` is a conditional that picks between URLs
 * the call writes (`teamId ? \`/teams/${teamId}/pixels\` : '/pixels'`, each branch a string or a
 * template): a parameter it tests or puts in a branch is a value of a written URL, not the URL
 * handed in, so the function around is no wrapper through it.
 */
export function isWrittenChoice(source: string, node: Node, text: string): boolean {
  const trimmed = source.trim();
  if (!trimmed.includes('?')) return false;
  const candidate = findConditional(node, trimmed, text);
  return candidate !== undefined && readConditional(candidate, text) !== undefined;
}

// `{ method: on ? 'put' : 'delete' }`: a method the call picks between two strings (its
// `methodSource` as written), upper case; undefined for any other method.
function readMethodChoices(context: ScanContext, call: HttpCall): string[] | undefined {
  const source = call.method === undefined ? call.methodSource?.trim() : undefined;
  if (source === undefined || !/[?]|\bif\b/.test(source)) return undefined;
  const node = context.root.descendantForIndex(call.location.start.offset, call.location.end.offset);
  for (const candidate of node?.descendantsOfType([...CONDITIONALS]) ?? []) {
    if (candidate === null || sliceNode(context.text, candidate) !== source) continue;
    const choices = readConditional(candidate, context.text)?.map(literalOf);
    return choices?.every((c) => c !== undefined && /^[A-Za-z]+$/.test(c))
      ? [...new Set(choices.map((c) => (c as string).toUpperCase()))]
      : undefined;
  }
  return undefined;
}

function findIdentifier(node: Node, name: string, text: string): Node | undefined {
  for (const id of node.descendantsOfType('identifier'))
    if (id !== null && sliceNode(text, id) === name) return id;
  return undefined;
}

// Each branch as URL parts: a string, a template string (its substitutions unknown parts) or a
// conditional of those in turn (`a ? '/x' : b ? \`/y/${id}\` : '/z'`); undefined if any is not.
function readConditional(node: Node, text: string, depth = 0): UrlSegment[][] | undefined {
  if (!CONDITIONALS.has(node.type) || depth > 2) return undefined;
  // JS `c ? a : b` names its branches; Python's `a if c else b` lists them around the condition.
  const named = [node.childForFieldName('consequence'), node.childForFieldName('alternative')];
  const branches =
    named[0] !== null && named[1] !== null
      ? named
      : [node.namedChildren[0] ?? null, node.namedChildren[2] ?? null];
  const out: UrlSegment[][] = [];
  const seen = new Set<string>();
  for (const branch of branches) {
    const inner = branch === null ? null : unwrapExpression(branch);
    if (inner === null) return undefined;
    const constant = readConstantString(inner, text);
    const read =
      constant !== undefined
        ? [[{ kind: 'literal', text: constant } as UrlSegment]]
        : inner.type === 'template_string'
          ? [readTemplate(inner, text)]
          : readConditional(inner, text, depth + 1);
    if (read === undefined) return undefined;
    for (const choice of read) {
      const key = sourceOf(choice);
      if (!seen.has(key)) out.push(choice);
      seen.add(key);
    }
  }
  return out;
}

// A JS template string's parts: its text, and each substitution as an unknown part.
function readTemplate(node: Node, text: string): UrlSegment[] {
  const out: UrlSegment[] = [];
  let at = node.startIndex + 1;
  for (const child of node.namedChildren) {
    if (child?.type !== 'template_substitution') continue;
    if (child.startIndex > at) out.push({ kind: 'literal', text: text.slice(at, child.startIndex) });
    const value = child.namedChildren[0];
    if (value != null) out.push({ kind: 'expr', source: sliceNode(text, value) });
    at = child.endIndex;
  }
  if (node.endIndex - 1 > at) out.push({ kind: 'literal', text: text.slice(at, node.endIndex - 1) });
  return out;
}

// The text of a choice that is all text, else undefined.
function literalOf(choice: readonly UrlSegment[]): string | undefined {
  const [only, ...rest] = choice;
  if (choice.length === 0) return '';
  return rest.length === 0 && only?.kind === 'literal' ? only.text : undefined;
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

/**
 * Angular calls a file's own recogniser reports inside a class of the project's inheritance view
 * (`inherited-view.ts`), whose URL names the class chain: `this.http.post(this.entry(key))` on a
 * builder a base class declares, `${this.apiUrl}${this.section}/search/` on fields a base (or the
 * class, by a field it overrides) sets. Read as `js-url-builders.ts` reads them for a subclass in
 * another file (`recognizers/inherited-calls.ts`), so a base and its subclasses in one file read
 * the same URL they would apart.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { HttpCall } from '../types';
import { isJsLanguage } from './code-shape';
import { classChain } from './inherited-view';
import { readJsClassMember, readJsMemberPath } from './js-class-members';
import { readChainUrl } from './js-url-builders';
import { mergeSegments, readUrlValue } from './values';

const CLASSES = new Set(['class_declaration', 'abstract_class_declaration']);

/** Reads the URLs of the file's Angular calls that name their class chain's fields or builders. */
export function readBuiltUrls(context: ScanContext, calls: readonly HttpCall[]): void {
  const view = context.project.inherit;
  if (view === undefined || !isJsLanguage(context.language)) return;
  for (const call of calls) {
    if (call.client !== 'angular' || (call.origin !== undefined && call.origin !== 'recognised')) continue;
    if (!call.url.segments.some((s) => s.kind === 'expr' && s.source.startsWith('this.'))) continue;
    let node: Node | null = context.root.descendantForIndex(
      call.location.start.offset,
      call.location.end.offset,
    );
    while (
      node !== null &&
      !(node.type === 'call_expression' && node.startIndex === call.location.start.offset)
    )
      node = node.parent;
    const arg = node?.childForFieldName('arguments')?.namedChildren[0];
    // `request('GET', url)` carries its URL second: only a first-argument URL is read here.
    if (node == null || arg == null || sliceNode(context.text, arg).replace(/^`|`$/g, '') !== call.url.source)
      continue;
    let cls: Node | null = node.parent;
    while (cls !== null && !CLASSES.has(cls.type)) cls = cls.parent;
    const name = cls?.childForFieldName('name');
    if (name == null) continue;
    const className = sliceNode(context.text, name);
    if (view.classes.get(className)?.file !== context.file) continue;
    const read = readChainUrl(context, classChain(view, className), arg);
    if (read === undefined) continue;
    // `${this.base}/${id}` from a builder, `this.base` a getter of a path under a base: read as the
    // call's own URL reads it; a `this.` member left unread leads a URL whose path is not all there.
    const text = context.text;
    const whole = read.flatMap((s) =>
      s.kind === 'expr' && /^this\.[\w$]+$/.test(s.source)
        ? (readJsMemberPath(s.source, arg, text, (value) =>
            readUrlValue(value, context.language, text, context.root, context.project.shared),
          ) ?? [s])
        : [s],
    );
    const lead = whole[0];
    if (
      lead?.kind === 'expr' &&
      /^this\.[\w$]+$/.test(lead.source) &&
      readJsClassMember(lead.source, arg, text)?.parent?.type === 'return_statement'
    )
      continue;
    const segments = mergeSegments(whole);
    const source = segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('');
    call.url = { source, segments, known: segments.some((s) => s.kind === 'literal') };
  }
}

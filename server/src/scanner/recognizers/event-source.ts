/**
 * Recognises server-sent event streams opened with `EventSource`: `new EventSource(url, init)` is a
 * GET of `url` that stays open. The browser's global counts where the file declares no
 * `EventSource` of its own (also `new window.EventSource(url)`); so do the Node and polyfill
 * packages' classes, imported or required by any name (`eventsource`, `event-source-polyfill`'s
 * `EventSourcePolyfill` and `NativeEventSource`). `fetchEventSource` is `js-clients`' concern.
 */

import type { Node } from 'web-tree-sitter';
import { JS_LANGUAGES } from '../languages';
import type { Binding } from '../scopes';
import { isSameNode, sliceNode, unwrapExpression } from '../syntax';
import type { HttpCall } from '../types';
import { readUrlTemplate } from '../url-template';
import { buildRecognisedCall } from './call-parts';
import type { CallRecognizer, ScanContext } from './context';
import { findModuleNames, findUsesOf, WHOLE_MODULE } from './js-module-names';
import { readCallArguments } from './js-objects';
import { findCleanWordNodes } from './recovery';

// The packages whose export is an `EventSource` class, and the exports that are one.
const PACKAGES: ReadonlyMap<string, readonly string[]> = new Map([
  ['eventsource', [WHOLE_MODULE, 'EventSource']],
  ['event-source-polyfill', ['EventSourcePolyfill', 'NativeEventSource', 'EventSource']],
]);
const GLOBAL = 'EventSource';

/** The recogniser for `new EventSource(url)`. */
export const eventSourceRecognizer: CallRecognizer = {
  client: 'eventsource',
  languages: JS_LANGUAGES,
  recognize: findEventSourceCalls,
};

function findEventSourceCalls(context: ScanContext): HttpCall[] {
  if (!context.text.includes('EventSource')) return [];
  const classes: Array<{ name: string; binding: Binding | undefined }> = findModuleNames(context, [
    ...PACKAGES.keys(),
  ])
    .filter((imported) => PACKAGES.get(imported.module)?.includes(imported.imported) === true)
    .map(({ name, binding }) => ({ name, binding }));
  // The global wherever the file does not declare the name itself (an import of it is a declaration).
  classes.push({ name: GLOBAL, binding: undefined });
  const calls: HttpCall[] = [];
  const seen = new Set<number>();
  const add = (created: Node | undefined, made: Node): void => {
    if (created?.type !== 'new_expression' || seen.has(created.startIndex)) return;
    if (!isSameNode(created.childForFieldName('constructor'), made)) return;
    const [url] = readCallArguments(created);
    if (url === undefined) return;
    seen.add(created.startIndex);
    calls.push(
      buildRecognisedCall(context, {
        client: 'eventsource',
        call: created,
        callee: made,
        method: 'GET',
        url: readUrlTemplate(url, context.text),
      }),
    );
  };
  for (const { name, binding } of classes) {
    for (const [node, parent] of findUsesOf(context, name, binding)) {
      if (node !== undefined) add(parent, node);
    }
  }
  // `new window.EventSource(url)`, where the file declares no `window`.
  for (const hit of findCleanWordNodes(context, GLOBAL)) {
    const [member, created] = hit.ancestors;
    const object = member?.childForFieldName('object');
    if (
      hit.node.type === 'property_identifier' &&
      member?.type === 'member_expression' &&
      object != null &&
      unwrapExpression(object).type === 'identifier' &&
      sliceNode(context.text, object) === 'window' &&
      context.findBindings('window').length === 0
    )
      add(created, member);
  }
  return calls;
}

/**
 * The facts of one file that the single-report post-pass reads (see single-report.ts): which
 * reported calls sit inside which of the file's wrappers, and which call sites of wrappers report
 * nothing or pass the caller's parameters on.
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { passedOn, silentSites } from '../recognizers/inferred-calls';
import type { HttpCall } from '../types';
import { wrapperKey } from './single-report';
import type { FileFacts, WrapperDefinition } from './types';

/**
 * What the single-report post-pass needs from one file (see single-report.ts): the calls kept
 * inside its wrappers, and the call sites of wrappers that report nothing or pass parameters on.
 */
export function readReportSites(
  context: ScanContext,
  calls: readonly HttpCall[],
  /** The function around each call, by the call's index in `calls`. */
  enclosing: ReadonlyArray<Node | undefined>,
  definitions: readonly WrapperDefinition[],
  forwarding: ReadonlySet<HttpCall>,
): Pick<FileFacts, 'innerCalls' | 'silentSites' | 'passingSites'> {
  const byLine = new Map<number, string>();
  for (const d of definitions)
    if (d.site.file === context.file)
      byLine.set(d.site.line, wrapperKey(d.site, d.owner === undefined ? d.name : `${d.owner}.${d.name}`));
  // A function's wrapper, by its node's id: each `startPosition` is a call into wasm and a new
  // object, and a function holds many calls. None to look up when the file defines no wrapper.
  const byFunction = new Map<number, string | null>();
  const wrapperOf = (index: number): string | null => {
    if (byLine.size === 0) return null;
    const fn = enclosing[index];
    if (fn === undefined) return null;
    let wrapper = byFunction.get(fn.id);
    if (wrapper === undefined) {
      wrapper = byLine.get(fn.startPosition.row + 1) ?? null;
      byFunction.set(fn.id, wrapper);
    }
    return wrapper;
  };
  const innerCalls: Array<[number, string]> = [];
  const passingSites: Array<[string, string | null]> = [];
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index] as HttpCall;
    const into = wrapperOf(index);
    if (passedOn.has(call) && call.via !== undefined)
      passingSites.push([wrapperKey(call.via, call.via.name), into]);
    else if (!forwarding.has(call) && into !== null) innerCalls.push([call.location.start.offset, into]);
  }
  const silent = silentSites.get(context);
  return {
    ...(innerCalls.length === 0 ? {} : { innerCalls }),
    ...(passingSites.length === 0 ? {} : { passingSites }),
    ...(silent === undefined ? {} : { silentSites: [...silent] }),
  };
}

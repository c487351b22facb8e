/**
 * Go helpers that are `fmt.Sprintf` under another name: `func formatAPIPath(format string, args
 * ...any) string` that escapes its arguments and returns `fmt.Sprintf(format, escaped...)` (also
 * with text around it: `return base + fmt.Sprintf(format, args...)`). A call of one,
 * `formatAPIPath("users/%s/keys", id)`, reads as the format with its verbs filled in from the
 * arguments after it, as `fmt.Sprintf` does, in every file of the package (the helper is shared as
 * a URL helper of the project, marked `format`).
 */

import type { Node } from 'web-tree-sitter';
import type { ScanContext } from '../recognizers/context';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import type { HelperFact } from './types';
import { readUrlValue } from './values';

/** Reads a top-level Go function as a format helper, if it is one. */
export function readFormatHelper(context: ScanContext, fn: Node): HelperFact | undefined {
  const { text } = context;
  if (context.language !== 'go' || fn.type !== 'function_declaration') return undefined;
  const name = fn.childForFieldName('name');
  const params = (fn.childForFieldName('parameters')?.namedChildren ?? []).filter(
    (p): p is Node => p !== null && p.type !== 'comment',
  );
  const body = fn.childForFieldName('body');
  const first = params[0]?.childForFieldName('name');
  // `(format string, args ...any)`: a format, then the values for its verbs.
  if (
    name == null ||
    body == null ||
    first == null ||
    params.at(-1)?.type !== 'variadic_parameter_declaration'
  )
    return undefined;
  const format = sliceNode(text, first);
  const statements = body.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment');
  const last = statements.at(-1);
  if (last?.type !== 'return_statement') return undefined;
  // Go writes the returned values as a list, here of one value.
  const list = last.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const values = list[0]?.type === 'expression_list' ? list[0].namedChildren : list;
  const [returned, ...others] = values.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (returned === undefined || others.length > 0) return undefined;
  const sprintf = findSprintfOf(returned, format, text);
  if (sprintf === undefined) return undefined;
  const call = sliceNode(text, sprintf);
  const url: UrlSegment[] =
    returned.id === sprintf.id
      ? [{ kind: 'expr', source: format }]
      : readUrlValue(returned, 'go', text, context.root).map((segment) =>
          segment.kind === 'expr' && segment.source === call ? { kind: 'expr', source: format } : segment,
        );
  if (url.filter((s) => s.kind === 'expr' && s.source === format).length !== 1) return undefined;
  return { name: sliceNode(text, name), param: format, url, format: true };
}

// `fmt.Sprintf(format, args...)` in the returned expression, its format the helper's parameter
// and its values spread from a slice (the helper's own variadic parameter or a copy of it).
function findSprintfOf(node: Node, format: string, text: string): Node | undefined {
  for (const call of [node, ...node.descendantsOfType('call_expression')]) {
    if (call?.type !== 'call_expression') continue;
    const callee = call.childForFieldName('function');
    const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (a): a is Node => a !== null && a.type !== 'comment',
    );
    if (
      callee !== null &&
      sliceNode(text, callee) === 'fmt.Sprintf' &&
      args.length === 2 &&
      args[0]?.type === 'identifier' &&
      sliceNode(text, args[0]) === format &&
      args[1]?.type === 'variadic_argument'
    )
      return call;
  }
  return undefined;
}

/**
 * Go's `fmt.Sprintf` read as a URL by the project pass, one level further than the recogniser
 * reads it: a format that is not a literal (`fmt.Sprintf(byIdPath, id)`, `fmt.Sprintf(base +
 * "/x")`) is read through constants, and an argument that calls a path function of the file
 * (`fmt.Sprintf("%s/cancel", runsPath(id))`, see path-functions.ts) is the path it returns.
 */

import type { Node } from 'web-tree-sitter';
import { countFormatVerbs, expandFormat, pushSegment, readGoString } from '../recognizers/go-http';
import { sliceNode } from '../syntax';
import type { UrlSegment } from '../types';
import { type ReadName, readPathFunctionCall } from './path-functions';

/** Reads a URL node one level deeper (values.ts's `resolve`, handed in to avoid a cycle). */
export type ReadDeeper = (node: Node) => UrlSegment[];

/** The URL a `fmt.Sprintf(...)` call builds, each verb replaced by its argument. */
export function readSprintfValue(
  node: Node,
  text: string,
  root: Node,
  read: ReadDeeper,
  readName: ReadName,
): UrlSegment[] | undefined {
  const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (arg): arg is Node => arg !== null && arg.type !== 'comment',
  );
  const format = args[0];
  if (format === undefined) return undefined;
  const written = readGoString(format, text);
  if (written !== undefined)
    return readPathArguments(expandFormat(written, args.slice(1), text), args, text, root, read, readName);
  const value = read(format);
  if (!value.some((part) => part.kind === 'literal')) return undefined;
  // A format built on an expression (`c.baseURL() + "/actions/%d"`): the verbs are in its text.
  const out: UrlSegment[] = [];
  let next = 1;
  for (const part of value) {
    if (part.kind !== 'literal') {
      pushSegment(out, part);
      continue;
    }
    const verbs = countFormatVerbs(part.text);
    for (const segment of expandFormat(part.text, args.slice(next, next + verbs), text))
      pushSegment(out, segment);
    next += verbs;
  }
  return out;
}

// An argument that calls a path function of the file is the path it returns, not an expression.
function readPathArguments(
  segments: UrlSegment[],
  args: readonly Node[],
  text: string,
  root: Node,
  read: ReadDeeper,
  readName: ReadName,
): UrlSegment[] {
  const out: UrlSegment[] = [];
  for (const segment of segments) {
    const call =
      segment.kind === 'expr'
        ? args.find((arg) => arg.type === 'call_expression' && sliceNode(text, arg) === segment.source)
        : undefined;
    const path = call === undefined ? undefined : readPathFunctionCall(call, text, root, read, readName);
    for (const part of path ?? [segment]) pushSegment(out, part);
  }
  return out;
}

/**
 * Selection ranges (expand selection): from the innermost term at a position out through its
 * enclosing terms, expression, body and rule, to the whole file.
 */
import type { Location } from '../errors';
import type { AuthoringProject } from './project';
import { contains } from './text';
import { locationOf, type WalkNode, walkModule } from './walk';

/** The spans around `offset`, innermost first. */
export function selectionRanges(project: AuthoringProject, file: string, offset: number): Location[] {
  const module = project.entry(file)?.module;
  if (!module) return [];
  let deepest: { item: WalkNode; parents: readonly WalkNode[] } | undefined;
  walkModule(module, (item, parents) => {
    if (!contains(locationOf(item), offset)) return;
    if (!deepest || parents.length >= deepest.parents.length) deepest = { item, parents };
  });
  const spans: Location[] = [];
  if (deepest) for (const n of [deepest.item, ...[...deepest.parents].reverse()]) spans.push(locationOf(n));
  spans.push(module.location);
  // Drop repeats: a term and the expression made of it often share a span.
  return spans.filter(
    (s, i) =>
      i === 0 || s.start.offset !== spans[i - 1]?.start.offset || s.end.offset !== spans[i - 1]?.end.offset,
  );
}

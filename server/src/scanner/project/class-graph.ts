/**
 * Questions about the project's classes and the bases they write (`class A(B, C)`, `class A extends
 * B`), kept by name. Names repeat across a repository's modules and a class may name a base of its
 * own name from another module (`class HTTPClient(base.HTTPClient)`), so the graph has cycles and
 * fan-out: each question visits a class once, breadth first, so its cost is the classes it reaches,
 * never their paths (a search by paths took minutes on a dozen same-named classes).
 */

/** How many levels of bases a question follows (as deep as the written hierarchies go). */
const MAX_LEVELS = 9;

/** Whether `child` names `ancestor` among its bases, directly or through theirs. */
export function extendsClass(
  classes: ReadonlyMap<string, readonly string[]>,
  child: string,
  ancestor: string,
): boolean {
  const seen = new Set<string>([child]);
  let level: string[] = [child];
  for (let depth = 0; depth < MAX_LEVELS && level.length > 0; depth++) {
    const next: string[] = [];
    for (const name of level) {
      for (const base of classes.get(name) ?? []) {
        if (base === ancestor) return true;
        if (seen.has(base)) continue;
        seen.add(base);
        next.push(base);
      }
    }
    level = next;
  }
  return false;
}

/** Whether `a` and `b` are one class or one extends the other. */
export function relatedClasses(
  classes: ReadonlyMap<string, readonly string[]>,
  a: string,
  b: string,
): boolean {
  return a === b || extendsClass(classes, a, b) || extendsClass(classes, b, a);
}

/**
 * Bundle roots: the data paths a bundle owns (`roots` in its `.manifest`, `""` for all of `data`).
 * Two bundles may not own overlapping paths, and a bundle's packages and data must lie under its
 * roots; the checks and messages are OPA's (`bundle.RootPathsOverlap`, `RootPathsContain`).
 */

/** Whether one root is a prefix of the other, segment by segment (`a` and `a/b` overlap; `a` and `ab` do not). */
export function rootPathsOverlap(a: string, b: string): boolean {
  const x = segments(a);
  const y = segments(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Whether `path` (slash-separated) lies under one of `roots`. */
export function rootPathsContain(roots: readonly string[], path: string): boolean {
  const p = segments(path);
  return roots.some((root) => {
    const r = segments(root);
    return r.length <= p.length && r.every((s, i) => s === p[i]);
  });
}

function segments(path: string): string[] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

/** OPA's error when a manifest's own roots overlap, or `undefined`. */
export function findOverlapWithin(roots: readonly string[]): string | undefined {
  for (let i = 0; i < roots.length; i++) {
    for (let j = i + 1; j < roots.length; j++) {
      if (rootPathsOverlap(roots[i] as string, roots[j] as string)) {
        return `manifest has overlapped roots: '${roots[i]}' and '${roots[j]}'`;
      }
    }
  }
  return undefined;
}

/**
 * OPA's activation error when bundles' roots overlap, one per bundle that collides with others:
 * `detected overlapping roots in bundle manifest with: [other]`.
 */
export function findOverlapsBetween(
  bundles: ReadonlyArray<{ name: string; roots: readonly string[] }>,
): Array<{ bundle: string; message: string }> {
  const found: Array<{ bundle: string; message: string }> = [];
  for (const b of bundles) {
    const others = bundles
      .filter((o) => o !== b && o.roots.some((r) => b.roots.some((s) => rootPathsOverlap(r, s))))
      .map((o) => o.name)
      .sort();
    if (others.length > 0) {
      found.push({
        bundle: b.name,
        message: `detected overlapping roots in bundle manifest with: [${others.join(' ')}]`,
      });
    }
  }
  return found;
}

/**
 * imports/circular-import (workspace): packages that import or reference each other in a cycle, as
 * Regal's rule of that name. Edges are `data.` imports and `data.` refs, each led to the package
 * that holds it (the longest package name its path starts with); a package's refs to itself are not
 * edges. Every edge inside a cycle is reported once per file and target, naming the cycle.
 */
import type { Location } from '../../../errors';
import type { Module, Term } from '../../../rego/syntax/ast';
import { termsIn } from '../../walk';
import { defineWorkspaceRule, type LintWorkspace } from '../../workspace-model';
import { importPath } from '../imports/paths';

interface Edge {
  from: string;
  to: string;
  location: Location;
}

export default defineWorkspaceRule({
  id: 'circular-import',
  category: 'imports',
  description: 'Circular import',
  rationale:
    'Packages that depend on each other in a cycle cannot be understood, tested or moved one at a time, and a cycle through rules is a recursion error waiting for the next edit.',
  check: (ws) => {
    const edges = packageEdges(ws);
    const cycleOf = cyclesOf(edges);
    const seen = new Set<string>();
    const out: Array<{ location: Location; message: string }> = [];
    for (const e of edges) {
      const cycle = cycleOf.get(e.from);
      if (!cycle || cycleOf.get(e.to) !== cycle) continue;
      const key = `${e.location.file}\0${e.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const members = cycle.map((p) => `data.${p}`).join(', ');
      out.push({
        location: e.location,
        message: `Circular import: data.${e.from} depends on data.${e.to}, which depends back on it (cycle: ${members})`,
      });
    }
    return out;
  },
});

/** Each package's `data.` imports and refs that lead to another package of the workspace. */
function packageEdges(ws: LintWorkspace): Edge[] {
  const packages = [...new Set(ws.files.map((f) => f.packageName))].sort((a, b) => b.length - a.length);
  const owner = (path: string[]): string | undefined => {
    const joined = path.join('.');
    return packages.find((p) => joined === p || joined.startsWith(`${p}.`));
  };
  const edges: Edge[] = [];
  for (const f of ws.files) {
    const add = (path: string[], location: Location) => {
      const to = owner(path);
      if (to !== undefined && to !== f.packageName) edges.push({ from: f.packageName, to, location });
    };
    for (const { path, location } of dataRefsOf(f.module)) add(path, location);
  }
  return edges;
}

/** Each module's `data.` imports and refs, kept while the module is (the server re-lints after every edit, re-parsing one file). */
const refsByModule = new WeakMap<Module, Array<{ path: string[]; location: Location }>>();

function dataRefsOf(module: Module): Array<{ path: string[]; location: Location }> {
  const known = refsByModule.get(module);
  if (known) return known;
  const refs: Array<{ path: string[]; location: Location }> = [];
  for (const imp of module.imports) {
    const [root, ...path] = importPath(imp);
    if (root === 'data' && path.length > 0) refs.push({ path, location: imp.location });
  }
  for (const rule of module.rules)
    for (const t of termsIn(rule)) {
      const path = t.type === 'ref' ? dataPath(t.terms) : [];
      if (path.length > 0) refs.push({ path, location: t.location });
    }
  refsByModule.set(module, refs);
  return refs;
}

/** The constant names after `data` at the start of a ref (`data.a.b[x]` gives `a, b`). */
function dataPath(terms: Term[]): string[] {
  const [head, ...rest] = terms;
  if (head?.type !== 'var' || head.name !== 'data') return [];
  const out: string[] = [];
  for (const t of rest) {
    if (t.type !== 'string') break;
    out.push(String(t.value));
  }
  return out;
}

/**
 * The packages that lie on a cycle, each mapped to its cycle's members in a stable order (Tarjan's
 * strongly connected components; a component of one package is no cycle, as self-refs are no edges).
 */
function cyclesOf(edges: Edge[]): Map<string, string[]> {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)?.add(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out = new Map<string, string[]>();
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) {
      component.sort();
      for (const p of component) out.set(p, component);
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

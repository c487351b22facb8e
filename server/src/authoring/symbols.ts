/**
 * The outline: a file's package and its rules (document symbols), and every rule and package of the
 * workspace matching a query (workspace symbols).
 */
import type { Location } from '../errors';
import { describeKind, headText } from './describe';
import type { AuthoringProject } from './project';

/** One outline entry. */
export interface OutlineSymbol {
  name: string;
  kind: 'package' | 'rule' | 'function' | 'test';
  detail: string;
  /** The whole rule (or package line). */
  span: Location;
  /** The name. */
  selection: Location;
  children?: OutlineSymbol[];
}

/** The package of a file with its rules as children, in source order. */
export function documentSymbols(project: AuthoringProject, file: string): OutlineSymbol[] {
  const entry = project.entry(file);
  const module = entry?.module;
  if (!entry || !module) return [];
  const children: OutlineSymbol[] = entry.defs.map((d) => ({
    name: d.path.slice(module.package.path.length).join('.'),
    kind: kindOf(d.path[d.path.length - 1] ?? '', d.rule.kind),
    detail: `${describeKind(d.rule)} · ${headText(entry.text, d.rule)}`,
    span: d.rule.location,
    selection: d.name,
  }));
  const last = children[children.length - 1];
  return [
    {
      name: module.package.path.join('.'),
      kind: 'package',
      detail: 'package',
      span: last ? { ...module.package.location, end: last.span.end } : module.package.location,
      selection: module.package.location,
      children,
    },
  ];
}

/** Rules and packages of the workspace whose name contains `query` (case-insensitive), at most `limit`. */
export function workspaceSymbols(
  project: AuthoringProject,
  query: string,
  limit = 500,
): Array<OutlineSymbol & { container: string }> {
  const q = query.toLowerCase();
  const out: Array<OutlineSymbol & { container: string }> = [];
  for (const entry of project.allEntries()) {
    const module = entry.module;
    if (!module) continue;
    const pkg = module.package.path.join('.');
    if (pkg.toLowerCase().includes(q))
      out.push({
        name: pkg,
        kind: 'package',
        detail: 'package',
        span: module.package.location,
        selection: module.package.location,
        container: '',
      });
    for (const d of entry.defs) {
      const name = d.path.slice(module.package.path.length).join('.');
      if (!name.toLowerCase().includes(q)) continue;
      out.push({
        name,
        kind: kindOf(d.path[d.path.length - 1] ?? '', d.rule.kind),
        detail: describeKind(d.rule),
        span: d.rule.location,
        selection: d.name,
        container: pkg,
      });
      if (out.length >= limit) return out;
    }
  }
  return out;
}

function kindOf(name: string, kind: string): OutlineSymbol['kind'] {
  if (name.startsWith('test_')) return 'test';
  return kind === 'function' ? 'function' : 'rule';
}

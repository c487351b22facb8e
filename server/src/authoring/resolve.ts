/**
 * What each name in a module refers to: a rule (by its full path), a package, a local variable, a
 * builtin, or a path into `input`. Every occurrence of every name is listed once per file and
 * cached until the file or the project's names change; hover, definition, references, rename,
 * highlights and semantic tokens all read these lists.
 */
import type { Location } from '../errors';
import { lookupBuiltin } from '../rego';
import type { Import, Module, Ref, Rule, Term } from '../rego/syntax/ast';
import type { AuthoringProject, ModuleEntry } from './project';
import { contains, spanOf } from './text';
import { declaredLocals, walkRule } from './walk';

/** What a name refers to. */
export type SymbolRef =
  | { kind: 'rule'; path: string[] }
  | { kind: 'package'; path: string[] }
  | { kind: 'local'; file: string; scope: number; name: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'input'; path: string[] };

/** One written name and what it refers to. */
export interface Occurrence {
  span: Location;
  symbol: SymbolRef;
  /** True where the name is defined: a rule head, a package line, a local's first binding. */
  definition: boolean;
  /** For rule references: true when written as a call (`f(x)`). */
  call?: boolean;
}

/** A key that is equal for two symbols exactly when they are the same symbol. */
export function symbolKey(s: SymbolRef): string {
  switch (s.kind) {
    case 'local':
      return `local:${s.file}:${s.scope}:${s.name}`;
    case 'builtin':
      return `builtin:${s.name}`;
    default:
      return `${s.kind}:${s.path.join('.')}`;
  }
}

/** Every occurrence in a file, in source order (cached per file and project generation). */
export function occurrencesOf(project: AuthoringProject, entry: ModuleEntry): Occurrence[] {
  return project.cached(entry, 'occurrences', () =>
    entry.module ? analyse(project, entry, entry.module) : [],
  );
}

/** The innermost occurrence at `offset` in a file. */
export function occurrenceAt(
  project: AuthoringProject,
  entry: ModuleEntry,
  offset: number,
): Occurrence | undefined {
  let best: Occurrence | undefined;
  for (const o of occurrencesOf(project, entry)) {
    if (!contains(o.span, offset)) continue;
    if (!best || o.span.end.offset - o.span.start.offset < best.span.end.offset - best.span.start.offset)
      best = o;
  }
  return best;
}

/** What an import makes its alias (or last segment) stand for. */
export interface ImportTarget {
  name: string;
  path: string[];
  node: Import;
}

/** The `data.` imports of a module by the name they bind. */
export function importTargets(module: Module): Map<string, ImportTarget> {
  const out = new Map<string, ImportTarget>();
  for (const imp of module.imports) {
    const terms = imp.path.terms;
    if (terms[0]?.type !== 'var' || terms[0].name !== 'data') continue;
    const path = constantSegments(imp.path).map((s) => s.value);
    const name = imp.alias ?? path[path.length - 1];
    if (name) out.set(name, { name, path, node: imp });
  }
  return out;
}

/** The first names of the rules of a package (what a bare name in it may refer to). */
export function ruleNamesOf(project: AuthoringProject, pkg: readonly string[]): Set<string> {
  return project.memo(`ruleNames:${pkg.join('.')}`, () => collectRuleNames(project, pkg));
}

function collectRuleNames(project: AuthoringProject, pkg: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const [name, kind] of project.childrenOf(pkg)) {
    if (kind === 'rule' || project.rulesAt([...pkg, name]).length > 0) names.add(name);
    else if (hasRulesUnder(project, [...pkg, name])) names.add(name);
  }
  return names;
}

function hasRulesUnder(project: AuthoringProject, path: string[]): boolean {
  const key = `${path.join('.')}.`;
  for (const k of project.rules.keys()) if (k.startsWith(key)) return true;
  return false;
}

/** The constant name segments after a ref's head: `data.a.b[x]` gives `a`, `b`. */
export function constantSegments(ref: Ref): Array<{ value: string; span: Location }> {
  const out: Array<{ value: string; span: Location }> = [];
  for (const t of ref.terms.slice(1)) {
    if (t.type !== 'string' || typeof t.value !== 'string') break;
    out.push({ value: t.value, span: t.location });
  }
  return out;
}

/**
 * Resolves `base` followed by `segments` to the longest rule path, else the longest package path.
 * `headSpan` is where the base itself is written (an alias, a rule name).
 */
export function resolvePath(
  project: AuthoringProject,
  base: string[],
  segments: Array<{ value: string; span: Location }>,
  headSpan: Location | undefined,
): { symbol: SymbolRef; span: Location; used: number } | undefined {
  for (let k = segments.length; k >= 0; k--) {
    const path = [...base, ...segments.slice(0, k).map((s) => s.value)];
    const span = k > 0 ? (segments[k - 1] as { span: Location }).span : headSpan;
    if (span && path.length > 0 && project.rulesAt(path).length > 0)
      return { symbol: { kind: 'rule', path }, span, used: k };
  }
  for (let k = segments.length; k >= 0; k--) {
    const path = [...base, ...segments.slice(0, k).map((s) => s.value)];
    const last = k > 0 ? (segments[k - 1] as { span: Location }).span : headSpan;
    if (!last || path.length === 0 || !project.isPackage(path)) continue;
    const first = headSpan ?? (segments[0] as { span: Location }).span;
    return { symbol: { kind: 'package', path }, span: { ...first, end: last.end }, used: k };
  }
  return undefined;
}

function analyse(project: AuthoringProject, entry: ModuleEntry, module: Module): Occurrence[] {
  const out: Occurrence[] = [];
  const pkg = module.package.path;
  const file = entry.file;
  // The package line: the path's span is what follows the keyword.
  const pkgStart = entry.text.indexOf(pkg[0] ?? '', module.package.location.start.offset + 'package'.length);
  if (pkgStart >= 0 && pkg.length > 0)
    out.push({
      span: spanOf(file, entry.starts, pkgStart, module.package.location.end.offset),
      symbol: { kind: 'package', path: pkg },
      definition: true,
    });
  const imports = importTargets(module);
  for (const imp of imports.values()) {
    const found = resolvePath(project, [], constantSegments(imp.node.path), undefined);
    if (found) out.push({ span: found.span, symbol: found.symbol, definition: false });
  }
  const ruleNames = ruleNamesOf(project, pkg);
  for (const def of entry.defs)
    out.push({ span: def.name, symbol: { kind: 'rule', path: def.path }, definition: true });
  for (const rule of module.rules) analyseRule(project, file, pkg, rule, ruleNames, imports, out);
  return out.sort((a, b) => a.span.start.offset - b.span.start.offset);
}

function analyseRule(
  project: AuthoringProject,
  file: string,
  pkg: string[],
  rule: Rule,
  ruleNames: Set<string>,
  imports: Map<string, ImportTarget>,
  out: Occurrence[],
): void {
  const declared = declaredLocals(rule);
  const scope = rule.location.start.offset;
  const seen = new Set<string>();
  const handled = new Set<Term>();
  const local = (name: string, span: Location) => {
    out.push({ span, symbol: { kind: 'local', file, scope, name }, definition: !seen.has(name) });
    seen.add(name);
  };
  const headVar = rule.head.ref.terms[0];
  walkRule(rule, (item) => {
    if (item.kind !== 'term' || handled.has(item.node)) return;
    const term = item.node;
    if (term === headVar) return;
    if (term.type === 'call' && term.infix) {
      handled.add(term.operator);
      for (const t of term.operator.terms) handled.add(t);
      return;
    }
    if (term.type === 'ref') {
      for (const t of term.terms) if (t.type === 'var') handled.add(t);
      resolveRef(term, item.role === 'operator');
      return;
    }
    if (term.type === 'var' && !term.generated)
      resolveName(term.name, term.location, item.role === 'operator');
  });

  function resolveName(name: string, span: Location, call: boolean): void {
    if (name === 'data' || name === 'input') return;
    if (declared.has(name)) {
      local(name, span);
      return;
    }
    if (ruleNames.has(name)) {
      const found = resolvePath(project, [...pkg, name], [], span);
      if (found) return void out.push({ span, symbol: found.symbol, definition: false, call });
    }
    const target = imports.get(name);
    if (target) {
      const found = resolvePath(project, target.path, [], span);
      if (found) return void out.push({ span, symbol: found.symbol, definition: false, call });
      return;
    }
    local(name, span);
  }

  function resolveRef(ref: Ref, call: boolean): void {
    const head = ref.terms[0];
    if (head?.type !== 'var') return;
    const segments = constantSegments(ref);
    if (head.name === 'input') {
      out.push({
        span: ref.location,
        symbol: { kind: 'input', path: segments.map((s) => s.value) },
        definition: false,
      });
      return;
    }
    let base: string[] | undefined;
    let headSpan: Location | undefined = head.location;
    if (head.name === 'data') {
      base = [];
      headSpan = undefined;
    } else if (declared.has(head.name)) {
      local(head.name, head.location);
    } else if (ruleNames.has(head.name)) base = [...pkg, head.name];
    else if (imports.has(head.name)) base = (imports.get(head.name) as ImportTarget).path;
    else if (!call) local(head.name, head.location);
    if (base) {
      const found = resolvePath(project, base, segments, headSpan);
      if (found) {
        out.push({
          span: found.span,
          symbol: found.symbol,
          definition: false,
          call: call && found.used === segments.length,
        });
        // `alias.rule`: the alias itself names the imported package.
        if (head.name !== 'data' && found.used > 0 && imports.has(head.name)) {
          const pkgFound = resolvePath(project, base, [], head.location);
          if (pkgFound) out.push({ span: head.location, symbol: pkgFound.symbol, definition: false });
        }
        return;
      }
    }
    if (call) {
      const name = [head.name, ...segments.map((s) => s.value)].join('.');
      if (lookupBuiltin(name))
        out.push({ span: ref.location, symbol: { kind: 'builtin', name }, definition: false, call });
    }
  }
}

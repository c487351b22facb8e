/**
 * Completion in `.rego` files: keywords and snippets, builtins (from the registry), local variables,
 * rules of the package and of imported packages, packages for `import`, `data.` paths from the
 * policy and data files, and `input.` paths from the input's JSON Schema and example inputs. The
 * context is read from the text before the cursor, so it works while the file does not parse.
 */
import { BUILTINS } from '../rego';
import type { Module, Rule } from '../rego/syntax/ast';
import { builtinMarkdown, builtinSignature, functionParams, ruleMarkdown, ruleMetadata } from './describe';
import { inputKeysAt, jsonKeysAt, type PathKey } from './input-paths';
import { KEYWORDS, SNIPPETS } from './keywords';
import type { AuthoringProject } from './project';
import { importTargets, ruleNamesOf } from './resolve';
import { inCommentOrString, lineBefore, refBefore, uniqueBy } from './text';
import { declaredLocals } from './walk';

/** What kind of thing a completion names (the adapter maps it to an icon). */
export type CompletionKind =
  | 'keyword'
  | 'snippet'
  | 'builtin'
  | 'namespace'
  | 'rule'
  | 'function'
  | 'package'
  | 'variable'
  | 'property';

/** One completion proposal. */
export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** The text inserted, when not the label; a snippet when `snippet`. */
  insertText?: string;
  snippet?: boolean;
  /** Sorts before others of equal rank when lower. */
  rank?: number;
}

/** The proposals at `offset` of `file`, and the offset where the word being replaced starts. */
export function complete(
  project: AuthoringProject,
  file: string,
  offset: number,
): { from: number; items: CompletionEntry[] } {
  const entry = project.entry(file);
  if (!entry) return { from: offset, items: [] };
  const text = entry.text;
  const ref = refBefore(text, offset);
  if (inCommentOrString(text, offset)) return { from: ref.start, items: [] };
  const line = lineBefore(text, offset);
  const module = entry.module;
  if (/^\s*package\s+[\w.]*$/.test(line))
    return { from: ref.start, items: packageItems(project, ref.segments) };
  if (/^\s*import\s+[\w.]*$/.test(line)) {
    if (ref.segments.length === 0)
      return {
        from: ref.start,
        items: ['data', 'input', 'rego.v1'].map((label) => ({ label, kind: 'package' as const })),
      };
    if (ref.segments[0] === 'data')
      return { from: ref.start, items: pathItems(project, ref.segments.slice(1), module) };
  }
  if (ref.segments.length > 0)
    return { from: ref.start, items: memberItems(project, ref.segments, module, offset) };
  const items: CompletionEntry[] = [];
  const atStatementStart = /^\s*\w*$/.test(line) && !insideRule(module, offset);
  if (atStatementStart)
    for (const s of SNIPPETS)
      items.push({
        label: s.label,
        kind: 'snippet',
        detail: s.detail,
        insertText: s.body,
        snippet: true,
        rank: 2,
      });
  for (const k of KEYWORDS)
    items.push({ label: k.name, kind: 'keyword', detail: k.syntax, documentation: k.description, rank: 3 });
  if (module) {
    const rule = enclosingRule(module, offset);
    if (rule)
      for (const name of declaredLocals(rule))
        items.push({ label: name, kind: 'variable', detail: 'local variable', rank: 0 });
    const pkg = module.package.path;
    for (const name of ruleNamesOf(project, pkg)) items.push(ruleItem(project, [...pkg, name], name, 1));
    for (const target of importTargets(module).values())
      items.push({
        label: target.name,
        kind: 'package',
        detail: `import data.${target.path.join('.')}`,
        rank: 1,
      });
  }
  const namespaces = new Set<string>();
  for (const def of BUILTINS) {
    if (def.infix && !/^[a-z]/.test(def.name)) continue;
    const dot = def.name.indexOf('.');
    if (dot < 0) items.push(builtinItem(def.name, def));
    else namespaces.add(def.name.slice(0, dot));
  }
  for (const ns of namespaces)
    items.push({ label: ns, kind: 'namespace', detail: 'builtin functions', rank: 4 });
  return { from: ref.start, items: uniqueBy(items, (i) => `${i.kind}:${i.label}`) };
}

function builtinItem(label: string, def: (typeof BUILTINS)[number]): CompletionEntry {
  return {
    label,
    kind: 'builtin',
    detail: builtinSignature(def),
    documentation: builtinMarkdown(def),
    rank: 4,
  };
}

function ruleItem(project: AuthoringProject, path: string[], label: string, rank: number): CompletionEntry {
  const defs = project.rulesAt(path);
  if (defs.length === 0) return { label, kind: 'package', detail: `data.${path.join('.')}`, rank };
  const params = functionParams(project, defs);
  const meta = ruleMetadata(project, defs);
  return {
    label,
    kind: params ? 'function' : 'rule',
    detail: meta.title ?? `data.${path.join('.')}`,
    documentation: ruleMarkdown(project, defs),
    ...(params
      ? { insertText: `${label}(${params.map((p, i) => `\${${i + 1}:${p}}`).join(', ')})`, snippet: true }
      : {}),
    rank,
  };
}

/** Completion after a dot: `data.`, `input.`, an import's alias, a rule, a builtin namespace. */
function memberItems(
  project: AuthoringProject,
  segments: string[],
  module: Module | undefined,
  offset: number,
): CompletionEntry[] {
  const [head, ...rest] = segments as [string, ...string[]];
  if (head === 'data') return pathItems(project, rest, module);
  if (head === 'input') return keyItems(inputKeysAt(project.inputSchema, project.exampleInputs, rest));
  if (module) {
    const rule = enclosingRule(module, offset);
    if (rule && declaredLocals(rule).has(head)) return [];
    const target = importTargets(module).get(head);
    if (target) return pathItems(project, [...target.path, ...rest], module);
    if (ruleNamesOf(project, module.package.path).has(head))
      return pathItems(project, [...module.package.path, head, ...rest], module);
  }
  const prefix = `${segments.join('.')}.`;
  const items: CompletionEntry[] = [];
  const namespaces = new Set<string>();
  for (const def of BUILTINS) {
    if (!def.name.startsWith(prefix)) continue;
    const tail = def.name.slice(prefix.length);
    const dot = tail.indexOf('.');
    if (dot < 0) items.push(builtinItem(tail, def));
    else namespaces.add(tail.slice(0, dot));
  }
  for (const ns of namespaces) items.push({ label: ns, kind: 'namespace', detail: 'builtin functions' });
  return items;
}

/** Packages, rules and data keys one level below a `data` path. */
function pathItems(
  project: AuthoringProject,
  path: string[],
  _module: Module | undefined,
): CompletionEntry[] {
  const items: CompletionEntry[] = [];
  for (const [name, kind] of project.childrenOf(path)) {
    if (kind === 'rule') items.push(ruleItem(project, [...path, name], name, 0));
    else items.push({ label: name, kind: 'package', detail: `data.${[...path, name].join('.')}`, rank: 0 });
  }
  const seen = new Set(items.map((i) => i.label));
  for (const key of jsonKeysAt(project.data, path))
    if (!seen.has(key.name))
      items.push({ label: key.name, kind: 'property', detail: `data (${key.type})`, rank: 1 });
  return items;
}

function keyItems(keys: PathKey[]): CompletionEntry[] {
  return keys.map((k) => ({
    label: k.name,
    kind: 'property' as const,
    detail: [k.type, k.source === 'schema' ? 'input schema' : 'example input'].filter(Boolean).join(' · '),
    ...(k.description ? { documentation: k.description } : {}),
    rank: 0,
  }));
}

/** Packages for `package` lines: the existing ones below what is typed. */
function packageItems(project: AuthoringProject, segments: string[]): CompletionEntry[] {
  return [...project.childrenOf(segments)]
    .filter(([, kind]) => kind === 'package')
    .map(([name]) => ({
      label: name,
      kind: 'package' as const,
      detail: `package ${[...segments, name].join('.')}`,
    }));
}

/** The rule whose span holds `offset`, else the last rule that starts before it (one being typed). */
export function enclosingRule(module: Module, offset: number): Rule | undefined {
  let before: Rule | undefined;
  for (const rule of module.rules) {
    if (rule.location.start.offset <= offset && offset <= rule.location.end.offset) return rule;
    if (rule.location.start.offset <= offset) before = rule;
  }
  return before;
}

function insideRule(module: Module | undefined, offset: number): boolean {
  return !!module?.rules.some((r) => r.location.start.offset < offset && offset <= r.location.end.offset);
}

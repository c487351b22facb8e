/**
 * The vocabulary of the workspace lint rules: what they read (every file's context and the data),
 * how one is declared, and where an import's path leads. Kept apart from `workspace.ts`, which lists
 * the rules, so a rule file imports no list that imports it.
 */
import type { JsonValue } from '../rego';
import type { Import, Module } from '../rego/syntax/ast';
import { importPath } from './rules/imports/paths';
import type { Finding, LintRule } from './types';

/** One parsed file, as the workspace rules read it. */
export interface WorkspaceFile {
  file: string;
  module: Module;
  /** The package path joined with dots. */
  packageName: string;
}

/** What a workspace rule reads: every file that parsed, and the data documents merged. */
export interface LintWorkspace {
  files: WorkspaceFile[];
  data: JsonValue;
}

/** A lint rule over the whole workspace; its findings carry their own file. */
export interface WorkspaceLintRule extends Omit<LintRule, 'check'> {
  check: (ws: LintWorkspace) => Finding[];
}

/** Defines a workspace rule (identity function: keeps each rule file a single declaration). */
export function defineWorkspaceRule(rule: WorkspaceLintRule): WorkspaceLintRule {
  return rule;
}

/** Where an import's path leads in the workspace: a package, a rule of one, data, or nowhere. */
export function resolveImport(
  ws: LintWorkspace,
  path: string[],
): 'package' | 'namespace' | 'rule' | 'data' | undefined {
  const packages = packagesOf(ws);
  const joined = path.join('.');
  if (packages.has(joined)) return 'package';
  for (const name of packages.keys()) if (name.startsWith(`${joined}.`)) return 'namespace';
  for (let n = path.length - 1; n > 0; n--) {
    const owners = packages.get(path.slice(0, n).join('.'));
    if (!owners) continue;
    const rule = path[n];
    if (owners.some((f) => f.module.rules.some((r) => ruleName(r) === rule))) return 'rule';
  }
  let node: JsonValue | undefined = ws.data;
  for (const p of path) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, JsonValue>)[p];
  }
  return node === undefined ? undefined : 'data';
}

/** Every `data.` import of the workspace, with its path below `data`. */
export function dataImports(ws: LintWorkspace): Array<{ imp: Import; path: string[] }> {
  return ws.files.flatMap((f) =>
    f.module.imports.flatMap((imp) => {
      const [root, ...path] = importPath(imp);
      return root === 'data' && path.length > 0 ? [{ imp, path }] : [];
    }),
  );
}

const byPackage = new WeakMap<LintWorkspace, Map<string, WorkspaceFile[]>>();

/** The workspace's files by package, built once per workspace. */
function packagesOf(ws: LintWorkspace): Map<string, WorkspaceFile[]> {
  let packages = byPackage.get(ws);
  if (packages) return packages;
  packages = new Map();
  for (const f of ws.files) {
    const list = packages.get(f.packageName) ?? [];
    list.push(f);
    packages.set(f.packageName, list);
  }
  byPackage.set(ws, packages);
  return packages;
}

/** The first name of a rule's head (`allow` of `allow if …`, `a` of `a.b[x]`). */
function ruleName(rule: Module['rules'][number]): string | undefined {
  const head = rule.head.ref.terms[0];
  return head?.type === 'var' ? head.name : undefined;
}

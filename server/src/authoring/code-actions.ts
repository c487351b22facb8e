/**
 * Authoring code actions, as edits of files: "create test for this rule" (in the file's `_test.rego`
 * sibling, created when missing), "add missing import" (for `pkg.rule` where `pkg` names a package
 * but is not imported), and "add `# METADATA`" above a rule without one. The linter's fixes live
 * with the linter.
 */
import type { Position } from '../errors';
import { enclosingRule } from './completion';
import type { AuthoringProject, ModuleEntry, RuleDef } from './project';
import { importTargets, occurrenceAt, ruleNamesOf } from './resolve';
import { contains, positionOf, wordAt } from './text';
import { declaredLocals } from './walk';

/** One change to a file: insert (or replace up to `end`) at `at`; `create` makes the file first. */
export interface FileEdit {
  file: string;
  at: Position;
  end?: Position;
  text: string;
  create?: boolean;
}

/** A code action: a title, its kind and its edits. */
export interface AuthoringAction {
  title: string;
  kind: 'quickfix' | 'refactor';
  edits: FileEdit[];
}

/** The authoring actions available at `offset` of `file`. */
export function codeActions(project: AuthoringProject, file: string, offset: number): AuthoringAction[] {
  const entry = project.entry(file);
  if (!entry?.module) return [];
  const actions: AuthoringAction[] = [];
  const def = ruleDefAt(project, entry, offset);
  if (def) {
    const test = createTest(project, entry, def);
    if (test) actions.push(test);
    if (!project.annotationsOf(def)) actions.push(addMetadata(entry, def));
  }
  actions.push(...addImports(project, entry, offset));
  return actions;
}

/** The rule whose head holds `offset`. */
function ruleDefAt(project: AuthoringProject, entry: ModuleEntry, offset: number): RuleDef | undefined {
  const o = occurrenceAt(project, entry, offset);
  return entry.defs.find(
    (d) =>
      contains(d.rule.head.location, offset) ||
      (o?.definition && o.span.start.offset === d.name.start.offset),
  );
}

function createTest(
  project: AuthoringProject,
  entry: ModuleEntry,
  def: RuleDef,
): AuthoringAction | undefined {
  const name = def.path[def.path.length - 1] ?? '';
  if (entry.file.endsWith('_test.rego') || name.startsWith('test_') || def.rule.kind === 'function')
    return undefined;
  const pkg = (entry.module?.package.path ?? []).join('.');
  const testFile = entry.file.replace(/\.rego$/, '_test.rego');
  const existing = project.entry(testFile);
  const testPkg = existing?.module?.package.path.join('.') ?? `${pkg}_test`;
  const taken = new Set(project.allEntries().flatMap((e) => e.defs.map((d) => d.path.join('.'))));
  const base = `test_${def.path.slice(entry.module?.package.path.length ?? 0).join('_')}`;
  let testName = base;
  for (let i = 2; taken.has(`${testPkg}.${testName}`); i++) testName = `${base}_${i}`;
  const ref =
    testPkg === pkg
      ? def.path.slice(entry.module?.package.path.length ?? 0).join('.')
      : `data.${def.path.join('.')}`;
  const body = `${testName} if {\n\t${ref} with input as {}\n}\n`;
  if (existing) {
    const end = existing.text.length;
    const sep = existing.text.endsWith('\n\n') ? '' : existing.text.endsWith('\n') ? '\n' : '\n\n';
    return {
      title: `Create test for ${name}`,
      kind: 'refactor',
      edits: [{ file: testFile, at: positionOf(existing.starts, end), text: `${sep}${body}` }],
    };
  }
  return {
    title: `Create test for ${name}`,
    kind: 'refactor',
    edits: [
      {
        file: testFile,
        create: true,
        at: { line: 1, column: 1, offset: 0 },
        text: `package ${testPkg}\n\n${body}`,
      },
    ],
  };
}

function addMetadata(entry: ModuleEntry, def: RuleDef): AuthoringAction {
  const at = def.rule.location.start;
  const name = def.path[def.path.length - 1] ?? '';
  const lineStart = { line: at.line, column: 1, offset: at.offset - (at.column - 1) };
  const indent = entry.text.slice(lineStart.offset, at.offset).replace(/\S/g, '');
  const text = [`# METADATA`, `# title: ${name}`, `# description: What ${name} decides`]
    .map((l) => `${indent}${l}\n`)
    .join('');
  return {
    title: `Add # METADATA to ${name}`,
    kind: 'refactor',
    edits: [{ file: entry.file, at: lineStart, text }],
  };
}

/** For `x.y` where `x` is unbound and some package ends in `x`: an import for each such package. */
function addImports(project: AuthoringProject, entry: ModuleEntry, offset: number): AuthoringAction[] {
  const module = entry.module;
  if (!module) return [];
  const word = wordAt(entry.text, offset);
  if (!word) return [];
  // The head of the dotted name under the cursor.
  let start = word.start;
  while (start > 0 && /[A-Za-z0-9_.]/.test(entry.text[start - 1] as string)) start--;
  const head = /^[A-Za-z_][A-Za-z0-9_]*/.exec(entry.text.slice(start))?.[0];
  if (!head || !entry.text.startsWith(`${head}.`, start) || head === 'data' || head === 'input') return [];
  if (importTargets(module).has(head) || ruleNamesOf(project, module.package.path).has(head)) return [];
  const rule = enclosingRule(module, offset);
  if (rule && declaredLocals(rule).has(head)) return [];
  const own = module.package.path.join('.');
  const candidates = [...project.packages.keys()].filter(
    (p) => p !== own && (p === head || p.endsWith(`.${head}`)),
  );
  const last = module.imports[module.imports.length - 1];
  const after = last ? last.location.end : module.package.location.end;
  const at = { line: after.line, column: after.column, offset: after.offset };
  return candidates.slice(0, 5).map((p) => ({
    title: `Add import data.${p}`,
    kind: 'quickfix' as const,
    edits: [{ file: entry.file, at, text: last ? `\nimport data.${p}` : `\n\nimport data.${p}` }],
  }));
}

/**
 * Go to definition, find references, rename (with prepare) and document highlights, across files
 * and packages: every feature here compares the symbols of occurrences (`resolve.ts`).
 */
import type { Location } from '../errors';
import { KEYWORDS } from './keywords';
import type { AuthoringProject, ModuleEntry } from './project';
import { type Occurrence, occurrenceAt, occurrencesOf, type SymbolRef, symbolKey } from './resolve';

/** Where the symbol at `offset` is defined: rule clauses, a package's files, a local's first binding. */
export function definition(project: AuthoringProject, file: string, offset: number): Location[] {
  const entry = project.entry(file);
  const o = entry && occurrenceAt(project, entry, offset);
  if (!o) return [];
  return definitionsOf(project, o.symbol);
}

/** The definitions of a symbol. */
export function definitionsOf(project: AuthoringProject, symbol: SymbolRef): Location[] {
  switch (symbol.kind) {
    case 'rule':
      return project.rulesAt(symbol.path).map((d) => d.name);
    case 'package':
      return (project.packages.get(symbol.path.join('.')) ?? []).flatMap((f) => {
        const module = project.entry(f)?.module;
        return module ? [module.package.location] : [];
      });
    case 'local': {
      const entry = project.entry(symbol.file);
      const first =
        entry &&
        occurrencesOf(project, entry).find((o) => o.definition && symbolKey(o.symbol) === symbolKey(symbol));
      return first ? [first.span] : [];
    }
    default:
      return [];
  }
}

/** Every occurrence of the symbol at `offset`, in every file (definitions when `includeDeclaration`). */
export function references(
  project: AuthoringProject,
  file: string,
  offset: number,
  includeDeclaration: boolean,
): Location[] {
  const entry = project.entry(file);
  const o = entry && occurrenceAt(project, entry, offset);
  if (!o) return [];
  return occurrencesOfSymbol(project, o.symbol)
    .filter((x) => includeDeclaration || !x.definition)
    .map((x) => x.span);
}

/** The key of the symbol at `offset` (the same for every place that names it), for caching its references. */
export function symbolKeyAt(project: AuthoringProject, file: string, offset: number): string | undefined {
  const entry = project.entry(file);
  const o = entry && occurrenceAt(project, entry, offset);
  return o ? symbolKey(o.symbol) : undefined;
}

/** The occurrences of a symbol across the project (locals: in their own file only). */
export function occurrencesOfSymbol(project: AuthoringProject, symbol: SymbolRef): Occurrence[] {
  const key = symbolKey(symbol);
  const entries =
    symbol.kind === 'local'
      ? [project.entry(symbol.file)].filter((e) => e !== undefined)
      : project.allEntries();
  const out: Occurrence[] = [];
  for (const entry of entries) out.push(...(occurrencesByKey(project, entry).get(key) ?? []));
  return out;
}

/** A file's occurrences by symbol key (cached with them), so a search across files is a lookup per file. */
function occurrencesByKey(project: AuthoringProject, entry: ModuleEntry): Map<string, Occurrence[]> {
  return project.cached(entry, 'occurrencesByKey', () => {
    const map = new Map<string, Occurrence[]>();
    for (const o of occurrencesOf(project, entry)) {
      const key = symbolKey(o.symbol);
      const list = map.get(key);
      if (list) list.push(o);
      else map.set(key, [o]);
    }
    return map;
  });
}

/**
 * Builds the reference index (each file's occurrences by symbol) of the files whose index is missing
 * or stale, until `stop` says so, and returns how many are left: the server builds it in short slices
 * after a load and after an edit that changes names, so a search across files only looks up.
 */
export function indexReferences(project: AuthoringProject, stop: () => boolean = () => false): number {
  let left = 0;
  for (const entry of project.allEntries()) {
    if (project.isCached(entry, 'occurrencesByKey')) continue;
    if (left > 0 || stop()) left++;
    else occurrencesByKey(project, entry);
  }
  return left;
}

/** The occurrences of the symbol at `offset` in its own file (document highlights). */
export function highlights(project: AuthoringProject, file: string, offset: number): Occurrence[] {
  const entry = project.entry(file);
  const o = entry && occurrenceAt(project, entry, offset);
  if (!entry || !o) return [];
  const key = symbolKey(o.symbol);
  return occurrencesOf(project, entry).filter((x) => symbolKey(x.symbol) === key);
}

/** The span rename would replace at `offset`, or a reason it cannot rename there. */
export function prepareRename(
  project: AuthoringProject,
  file: string,
  offset: number,
): { span: Location; placeholder: string } | { error: string } {
  const entry = project.entry(file);
  const o = entry && occurrenceAt(project, entry, offset);
  if (!entry || !o) return { error: 'nothing to rename here' };
  if (o.symbol.kind === 'builtin') return { error: 'builtins cannot be renamed' };
  if (o.symbol.kind === 'package') return { error: 'packages are renamed by editing their package lines' };
  if (o.symbol.kind === 'input') return { error: 'input paths are not defined in the policy' };
  return { span: o.span, placeholder: entry.text.slice(o.span.start.offset, o.span.end.offset) };
}

/** The edits that rename the symbol at `offset` to `newName`, by file; an error for a bad name. */
export function rename(
  project: AuthoringProject,
  file: string,
  offset: number,
  newName: string,
): { edits: Map<string, Array<{ span: Location; text: string }>> } | { error: string } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { error: `${newName} is not a Rego name` };
  if (KEYWORDS.some((k) => k.name === newName)) return { error: `${newName} is a keyword` };
  const prepared = prepareRename(project, file, offset);
  if ('error' in prepared) return prepared;
  const o = occurrenceAt(
    project,
    project.entry(file) as NonNullable<ReturnType<typeof project.entry>>,
    offset,
  ) as Occurrence;
  const edits = new Map<string, Array<{ span: Location; text: string }>>();
  for (const x of occurrencesOfSymbol(project, o.symbol)) {
    const list = edits.get(x.span.file) ?? [];
    list.push({ span: x.span, text: newName });
    edits.set(x.span.file, list);
  }
  return { edits };
}

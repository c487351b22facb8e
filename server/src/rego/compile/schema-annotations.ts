/**
 * The `# METADATA` `schemas:` annotations that apply to a rule, as OPA collects them for its type
 * checker (v1/ast/check.go `getRuleAnnotation`): the `scope: subpackages` annotations of the
 * enclosing packages (outermost first), the package's, the rule's `scope: document` one, then the
 * rule's own, each entry in order, so a later (more specific) entry overrides an earlier one.
 * An entry names a path (`input`, `input.a.b`, `input["a"]`, `data.acl`) and a schema: one of the
 * `--schema` folder's (`schema.x`, `schema["x-y"]`; an unknown one is OPA's `undefined schema`)
 * or an inline one.
 */
import type { ClearanceError } from '../../errors';
import type * as ast from '../syntax/ast';
import { isSchema, type Schema } from './schema-json';
import { formatRef } from './term-facts';

/** Schemas by their name under `schema.` (the files of a `--schema` folder). */
export type SchemaSet = ReadonlyMap<string, unknown>;

/** One `schemas:` entry: the path it types (first `input` or `data`) and its schema. */
export interface SchemaEntry {
  path: string[];
  schema: Schema;
}

/** Reads every module's annotations once; `entriesFor` then lists a rule's entries in order. */
export function collectAnnotations(
  modules: readonly ast.Module[],
  schemas: SchemaSet,
  errors: ClearanceError[],
): (rule: ast.Rule) => SchemaEntry[] {
  const own = new Map<ast.Rule, SchemaEntry[]>();
  const documents = new Map<string, SchemaEntry[]>();
  const packages = new Map<string, SchemaEntry[]>();
  const subpackages = new Map<string, SchemaEntry[]>();
  const add = (map: Map<string, SchemaEntry[]>, key: string, entries: SchemaEntry[]) => {
    map.set(key, [...(map.get(key) ?? []), ...entries]);
  };
  for (const m of modules) {
    const a = m.package.annotations;
    const found = annotationEntries(a, schemas, errors);
    const pkg = m.package.path.join('.');
    if (found.length > 0) add(a?.raw.scope === 'subpackages' ? subpackages : packages, pkg, found);
    for (const rule of m.rules) {
      const entries = annotationEntries(rule.annotations, schemas, errors);
      if (entries.length === 0) continue;
      if (rule.annotations?.raw.scope === 'document') add(documents, documentKey(rule), entries);
      else own.set(rule, entries);
    }
  }
  return (rule) => {
    const path = rule.packagePath;
    const result: SchemaEntry[] = [];
    for (let n = 1; n <= path.length; n++)
      result.push(...(subpackages.get(path.slice(0, n).join('.')) ?? []));
    result.push(...(packages.get(path.join('.')) ?? []));
    result.push(...(documents.get(documentKey(rule)) ?? []));
    result.push(...(own.get(rule) ?? []));
    return result;
  };
}

/** The rule a clause belongs to, for `scope: document` annotations. */
function documentKey(rule: ast.Rule): string {
  return `${rule.packagePath.join('.')}\u0000${formatRef(rule.head.ref)}`;
}

/** An annotation's path: `input` or `data`, then `.name` or `["name"]` segments. */
const PATH = /^(input|data)((?:\.[A-Za-z_][A-Za-z0-9_]*|\["[^"\\]*"\])*)$/;

/** The entries of one annotation's `schemas:` list, in order. */
function annotationEntries(
  a: ast.Annotations | undefined,
  schemas: SchemaSet,
  errors: ClearanceError[],
): SchemaEntry[] {
  const list = a?.raw.schemas;
  if (!Array.isArray(list)) return [];
  const found: SchemaEntry[] = [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
      const m = PATH.exec(key.trim());
      if (!m) continue;
      const schema = typeof value === 'string' ? namedSchema(value, a, schemas, errors) : value;
      if (!isSchema(schema)) continue;
      const rest = [...(m[2] as string).matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\["([^"\\]*)"\]/g)].map(
        (x) => (x[1] ?? x[2]) as string,
      );
      found.push({ path: [m[1] as string, ...rest], schema });
    }
  }
  return found;
}

/** The schema `schema.name` / `schema["name"]` names; an unknown one is OPA's `undefined schema`. */
function namedSchema(
  value: string,
  a: ast.Annotations | undefined,
  schemas: SchemaSet,
  errors: ClearanceError[],
): unknown {
  const m = /^schema(?:\.([A-Za-z_][\w-]*)|\["([^"]+)"\])$/.exec(value.trim());
  const name = m?.[1] ?? m?.[2];
  const found = name === undefined ? undefined : schemas.get(name);
  if (found === undefined && a) {
    errors.push({
      code: 'rego_type_error',
      message: `undefined schema: ${value.trim()}`,
      location: a.location,
    });
  }
  return found;
}

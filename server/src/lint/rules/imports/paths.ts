/** Import helpers shared by the import rules: the path as names and the name an import binds. */
import type { Import } from '../../../rego/syntax/ast';

/** The import's path as names (`["data", "lib", "x"]`). */
export function importPath(imp: Import): string[] {
  return imp.path.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? String(t.value) : '?'));
}

/** The name an import binds in the module: its alias, else its last segment. */
export function importName(imp: Import): string {
  const p = importPath(imp);
  return imp.alias ?? (p[p.length - 1] as string);
}

/** True for `future.keywords...` and `rego.v1`, which bind no name. */
export function isKeywordImport(imp: Import): boolean {
  const p = importPath(imp);
  return p[0] === 'future' || p[0] === 'rego';
}

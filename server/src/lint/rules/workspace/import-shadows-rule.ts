/**
 * bugs/import-shadows-rule (workspace): an import whose name is the name of a rule of the same
 * package, as Regal's rule of that name, across every file of the package: in the importing module
 * the import wins, so the rule is unreachable there. Reported at the import, naming the rule's place.
 */
import type { Location } from '../../../errors';
import type { Module } from '../../../rego/syntax/ast';
import type { Finding } from '../../types';
import { ruleRootName } from '../../walk';
import { defineWorkspaceRule } from '../../workspace-model';
import { importName, isKeywordImport } from '../imports/paths';

export default defineWorkspaceRule({
  id: 'import-shadows-rule',
  category: 'bugs',
  description: 'Import shadows rule',
  rationale:
    "An imported name takes precedence over a rule of the same name in the package, so in the importing file the rule cannot be reached; rename the rule or alias the import. The rule may sit in another of the package's files.",
  check: (ws) => {
    // The names each package's files import; only those packages' rules are looked at.
    const imported = new Map<string, Set<string>>();
    for (const f of ws.files)
      for (const imp of f.module.imports) {
        if (isKeywordImport(imp)) continue;
        const names = imported.get(f.packageName) ?? new Set<string>();
        names.add(importName(imp));
        imported.set(f.packageName, names);
      }
    const rules = new Map<string, Location>();
    const files = [...ws.files].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    for (const f of files) {
      const names = imported.get(f.packageName);
      if (!names) continue;
      const defined = rulesOf(f.module);
      for (const name of names) {
        const at = defined.get(name);
        const key = `${f.packageName}\0${name}`;
        if (at && !rules.has(key)) rules.set(key, at);
      }
    }
    const out: Finding[] = [];
    if (rules.size === 0) return out;
    for (const f of files)
      for (const imp of f.module.imports) {
        if (isKeywordImport(imp)) continue;
        const name = importName(imp);
        const rule = rules.get(`${f.packageName}\0${name}`);
        if (!rule) continue;
        out.push({
          location: imp.location,
          message: `Import shadows rule: ${name} is also a rule of this package, at ${rule.file}:${rule.start.line}`,
          related: [{ location: rule, message: 'the rule the import shadows' }],
        });
      }
    return out;
  },
});

/** Each module's rules by first name, where the first is; kept while the module is (the server re-lints after every edit). */
const rulesByModule = new WeakMap<Module, Map<string, Location>>();

function rulesOf(module: Module): Map<string, Location> {
  let rules = rulesByModule.get(module);
  if (rules) return rules;
  rules = new Map();
  for (const r of module.rules) {
    const name = ruleRootName(r);
    if (!rules.has(name)) rules.set(name, r.head.location);
  }
  rulesByModule.set(module, rules);
  return rules;
}

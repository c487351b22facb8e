/**
 * How builtins, rules and keywords are described in Markdown: one wording that completion, hover and
 * signature help share. Builtin text comes from the registry's declarations; rule text from the
 * rule's `# METADATA` block and its head as written.
 */
import { relative } from 'node:path';
import type { BuiltinDef } from '../rego';
import type { Rule } from '../rego/syntax/ast';
import type { AuthoringProject, RuleDef } from './project';

/** A builtin's signature: `count(collection: any) → n: number`. */
export function builtinSignature(def: BuiltinDef): string {
  const args = def.signature.args.map((a) => `${a.name}: ${a.type}`);
  if (def.signature.variadic) args.push(`...${def.signature.variadic.name}: ${def.signature.variadic.type}`);
  const r = def.signature.result;
  return `${def.name}(${args.join(', ')}) → ${r.name}: ${r.type}`;
}

/** A builtin's hover and completion documentation. */
export function builtinMarkdown(def: BuiltinDef): string {
  const lines = ['```rego', builtinSignature(def), '```', '', def.description];
  const described = def.signature.args.filter((a) => a.description);
  if (described.length > 0) lines.push('', ...described.map((a) => `- \`${a.name}\`: ${a.description}`));
  if (def.signature.result.description)
    lines.push('', `Returns \`${def.signature.result.name}\`: ${def.signature.result.description}`);
  return lines.join('\n');
}

/** The head of a rule clause as written: `allow if`, `f(x, y) := z`. */
export function headText(text: string, rule: Rule): string {
  const head = text.slice(rule.head.location.start.offset, rule.head.location.end.offset);
  return head.replace(/\s*\n\s*/g, ' ').slice(0, 200);
}

/** The title and description a rule's `# METADATA` gives, from any of its clauses. */
export function ruleMetadata(
  project: AuthoringProject,
  defs: readonly RuleDef[],
): { title?: string; description?: string } {
  for (const d of defs) {
    const a = project.annotationsOf(d);
    if (a?.title || a?.description)
      return {
        ...(a.title ? { title: a.title } : {}),
        ...(a.description ? { description: a.description } : {}),
      };
  }
  return {};
}

/** The parameter names of a user function (its first clause's argument terms as written). */
export function functionParams(project: AuthoringProject, defs: readonly RuleDef[]): string[] | undefined {
  const fn = defs.find((d) => d.rule.kind === 'function');
  if (!fn) return undefined;
  const text = project.entry(fn.file)?.text ?? '';
  return (fn.rule.head.args ?? []).map((a) => text.slice(a.location.start.offset, a.location.end.offset));
}

/** A rule's documentation: metadata, its head, and where each clause is defined. */
export function ruleMarkdown(project: AuthoringProject, defs: readonly RuleDef[], root?: string): string {
  const first = defs[0];
  if (!first) return '';
  const meta = ruleMetadata(project, defs);
  const kind = describeKind(first.rule);
  const lines: string[] = [];
  if (meta.title) lines.push(`**${meta.title}**`, '');
  lines.push('```rego', `# data.${first.path.join('.')} (${kind})`);
  const heads = new Set<string>();
  for (const d of defs) heads.add(headText(project.entry(d.file)?.text ?? '', d.rule));
  lines.push(...[...heads].slice(0, 5), '```');
  if (meta.description) lines.push('', meta.description);
  lines.push('', `Defined in ${defs.length === 1 ? '1 clause' : `${defs.length} clauses`}:`);
  for (const d of defs.slice(0, 10)) {
    const where = root ? relative(root, d.file) : d.file;
    lines.push(`- ${where}:${d.rule.location.start.line}`);
  }
  if (defs.length > 10) lines.push(`- and ${defs.length - 10} more`);
  return lines.join('\n');
}

/** What kind of rule a clause defines, in words. */
export function describeKind(rule: Rule): string {
  if (rule.kind === 'function') return 'function';
  if (rule.kind === 'partialset') return 'partial set';
  if (rule.kind === 'partialobject') return 'partial object';
  return rule.isDefault ? 'default rule' : 'rule';
}

/**
 * Signature help for builtin and user function calls: the innermost call whose parentheses are open
 * before the cursor, read from the text (so it works mid-edit), and which argument is being typed.
 */
import { lookupBuiltin } from '../rego';
import { builtinSignature, functionParams, ruleMetadata } from './describe';
import type { AuthoringProject } from './project';
import { importTargets, resolvePath } from './resolve';

/** A signature to show and the argument being typed. */
export interface SignatureResult {
  label: string;
  documentation?: string;
  params: Array<{ label: string; documentation?: string }>;
  active: number;
}

/** How far back the open call is looked for. */
const maxScan = 2000;

/** The signature of the call around `offset` of `file`, if any. */
export function signatureHelp(
  project: AuthoringProject,
  file: string,
  offset: number,
): SignatureResult | undefined {
  const entry = project.entry(file);
  if (!entry) return undefined;
  const open = openCall(entry.text, offset);
  if (!open) return undefined;
  const def = lookupBuiltin(open.name);
  const module = entry.module;
  const user = module
    ? userFunction(project, module.package.path, importTargets(module), open.name)
    : undefined;
  if (user) {
    const params = user.params.map((p) => ({ label: p }));
    return {
      label: `${open.name}(${user.params.join(', ')})`,
      ...(user.doc ? { documentation: user.doc } : {}),
      params,
      active: Math.min(open.index, Math.max(0, params.length - 1)),
    };
  }
  if (!def) return undefined;
  const params = def.signature.args.map((a) => ({
    label: `${a.name}: ${a.type}`,
    ...(a.description ? { documentation: a.description } : {}),
  }));
  return {
    label: builtinSignature(def),
    documentation: def.description,
    params,
    active: Math.min(open.index, Math.max(0, params.length - 1)),
  };
}

/** The name before the innermost unclosed `(` before `offset`, and how many commas follow it. */
export function openCall(text: string, offset: number): { name: string; index: number } | undefined {
  let depth = 0;
  let commas = 0;
  const stop = Math.max(0, offset - maxScan);
  for (let i = offset - 1; i >= stop; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '[' || c === '{') {
      if (depth === 0) return undefined;
      depth--;
    } else if (c === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const name = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(text.slice(Math.max(0, i - 200), i))?.[0];
      return name ? { name, index: commas } : undefined;
    } else if (c === ',' && depth === 0) commas++;
  }
  return undefined;
}

/** A user function named `name` (`f`, `alias.f`, `data.pkg.f`) and its parameter names. */
export function userFunction(
  project: AuthoringProject,
  pkg: string[],
  imports: ReturnType<typeof importTargets>,
  name: string,
): { path: string[]; params: string[]; doc?: string } | undefined {
  const [head, ...rest] = name.split('.') as [string, ...string[]];
  const spans = rest.map((value) => ({ value, span: dummy }));
  const bases =
    head === 'data' ? [[]] : [[...pkg, head], ...(imports.has(head) ? [imports.get(head)?.path ?? []] : [])];
  for (const base of bases) {
    const found = resolvePath(project, base, spans, dummy);
    if (found?.symbol.kind !== 'rule' || found.used !== rest.length) continue;
    const defs = project.rulesAt(found.symbol.path);
    const params = functionParams(project, defs);
    if (!params) continue;
    const meta = ruleMetadata(project, defs);
    const doc = [meta.title, meta.description].filter(Boolean).join(': ');
    return { path: found.symbol.path, params, ...(doc ? { doc } : {}) };
  }
  return undefined;
}

const dummy = { file: '', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

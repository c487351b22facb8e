/**
 * OPA's capabilities (`--capabilities FILE`): the builtins a policy may call. A builtin the
 * capabilities declare but this engine does not implement (a product's own, such as conftest's
 * `parse_config`) compiles against its declared arity and, when called, ends the evaluation with
 * an `eval_builtin_error` naming it, so the rest of a test suite still runs. A builtin the engine
 * has but the capabilities leave out is an undefined function, as in OPA.
 */
import type { ClearanceError } from '../../errors';
import { lookupBuiltin } from '../builtins/index';
import { type BuiltinDef, BuiltinError } from '../builtins/registry';
import type * as ast from '../syntax/ast';

/** The builtins a policy may call, by name, with their declared number of arguments. */
export interface Capabilities {
  builtins: Array<{ name: string; args: number; variadic?: boolean }>;
}

/** How sources are compiled, beyond their Rego version. */
export interface CompileOptions {
  regoVersion?: 0 | 1;
  /** Rename a package's second, third, ... test rule of the same name `test_x#01`, `#02` (as `opa test`). */
  renameDuplicateTests?: boolean;
  /** Restrict (and extend) the builtins, as OPA's capabilities do. */
  capabilities?: Capabilities;
  /** Builtins the host provides beyond the catalogue (OPA's test runner adds `test.sleep`). */
  hostBuiltins?: BuiltinDef[];
  /** OPA's strict mode (`opa check --strict`): unused imports, assignments and arguments are errors too. */
  strict?: boolean;
}

/** The builtin resolver for the options, or undefined for the engine's own catalogue. */
export function builtinResolver(
  options: CompileOptions | undefined,
): ((name: string) => BuiltinDef | undefined) | undefined {
  const base = options?.capabilities ? capabilityBuiltins(options.capabilities) : undefined;
  const host = new Map((options?.hostBuiltins ?? []).map((b) => [b.name, b]));
  if (host.size === 0) return base;
  return (name) => host.get(name) ?? (base ? base(name) : lookupBuiltin(name));
}

/** Reads an OPA capabilities JSON document; an error names the file. */
export function parseCapabilities(
  file: string,
  text: string,
): { capabilities?: Capabilities; error?: ClearanceError } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: { code: 'capabilities_error', message: `${file}: ${(e as Error).message}` } };
  }
  const list = (doc as { builtins?: unknown })?.builtins;
  if (!Array.isArray(list)) {
    return { error: { code: 'capabilities_error', message: `${file}: no "builtins" list` } };
  }
  const builtins: Capabilities['builtins'] = [];
  for (const b of list as Array<{ name?: unknown; decl?: { args?: unknown[]; variadic?: unknown } }>) {
    if (typeof b?.name !== 'string') continue;
    const args = Array.isArray(b.decl?.args) ? b.decl.args.length : 0;
    builtins.push({ name: b.name, args, ...(b.decl?.variadic ? { variadic: true } : {}) });
  }
  return { capabilities: { builtins } };
}

/** The builtin resolver the compiler uses under these capabilities. */
export function capabilityBuiltins(caps: Capabilities): (name: string) => BuiltinDef | undefined {
  const declared = new Map<string, BuiltinDef>();
  for (const b of caps.builtins) {
    declared.set(b.name, lookupBuiltin(b.name) ?? declaredOnly(b.name, b.args, b.variadic === true));
  }
  return (name) => declared.get(name);
}

/** A builtin known only by its declaration: calling it is an error that names it. */
function declaredOnly(name: string, args: number, variadic: boolean): BuiltinDef {
  const any = { name: 'x', type: 'any' } as BuiltinDef['signature']['result'];
  return {
    name,
    signature: { args: Array(args).fill(any), result: any, ...(variadic ? { variadic: any } : {}) },
    description: 'declared by the capabilities; not implemented by this engine',
    implementation: () => {
      throw new BuiltinError(
        'eval_builtin_error',
        'builtin declared in the capabilities is not implemented by this engine',
        true,
      );
    },
  };
}

/**
 * Renames repeated test rules (`test_` / `todo_test_` names, not functions) of a package in file
 * order: the first keeps its name, the next are `name#01`, `name#02`, ... as `opa test` reports them.
 */
export function renameDuplicateTests(modules: ast.Module[]): void {
  const seen = new Map<string, number>();
  for (const module of modules) {
    for (const rule of module.rules) {
      const terms = rule.head.ref.terms;
      const head = terms[0];
      if (terms.length !== 1 || head?.type !== 'var' || rule.kind === 'function' || rule.isDefault) continue;
      if (!head.name.startsWith('test_') && !head.name.startsWith('todo_test_')) continue;
      const key = `${module.package.path.join('.')}.${head.name}`;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      if (n === 0) continue;
      const renamed: ast.Var = { ...head, name: `${head.name}#${String(n).padStart(2, '0')}` };
      rule.head = { ...rule.head, ref: { ...rule.head.ref, terms: [renamed] } };
    }
  }
}

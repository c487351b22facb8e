/**
 * Compiled clauses kept per parsed module between compilations of a policy, so recompiling after an
 * edit compiles only the edited module's clauses. A module's clauses depend on the module itself
 * and on the shape of the whole rule tree (which rules, of which kind and arity, each package's
 * rule names: what names and calls resolve to), and on the builtins; they are reused only while all
 * three are the same. A caller that keeps parses by content (`server/src/policy/module-cache.ts`)
 * passes the same module object again when its file is unchanged; a fresh parse never hits. The
 * stages that look across rules (kinds, defaults, recursion) still run on the whole policy.
 */
import type { ClearanceError } from '../../errors';
import type * as ast from '../syntax/ast';
import { keyOf } from '../value/value';
import type { CRule, RuleNode, RuleSet } from './ir';
import { checkTypes } from './typecheck';

/** One clause compiled, with the errors compiling and type-checking it gave. */
export interface CompiledClause {
  rule: CRule;
  errors: ClearanceError[];
  typeErrors: ClearanceError[];
}

interface Kept {
  shape: string;
  builtins: unknown;
  clauses: CompiledClause[];
}

const kept = new WeakMap<ast.Module, Kept>();

/** The clauses compiled for `module` under the same rule tree shape and builtins, if kept. */
export function keptClauses(
  module: ast.Module,
  shape: string,
  builtins: unknown,
): CompiledClause[] | undefined {
  const entry = kept.get(module);
  return entry && entry.shape === shape && entry.builtins === builtins ? entry.clauses : undefined;
}

/** Keeps `module`'s compiled clauses for the next compilation with the same shape and builtins. */
export function keepClauses(
  module: ast.Module,
  shape: string,
  builtins: unknown,
  clauses: CompiledClause[],
): void {
  kept.set(module, { shape, builtins, clauses });
}

/**
 * What every clause's compilation may read of the rest of the policy: each rule set's path (keys
 * told apart by type), kind and arity, and each package's rule names.
 */
export function ruleTreeShape(
  setsByNode: Map<RuleNode, RuleSet>,
  packageNames: Map<string, Set<string>>,
): string {
  const parts: string[] = [];
  for (const [node, set] of setsByNode)
    parts.push(`${node.path.map(keyOf).join('\u0004')}\u0001${set.kind}\u0001${set.arity ?? ''}`);
  for (const [pkg, names] of packageNames) parts.push(`${pkg}\u0002${[...names].join('\u0003')}`);
  return parts.join('\u0000');
}

/** The type errors of one clause (its `else` chain included), as the whole-policy check gives them. */
export function clauseTypeErrors(rule: CRule): ClearanceError[] {
  const errors: ClearanceError[] = [];
  checkTypes([{ path: [], kind: 'complete', clauses: [rule] }], errors);
  return errors;
}

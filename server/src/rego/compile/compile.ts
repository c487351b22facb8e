/**
 * Compiles parsed modules into a `Policy`: the rule tree (rules merged by package path into the
 * data document), each clause compiled and ordered for safety, and recursion detected across
 * rules. Every module's errors are collected; compilation never stops at the first.
 */
import type { ClearanceError, Location } from '../../errors';
import type { BuiltinDef } from '../builtins/registry';
import type * as ast from '../syntax/ast';
import { ruleMetadata } from '../syntax/metadata';
import { formatRegoValue, keyOf, type Value } from '../value/value';
import { BodyCompiler } from './compile-body';
import {
  type CompiledClause,
  clauseTypeErrors,
  keepClauses,
  keptClauses,
  ruleTreeShape,
} from './compile-cache';
import { checkRecursion } from './compile-recursion';
import { type CompileContext, type GlobalName, Scope } from './compile-scope';
import { scalarValue } from './compile-terms';
import type { CElse, ClauseOrigin, CQuery, CRule, CTerm, RuleNode, RuleSet } from './ir';
import { templateArgsIntoBody } from './rewrite-template';
import { checkBound, orderBody } from './safety';
import { requiresEval } from './term-facts';
import { checkBody } from './typecheck';

/** A compiled policy: the modules, the rule tree and every rule set. */
export interface Policy {
  modules: ast.Module[];
  root: RuleNode;
  ruleSets: RuleSet[];
  /** Source text by file name (for clause text and residual rendering). */
  sources: Map<string, string>;
}

/** A rule clause waiting to be compiled, with where it goes in the tree. */
interface PendingRule {
  rule: ast.Rule;
  module: ast.Module;
  nodePath: Value[];
  keyPath: ast.Term[];
  member?: ast.Term;
}

/** Creates an empty rule tree node. */
function newNode(path: Value[]): RuleNode {
  return { path, children: new Map() };
}

/** Finds or creates the node at `path`. */
export function nodeAt(root: RuleNode, path: Value[], create: boolean): RuleNode | undefined {
  let node = root;
  for (const key of path) {
    const k = keyOf(key);
    let child = node.children.get(k);
    if (!child) {
      if (!create) return undefined;
      child = { key, node: newNode([...node.path, key]) };
      node.children.set(k, child);
    }
    node = child.node;
  }
  return node;
}

/** Text of a clause: its first source line, trimmed. */
function clauseText(sources: Map<string, string>, loc: Location): string {
  const text = sources.get(loc.file);
  if (text === undefined) return '';
  const start = loc.start.offset - (loc.start.column - 1);
  const end = text.indexOf('\n', loc.start.offset);
  return text.slice(Math.max(0, start), end < 0 ? text.length : end).trim();
}

/** The name a path is shown with: `data.api.authz.allow`. */
export function formatPath(path: Value[]): string {
  let out = 'data';
  for (const p of path) {
    if (typeof p === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += `.${p}`;
    else out += `[${formatRegoValue(p)}]`;
  }
  return out;
}

/** Splits a rule head into its tree position and the key terms after the ground prefix. */
function placeRule(rule: ast.Rule, module: ast.Module): PendingRule | undefined {
  const terms = rule.head.ref.terms;
  const head = terms[0];
  if (head?.type !== 'var') return undefined;
  const nodePath: Value[] = [...module.package.path, head.name];
  let i = 1;
  for (; i < terms.length; i++) {
    const v = scalarValue(terms[i] as ast.Term);
    if (v === undefined) break;
    nodePath.push(v);
  }
  let keyPath = terms.slice(i);
  let member: ast.Term | undefined;
  if (rule.kind === 'partialset') {
    member = rule.head.key;
    if (!member && keyPath.length > 0) {
      member = keyPath[keyPath.length - 1];
      keyPath = keyPath.slice(0, -1);
    } else if (!member && i > 1 && rule.head.assign !== 'contains') {
      // `p[x]` in v0 syntax with a ground key: the last ground term is the member.
      const last = terms[terms.length - 1] as ast.Term;
      nodePath.pop();
      member = last;
    }
  }
  return member ? { rule, module, nodePath, keyPath, member } : { rule, module, nodePath, keyPath };
}

/** Compiles modules into a policy; returns it with every compile error found. */
export function compileModules(
  modules: ast.Module[],
  sources: Map<string, string>,
  builtins?: (name: string) => BuiltinDef | undefined,
): { policy: Policy; errors: ClearanceError[] } {
  const errors: ClearanceError[] = [];
  const root = newNode([]);
  const ruleSets: RuleSet[] = [];
  const pending: PendingRule[] = [];
  const packageNames = new Map<string, Set<string>>();
  const pendingByNode = new Map<RuleNode, PendingRule[]>();
  for (const module of modules) {
    const pkgKey = module.package.path.join('.');
    let names = packageNames.get(pkgKey);
    if (!names) {
      names = new Set();
      packageNames.set(pkgKey, names);
    }
    nodeAt(root, module.package.path, true);
    for (const rule of module.rules) {
      const placed = placeRule(rule, module);
      if (!placed) continue;
      const first = rule.head.ref.terms[0] as ast.Var;
      names.add(first.name);
      pending.push(placed);
      const node = nodeAt(root, placed.nodePath, true) as RuleNode;
      const list = pendingByNode.get(node) ?? [];
      list.push(placed);
      pendingByNode.set(node, list);
    }
  }
  const setsByNode = new Map<RuleNode, RuleSet>();
  for (const [node, list] of pendingByNode) {
    const kind = ruleSetKind(list, errors);
    const path = node.path.map((p) => (typeof p === 'string' ? p : String(p)));
    const set: RuleSet = { path, kind, clauses: [] };
    const fn = list.find((p) => p.rule.kind === 'function');
    if (fn) set.arity = fn.rule.head.args?.length ?? 0;
    node.rules = set;
    setsByNode.set(node, set);
    ruleSets.push(set);
  }
  const functionArity = (path: string[]): number | undefined => {
    const node = nodeAt(root, path, false);
    return node?.rules?.kind === 'function' ? node.rules.arity : undefined;
  };
  const isRule = (path: string[]): boolean => {
    const rules = nodeAt(root, path, false)?.rules;
    return rules !== undefined && rules.kind !== 'function';
  };
  // Each module's clauses, compiled now or kept from the last compilation when neither the module
  // nor what its clauses may read of the rest of the policy changed (see compile-cache.ts).
  const shape = ruleTreeShape(setsByNode, packageNames);
  const compiledByRule = new Map<PendingRule, CompiledClause>();
  for (const [module, list] of groupByModule(pending)) {
    let clauses = keptClauses(module, shape, builtins);
    if (!clauses) {
      let readsMetadata = false;
      // One map of visible names per module: rebuilding it per clause made compiling quadratic.
      const globals = moduleGlobals(module, packageNames.get(module.package.path.join('.')) ?? new Set());
      clauses = list.map((p) => {
        const node = nodeAt(root, p.nodePath, false) as RuleNode;
        const sameRule = (pendingByNode.get(node) ?? []).map((q) => q.rule);
        const rulePath = node.path.map((k) => (typeof k === 'string' ? k : String(k)));
        const clauseErrors: ClearanceError[] = [];
        const ctx: CompileContext = {
          globals,
          functionArity,
          isRule,
          ...(builtins ? { builtins } : {}),
          notBody: importsNotKeyword(module),
          errors: clauseErrors,
          metadata: () => {
            // Metadata may come from other modules (the package's, a rule's other clauses): not kept.
            readsMetadata = true;
            return ruleMetadata(p.rule, rulePath, sameRule, modules);
          },
        };
        const rule = compileClause(p, ctx, sources, formatPath(p.nodePath));
        return { rule, errors: clauseErrors, typeErrors: clauseTypeErrors(rule) };
      });
      if (!readsMetadata) keepClauses(module, shape, builtins, clauses);
    }
    for (const [i, p] of list.entries()) compiledByRule.set(p, clauses[i] as CompiledClause);
  }
  const typeErrors = new Map<CRule, ClearanceError[]>();
  for (const p of pending) {
    const set = setsByNode.get(nodeAt(root, p.nodePath, false) as RuleNode) as RuleSet;
    const {
      rule: compiled,
      errors: clauseErrors,
      typeErrors: found,
    } = compiledByRule.get(p) as CompiledClause;
    errors.push(...clauseErrors);
    typeErrors.set(compiled, found);
    if (compiled.isDefault) {
      if (set.default) {
        errors.push({
          code: 'rego_type_error',
          message: `multiple default rules ${formatPath(p.nodePath)} found`,
          location: p.rule.location,
        });
      }
      set.default = compiled;
    } else {
      set.clauses.push(compiled);
    }
  }
  checkRecursion(ruleSets, errors);
  // The type check is per clause: each clause's errors were found when it was compiled.
  for (const set of ruleSets)
    for (const c of set.default ? [...set.clauses, set.default] : set.clauses)
      errors.push(...(typeErrors.get(c) ?? []));
  return { policy: { modules, root, ruleSets, sources }, errors };
}

/** The rules to compile, by module, in order. */
function groupByModule(pending: PendingRule[]): Map<ast.Module, PendingRule[]> {
  const byModule = new Map<ast.Module, PendingRule[]>();
  for (const p of pending) {
    const list = byModule.get(p.module);
    if (list) list.push(p);
    else byModule.set(p.module, [p]);
  }
  return byModule;
}

/** Decides what a node's rules define, reporting conflicting kinds. */
function ruleSetKind(list: PendingRule[], errors: ClearanceError[]): RuleSet['kind'] {
  const kinds = new Set<RuleSet['kind']>();
  for (const p of list) {
    if (p.rule.kind === 'function') kinds.add('function');
    else if (p.keyPath.length > 0) kinds.add('object');
    else if (p.member) kinds.add('set');
    else kinds.add('complete');
  }
  if (kinds.size > 1) {
    const first = list[0] as PendingRule;
    errors.push({
      code: 'rego_type_error',
      message: `conflicting rules ${formatPath(first.nodePath)} found`,
      location: first.rule.location,
    });
  }
  const [kind] = kinds;
  return kind ?? 'complete';
}

/** True when the module imports `future.keywords.not` (negation of a whole expression as a body). */
function importsNotKeyword(module: ast.Module): boolean {
  return module.imports.some((imp) => {
    const parts = imp.path.terms.map((t) =>
      t.type === 'var' ? t.name : t.type === 'string' ? String(t.value) : '',
    );
    return parts.join('.') === 'future.keywords.not';
  });
}

/** Names visible in a module: its package's rules and its imports. */
function moduleGlobals(module: ast.Module, ruleNames: Set<string>): Map<string, GlobalName> {
  const globals = new Map<string, GlobalName>();
  for (const name of ruleNames) globals.set(name, { root: 'data', path: [...module.package.path, name] });
  for (const imp of module.imports) {
    const [head, ...rest] = imp.path.terms;
    if (head?.type !== 'var') continue;
    if (head.name !== 'data' && head.name !== 'input') continue;
    const path: string[] = [];
    for (const t of rest) if (t.type === 'string') path.push(String(t.value));
    const alias = imp.alias ?? path[path.length - 1] ?? head.name;
    if (alias === 'input' && head.name === 'input' && path.length === 0) continue;
    globals.set(alias, { root: head.name, path });
  }
  return globals;
}

/** Compiles one clause (with its `else` chain). */
function compileClause(
  p: PendingRule,
  ctx: CompileContext,
  sources: Map<string, string>,
  path: string,
  headInBody = false,
): CRule {
  const rule = templateArgsIntoBody(p.rule);
  if (!headInBody && headTerms(p).some(requiresEval)) {
    // OPA's RewriteRefsInHead moves head terms to evaluate into the body, so head variables only
    // those refs bind (`q[k] := input.m[k] if some k`) are safe. Doing it only when the clause
    // as written is unsafe keeps every other clause (and its explanations) as written.
    const errors: ClearanceError[] = [];
    const first = compileClause(p, { ...ctx, errors }, sources, path, true);
    if (!errors.some((e) => e.code === 'rego_unsafe_var_error')) {
      ctx.errors.push(...errors);
      return first;
    }
    return compileClause(moveHeadIntoBody(p), ctx, sources, path, true);
  }
  const bc = new BodyCompiler(ctx);
  const argScope = new Scope();
  const safety = { slotNames: bc.slotNames, errors: ctx.errors };
  for (const a of rule.head.args ?? []) bc.declarePattern(a, argScope, false);
  const args = rule.head.args?.map((a) => bc.compileTerm(a, argScope));
  const argSlots = new Set<number>(argScope.locals);
  const scope = new Scope(argScope);
  const body = bc.compileBody(rule.body, scope);
  const keyPath = p.keyPath.map((t) => bc.compileTerm(t, scope));
  const member = p.member ? bc.compileTerm(p.member, scope) : undefined;
  const value: CTerm = rule.head.value ? bc.compileTerm(rule.head.value, scope) : { t: 'val', v: true };
  const bound = orderBody(body, argSlots, safety);
  for (const t of [...keyPath, value, ...(member ? [member] : [])])
    checkBound(t, bound, safety, rule.head.location);
  const origin = (loc: Location, head: Location): ClauseOrigin => ({
    path,
    location: loc,
    headLocation: head,
    text: clauseText(sources, loc),
    isDefault: rule.isDefault,
  });
  const elses: CElse[] = [];
  for (let e = rule.else; e; e = e.else) {
    const elseScope = new Scope(argScope);
    const elseBody = bc.compileBody(e.body, elseScope);
    const elseValue: CTerm = e.value ? bc.compileTerm(e.value, elseScope) : { t: 'val', v: true };
    const after = orderBody(elseBody, argSlots, safety);
    checkBound(elseValue, after, safety, e.location);
    elses.push({ value: elseValue, body: elseBody, origin: origin(e.location, e.location) });
  }
  const out: CRule = {
    origin: origin(rule.location, rule.head.location),
    nslots: 0,
    keyPath,
    value,
    body,
    elses,
    isDefault: rule.isDefault,
    constValue: value.t === 'val' && keyPath.length === 0 && !member,
  };
  if (member) out.member = member;
  if (args) out.args = args;
  out.nslots = bc.nslots;
  return out;
}

/** The head terms of a clause that are evaluated: ref key terms, set member, value. */
function headTerms(p: PendingRule): ast.Term[] {
  return [...p.keyPath, ...(p.member ? [p.member] : []), ...(p.rule.head.value ? [p.rule.head.value] : [])];
}

/** The clause with each head term that needs evaluating bound, at the end of its body, to a fresh variable. */
function moveHeadIntoBody(p: PendingRule): PendingRule {
  const exprs: ast.Expr[] = [...p.rule.body.exprs];
  let n = 0;
  const bind = (t: ast.Term): ast.Term => {
    if (!requiresEval(t)) return t;
    const v: ast.Var = { type: 'var', name: `__head${n++}__`, generated: true, location: t.location };
    exprs.push({ type: 'unify', left: v, right: t, location: t.location });
    return v;
  };
  const keyPath = p.keyPath.map(bind);
  const member = p.member ? bind(p.member) : undefined;
  const head = { ...p.rule.head };
  if (head.value) head.value = bind(head.value);
  const rule: ast.Rule = { ...p.rule, head, body: { ...p.rule.body, exprs } };
  return member ? { ...p, rule, keyPath, member } : { ...p, rule, keyPath };
}

/** Compiles a query body against the policy (names resolve to `input`, `data` and locals). */
export function compileQueryBody(body: ast.Body, policy: Policy, errors: ClearanceError[]): CQuery {
  const functionArity = (path: string[]): number | undefined => {
    const node = nodeAt(policy.root, path, false);
    return node?.rules?.kind === 'function' ? node.rules.arity : undefined;
  };
  const isRule = (path: string[]): boolean => {
    const rules = nodeAt(policy.root, path, false)?.rules;
    return rules !== undefined && rules.kind !== 'function';
  };
  const bc = new BodyCompiler({ globals: new Map(), functionArity, isRule, errors });
  const scope = new Scope();
  const cbody = bc.compileBody(body, scope);
  orderBody(cbody, new Set(), { slotNames: bc.slotNames, errors });
  checkBody(cbody, errors);
  const vars: Array<{ name: string; slot: number }> = [];
  for (const [name, slot] of scope.names) {
    if (bc.generated[slot] || name.startsWith('$')) continue;
    vars.push({ name, slot });
  }
  return {
    body: cbody,
    nslots: bc.nslots,
    vars,
    exprs: body.exprs.map((e, index) => ({ text: '', location: e.location, index })),
    source: body,
  };
}

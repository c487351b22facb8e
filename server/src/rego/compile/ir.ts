/**
 * The compiled form the evaluator runs: terms with variables resolved to frame slots, names
 * resolved to `input`/`data`/builtins/user functions, bodies reordered for safety, and the rule
 * tree that merges rules into the data document by package path.
 */
import type { Location } from '../../errors';
import type { BuiltinDef } from '../builtins/registry';
import type * as ast from '../syntax/ast';
import type { Value } from '../value/value';

/** A compiled term. */
export type CTerm =
  | { t: 'val'; v: Value }
  | { t: 'var'; slot: number; name: string; generated: boolean }
  | { t: 'root'; which: 'input' | 'data' }
  | { t: 'ref'; head: CTerm; path: CTerm[]; loc: Location }
  | { t: 'array'; items: CTerm[] }
  | { t: 'set'; items: CTerm[] }
  | { t: 'object'; entries: Array<[CTerm, CTerm]> }
  | { t: 'acomp'; term: CTerm; body: CBody; loc: Location }
  | { t: 'scomp'; term: CTerm; body: CBody; loc: Location }
  | { t: 'ocomp'; key: CTerm; value: CTerm; body: CBody; loc: Location }
  | { t: 'call'; name: string; target: CallTarget; args: CTerm[]; infix?: string; loc: Location }
  | {
      t: 'template';
      parts: Array<string | CTerm>;
      /** `sets[i]`: part i is a set comprehension whose single member (or none) is the part's value. */
      sets?: boolean[];
      loc: Location;
    };

/** What a call invokes: a builtin, or a user function at a data path. */
export type CallTarget = { k: 'builtin'; def: BuiltinDef } | { k: 'func'; path: string[] };

/** A `with` modifier, compiled. */
export interface CWith {
  /** What is replaced: part of `input`, part of `data`, or a function (by its call key). */
  target: 'input' | 'data' | 'fn';
  /** Path below `input`/`data` (empty for the whole document). */
  path: Value[];
  /** For functions: `count`, `data.lib.f`, ... */
  fnKey?: string;
  /** The replacement: a value term, or (for functions) possibly a function target. */
  value: CTerm;
  /** When the replacement names a function rather than a value. */
  fnValue?: CallTarget;
}

/** How a unification is evaluated, decided once the body's order is known. */
export type UnifyMode = 'evalRight' | 'evalLeft' | 'pairwise';

/** The fields every compiled expression has. */
interface CExprBase {
  loc: Location;
  withs?: CWith[];
  /** Position of the expression in its source body (query expressions report values by it). */
  index: number;
}

/** A compiled expression. */
export type CExpr = CExprBase &
  (
    | { e: 'term'; term: CTerm }
    | {
        e: 'unify';
        left: CTerm;
        right: CTerm;
        mode: UnifyMode;
        assign: boolean;
        /** Written as a call with its output as the last argument (`plus(x, 1, n)`): traces print it so. */
        outArg?: boolean;
      }
    | { e: 'somein'; key?: CTerm; value: CTerm; coll: CTerm }
    | { e: 'every'; key?: CTerm; value: CTerm; coll: CTerm; body: CBody }
    | { e: 'not'; body: CBody; text: string }
    /** `a and b and ...` / `a or b or ...`: each operand a body of its own whose first solution decides. */
    | { e: 'logic'; op: 'and' | 'or'; operands: CBody[] }
    | { e: 'nop' }
  );

/** A compiled body: expressions in evaluation order. */
export interface CBody {
  exprs: CExpr[];
  /** Slots declared in this body's scope (a closure's captured variables are the others it uses). */
  locals: number[];
}

/** Where a clause comes from, for provenance. */
export interface ClauseOrigin {
  /** Absolute path of the rule (`data.api.authz.allow`). */
  path: string;
  location: Location;
  headLocation: Location;
  /** First source line of the clause, trimmed. */
  text: string;
  isDefault: boolean;
}

/** One `else` branch of a clause. */
export interface CElse {
  value?: CTerm;
  body: CBody;
  origin: ClauseOrigin;
}

/** One compiled rule clause. */
export interface CRule {
  origin: ClauseOrigin;
  /** Number of variable slots the clause's frame needs. */
  nslots: number;
  /** Head ref terms after the node's ground path (`[x]` for `p[x] := v`). */
  keyPath: CTerm[];
  /** `contains`: the clause adds `member` to a set at keyPath. */
  member?: CTerm;
  /** The value (`true` when the head has none). */
  value: CTerm;
  /** Function argument patterns. */
  args?: CTerm[];
  body: CBody;
  elses: CElse[];
  isDefault: boolean;
  /** True when `value` is a constant (enables early exit). */
  constValue: boolean;
}

/** The rules defined at one node of the rule tree. */
export interface RuleSet {
  /** Absolute path from `data`, e.g. `["api", "authz", "allow"]`. */
  path: string[];
  kind: 'complete' | 'set' | 'object' | 'function';
  clauses: CRule[];
  default?: CRule;
  /** Function arity (functions only). */
  arity?: number;
}

/** A node of the data document's rule tree. */
export interface RuleNode {
  path: Value[];
  children: Map<string, { key: Value; node: RuleNode }>;
  rules?: RuleSet;
}

/** A compiled query. */
export interface CQuery {
  body: CBody;
  nslots: number;
  /** Named (user-visible) variables and their slots, in order of appearance. */
  vars: Array<{ name: string; slot: number }>;
  /** Each top-level expression's source text and location, in source order. */
  exprs: Array<{ text: string; location: Location; index: number }>;
  /** Source expressions (for `expressions` values), parallel to `exprs`. */
  source: ast.Body;
}

/**
 * The Rego abstract syntax tree. The parser produces it, the compiler stages annotate and check it,
 * the evaluator walks it, and the editor features (hover, go to rule, explanations) read its spans.
 * Every node carries the exact span of the source text it came from.
 */
import type { Location } from '../../errors';

/** Fields shared by every node: its kind and where it came from. */
export interface NodeBase {
  location: Location;
}

// ---------------------------------------------------------------- terms

/** `null`, `true`/`false`, a number (kept as its source text so no precision is lost) or a string. */
export interface Scalar extends NodeBase {
  type: 'null' | 'boolean' | 'number' | 'string';
  /** For numbers: the literal text as written (`1e3`, `0.1`, `123456789012345678901234567890`). */
  value: null | boolean | string;
}

/** A variable, including the wildcard `_` (each `_` is renamed to a fresh name by the parser). */
export interface Var extends NodeBase {
  type: 'var';
  name: string;
  /** True for `_` and for names the compiler generated. */
  generated?: boolean;
}

/** `head.a[b]["c"]`: the head is a Var (or a call/term for `f(x).y`), the rest are terms. */
export interface Ref extends NodeBase {
  type: 'ref';
  terms: Term[];
}

/** `[a, b]` */
export interface ArrayTerm extends NodeBase {
  type: 'array';
  items: Term[];
}

/** `{a, b}` or `set()` */
export interface SetTerm extends NodeBase {
  type: 'set';
  items: Term[];
}

/** `{k: v, ...}` */
export interface ObjectTerm extends NodeBase {
  type: 'object';
  entries: Array<{ key: Term; value: Term }>;
}

/** `[t | body]` */
export interface ArrayComprehension extends NodeBase {
  type: 'arraycomprehension';
  term: Term;
  body: Body;
}

/** `{t | body}` */
export interface SetComprehension extends NodeBase {
  type: 'setcomprehension';
  term: Term;
  body: Body;
}

/** `{k: v | body}` */
export interface ObjectComprehension extends NodeBase {
  type: 'objectcomprehension';
  key: Term;
  value: Term;
  body: Body;
}

/** A call `f(a, b)` or an operator `a + b` (operators are calls to `plus`, `equal`, ...). */
export interface Call extends NodeBase {
  type: 'call';
  /** The called function as a ref: `count`, `io.jwt.decode`, `data.lib.f`, or an operator's name. */
  operator: Ref;
  args: Term[];
  /** The infix spelling when the call came from an operator (`+`, `==`, `in`, ...). */
  infix?: string;
}

/** A template string `$"hello {input.name}"` (OPA 1.x string interpolation). */
export interface TemplateString extends NodeBase {
  type: 'templatestring';
  parts: Array<string | Term>;
  raw: boolean;
  /** `with` modifiers written inside an expression part (`{a with input as x}`), by index into `parts`. */
  partWith?: Array<With[] | undefined>;
}

/** Any term. */
export type Term =
  | Scalar
  | Var
  | Ref
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | Call
  | TemplateString;

// ---------------------------------------------------------------- expressions

/** `with target as value` modifiers on an expression. */
export interface With extends NodeBase {
  target: Ref;
  value: Term;
}

/** A plain term or call used as a condition: `input.x`, `count(s) > 2`, `x = y` (unification). */
export interface TermExpr extends NodeBase {
  type: 'term';
  term: Term;
}

/** `x := value` (local assignment; `value` may be a pattern on the left: `[a, b] := arr`). */
export interface AssignExpr extends NodeBase {
  type: 'assign';
  left: Term;
  right: Term;
}

/** `x = y` unification. */
export interface UnifyExpr extends NodeBase {
  type: 'unify';
  left: Term;
  right: Term;
}

/** `some x, y` declaration. */
export interface SomeDeclExpr extends NodeBase {
  type: 'somedecl';
  vars: Var[];
}

/** `some k, v in coll` or `some v in coll`. */
export interface SomeInExpr extends NodeBase {
  type: 'somein';
  key?: Term;
  value: Term;
  collection: Term;
}

/** `every k, v in coll { body }` or `every v in coll { body }`. */
export interface EveryExpr extends NodeBase {
  type: 'every';
  key?: Term;
  value: Term;
  collection: Term;
  body: Body;
}

/** `not expr` */
export interface NotExpr extends NodeBase {
  type: 'not';
  expr: Expr;
}

/** `not { body }`: negation of a whole body (newer OPA feature, `future.keywords.not`). */
export interface NotBodyExpr extends NodeBase {
  type: 'notbody';
  body: Body;
}

/** How a logical operand was written: a bare expression, `{ body }`, or a `( group )`. */
export type LogicalOperandForm = 'expr' | 'braces' | 'parens';

/** One side of `and` / `or`: a body of its own (its own scope, its first solution decides). */
export interface LogicalOperand {
  body: Body;
  form: LogicalOperandForm;
}

/**
 * `a and b` / `a or b` (OPA 1.20, `import future.keywords.and` / `.or`): succeeds or fails,
 * produces no value and binds nothing outside its operands. A chain of one operator (`a or b or
 * c`) is one node with its operands in order (OPA nests it to the left; the meaning is the same,
 * and the tree stays as shallow as the source's grouping).
 */
export interface LogicalExpr extends NodeBase {
  type: 'logical';
  op: 'and' | 'or';
  /** Two or more. */
  operands: LogicalOperand[];
}

/** One expression of a body, with any `with` modifiers. */
export type Expr = (
  | TermExpr
  | AssignExpr
  | UnifyExpr
  | SomeDeclExpr
  | SomeInExpr
  | EveryExpr
  | NotExpr
  | NotBodyExpr
  | LogicalExpr
) & { with?: With[] };

/** A rule or query body: expressions that must all hold. */
export interface Body extends NodeBase {
  exprs: Expr[];
}

// ---------------------------------------------------------------- rules and modules

/** The head of a rule: `p`, `a.b[x]`, `f(x, y)`, with its value, key and assignment operator. */
export interface RuleHead extends NodeBase {
  /** The rule's reference relative to the package: `p`, `a.b[x]` (ref heads), `f` for functions. */
  ref: Ref;
  /** Function arguments, present for functions only. */
  args?: Term[];
  /** The head was written `f()`: a rule named f to OPA, kept so linters and formatters can see it. */
  emptyParens?: true;
  /** The value term: `:= v`, `= v`, `if` with none means `true`. */
  value?: Term;
  /** For partial set rules (`p contains x`), the element term. */
  key?: Term;
  /** `contains` for partial sets; `:=` or `=` for values; none for `p if ...`. */
  assign?: ':=' | '=' | 'contains';
}

/** What a rule defines, decided by the parser from its head. */
export type RuleKind = 'complete' | 'partialset' | 'partialobject' | 'function';

/** An `else` branch: optional value and body. */
export interface ElseClause extends NodeBase {
  value?: Term;
  /** The operator written before the value (the formatter keeps `=` in v0 output). */
  assign?: ':=' | '=';
  body: Body;
  else?: ElseClause;
}

/** One rule clause as written in a module. Several clauses may define the same rule. */
export interface Rule extends NodeBase {
  kind: RuleKind;
  isDefault: boolean;
  head: RuleHead;
  /** Body of the clause; `p := 1` without `if` has an empty body that always holds. */
  body: Body;
  else?: ElseClause;
  /** `# METADATA` annotations written directly above this rule. */
  annotations?: Annotations;
  /** The module this rule belongs to (its package path, e.g. `["api", "authz"]`). */
  packagePath: string[];
}

/** `import data.x.y as z` / `import input.a` / `import future.keywords.in` / `import rego.v1`. */
export interface Import extends NodeBase {
  path: Ref;
  alias?: string;
}

/** A parsed `# METADATA` YAML block. */
export interface Annotations extends NodeBase {
  scope?: string;
  title?: string;
  description?: string;
  /** The whole YAML document as parsed, for fields not named above. */
  raw: Record<string, unknown>;
}

/** A comment, kept so the editor can show rule docs and the formatter can keep them. */
export interface Comment extends NodeBase {
  text: string;
}

/** Which Rego syntax a module is written in. */
export type RegoVersion = 0 | 1;

/** One `.rego` file. */
export interface Module extends NodeBase {
  package: { path: string[]; location: Location; annotations?: Annotations };
  imports: Import[];
  rules: Rule[];
  comments: Comment[];
  regoVersion: RegoVersion;
}

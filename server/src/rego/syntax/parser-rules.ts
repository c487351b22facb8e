/**
 * Module statements: `package`, `import`, and rules with their heads, bodies, `else` chains and
 * chained bodies (`p if { a } { b }`). Rego v1 and Rego v0 share one rule parser, as in OPA: the
 * v0 readings (`p { }`, `p[x] { }`) are always understood, and the v1 checks (`if` before every
 * body, `contains` for partial sets) run afterwards when the module is v1 or imports `rego.v1`.
 */
import type { Position } from '../../errors';
import { describeTermKind, formatRef, isGround } from '../compile/term-facts';
import type { Body, ElseClause, Import, Ref, Rule, RuleHead, Term } from './ast';
import { ExprParser } from './parser-exprs';
import { classify, convertV0SetHead, findNonConstant, renameWildcards } from './parser-heads';
import { FUTURE_KEYWORDS, LOGICAL_KEYWORDS, makeKeywordSet, type Token, type TokenKind } from './tokens';

/** The package statement as the module keeps it. */
export interface PackageStatement {
  path: string[];
  location: Rule['location'];
}

/** Words `import future.keywords.<x>` accepts. */
const IMPORTABLE_KEYWORDS = ['and', 'contains', 'every', 'if', 'in', 'not', 'or'];

/** Tokens that can never follow a rule name. */
const OPERATOR_KINDS = new Set<TokenKind>([
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
]);

/** A rule head with the facts about its spelling that the AST does not keep. */
interface ParsedHead {
  head: RuleHead;
  /** v0's `p[x]` / `p.x` without a value: a partial set whose element is the last ref term. */
  v0Set: boolean;
}

/** The statement layer: package, imports and rules. */
export class RuleParser extends ExprParser {
  /** The module's declared Rego version. */
  protected readonly regoVersion: 0 | 1;
  /** The Rego v1 checks apply: a v1 module, or a v0 module importing `rego.v1`. */
  protected v1Checks: boolean;
  /** The package read so far (rules take their `packagePath` from it). */
  protected pkg: PackageStatement | undefined;

  constructor(tokens: Token[], file: string, regoVersion: 0 | 1) {
    super(tokens, file, regoVersion);
    this.regoVersion = regoVersion;
    this.v1Checks = regoVersion === 1;
  }

  /** `package a.b["c"]`. */
  protected parsePackage(): PackageStatement | undefined {
    const start = this.tok.start;
    this.advance();
    const path = this.parsePath();
    if (!path) return undefined;
    const names: string[] = [];
    for (const [i, t] of path.terms.entries()) {
      if (i === 0 && t.type === 'var') names.push(t.name);
      else if (t.type === 'string' && typeof t.value === 'string') names.push(t.value);
      else {
        this.reportAt(t.location, `unexpected ${describeTermKind(t)} token: expecting string`);
        return undefined;
      }
    }
    return { path: names, location: this.locateFrom(start) };
  }

  /** A dotted path as `package` and `import` take it; any word may follow a dot. */
  private parsePath(): Ref | undefined {
    const t = this.tok;
    if (t.kind !== 'ident') {
      this.reportUnexpected();
      return undefined;
    }
    this.advance();
    const head = this.makeVar(t);
    if (!this.isAtAdjacent('.') && !this.isAtAdjacent('['))
      return { type: 'ref', terms: [head], location: head.location };
    const ref = this.parseRef(head, false);
    if (!ref) return undefined;
    if (ref.type !== 'ref' || ref.terms.some((x) => x.type === 'call')) {
      this.reportAt(ref.location, 'unexpected call in path');
      return undefined;
    }
    for (const x of ref.terms.slice(1)) {
      if (x.type !== 'string') {
        this.reportAt(x.location, `unexpected ${describeTermKind(x)} token: expecting string`);
        return undefined;
      }
    }
    return ref;
  }

  /** `import data.a.b [as c]`, `import future.keywords[.x]`, `import rego.v1`. */
  protected parseImport(): Import | undefined {
    const start = this.tok.start;
    this.advance();
    const path = this.parsePath();
    if (!path) return undefined;
    const segments = path.terms.map((t) =>
      t.type === 'var' ? t.name : String((t as { value: unknown }).value),
    );
    const root = segments[0] ?? '';
    if (!['data', 'input', 'future', 'rego'].includes(root)) {
      this.reportAt(
        path.location,
        `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${root}`,
      );
      return undefined;
    }
    let alias: string | undefined;
    if (this.isAtKeyword('as')) {
      this.advance();
      if (!this.isPlainIdent(this.tok)) {
        this.reportUnexpected('expected var');
        return undefined;
      }
      alias = this.tok.text;
      this.advance();
    }
    const imp: Import =
      alias === undefined
        ? { path, location: this.locateFrom(start) }
        : { path, alias, location: this.locateFrom(start) };
    if (root === 'future') return this.applyFutureImport(imp, segments);
    if (root === 'rego') return this.applyRegoImport(imp, segments);
    const last = path.terms[path.terms.length - 1] as Term;
    const name = segments[segments.length - 1] ?? '';
    if (alias === undefined && segments.length > 1 && makeKeywordSet(this.regoVersion).has(name)) {
      this.reportAt(last.location, `unexpected import path, must not end with a keyword, got: ${name}`);
      return undefined;
    }
    return imp;
  }

  private applyFutureImport(imp: Import, segments: string[]): Import | undefined {
    if (segments[1] !== 'keywords' || segments.length > 3) {
      this.reportAt(imp.path.location, 'invalid import, must be `future.keywords`');
      return undefined;
    }
    if (imp.alias !== undefined) {
      this.reportAt(imp.path.location, '`future` imports cannot be aliased');
      return undefined;
    }
    const keyword = segments[2];
    if (keyword === undefined) {
      // The wildcard takes every future keyword, `and` / `or` included (`rego.v1` does not).
      this.enableKeywords([...FUTURE_KEYWORDS, ...LOGICAL_KEYWORDS]);
      return imp;
    }
    if (!IMPORTABLE_KEYWORDS.includes(keyword)) {
      this.reportAt(
        imp.path.location,
        `unexpected keyword, must be one of [${IMPORTABLE_KEYWORDS.join(' ')}]`,
      );
      return undefined;
    }
    this.enableKeywords([keyword]);
    return imp;
  }

  private applyRegoImport(imp: Import, segments: string[]): Import | undefined {
    if (segments.length !== 2 || segments[1] !== 'v1') {
      this.reportAt(imp.path.location, `invalid import \`${segments.join('.')}\`, must be \`rego.v1\``);
      return undefined;
    }
    if (this.regoVersion === 1) return imp;
    if (imp.alias !== undefined) {
      this.reportAt(imp.path.location, '`rego` imports cannot be aliased');
      return undefined;
    }
    this.enableKeywords(FUTURE_KEYWORDS);
    this.v1Checks = true;
    return imp;
  }

  /**
   * One rule statement: its clause, then any chained bodies (`p if { a } { b }`), each its own Rule.
   * Returns `[]` for a rule that was read to its end but broke a Rego v1 rule (errors recorded).
   */
  protected parseRules(): Rule[] | undefined {
    const start = this.tok.start;
    const isDefault = this.isAtKeyword('default');
    if (isDefault) this.advance();
    if (!this.isPlainIdent(this.tok) && !this.isKeywordStartingRef()) {
      this.reportUnexpected();
      return undefined;
    }
    const parsed = this.parseHead();
    if (!parsed) return undefined;
    const { head } = parsed;
    const packagePath = this.pkg?.path ?? [];
    if (isDefault) {
      if (!this.checkDefaultRule(head, start)) return undefined;
      const body: Body = { exprs: [], location: head.location };
      return [
        { kind: classify(head, false), isDefault, head, body, packagePath, location: this.locateFrom(start) },
      ];
    }
    const missingIf: Token[] = [];
    const hasIf = this.isAtKeyword('if');
    const v0Set = parsed.v0Set && !hasIf;
    let body: Body | undefined;
    if (hasIf) {
      this.advance();
      body = this.parseIfBody();
      if (!body) return undefined;
    } else if (this.isAt('{')) {
      missingIf.push(this.tok);
      body = this.parseBracedBody();
      if (!body) return undefined;
    } else if (!head.value && !head.key && !head.args && head.ref.terms.length === 1) {
      this.reportAt(head.location, 'var cannot be used for rule name');
      return undefined;
    }
    const ruleHead = v0Set ? convertV0SetHead(head) : head;
    let elseClause: ElseClause | undefined;
    if (this.isAtKeyword('else')) {
      if (ruleHead.ref.terms.length > 1 && !ruleHead.ref.terms.slice(1).every(isGround)) {
        this.reportAt(
          this.locateToken(this.tok),
          'else keyword cannot be used on rules with variables in head',
        );
        return undefined;
      }
      if (ruleHead.assign === 'contains') {
        this.reportAt(this.locateToken(this.tok), 'else keyword cannot be used on multi-value rules');
        return undefined;
      }
      elseClause = this.parseElseChain(missingIf);
      if (!elseClause) return undefined;
    }
    const kind = classify(ruleHead, v0Set);
    const rule: Rule = {
      kind,
      isDefault: false,
      head: ruleHead,
      body: body ?? { exprs: [], location: ruleHead.location },
      packagePath,
      location: this.locateFrom(start),
    };
    if (elseClause) rule.else = elseClause;
    const rules = [rule];
    while (this.isAt('{')) {
      if (elseClause) {
        this.reportAt(this.locateToken(this.tok), 'expected else keyword');
        return undefined;
      }
      const chainStart = this.tok.start;
      const chained = this.parseBracedBody();
      if (!chained) return undefined;
      rules.push({
        kind,
        isDefault: false,
        head: this.copyHead(ruleHead),
        body: chained,
        packagePath,
        location: this.locateFrom(chainStart),
      });
    }
    return this.checkV1(rule, missingIf, v0Set) ? rules : [];
  }

  /** After `if`: one expression, or `{ body }` (a literal set there is read as a body instead). */
  private parseIfBody(): Body | undefined {
    const s = this.save();
    const expr = this.parseLiteral();
    if (expr && !(expr.type === 'term' && expr.term.type === 'set')) {
      return { exprs: [expr], location: expr.location };
    }
    // Only a `{` can start a literal set; anything else failed as an expression (error kept).
    if (this.tokens[s.pos]?.kind !== '{') return undefined;
    this.restore(s);
    return this.parseBracedBody();
  }

  /** The rule's name, arguments, and `contains` element or value. */
  private parseHead(): ParsedHead | undefined {
    const nameTok = this.tok;
    const start = nameTok.start;
    this.advance();
    const name = this.makeVar(nameTok);
    if (OPERATOR_KINDS.has(this.tok.kind)) {
      this.reportUnexpected();
      return undefined;
    }
    let ref: Ref = { type: 'ref', terms: [name], location: name.location };
    let args: Term[] | undefined;
    let emptyParens = false;
    if (this.isAt('.') || this.isAt('[') || this.isAt('(')) {
      const term = this.parseRef(name, true);
      if (!term) return undefined;
      if (term.type === 'ref' && term.terms[0]?.type === 'var') {
        ref = term;
      } else if (term.type === 'call' && term.operator.terms[0]?.type === 'var') {
        ref = term.operator;
        // OPA parses `f() = v` / `f() := v` as an ordinary rule named f: a function has arguments.
        if (term.args.length > 0) args = term.args;
        else emptyParens = true;
      } else {
        this.reportAt(term.location, 'invalid rule head');
        return undefined;
      }
    }
    const head: RuleHead = { ref, location: name.location };
    if (args) head.args = args;
    if (emptyParens) head.emptyParens = true;
    const display = formatRef(ref);
    if (this.isAtKeyword('contains')) {
      if (args) {
        this.reportUnexpected(
          `the contains keyword can only be used with multi-value rule definitions (e.g., ${display} contains <VALUE> { ... })`,
        );
        return undefined;
      }
      this.advance();
      const key = this.parseTermIn(true);
      if (!key) return undefined;
      head.key = key;
      head.assign = 'contains';
    } else if (this.isAt(':=') || this.isAt('=')) {
      head.assign = this.isAt(':=') ? ':=' : '=';
      this.advance();
      const value = this.parseTermIn(true);
      if (!value) return undefined;
      head.value = value;
    }
    head.location = this.locateFrom(start);
    const v0Set = !args && !head.assign && ref.terms.length === 2;
    return { head, v0Set };
  }

  /** OPA's checks on `default` rules: a constant value, and plain distinct variables as arguments. */
  private checkDefaultRule(head: RuleHead, start: Position): boolean {
    const where = this.locateFrom(start);
    if (!head.value) {
      this.reportAt(where, 'illegal default rule (must have a value)');
      return false;
    }
    const bad = findNonConstant(head.value);
    if (bad) {
      this.reportAt(where, `illegal default rule (value cannot contain ${bad})`);
      return false;
    }
    const seen = new Set<string>();
    for (const arg of head.args ?? []) {
      if (arg.type !== 'var') {
        this.reportAt(where, `illegal default rule (arguments cannot contain ${describeTermKind(arg)})`);
        return false;
      }
      if (seen.has(arg.name)) {
        this.reportAt(where, `illegal default rule (arguments cannot be repeated ${arg.name})`);
        return false;
      }
      seen.add(arg.name);
    }
    return true;
  }

  /** `else [= v | := v] [if] [{ body } | expr]`, repeated; built as a chain without recursion. */
  private parseElseChain(missingIf: Token[]): ElseClause | undefined {
    let first: ElseClause | undefined;
    let last: ElseClause | undefined;
    while (this.isAtKeyword('else')) {
      const start = this.tok.start;
      this.advance();
      let value: Term | undefined;
      let assign: ':=' | '=' | undefined;
      if (this.isAt(':=') || this.isAt('=')) {
        assign = this.isAt(':=') ? ':=' : '=';
        this.advance();
        value = this.parseTermIn(true);
        if (!value) return undefined;
      } else if (!this.isAt('{') && !this.isAtKeyword('if')) {
        this.reportUnexpected('expected else value term or rule body');
        return undefined;
      }
      let body: Body | undefined;
      if (this.isAtKeyword('if')) {
        this.advance();
        if (this.isAt('{') && !this.bracedOperandAt(this.pos)) {
          body = this.parseBracedBody();
        } else if (this.isAt('eof')) {
          this.reportUnexpected('rule body expected');
          return undefined;
        } else {
          const expr = this.parseLiteral();
          if (expr) body = { exprs: [expr], location: expr.location };
        }
        if (!body) return undefined;
      } else if (this.isAt('{')) {
        missingIf.push(this.tok);
        body = this.parseBracedBody();
        if (!body) return undefined;
      }
      const location = this.locateFrom(start);
      const clause: ElseClause = { body: body ?? { exprs: [], location }, location };
      if (value) clause.value = value;
      if (assign) clause.assign = assign;
      if (last) last.else = clause;
      else first = clause;
      last = clause;
    }
    return first;
  }

  /** Rego v1 wants `if` before every body and `contains` for partial sets; reports what is missing. */
  private checkV1(rule: Rule, missingIf: Token[], v0Set: boolean): boolean {
    if (!this.v1Checks) return true;
    const before = this.errors.length;
    for (const brace of missingIf) {
      const what = rule.kind === 'function' ? 'function' : 'rule';
      this.reportAt(this.locateToken(brace), `\`if\` keyword is required before ${what} body`);
    }
    if (v0Set) this.reportAt(rule.head.location, '`contains` keyword is required for partial set rules');
    return this.errors.length === before;
  }

  /** A copy of a head for a chained body, with fresh names for `_` arguments as OPA gives them. */
  private copyHead(head: RuleHead): RuleHead {
    const copy = structuredClone(head);
    for (const arg of copy.args ?? []) renameWildcards(arg, () => `$${this.wildcard++}`);
    return copy;
  }
}

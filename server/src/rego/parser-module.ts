/**
 * Rules: heads, bodies, `else` chains and chained bodies. A statement that is not a rule with a
 * body (`p := 1`, `f(x) := x`, `a.b.c`) is read as expressions and turned into a rule afterwards,
 * exactly as OPA does.
 */
import type { Body, ElseClause, Expr, Import, Rule, RuleHead, Term } from './ast';
import { PARSE_ERROR_CODE } from './parser-core';
import { type PackageStatement, StatementParser } from './parser-statements';
import { checkDefaultArgs, checkDefaultValue, classifyRule, type RuleDraft } from './rule-checks';
import { ruleFromExpressions } from './rule-from-expressions';
import { isGround, refToString } from './term-text';

/** One statement of a module, as the statement loop produced it. */
export type Statement =
  | PackageStatement
  | { kind: 'import'; node: Import }
  | { kind: 'rules'; drafts: RuleDraft[] }
  | { kind: 'expressions'; exprs: [Expr, ...Expr[]] };

const OPERATOR_KINDS = new Set(['+', '-', '*', '/', '%', '&', '|', '==', '!=', '<', '>', '<=', '>=']);

/** The rule layer of the parser. */
export class ModuleParser extends StatementParser {
  /**
   * A rule with a body, a `contains` rule or a default rule. Returns undefined, with no error, when
   * the statement is something else (the caller then reads it as expressions).
   */
  protected parseRules(): RuleDraft[] | null | undefined {
    const start = this.tok;
    let isDefault = false;
    if (this.atKeyword('default')) {
      isDefault = true;
      this.advance();
    }
    const nameTok = this.tok;
    if (nameTok.kind !== 'ident' || (this.isKeywordToken(nameTok) && !this.keywordStartsRef()))
      return undefined;
    const errorsBefore = this.errors.length;
    const head = this.parseHead(isDefault);
    if (!head) return this.errors.length > errorsBefore ? null : undefined;
    const rule: Rule = {
      kind: 'complete',
      isDefault,
      head: head.head,
      body: this.emptyBody(this.lastEnd()),
      location: this.location(start.start, this.lastEnd()),
      packagePath: [],
    };
    const draft: RuleDraft = {
      rule,
      ifKeyword: false,
      containsKeyword: head.contains,
      generatedBody: true,
      elseWithoutIf: [],
    };
    if (isDefault) return this.finishDefault(draft);
    const body = this.parseRuleBody(draft);
    if (body === undefined) return undefined;
    if (body === null) return null;
    if (!draft.generatedBody) this.applyMultiValueShape(draft);
    rule.body = body;
    rule.kind = classifyRule(rule);
    if (draft.generatedBody) return [draft];
    if (this.atKeyword('else')) {
      if (!this.parseElseChain(draft)) return null;
    }
    rule.location = this.location(start.start, this.lastEnd());
    return this.parseChainedBodies(draft);
  }

  private finishDefault(draft: RuleDraft): RuleDraft[] | null {
    const { rule } = draft;
    const value = rule.head.value;
    const errors = value
      ? checkDefaultValue(value, rule.location)
      : [
          {
            code: PARSE_ERROR_CODE,
            message: 'illegal default rule (must have a value)',
            location: rule.location,
          },
        ];
    if (errors.length === 0 && rule.head.args)
      errors.push(...checkDefaultArgs(rule.head.args, rule.location));
    if (errors.length > 0) {
      this.errors.push(...errors);
      return null;
    }
    rule.kind = classifyRule(rule);
    return [draft];
  }

  /** The body after a head: `if <expr>`, `if { ... }`, `{ ... }`, or none for `contains`. */
  private parseRuleBody(draft: RuleDraft): Body | null | undefined {
    if (this.atKeyword('if')) {
      draft.ifKeyword = true;
      draft.generatedBody = false;
      this.advance();
      const s = this.save();
      const expr = this.parseLiteral();
      const isSetLiteral = expr?.type === 'term' && expr.term.type === 'set' && !expr.with;
      if (expr && !isSetLiteral) return { exprs: [expr], location: expr.location };
      // Not a single expression: `if { ... }` is a braced body (OPA tries the literal first).
      if (!expr && this.tokens[s.pos]?.kind !== '{') return null;
      this.restore(s);
      if (!this.at('{')) {
        this.illegal();
        return null;
      }
      return this.parseBraceBody();
    }
    if (this.at('{')) {
      draft.generatedBody = false;
      return this.parseBraceBody();
    }
    if (draft.containsKeyword) {
      draft.rule.kind = classifyRule(draft.rule);
      return this.emptyBody(this.lastEnd());
    }
    return undefined;
  }

  /** Rego v0's `p[x] { ... }` (no `if`, no value) defines the partial set `p`. */
  private applyMultiValueShape(draft: RuleDraft): void {
    const head = draft.rule.head;
    if (draft.ifKeyword || draft.containsKeyword || head.args || head.value) return;
    const [name, key] = head.ref.terms;
    if (head.ref.terms.length !== 2 || !name || !key) return;
    head.ref = { type: 'ref', terms: [name], location: name.location };
    head.key = key;
    head.assign = 'contains';
  }

  private parseElseChain(draft: RuleDraft): boolean {
    const { rule } = draft;
    const [, ...rest] = rule.head.ref.terms;
    if (rest.length > 0 && !rest.every(isGround)) {
      this.errorAt(
        this.tokenLocation(this.tok),
        'else keyword cannot be used on rules with variables in head',
      );
      return false;
    }
    if (rule.head.key !== undefined) {
      this.errorAt(this.tokenLocation(this.tok), 'else keyword cannot be used on multi-value rules');
      return false;
    }
    const clause = this.parseElse(draft);
    if (!clause) return false;
    rule.else = clause;
    return true;
  }

  private parseElse(draft: RuleDraft): ElseClause | null {
    this.enter();
    try {
      return this.parseElseClause(draft);
    } finally {
      this.leave();
    }
  }

  private parseElseClause(draft: RuleDraft): ElseClause | null {
    const start = this.tok;
    this.advance();
    let value: Term | undefined;
    if (this.at(':=') || this.at('=')) {
      this.advance();
      const parsed = this.parseTermInfixCall();
      if (!parsed) return null;
      value = parsed;
    } else if (!this.at('{') && !this.atKeyword('if')) {
      this.illegal('expected else value term or rule body');
      return null;
    }
    const hasIf = this.atKeyword('if');
    const clause = (body: Body): ElseClause => {
      const c: ElseClause = { body, location: this.location(start.start, this.lastEnd()) };
      if (value) c.value = value;
      return c;
    };
    if (!hasIf && !this.at('{')) return clause(this.emptyBody(this.lastEnd()));
    if (hasIf) this.advance();
    let body: Body | null;
    if (this.at('{')) body = this.parseBraceBody();
    else if (this.at('eof')) {
      this.illegal('rule body expected');
      return null;
    } else {
      const expr = this.parseLiteral();
      body = expr ? { exprs: [expr], location: expr.location } : null;
    }
    if (!body) return null;
    const result = clause(body);
    if (!hasIf) draft.elseWithoutIf.push(result.location);
    if (this.atKeyword('else')) {
      const next = this.parseElse(draft);
      if (!next) return null;
      result.else = next;
      result.location = this.location(start.start, this.lastEnd());
    }
    return result;
  }

  /** `p if { a } { b }` defines `p` twice: each further body is a clause with a copy of the head. */
  private parseChainedBodies(first: RuleDraft): RuleDraft[] | null {
    const drafts = [first];
    while (this.at('{')) {
      if (first.rule.else) {
        this.errorAt(this.tokenLocation(this.tok), 'expected else keyword');
        return null;
      }
      const body = this.parseBraceBody();
      if (!body) return null;
      const rule: Rule = {
        ...first.rule,
        head: this.copyHead(first.rule.head),
        body,
        location: body.location,
      };
      drafts.push({ ...first, rule, elseWithoutIf: [] });
    }
    return drafts;
  }

  /** A copy of a head for another clause; wildcard arguments get fresh names, as in OPA. */
  private copyHead(head: RuleHead): RuleHead {
    const copy = structuredClone(head);
    for (const arg of copy.args ?? []) {
      if (arg.type === 'var' && arg.generated) arg.name = `$${this.wildcard++}`;
    }
    return copy;
  }

  private parseHead(isDefault: boolean): { head: RuleHead; contains: boolean } | null {
    const nameTok = this.tok;
    const name = this.makeVar(nameTok);
    this.advance();
    const next = this.tok;
    if (!next.spaceBefore && OPERATOR_KINDS.has(next.kind)) {
      this.illegal();
      return null;
    }
    const term =
      next.kind === '(' || next.kind === '.' || next.kind === '[' ? this.parseRef(name) : this.rootRef(name);
    if (!term) return null;
    const head = this.headFromTerm(term);
    if (!head) return null;
    const text = refToString(head.ref);
    let contains = false;
    if (this.atKeyword('contains')) {
      if (head.args) {
        this.illegal(
          `the contains keyword can only be used with multi-value rule definitions (e.g., ${text} contains <VALUE> { ... })`,
        );
        return null;
      }
      this.advance();
      const key = this.requireTerm(`expected rule key term (e.g., ${text} contains <VALUE> { ... })`);
      if (!key) return null;
      head.key = key;
      head.assign = 'contains';
      contains = true;
    } else if (this.at('=') || this.at(':=')) {
      const assign = this.at(':=');
      this.advance();
      let example = `${text} = <VALUE> { ... }`;
      if (assign) {
        if (head.args) example = `${text}(...) := <VALUE> { ... }`;
        else if (isDefault) example = `default ${text} := <VALUE>`;
        else example = `${text} := <VALUE> { ... }`;
      }
      const what = head.args
        ? 'function value term'
        : isDefault && assign
          ? 'default rule value term'
          : 'rule value term';
      const value = this.requireTerm(`expected ${what} (e.g., ${example})`);
      if (!value) return null;
      head.value = value;
      head.assign = assign ? ':=' : '=';
    }
    head.location = this.location(nameTok.start, this.lastEnd());
    return { head, contains };
  }

  private requireTerm(note: string): Term | null {
    const before = this.errors.length;
    const term = this.parseTermInfixCall();
    if (!term && this.errors.length === before) this.illegal(note);
    return term;
  }

  private headFromTerm(term: Term): RuleHead | null {
    const location = term.location;
    if (term.type === 'var') return { ref: { type: 'ref', terms: [term], location }, location };
    if (term.type === 'ref') {
      if (term.terms[0]?.type !== 'var') {
        this.errorAt(location, `invalid rule head: ${refToString(term)}`);
        return null;
      }
      return { ref: term, location };
    }
    if (term.type === 'call') {
      if (term.operator.terms[0]?.type !== 'var') {
        this.errorAt(location, `rule head ref ${refToString(term.operator)} invalid`);
        return null;
      }
      return { ref: term.operator, args: term.args, location };
    }
    return null;
  }

  /** Turns a statement read as expressions into a rule, or records why it cannot be one. */
  protected ruleFromStatement(exprs: [Expr, ...Expr[]]): RuleDraft | null {
    const result = ruleFromExpressions(exprs);
    if ('draft' in result) return result.draft;
    this.laterError(result.message, result.location);
    return null;
  }
}

/**
 * Expressions and bodies as `opa fmt` lays them out: one expression a line with blank lines kept,
 * infix calls written with their operator, `some`, `every`, `not` and `with` modifiers (on the
 * expression's line, or indented below it as they were written), and `and` / `or` with operands
 * continued on the next line one level deeper.
 */
import type { Body, Call, Expr, LogicalExpr, LogicalOperand, Term, With } from '../syntax/ast';
import { INFIX, isUnionCall, MEMBER_2, MEMBER_3, operatorName, TermWriter } from './terms';
import { UnexpectedComment } from './writer';

/** True for an expression that is a bare `x | y`. */
function isUnionExpr(expr: Expr | undefined): boolean {
  return (
    expr?.type === 'term' &&
    !expr.with?.length &&
    isUnionCall(expr.term) &&
    expr.term.type === 'call' &&
    expr.term.args.length === 2
  );
}

/** True when an expression is written starting with `{` (a set, an object, or such a ref or operand). */
function exprRendersBraceLead(expr: Expr): boolean {
  if (expr.type === 'assign' || expr.type === 'unify') return termRendersBraceLead(expr.left);
  if (expr.type !== 'term') return false;
  const t = expr.term;
  if (t.type === 'call' && INFIX[operatorName(t)]) {
    if (t.args.length === 2) return termRendersBraceLead(t.args[0] as Term);
    if (t.args.length === 3) return termRendersBraceLead(t.args[2] as Term);
    return false;
  }
  return termRendersBraceLead(t);
}

function termRendersBraceLead(t: Term): boolean {
  switch (t.type) {
    case 'set':
      return t.items.length > 0;
    case 'object':
    case 'setcomprehension':
    case 'objectcomprehension':
      return true;
    case 'ref':
      return !!t.terms[0] && termRendersBraceLead(t.terms[0]);
    default:
      return false;
  }
}

/** Writes expressions and bodies on top of the term layer. */
export abstract class ExprWriter extends TermWriter {
  /** A call used as a whole expression: infix where it has an operator, `z = x + y` for 3 arguments. */
  private writeFunctionCallExpr(call: Call): void {
    const name = operatorName(call);
    if (name === MEMBER_2 || name === MEMBER_3) {
      this.writeIn(false, call.args);
      return;
    }
    const op = INFIX[name];
    if (op && call.args.length === 2) {
      this.writeTerm(call.args[0] as Term);
      this.write(` ${op} `);
      this.writeTerm(call.args[1] as Term);
      return;
    }
    if (op && call.args.length === 3) {
      this.writeTerm(call.args[2] as Term);
      this.write(' = ');
      this.writeTerm(call.args[0] as Term);
      this.write(` ${op} `);
      this.writeTerm(call.args[1] as Term);
      return;
    }
    this.writeCallPlain(call);
  }

  /** A body inside braces or brackets: inline with `; ` if it was on the opening row, else indented. */
  protected writeComprehensionBody(body: Body, termRow: number, closeRow: number): void {
    const lines = this.groupByRow(body.exprs, termRow);
    const first = body.exprs[0];
    if ((first && this.row(first) - termRow > 0) || lines.length > 1) {
      this.endLine();
      this.up();
      this.writeBody(body);
      this.insertComments(closeRow);
      this.down();
      this.startLine();
      return;
    }
    this.write(' ');
    body.exprs.forEach((e, i) => {
      if (i > 0) this.write('; ');
      this.writeExpr(e);
    });
    this.insertComments(closeRow);
  }

  /** A rule or block body: one expression a line, blank lines between expressions kept. */
  protected writeBody(body: Body): void {
    const first = body.exprs[0];
    if (first) this.insertComments(this.row(first));
    body.exprs.forEach((expr, i) => {
      const prev = body.exprs[i - 1];
      if (prev && this.row(expr) > prev.location.end.line + 1) this.blankLine();
      this.startLine();
      try {
        this.writeExpr(expr);
      } catch (e) {
        if (!(e instanceof UnexpectedComment)) throw e;
      }
      this.endLine();
    });
  }

  protected writeExpr(expr: Expr): void {
    if (this.parenExpr === expr) {
      this.parenExpr = undefined;
      this.write('(');
      this.writeExprPlain(expr);
      this.write(')');
      return;
    }
    this.writeExprPlain(expr);
  }

  private writeExprPlain(expr: Expr): void {
    this.insertComments(this.row(expr));
    if (!this.inline) this.startLine();
    this.writeExprTerms(expr);
    const withs = expr.with ?? [];
    if (withs.length > 0) this.writeWiths(expr, withs);
  }

  private writeExprTerms(expr: Expr): void {
    switch (expr.type) {
      case 'logical':
        this.writeLogical(expr);
        break;
      case 'not': {
        this.write('not ');
        if (expr.expr.type === 'logical') {
          this.write('(');
          this.writeExprTerms(expr.expr);
          this.write(')');
          break;
        }
        // A brace-led operand would be read back as a `not { body }`: it keeps parentheses.
        const parens = this.notBodies && exprRendersBraceLead(expr.expr);
        if (parens) this.write('(');
        this.writeExprTerms(expr.expr);
        if (parens) this.write(')');
        break;
      }
      case 'term':
        if (expr.term.type === 'call') this.writeFunctionCallExpr(expr.term);
        else this.writeTerm(expr.term);
        break;
      case 'assign':
      case 'unify':
        this.writeTerm(expr.left);
        this.write(expr.type === 'assign' ? ' := ' : ' = ');
        this.writeTerm(expr.right);
        break;
      case 'somedecl': {
        this.write('some ');
        let row = this.row(expr);
        expr.vars.forEach((v, i) => {
          if (this.row(v) > row) {
            this.endLine();
            this.startLine();
            this.write('\t');
            row = this.row(v);
          } else if (i > 0) this.write(' ');
          this.writeTerm(v);
          if (i < expr.vars.length - 1) this.write(',');
        });
        break;
      }
      case 'somein':
        this.write('some ');
        this.writeIn(
          false,
          expr.key ? [expr.key, expr.value, expr.collection] : [expr.value, expr.collection],
        );
        break;
      case 'every': {
        this.write('every ');
        if (expr.key) {
          this.writeTerm(expr.key);
          this.write(', ');
        }
        this.writeTerm(expr.value);
        this.write(' in ');
        this.writeTerm(expr.collection);
        this.write(' {');
        this.writeComprehensionBody(expr.body, this.row(expr), expr.body.location.end.line);
        const only = expr.body.exprs[0];
        if (expr.body.exprs.length === 1 && only && this.row(only) === this.row(expr)) this.write(' ');
        this.write('}');
        break;
      }
      case 'notbody': {
        this.write('not {');
        // A leading `x | y` would read as a set comprehension at the brace: it keeps parentheses.
        this.parenExpr = isUnionExpr(expr.body.exprs[0]) ? expr.body.exprs[0] : undefined;
        this.writeComprehensionBody(expr.body, this.row(expr), expr.body.location.end.line);
        const last = expr.body.exprs[expr.body.exprs.length - 1];
        if (last && this.row(last) === this.row(expr)) this.write(' ');
        this.write('}');
        break;
      }
    }
  }

  /** True while a logical expression's operands are continued one level deeper. */
  private continued = false;

  /** `a and b` / `a or b`; an operand written on a later line than its operator stays on its own line. */
  private writeLogical(expr: LogicalExpr): void {
    let owner = false;
    expr.operands.forEach((operand, i) => {
      const prev = expr.operands[i - 1];
      if (prev) {
        this.write(` ${expr.op}`);
        if (this.row(operand.body) > prev.body.location.end.line) {
          if (!this.continued) {
            this.up();
            this.continued = true;
            owner = true;
          }
          this.endLine();
          this.startLine();
        } else this.write(' ');
      }
      this.writeOperand(operand, expr.op);
    });
    if (owner) {
      this.down();
      this.continued = false;
    }
  }

  /**
   * One operand: braces kept for a body, parentheses only where they are needed (`or` inside
   * `and`, a group of the same operator, a `with` inside the group, a set or object leading the
   * operand).
   */
  private writeOperand(operand: LogicalOperand, op: 'and' | 'or'): void {
    const only = operand.body.exprs[0];
    if (operand.form === 'braces' || !only || operand.body.exprs.length > 1) {
      this.write('{');
      this.writeComprehensionBody(operand.body, this.row(operand.body), operand.body.location.end.line);
      const last = operand.body.exprs[operand.body.exprs.length - 1];
      if (last && this.row(last) === this.row(operand.body)) this.write(' ');
      this.write('}');
      return;
    }
    // A brace-led expression would be read back as a braced body: it keeps parentheses.
    const parens =
      exprRendersBraceLead(only) ||
      (only.type === 'logical' &&
        ((only.op === 'or' && op === 'and') || only.op === op || !!only.with?.length));
    if (parens) this.write('(');
    this.writeExprTerms(only);
    if (only.with?.length) this.writeWiths(only, only.with);
    if (parens) this.write(')');
  }

  /** The row on which an expression's own terms end, before any `with`. */
  private termsEndRow(expr: Expr, firstWith: With): number {
    const text = this.src.slice(expr.location.start.offset, firstWith.location.start.offset).trimEnd();
    return this.row(expr) + (text.match(/\n/g)?.length ?? 0);
  }

  private writeWiths(expr: Expr, all: With[]): void {
    let withs = all;
    let lastRow = this.termsEndRow(expr, all[0] as With);
    const first = withs[0] as With;
    if (this.row(first) === lastRow) {
      this.writeWith(first, false);
      lastRow = this.row(first);
      withs = withs.slice(1);
    }
    let indented = false;
    for (const w of withs) {
      const indent = this.row(w) > lastRow;
      if (indent) {
        if (!indented) {
          this.up();
          indented = true;
        }
        this.endLine();
        this.startLine();
        lastRow = this.row(w);
      }
      this.writeWith(w, indent);
    }
    if (indented) this.down();
  }

  private writeWith(w: With, indented: boolean): void {
    this.insertComments(this.row(w));
    if (!indented) this.write(' ');
    this.write('with ');
    this.writeTerm(w.target);
    this.write(' as ');
    // `opa fmt` keeps a `with` value's items on one line unless they were on several lines.
    this.withValue = w.value;
    this.writeTermTolerant(w.value);
    this.withValue = undefined;
  }
}

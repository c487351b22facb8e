/**
 * Modules as `opa fmt` lays them out: package, then imports (sorted within blank-line groups) and
 * rules in source order, blank lines between rules except adjacent one-liners, comments kept where
 * they were, and the Rego v1 spellings (`if`, `contains`, `:=`) when formatting for v1.
 */
import type { ElseClause, Import, Module, Rule, RuleHead, Term } from '../syntax/ast';
import { tokenize } from '../syntax/lexer';
import { FUTURE_KEYWORDS } from '../syntax/tokens';
import { ExprWriter } from './exprs';
import { type RowComment, UnexpectedComment } from './writer';

/** Which Rego the output is written in. */
export type FormatTarget = 'v1' | 'v0' | 'v0v1';

/** Layout switches derived from the target and the module's imports. */
interface FmtOpts {
  regoV1: boolean;
  ifs: boolean;
  contains: boolean;
  refHeads: boolean;
}

/** A rule clause or an `else` branch, seen alike when writing. */
interface Clause {
  isElse: boolean;
  isDefault: boolean;
  head: RuleHead;
  /** For `else`: its value (absent means `true`). */
  elseValue?: Term;
  elseAssign?: ':=' | '=';
  body: Rule['body'];
  else?: ElseClause;
  location: Rule['location'];
  /** For `else`: the end of the `else [:= value]` part. */
  headEnd: number;
}

function importPath(imp: Import): string[] {
  return imp.path.terms.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? String(t.value) : '?'));
}

function isRegoV1Import(imp: Import): boolean {
  const p = importPath(imp);
  return p.length === 2 && p[0] === 'rego' && p[1] === 'v1';
}

/** The module has an `and` / `or` expression somewhere (walked without recursion: chains can be long). */
function usesLogical(module: Module): boolean {
  const stack: unknown[] = [module.rules];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) stack.push(...n);
    else if (n !== null && typeof n === 'object') {
      if ((n as { type?: unknown }).type === 'logical') return true;
      for (const [k, v] of Object.entries(n)) if (k !== 'location' && k !== 'annotations') stack.push(v);
    }
  }
  return false;
}

function isFutureImport(imp: Import): boolean {
  const p = importPath(imp);
  return p[0] === 'future' && p[1] === 'keywords';
}

/** OPA's import order: by path segment (variables after strings are never mixed here), then alias. */
function compareImports(a: Import, b: Import): number {
  const pa = importPath(a);
  const pb = importPath(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  const x = a.alias ?? '';
  const y = b.alias ?? '';
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Writes a whole module. */
export class ModuleWriter extends ExprWriter {
  private opts: FmtOpts = { regoV1: true, ifs: true, contains: true, refHeads: false };

  constructor(
    src: string,
    comments: RowComment[],
    private readonly target: FormatTarget,
  ) {
    super(src, comments);
  }

  /** The formatted text of `module`. */
  format(module: Module): string {
    let imports = [...module.imports];
    const regoV1 = this.target !== 'v0';
    const hasV1Import = imports.some(isRegoV1Import);
    const future = imports.filter(isFutureImport).map((i) => importPath(i)[2]);
    this.notBodies = future.includes('not');
    this.opts = {
      regoV1,
      ifs: regoV1 || hasV1Import || future.some((k) => k === undefined || k === 'if'),
      contains: regoV1 || hasV1Import || future.some((k) => k === undefined || k === 'contains'),
      refHeads: module.rules.some(
        (r) =>
          r.head.ref.terms.length > 2 || (r.head.ref.terms.length === 2 && !!r.head.key && !r.head.value),
      ),
    };
    if (this.target === 'v0v1' && !hasV1Import) {
      // After the last future import that stays (one `rego.v1` does not imply), else after them all.
      const futures = imports.filter((i) => isFutureImport(i));
      const kept = futures.filter((i) => !FUTURE_KEYWORDS.includes(importPath(i)[2] ?? 'in'));
      const anchor = (kept.length > 0 ? kept : futures).map((i) => this.row(i));
      const row = anchor.length > 0 ? Math.max(...anchor) + 1 : 1;
      const at = { line: row, column: 1, offset: -1 };
      imports.push({
        path: {
          type: 'ref',
          terms: [
            { type: 'var', name: 'rego', location: module.location },
            { type: 'string', value: 'v1', location: module.location },
          ],
          location: module.location,
        },
        location: { file: module.location.file, start: at, end: at },
      });
    }
    if (regoV1 && imports.some(isRegoV1Import)) {
      // `rego.v1` implies `in`, `every`, `contains` and `if`, not `and` / `or` / `not`: those stay.
      const logical = usesLogical(module);
      imports = imports.filter((i) => {
        if (!isFutureImport(i)) return true;
        const keyword = importPath(i)[2];
        return keyword === undefined ? logical : !FUTURE_KEYWORDS.includes(keyword);
      });
    }

    this.writePackage(module);
    const others: Array<Import | Rule> = [...imports, ...module.rules].sort(
      (a, b) => this.row(a) - this.row(b) || a.location.start.column - b.location.start.column,
    );
    let i = 0;
    while (i < others.length) {
      const imps: Import[] = [];
      while (i < others.length && !('head' in (others[i] as object))) imps.push(others[i++] as Import);
      this.writeImports(imps);
      const rules: Rule[] = [];
      while (i < others.length && 'head' in (others[i] as object)) rules.push(others[i++] as Rule);
      this.writeRules(rules);
    }
    const rest = this.comments;
    this.comments = [];
    rest.forEach((c, j) => {
      this.writeLine(c.text);
      if (j === rest.length - 1) this.write('\n');
    });
    return this.buf.endsWith('\n') ? `${this.buf.replace(/\n+$/, '')}\n` : this.buf;
  }

  private writePackage(module: Module): void {
    this.insertComments(module.package.location.start.line);
    this.startLine();
    const quoted = new Set<string>();
    for (const t of tokenize(this.text(module.package), '').tokens) {
      if (t.kind === 'string') quoted.add(t.value ?? '');
    }
    const [first, ...rest] = module.package.path;
    this.write(`package ${first ?? ''}`);
    for (const seg of rest) this.writeRefString(seg, quoted.has(seg) ? `"${seg}"` : seg);
    this.blankLine();
  }

  private writeImports(imports: Import[]): void {
    if (imports.length === 0) return;
    const trailing = new Map<Import, RowComment>();
    this.comments = this.comments.filter((c) => {
      const imp = imports.find((i) => this.row(i) === c.row && i.location.start.offset >= 0);
      if (imp) trailing.set(imp, c);
      return !imp;
    });
    const groups: Import[][] = [];
    let group: Import[] = [];
    for (const imp of imports) {
      const last = group[group.length - 1];
      if (last && this.row(imp) - this.row(last) > 1) {
        groups.push(group);
        group = [];
      }
      group.push(imp);
    }
    groups.push(group);
    for (const g of groups) {
      this.insertComments(this.row(g[0] as Import));
      for (const imp of [...g].sort(compareImports)) {
        this.startLine();
        this.write('import ');
        const [head, ...path] = importPath(imp);
        this.write(head ?? '');
        imp.path.terms.slice(1).forEach((t, k) => {
          const seg = path[k] as string;
          if (isFutureImport(imp)) this.write(`.${seg}`);
          else this.writeRefString(seg, t.location === imp.path.location ? seg : this.text(t));
        });
        if (imp.alias) this.write(` as ${imp.alias}`);
        const c = trailing.get(imp);
        if (c) this.write(` ${c.text}`);
        this.endLine();
      }
      this.blankLine();
    }
  }

  private writeRules(rules: Rule[]): void {
    rules.forEach((rule, i) => {
      this.insertComments(this.row(rule));
      try {
        this.writeClause(this.clauseOf(rule));
      } catch (e) {
        if (!(e instanceof UnexpectedComment)) throw e;
      }
      const next = rules[i + 1];
      if (next && this.groupable(rule) && this.groupable(next) && this.row(next) === this.row(rule) + 1)
        return;
      this.blankLine();
    });
  }

  /** A rule that is written on one line: grouped with an adjacent one-liner without a blank line. */
  private groupable(rule: Rule): boolean {
    if (rule.body.exprs.length > 1 || rule.isDefault || rule.else) return false;
    if (!(this.opts.regoV1 || this.opts.ifs) || !(this.opts.contains || !this.isPartialSet(rule.head)))
      return false;
    const c = this.clauseOf(rule);
    if (this.isExpandedConst(c)) return true;
    const only = rule.body.exprs[0];
    const isSet = only?.type === 'term' && only.term.type === 'set';
    return !!only && this.row(only) === this.headEndRow(c) && !isSet;
  }

  /** The row the head of a clause ends on. */
  private headEndRow(c: Clause): number {
    return (
      c.location.start.line + (this.src.slice(c.location.start.offset, c.headEnd).match(/\n/g)?.length ?? 0)
    );
  }

  private isPartialSet(head: RuleHead): boolean {
    return !!head.key && !head.value;
  }

  private clauseOf(rule: Rule): Clause {
    const c: Clause = {
      isElse: false,
      isDefault: rule.isDefault,
      head: rule.head,
      body: rule.body,
      location: rule.location,
      headEnd: rule.head.location.end.offset,
    };
    if (rule.else) c.else = rule.else;
    return c;
  }

  private elseClauseOf(e: ElseClause): Clause {
    const headEnd = e.value ? e.value.location.end.offset : e.location.start.offset + 4;
    const c: Clause = {
      isElse: true,
      isDefault: false,
      head: e as unknown as RuleHead,
      body: e.body,
      location: e.location,
      headEnd,
    };
    if (e.value) c.elseValue = e.value;
    if (e.assign) c.elseAssign = e.assign;
    if (e.else) c.else = e.else;
    return c;
  }

  /** A body of exactly `true` (or none) stands for a constant: no body is written. */
  private isExpandedConst(c: Clause): boolean {
    if (c.else) return false;
    if (c.body.exprs.length === 0) return true;
    const only = c.body.exprs[0];
    return (
      c.body.exprs.length === 1 &&
      only?.type === 'term' &&
      !only.with?.length &&
      only.term.type === 'boolean' &&
      only.term.value === true
    );
  }

  private writeClause(c: Clause): void {
    if (!c.isElse) this.startLine();
    if (c.isDefault) this.write('default ');
    const expanded = this.isExpandedConst(c);
    this.writeHead(c, expanded);
    if (expanded) {
      this.endLine();
      return;
    }
    const partialSet = !c.isElse && this.isPartialSet(c.head);
    if ((this.opts.regoV1 || this.opts.ifs) && (this.opts.contains || !partialSet)) {
      this.write(' if');
      const only = c.body.exprs[0];
      const headEndRow = this.headEndRow(c);
      const isSet = only?.type === 'term' && only.term.type === 'set';
      if (c.body.exprs.length === 1 && only && this.row(only) === headEndRow && !isSet) {
        this.write(' ');
        try {
          this.writeExpr(only);
        } catch (e) {
          if (!(e instanceof UnexpectedComment)) throw e;
        }
        this.endLine();
        if (c.else) this.writeElse(c);
        return;
      }
    }
    this.write(' {');
    this.endLine();
    this.up();
    this.writeBody(c.body);
    this.insertComments(c.body.location.end.line);
    this.down();
    this.startLine();
    this.write('}');
    if (c.else) this.writeElse(c);
  }

  private writeElse(c: Clause): void {
    const e = c.else as ElseClause;
    const lines = this.text(c).split('\n');
    const rel = e.location.start.line - c.location.start.line;
    const wasInline = rel > 0 && rel < lines.length && !(lines[rel] as string).trim().startsWith('else');
    const firstComment = this.comments[0];
    const hasCommentAbove = (!!firstComment && firstComment.row < e.location.start.line) || !!this.beforeEnd;
    if (!hasCommentAbove && wasInline) this.write(' ');
    else {
      this.blankLine();
      this.startLine();
    }
    this.insertComments(e.location.start.line);
    if (hasCommentAbove && !wasInline) this.startLine();
    this.writeClause(this.elseClauseOf(e));
  }

  private writeHead(c: Clause, expanded: boolean): void {
    if (c.isElse) {
      this.write('else');
      if (!c.elseValue) return;
      this.write(c.elseAssign === ':=' || this.opts.regoV1 ? ' := ' : ' = ');
      this.writeTerm(c.elseValue);
      return;
    }
    const head = c.head;
    const ref = head.ref;
    if (this.opts.refHeads || ref.terms.length === 1) this.writeRef(ref);
    else {
      const [name, key] = ref.terms as [Term, Term];
      this.writeTermParens(false, name);
      this.write('[');
      if (key.type === 'string') this.write(JSON.stringify(key.value));
      else this.writeTerm(key);
      this.write(']');
    }
    if (head.args) {
      this.write('(');
      const items = head.args.map((t) => ({ location: t.location, term: t }));
      this.writeIterable(items, head, this.closeParenRow(head), (i) => this.writeTerm(i.term));
      this.write(')');
    } else if (head.emptyParens) {
      // `f() := v` is a rule named f to OPA; the parentheses stay as written.
      this.write('()');
    }
    if (head.key) {
      if (this.opts.contains && !head.value) {
        this.write(' contains ');
        this.writeTerm(head.key);
      } else if (!head.value) {
        this.write('[');
        this.writeTerm(head.key);
        this.write(']');
      }
    }
    if (head.value) {
      this.write(head.assign === ':=' || this.opts.regoV1 ? ' := ' : ' = ');
      this.writeTerm(head.value);
    } else if (!head.key && expanded && this.opts.regoV1 && !head.args) {
      this.write(' := true');
    }
  }

  /** The row of the `)` closing a function head's arguments. */
  private closeParenRow(head: RuleHead): number {
    const last = head.args?.[head.args.length - 1];
    if (!last) return head.location.start.line;
    const after = this.src.indexOf(')', last.location.end.offset);
    return after < 0
      ? last.location.end.line
      : last.location.end.line + (this.src.slice(last.location.end.offset, after).match(/\n/g)?.length ?? 0);
  }
}

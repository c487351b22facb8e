/**
 * The public entry points of the Rego parser: modules, queries and single terms.
 *
 * Results follow OPA's parser (same AST decisions, `rego_parse_error` messages in OPA's wording),
 * with one addition for the editor: after a statement fails to parse, parsing resumes at the next
 * line that starts in column 1 with a word, so one typo does not hide every later rule. A result
 * with any error is invalid as a whole, as in OPA; the partial module is for editor features only.
 */
import type { ClearanceError, Location } from '../errors';
import { type AnnotationTarget, attachAnnotations } from './annotations';
import type { Body, Comment, Expr, Module, RegoVersion, Term } from './ast';
import { tokenize } from './lexer';
import { DEFAULT_MAX_DEPTH, DepthExceeded, PARSE_ERROR_CODE } from './parser-core';
import { ModuleParser, type Statement } from './parser-module';
import { checkRegoV1Rule, type RuleDraft } from './rule-checks';

/** Options for every parse entry point. */
export interface ParseOptions {
  /** The file name or URI written into every location (default `''`). */
  file?: string;
  /** Rego syntax: 1 (OPA 1.x, the default) or 0 (OPA's `--v0-compatible`). */
  regoVersion?: RegoVersion;
  /** Nesting limit for terms and bodies (default 1000); deeper input is a parse error, not a crash. */
  maxDepth?: number;
}

/** A parsed module, or undefined when the text has no `package` statement, and every error found. */
export interface ParseModuleResult {
  module: Module | undefined;
  errors: ClearanceError[];
}

/** A parsed query body (empty for blank text) and its errors. */
export interface ParseQueryResult {
  body: Body | undefined;
  errors: ClearanceError[];
}

/** A parsed single term and its errors. */
export interface ParseTermResult {
  term: Term | undefined;
  errors: ClearanceError[];
}

const MAX_DEPTH_MESSAGE = 'max parsing recursion depth exceeded';

class SourceParser extends ModuleParser {
  /** Statements in order; a failed statement is skipped up to the next line starting a statement. */
  readStatements(): { statements: Statement[]; failedBeforeFirst: boolean } {
    const statements: Statement[] = [];
    let failedBeforeFirst = false;
    while (!this.at('eof')) {
      const startPos = this.pos;
      const errorsBefore = this.errors.length;
      const statement = this.guard(startPos, errorsBefore, () => this.parseStatement());
      if (statement) {
        statements.push(statement);
        continue;
      }
      if (this.errors.length === errorsBefore) this.illegal();
      if (statements.length === 0) failedBeforeFirst = true;
      this.recover(startPos, errorsBefore);
    }
    return { statements, failedBeforeFirst };
  }

  /** Runs one parse step, turning a too-deep input into a parse error at the step's first token. */
  guard<T>(startPos: number, errorsBefore: number, step: () => T | null): T | null {
    try {
      return step();
    } catch (e) {
      if (!(e instanceof DepthExceeded) && !(e instanceof RangeError)) throw e;
      this.depth = 0;
      this.errors.length = errorsBefore;
      const t = this.tokens[startPos] ?? this.tok;
      this.errorAt(this.tokenLocation(t), MAX_DEPTH_MESSAGE);
      return null;
    }
  }

  private parseStatement(): Statement | null {
    const s = this.save();
    const pkg = this.parsePackage();
    if (pkg !== undefined) return pkg;
    this.restore(s);
    const imp = this.parseImport();
    if (imp !== undefined) return imp && { kind: 'import', node: imp };
    this.restore(s);
    const rules = this.parseRules();
    if (rules !== undefined) return rules && { kind: 'rules', drafts: rules };
    this.restore(s);
    const exprs = this.parseQueryStatement();
    return exprs && { kind: 'expressions', exprs };
  }

  private recover(startPos: number, errorsBefore: number): void {
    const errorOffset = this.errors[errorsBefore]?.location?.start.offset ?? 0;
    let i = startPos + 1;
    for (; i < this.tokens.length - 1; i++) {
      const t = this.tokens[i];
      if (t?.lineStart && t.kind === 'ident' && t.start >= errorOffset) break;
    }
    this.pos = Math.min(i, this.tokens.length - 1);
  }

  /** Reads a whole query: expressions separated by `;` or line breaks, up to the end. */
  readQuery(): Body | undefined {
    const exprs: Expr[] = [];
    while (!this.at('eof')) {
      const errorsBefore = this.errors.length;
      const part = this.guard(this.pos, errorsBefore, () => this.parseQueryStatement());
      if (!part) {
        if (this.errors.length === errorsBefore) this.illegal();
        return undefined;
      }
      exprs.push(...part);
    }
    return { exprs, location: this.spanOf(exprs) };
  }

  /** Builds the module from its statements and runs the module-level checks. */
  buildModule(statements: Statement[], failedBeforeFirst: boolean, comments: Comment[]): Module | undefined {
    const errors = this.laterErrors;
    const add = (message: string, location: Location) =>
      errors.push({ code: PARSE_ERROR_CODE, message, location });
    const first = statements[0];
    if (!first && !failedBeforeFirst) add('empty module', this.location(0, 0));
    if (first && first.kind !== 'package' && !failedBeforeFirst)
      add('package expected', statementLocation(first));
    const module: Module | undefined =
      first?.kind === 'package'
        ? {
            package: { path: first.path, location: first.location },
            imports: [],
            rules: [],
            comments,
            regoVersion: this.options.regoVersion,
            location: this.location(0, this.text.length),
          }
        : undefined;
    const drafts: RuleDraft[] = [];
    const targets: AnnotationTarget[] = [];
    if (module) {
      const pkg = module.package;
      targets.push({ kind: 'package', line: pkg.location.start.line, attach: (a) => (pkg.annotations = a) });
    }
    for (const statement of statements.slice(1)) {
      if (statement.kind === 'package') add('unexpected package', statement.location);
      else if (statement.kind === 'import') {
        module?.imports.push(statement.node);
        targets.push({ kind: 'import', line: statement.node.location.start.line, attach: () => {} });
      } else {
        const parsed =
          statement.kind === 'rules' ? statement.drafts : [this.ruleFromStatement(statement.exprs)];
        const own = parsed.filter((d): d is RuleDraft => d !== null);
        drafts.push(...own);
        const head = own[0]?.rule;
        if (head)
          targets.push({
            kind: 'rule',
            line: head.location.start.line,
            attach: (a) => (head.annotations = a),
          });
      }
    }
    if (!module) return undefined;
    if (this.regoV1Import) module.regoVersion = 1;
    for (const draft of drafts) {
      draft.rule.packagePath = module.package.path;
      module.rules.push(draft.rule);
      if (module.regoVersion === 1) errors.push(...checkRegoV1Rule(draft));
    }
    errors.push(...attachAnnotations(comments, targets));
    return module;
  }

  /** The location of a comment (or any other offset range) of this text. */
  locate(start: number, end: number): Location {
    return this.location(start, end);
  }

  /** All errors found, in source order. */
  allErrors(): ClearanceError[] {
    const all = [...this.errors, ...this.laterErrors];
    return all.sort((a, b) => (a.location?.start.offset ?? 0) - (b.location?.start.offset ?? 0));
  }
}

function statementLocation(statement: Statement): Location {
  switch (statement.kind) {
    case 'package':
      return statement.location;
    case 'import':
      return statement.node.location;
    case 'rules':
      return (statement.drafts[0] as RuleDraft).rule.location;
    case 'expressions':
      return (statement.exprs[0] as Expr).location;
  }
}

function createParser(text: string, options: ParseOptions): { parser: SourceParser; comments: Comment[] } {
  const file = options.file ?? '';
  const lexed = tokenize(text);
  const parser = new SourceParser(text, lexed.tokens, {
    file,
    regoVersion: options.regoVersion ?? 1,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  const comments = lexed.comments.map(
    (c): Comment => ({ text: c.text, location: parser.locate(c.start, c.end) }),
  );
  return { parser, comments };
}

function internalError(file: string, e: unknown): ClearanceError {
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: PARSE_ERROR_CODE,
    message: `internal parser error: ${message}`,
    location: emptyLocation(file),
  };
}

function emptyLocation(file: string): Location {
  const start = { line: 1, column: 1, offset: 0 };
  return { file, start, end: start };
}

/** Parses a `.rego` module. Never throws. */
export function parseModule(text: string, options: ParseOptions = {}): ParseModuleResult {
  try {
    const { parser, comments } = createParser(text, options);
    const { statements, failedBeforeFirst } = parser.readStatements();
    const module = parser.buildModule(statements, failedBeforeFirst, comments);
    return { module, errors: parser.allErrors() };
  } catch (e) {
    return { module: undefined, errors: [internalError(options.file ?? '', e)] };
  }
}

/** Parses a query such as `data.authz.allow` or `x := input.a; x > 1`. Never throws. */
export function parseQuery(text: string, options: ParseOptions = {}): ParseQueryResult {
  try {
    const { parser } = createParser(text, options);
    const body = parser.readQuery();
    const errors = parser.allErrors();
    return { body: errors.length === 0 ? body : undefined, errors };
  } catch (e) {
    return { body: undefined, errors: [internalError(options.file ?? '', e)] };
  }
}

/** Parses exactly one term, such as a value written in Rego (`{"a": {1, 2}}`). Never throws. */
export function parseTerm(text: string, options: ParseOptions = {}): ParseTermResult {
  const { body, errors } = parseQuery(text, options);
  if (!body) return { term: undefined, errors };
  const [expr, ...rest] = body.exprs;
  if (!expr || rest.length > 0 || expr.type !== 'term' || (expr.with && expr.with.length > 0)) {
    const location = expr?.location ?? emptyLocation(options.file ?? '');
    return {
      term: undefined,
      errors: [{ code: PARSE_ERROR_CODE, message: 'expected exactly one term', location }],
    };
  }
  return { term: expr.term, errors: [] };
}

/**
 * The Rego parser's entry points: whole modules (with error recovery, comments and `# METADATA`
 * annotations), queries, and single terms. None of them throws: problems come back as
 * `rego_parse_error` errors with the location of the offending token, in source order.
 */
import type { ClearanceError, Location, Position } from '../../errors';
import { checkScope, findMetadataBlocks, parseMetadataBlock } from './annotations';
import type { Annotations, Body, Comment, Import, Module, Rule, Term } from './ast';
import { tokenize } from './lexer';
import { type PackageStatement, RuleParser } from './parser-rules';
import { DEPTH_MESSAGE, DepthExceeded, PARSE_ERROR_CODE } from './parser-state';
import type { Token } from './tokens';

export { tokenize } from './lexer';
export {
  BASE_KEYWORDS,
  FUTURE_KEYWORDS,
  makeKeywordSet,
  type SymbolKind,
  type Token,
  type TokenKind,
} from './tokens';

/** Options for `parseModule`. */
export interface ParseModuleOptions {
  /** The Rego syntax of the module: 1 (OPA 1.x, the default) or 0 (OPA 0.x, `p { ... }`). */
  regoVersion?: 0 | 1;
  /**
   * false: leave `# METADATA` blocks unread (no annotations, none of their errors). Reading their
   * YAML is about half of a parse; the editor's background parse reads them when a feature asks.
   */
  metadata?: boolean;
}

/** The options-object form of the entry points' arguments: `parseModule(text, { file, regoVersion })`. */
export interface ParseOptions extends ParseModuleOptions {
  /** The file name or URI written into every location. */
  file?: string;
}

/** What `parseModule` returns: the module (with every rule that parsed) and all errors. */
export interface ParseModuleResult {
  module?: Module;
  errors: ClearanceError[];
}

/** A statement's start and what annotations written above it would attach to. */
interface StatementMark {
  line: number;
  /** The statement starts with the `package` keyword. */
  isPackage: boolean;
  /** The statement's kind, once read, and for a package or rule the node annotations attach to. */
  target?: { kind: 'package' | 'rule' | 'import'; node?: { annotations?: Annotations } };
}

/** Parses a `.rego` module; `module` is present unless the text holds no statement at all. */
export function parseModule(text: string, file: string, options?: ParseModuleOptions): ParseModuleResult;
/** Parses a `.rego` module, with the file name given among the options. */
export function parseModule(text: string, options?: ParseOptions): ParseModuleResult;
export function parseModule(
  text: string,
  fileOrOptions?: string | ParseOptions,
  options?: ParseModuleOptions,
): ParseModuleResult {
  const { file, regoVersion } = readOptions(fileOrOptions, options, '');
  const metadata = (typeof fileOrOptions === 'object' ? fileOrOptions : options)?.metadata !== false;
  try {
    return parseModuleUnsafe(text, file, regoVersion === 0 ? 0 : 1, metadata);
  } catch (e) {
    return { errors: [makeInternalError(e, file)] };
  }
}

/** Parses a query: expressions separated by `;` or line breaks (`data.x.p = y; y > 1`). */
export function parseQuery(
  text: string,
  fileOrOptions?: string | ParseOptions,
): { body?: Body; errors: ClearanceError[] } {
  const { file } = readOptions(fileOrOptions, undefined, 'query');
  try {
    const p = new EntryParser(splitTokens(text, file).tokens, file, 1);
    const body = p.parseWholeQuery();
    return body && p.errors.length === 0 ? { body, errors: [] } : { errors: sortErrors(p.errors) };
  } catch (e) {
    return { errors: [makeInternalError(e, file)] };
  }
}

/** Parses one term, such as an `input_term` (`{"a": {1, 2}}`); operators are allowed, a bare call is not. */
export function parseTerm(
  text: string,
  fileOrOptions?: string | ParseOptions,
): { term?: Term; errors: ClearanceError[] } {
  const { file } = readOptions(fileOrOptions, undefined, 'term');
  try {
    const p = new EntryParser(splitTokens(text, file).tokens, file, 1);
    const term = p.parseWholeTerm();
    return term && p.errors.length === 0 ? { term, errors: [] } : { errors: sortErrors(p.errors) };
  } catch (e) {
    return { errors: [makeInternalError(e, file)] };
  }
}

/** Accepts both argument styles: `(text, file, options)` and `(text, { file, ...options })`. */
function readOptions(
  fileOrOptions: string | ParseOptions | undefined,
  options: ParseModuleOptions | undefined,
  defaultFile: string,
): { file: string; regoVersion: 0 | 1 | undefined } {
  if (typeof fileOrOptions === 'string') return { file: fileOrOptions, regoVersion: options?.regoVersion };
  return {
    file: fileOrOptions?.file ?? defaultFile,
    regoVersion: fileOrOptions?.regoVersion ?? options?.regoVersion,
  };
}

function parseModuleUnsafe(
  text: string,
  file: string,
  regoVersion: 0 | 1,
  metadata = true,
): { module?: Module; errors: ClearanceError[] } {
  const { tokens, comments } = splitTokens(text, file);
  const p = new EntryParser(tokens, file, regoVersion);
  p.parseStatements();
  const errors = p.errors;
  const eof = tokens[tokens.length - 1] as Token;
  const fileStart: Position = { line: 1, column: 1, offset: 0 };
  if (p.marks.length === 0) {
    errors.push({
      code: PARSE_ERROR_CODE,
      message: 'empty module',
      location: { file, start: fileStart, end: fileStart },
    });
    return { errors: sortErrors(errors) };
  }
  if (!p.marks[0]?.isPackage && p.firstStatement) {
    errors.push({ code: PARSE_ERROR_CODE, message: 'package expected', location: p.firstStatement });
  }
  if (metadata) attachAnnotations(comments, p.marks, errors);
  const declared = p.declaredPackage;
  const pkg: Module['package'] = declared
    ? { path: declared.path, location: declared.location }
    : { path: [], location: { file, start: fileStart, end: fileStart } };
  const pkgAnnotations = p.packageNode?.annotations;
  if (pkgAnnotations) pkg.annotations = pkgAnnotations;
  const module: Module = {
    package: pkg,
    imports: p.imports,
    rules: p.rules,
    comments,
    regoVersion: p.v1 ? 1 : 0,
    location: { file, start: fileStart, end: eof.end },
  };
  return { module, errors: sortErrors(errors) };
}

/** Tokens for the parser (comments set aside as AST comments). */
function splitTokens(text: string, file: string): { tokens: Token[]; comments: Comment[] } {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  for (const t of tokenize(text, file).tokens) {
    if (t.kind === 'comment')
      comments.push({ text: t.value ?? '', location: { file, start: t.start, end: t.end } });
    else tokens.push(t);
  }
  return { tokens, comments };
}

/** Attaches each `# METADATA` block to the first statement starting after it. */
function attachAnnotations(comments: Comment[], marks: StatementMark[], errors: ClearanceError[]): void {
  let next = 0;
  for (const block of findMetadataBlocks(comments)) {
    while (next < marks.length && (marks[next] as StatementMark).line <= block.location.end.line) next++;
    const mark = marks[next];
    const { annotations, error } = parseMetadataBlock(block);
    if (error) errors.push(error);
    // A block above a statement that failed to parse has nothing to check against.
    if (!annotations || (mark && !mark.target)) continue;
    const problem = checkScope(annotations, mark?.target?.kind);
    if (problem) {
      errors.push({ code: PARSE_ERROR_CODE, message: problem, location: annotations.location });
      continue;
    }
    const node = mark?.target?.node;
    if (node) node.annotations = annotations;
  }
}

function sortErrors(errors: ClearanceError[]): ClearanceError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.location?.start.offset ?? 0) - (b.e.location?.start.offset ?? 0) || a.i - b.i)
    .map(({ e }) => e);
}

function makeInternalError(e: unknown, file: string): ClearanceError {
  const start: Position = { line: 1, column: 1, offset: 0 };
  const reason = e instanceof Error ? e.message : String(e);
  return {
    code: PARSE_ERROR_CODE,
    message: `internal parser error: ${reason}`,
    location: { file, start, end: start },
  };
}

/** The statement loop, with recovery, and the query and term entry points. */
class EntryParser extends RuleParser {
  readonly imports: Import[] = [];
  readonly rules: Rule[] = [];
  readonly marks: StatementMark[] = [];
  /** Where the first statement starts, for `package expected`. */
  firstStatement: Location | undefined;
  /** The package statement node annotations attach to. */
  packageNode: { annotations?: Annotations } | undefined;

  /** The package statement, once read. */
  get declaredPackage(): PackageStatement | undefined {
    return this.pkg;
  }

  /** The module's effective Rego version is v1 (declared, or v0 importing `rego.v1`). */
  get v1(): boolean {
    return this.v1Checks;
  }

  /** Reads statements to the end, recovering after each broken one at the next line-start word. */
  parseStatements(): void {
    while (!this.isAt('eof')) {
      const start = this.save();
      const startTok = this.tok;
      this.firstStatement ??= this.locateToken(startTok);
      const isPackage = this.isAtKeyword('package');
      const mark: StatementMark = { line: startTok.start.line, isPackage };
      this.marks.push(mark);
      const ok = this.runGuarded(() => this.parseStatement(mark));
      if (ok) continue;
      if (this.errors.length === start.errors) {
        this.restore(start);
        this.reportUnexpected();
      }
      this.recover(start.pos);
    }
  }

  /** Parses a whole query up to the end of the text. */
  parseWholeQuery(): Body | undefined {
    if (this.isAt('eof')) {
      this.reportAt(this.locateToken(this.tok), 'empty query');
      return undefined;
    }
    return this.runGuarded(() => this.parseBody('eof'));
  }

  /** Parses one term that must make up the whole text. */
  parseWholeTerm(): Term | undefined {
    const term = this.runGuarded(() => this.parseTermIn(true));
    if (!term) return undefined;
    if (!this.isAt('eof')) {
      this.reportUnexpected('expected end of term');
      return undefined;
    }
    if (term.type === 'call') {
      this.reportAt(term.location, 'expected term but got call');
      return undefined;
    }
    return term;
  }

  /** Runs a parse step, turning runaway nesting into a parse error instead of a crash. */
  private runGuarded<T>(step: () => T | undefined): T | undefined {
    this.clearMemo();
    this.depth = 0;
    try {
      return step();
    } catch (e) {
      if (!(e instanceof DepthExceeded) && !(e instanceof RangeError)) throw e;
      this.depth = 0;
      this.reportAt(this.locateToken(this.tok), DEPTH_MESSAGE);
      return undefined;
    }
  }

  private parseStatement(mark: StatementMark): boolean {
    if (this.isAtKeyword('package')) {
      const pkg = this.parsePackage();
      if (!pkg) return false;
      if (this.pkg) {
        this.reportAt(pkg.location, 'unexpected package');
        return false;
      }
      this.pkg = pkg;
      const node: { annotations?: Annotations } = {};
      this.packageNode = node;
      mark.target = { kind: 'package', node };
      return true;
    }
    if (this.isAtKeyword('import')) {
      const imp = this.parseImport();
      if (!imp) return false;
      this.imports.push(imp);
      mark.target = { kind: 'import' };
      return true;
    }
    const rules = this.parseRules();
    if (!rules) return false;
    const first = rules[0];
    if (first) mark.target = { kind: 'rule', node: first };
    for (const r of rules) this.rules.push(r);
    return true;
  }

  /** Skips to the next word that starts a line in column 1, past the failed statement's first token. */
  private recover(from: number): void {
    this.pos = from;
    this.advance();
    while (!this.isAt('eof')) {
      const t = this.tok;
      if (t.kind === 'ident' && t.newlineBefore && t.start.column === 1) return;
      this.advance();
    }
  }
}

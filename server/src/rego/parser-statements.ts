/**
 * `package` and `import` statements, and the keyword switches imports make: `future.keywords`
 * imports and (in Rego v0) `import rego.v1` turn on `if`, `contains`, `in`, `every`, and
 * `future.keywords.not` turns on `not { ... }` bodies, for the statements that follow.
 */
import type { ClearanceError, Location } from '../errors';
import type { Body, Import, Ref, Term } from './ast';
import { BodyParser } from './parser-body';
import { PARSE_ERROR_CODE } from './parser-core';
import { refToString, valueName } from './term-text';
import { IMPORTABLE_FUTURE_KEYWORDS, V0_FUTURE_KEYWORDS, V1_KEYWORDS } from './tokens';

/** A parsed `package` statement. */
export interface PackageStatement {
  kind: 'package';
  path: string[];
  location: Location;
}

/** The package and import layer of the parser. */
export abstract class StatementParser extends BodyParser {
  /** `import rego.v1` was seen: a v0 module that must also be valid v1. */
  protected regoV1Import = false;
  /** Problems that do not stop parsing (OPA reports them once the module is read). */
  protected readonly laterErrors: ClearanceError[] = [];

  /** The body of a clause written without one: no expressions, located where it would start. */
  protected emptyBody(at: number): Body {
    return { exprs: [], location: this.location(at, at) };
  }

  protected laterError(message: string, location: Location): void {
    this.laterErrors.push({ code: PARSE_ERROR_CODE, message, location });
  }

  /** A term whose first word may be a keyword (package and import paths). */
  private parsePathTerm(): Term | null {
    const t = this.tok;
    this.advance();
    return this.parseTermFinish(this.makeVar(t));
  }

  /** `package a.b["c"]`; undefined (nothing consumed) when the statement is not a package. */
  protected parsePackage(): PackageStatement | null | undefined {
    if (!this.atKeyword('package')) return undefined;
    const start = this.tok;
    this.advance();
    if (!this.at('ident')) {
      this.illegal();
      return null;
    }
    const term = this.parsePathTerm();
    if (!term) return null;
    let path: string[];
    if (term.type === 'var') path = [term.name];
    else if (term.type === 'ref') {
      const names = this.stringPath(term, 1);
      if (!names) return null;
      path = names;
    } else {
      this.illegal();
      return null;
    }
    return { kind: 'package', path, location: this.location(start.start, this.lastEnd()) };
  }

  /** The names of a ref whose terms after `from` must all be strings (`a.b["c"]`). */
  private stringPath(ref: Ref, from: number): string[] | null {
    const names: string[] = [];
    ref.terms.forEach((t, i) => {
      if (i < from && t.type === 'var') names.push(t.name);
    });
    for (const t of ref.terms.slice(from)) {
      if (t.type !== 'string' || typeof t.value !== 'string') {
        this.errorAt(t.location, `unexpected ${valueName(t)} token: expecting string`);
        return null;
      }
      names.push(t.value);
    }
    return names;
  }

  /** `import data.x as y`; undefined (nothing consumed) when the statement is not an import. */
  protected parseImport(): Import | null | undefined {
    if (!this.atKeyword('import')) return undefined;
    const start = this.tok;
    this.advance();
    if (!this.at('ident')) {
      this.illegal();
      return null;
    }
    const term = this.parsePathTerm();
    if (!term) return null;
    let path: Ref;
    if (term.type === 'var') path = { type: 'ref', terms: [term], location: term.location };
    else if (term.type === 'ref' && term.terms[0]?.type === 'var') {
      if (!this.stringPath(term, 1)) return null;
      path = term;
    } else {
      this.errorAt(this.tokenLocation(this.tok), 'expected path');
      return null;
    }
    const root = path.terms[0]?.type === 'var' ? path.terms[0].name : '';
    if (!['data', 'input', 'future', 'rego'].includes(root)) {
      this.errorAt(
        path.location,
        `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${root} (hint: if this is unexpected, try updating OPA)`,
      );
      return null;
    }
    const node: Import = { path, location: this.location(start.start, start.end) };
    if (this.atKeyword('as')) {
      this.advance();
      const aliasTok = this.tok;
      if (aliasTok.kind !== 'ident' || this.isKeywordToken(aliasTok)) {
        this.illegal('expected var');
        return null;
      }
      const alias = this.parseTerm();
      if (alias?.type !== 'var') {
        this.illegal('expected var');
        return null;
      }
      node.alias = alias.name;
    } else {
      this.checkImportTail(path, root);
    }
    node.location = this.location(start.start, this.lastEnd());
    if (root === 'future') this.applyFutureImport(node);
    if (root === 'rego') this.applyRegoImport(node);
    return node;
  }

  private checkImportTail(path: Ref, root: string): void {
    if (root === 'future') return;
    const last = path.terms[path.terms.length - 1];
    let name = '';
    if (last?.type === 'var') name = last.name;
    else if (last?.type === 'string' && typeof last.value === 'string') name = last.value;
    const keywords = this.options.regoVersion === 1 ? V1_KEYWORDS : new Set(this.baseKeywordList());
    if (last && keywords.has(name)) {
      this.laterError(
        `unexpected import path, must not end with a keyword, got: ${name} (hint: import a different path or use an alias)`,
        last.location,
      );
    }
  }

  private baseKeywordList(): string[] {
    return [...V1_KEYWORDS].filter((k) => !V0_FUTURE_KEYWORDS.includes(k));
  }

  private applyFutureImport(node: Import): void {
    const names = node.path.terms.slice(1).map((t) => (t.type === 'string' ? String(t.value) : ''));
    if (names[0] !== 'keywords') {
      this.laterError('invalid import, must be `future.keywords`', node.path.location);
      return;
    }
    if (node.alias !== undefined) {
      this.laterError('`future` imports cannot be aliased', node.path.location);
      return;
    }
    if (names.length === 1) {
      this.enableKeywords(IMPORTABLE_FUTURE_KEYWORDS);
      return;
    }
    const keyword = names[1] ?? '';
    if (names.length > 2 || !IMPORTABLE_FUTURE_KEYWORDS.includes(keyword)) {
      const allowed = [...IMPORTABLE_FUTURE_KEYWORDS].sort().join(' ');
      this.laterError(`unexpected keyword, must be one of [${allowed}]`, node.path.location);
      return;
    }
    this.enableKeywords([keyword]);
  }

  private applyRegoImport(node: Import): void {
    const terms = node.path.terms;
    const second = terms[1];
    if (terms.length !== 2 || second?.type !== 'string' || second.value !== 'v1') {
      this.laterError(
        `invalid import \`${refToString(node.path)}\`, must be \`rego.v1\``,
        node.path.location,
      );
      return;
    }
    if (this.options.regoVersion === 1) return;
    if (node.alias !== undefined) {
      this.laterError('`rego` imports cannot be aliased', node.path.location);
      return;
    }
    this.regoV1Import = true;
    this.enableKeywords(V0_FUTURE_KEYWORDS);
  }
}

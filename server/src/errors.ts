/**
 * Errors are data: every problem Clearance reports, from a Rego parse error to an unreadable token
 * file, is a `ClearanceError` that the language server maps to a diagnostic and the CLI prints as
 * `file:line:col: code: message`. Codes follow OPA's where OPA has one.
 */

/** A point in a source text; `line` and `column` are 1-based, `column` counts UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
  /** 0-based offset in UTF-16 code units from the start of the text. */
  offset: number;
}

/** A half-open range of source text: `end` is the position just after the last character. */
export interface Span {
  start: Position;
  end: Position;
}

/** A span inside a named file (a path, or a URI for documents that only live in the editor). */
export interface Location extends Span {
  file: string;
}

/** One reported problem, shaped like OPA's `{code, message, location}` error objects. */
export interface ClearanceError {
  code: string;
  message: string;
  location?: Location;
}

/** Formats an error the way `opa check` and the CLI print it: `file:line:col: code: message`. */
export function formatError(error: ClearanceError): string {
  const where = error.location
    ? `${error.location.file}:${error.location.start.line}:${error.location.start.column}: `
    : '';
  return `${where}${error.code}: ${error.message}`;
}

/** Conversions between Clearance's locations and errors and the LSP's ranges and diagnostics. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';
import type { SeveritySetting } from '../config/settings';
import type { ClearanceError, Span } from '../errors';

/** An LSP range (0-based) from a Clearance span (1-based lines and columns). */
export function toRange(span: Span): Range {
  return {
    start: { line: span.start.line - 1, character: span.start.column - 1 },
    end: { line: span.end.line - 1, character: span.end.column - 1 },
  };
}

/** The LSP severity for a severity setting. */
export function toSeverity(setting: SeveritySetting): DiagnosticSeverity {
  const table: Record<SeveritySetting, DiagnosticSeverity> = {
    error: DiagnosticSeverity.Error,
    warning: DiagnosticSeverity.Warning,
    information: DiagnosticSeverity.Information,
    hint: DiagnosticSeverity.Hint,
  };
  return table[setting];
}

/** A diagnostic for an error; errors without a location sit on the first line. */
export function toDiagnostic(error: ClearanceError): Diagnostic {
  const start = { line: 1, column: 1, offset: 0 };
  const location = error.location ?? { start, end: start };
  return {
    range: toRange(location),
    severity: DiagnosticSeverity.Error,
    code: error.code,
    source: 'clearance',
    message: error.message,
  };
}

/**
 * The file path of a URI in the workspace's scheme, or undefined for other schemes (untitled
 * documents). The scheme is `file:`; in the web build `node:url` maps paths to the workspace
 * folder's own scheme and authority (`vscode-vfs://github/`), so the same code serves both.
 */
export function toPath(uri: string): string | undefined {
  const base = pathToFileURL('/');
  const prefix = base.host ? `${base.protocol}//${base.host}/` : base.protocol;
  return uri.startsWith(prefix) ? fileURLToPath(uri) : undefined;
}

/** The `file:` URI of a path. */
export function toUri(path: string): string {
  return pathToFileURL(path).href;
}

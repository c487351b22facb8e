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
  const known = pathsByUri.get(uri);
  if (known !== undefined) return known;
  const base = pathToFileURL('/');
  const prefix = base.host ? `${base.protocol}//${base.host}/` : base.protocol;
  if (!uri.startsWith(prefix)) return undefined;
  const path = fileURLToPath(uri);
  if (pathsByUri.size >= 2000) pathsByUri.clear();
  pathsByUri.set(uri, path);
  return path;
}

/**
 * Paths of URIs converted before: every edit and hover converts its document's URI, and building
 * two URLs each time was most of an edit's own work in a burst. The scheme and authority are fixed
 * once the server is initialised, and a URI that had no path is not remembered.
 */
const pathsByUri = new Map<string, string>();

/** The `file:` URI of a path. */
export function toUri(path: string): string {
  return pathToFileURL(path).href;
}

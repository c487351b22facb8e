/**
 * Whole-document formatting of `.rego` files with the engine's formatter (`opa fmt` layout), so
 * VS Code's "Format Document" and `editor.formatOnSave` use the same output as `clearance policy fmt`.
 */
import type { TextEdit } from 'vscode-languageserver/node';
import { type FormatTarget, formatSource } from '../rego/format';

/** The edits that format `text`: none when it is already formatted or does not parse. */
export function formatDocumentEdits(text: string, target: FormatTarget): TextEdit[] {
  const r = formatSource(text, { target });
  if (!r.ok || r.text === text) return [];
  const lines = text.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: last.length } },
      newText: r.text,
    },
  ];
}

/** The formatter's target for the workspace's Rego version setting (0 keeps v0 syntax). */
export function formatTargetFor(regoVersion: 0 | 1 | undefined): FormatTarget {
  return regoVersion === 0 ? 'v0' : 'v1';
}

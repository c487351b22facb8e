/**
 * `.clearance.yaml` in the editor, for both language servers (the desktop's and the web worker's):
 * completion of its keys and values, and its diagnostics (the problems found reading it against
 * `schemas/clearance.schema.json`, and a hint when it maps nothing). Each server sends them with its
 * own URIs.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  type CompletionItem,
  CompletionItemKind,
  type Diagnostic,
  DiagnosticSeverity,
} from 'vscode-languageserver/node';
import { completeClearanceYaml } from '../config/clearance-yaml-completion';
import { EMPTY_PROJECT_CONFIG_MESSAGE, projectConfigMapsNothing } from '../config/mistakes';
import { toDiagnostic } from './convert';
import type { SharedWorkspace } from './shared-workspace';

/**
 * Completion in the workspace's `.clearance.yaml` at `offset` of `text`; undefined when `path` is
 * not that file.
 */
export function projectConfigCompletion(
  ws: SharedWorkspace,
  path: string,
  text: string,
  offset: number,
): CompletionItem[] | undefined {
  if (path !== ws.projectConfigPath) return undefined;
  return completeClearanceYaml(text, offset).map((item) => ({
    label: item.label,
    kind: item.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.Value,
    ...(item.detail === undefined ? {} : { detail: item.detail }),
    ...(item.insertText === undefined ? {} : { insertText: item.insertText }),
  }));
}

/** The diagnostics of `.clearance.yaml`: its problems as last read, and the hint when it maps nothing. */
export function projectConfigDiagnostics(ws: SharedWorkspace): Diagnostic[] {
  return [...ws.projectConfigErrors.map(toDiagnostic), ...buildEmptyProjectConfigHints(ws)];
}

/** A file's text, if it exists and is under 1 MB (in the web build, from the workspace snapshot). */
function readSmallFile(path: string): string | undefined {
  try {
    return statSync(path).size > 1024 * 1024 ? undefined : readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A hint on a `.clearance.yaml` that reads without errors but maps nothing (no base URL, route,
 * client or action): it changes nothing, which is rarely what its author meant.
 */
export function buildEmptyProjectConfigHints(ws: SharedWorkspace): Diagnostic[] {
  const text = ws.documents.get(ws.projectConfigPath)?.text ?? readSmallFile(ws.projectConfigPath);
  if (!projectConfigMapsNothing(ws.projectConfig, text, ws.projectConfigErrors.length > 0)) return [];
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: 'clearance',
      code: 'config_empty',
      message: EMPTY_PROJECT_CONFIG_MESSAGE,
    },
  ];
}

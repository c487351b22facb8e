/**
 * Running policies from the editor: the test list and test runs for the Test Explorer, evaluation
 * (and Explain) for the Evaluate lens, the lenses themselves, and the authoring code actions. All
 * evaluation uses the loaded policy, its data and the evaluation limits of the settings.
 */
import type {
  CodeAction,
  CodeLens,
  Connection,
  Range,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { CodeActionKind } from 'vscode-languageserver/node';
import * as authoring from '../authoring';
import { formatError } from '../errors';
import { redactTokensInText } from '../identity';
import { limitsOf, policyFileCount, registerEvaluateRequests } from './authoring-evaluate';
import type { AuthoringState } from './authoring-project';
import {
  evaluateCommand,
  explainCommand,
  type ListTestsResponse,
  listTestsRequest,
  type RunTestsParams,
  type RunTestsResponse,
  runTestsRequest,
} from './authoring-protocol';
import { toPath, toRange, toUri } from './convert';
import type { SharedWorkspace } from './shared-workspace';

/**
 * Runs `tests` in the analysis worker under a deadline and its memory cap (here only without a
 * worker); a run the worker stopped reports each test as errored with the reason, where the test is.
 */
async function runSelectedTests(
  ws: SharedWorkspace,
  tests: authoring.TestCaseInfo[],
): Promise<authoring.TestOutcome[]> {
  const loaded = ws.policy;
  const session = ws.analysisSession();
  if (!loaded || tests.length === 0) return [];
  if (!session) return authoring.runTests(loaded.policy, loaded.data, tests, limitsOf(ws));
  const request = { op: 'runTests' as const, load: session.load, tests, limits: limitsOf(ws) };
  const run = await session.analysis.runTests(request, policyFileCount(ws));
  if (run.ok) return run.value;
  return tests.map((t) => ({
    id: t.id,
    outcome: 'errored',
    durationMs: run.ms,
    message: formatError(run.error),
    location: t.location,
    output: [],
  }));
}

/** Registers the test and evaluation requests. */
export function registerAuthoringRequests(
  connection: Connection,
  state: AuthoringState,
  ready: Promise<void>,
): void {
  connection.onRequest(listTestsRequest, async (): Promise<ListTestsResponse> => {
    await ready;
    state.sync();
    return {
      tests: authoring.listTests(state.project).map((t) => ({
        id: t.id,
        name: t.name,
        package: t.package,
        uri: toUri(t.file),
        range: toRange(t.location),
        skip: t.skip,
      })),
    };
  });

  connection.onRequest(runTestsRequest, async (params: RunTestsParams): Promise<RunTestsResponse> => {
    await ready;
    const ws = state.sync();
    const loaded = ws?.policy;
    const selection = {
      ...(params?.ids ? { ids: params.ids } : {}),
      ...(params?.uris ? { files: params.uris.map((u) => toPath(u) ?? u) } : {}),
      ...(params?.packages ? { packages: params.packages } : {}),
    };
    const tests = authoring.selectTests(authoring.listTests(state.project), selection);
    if (!ws || !loaded) return { results: [] };
    // A policy that does not load runs no test: each reports the first error, where it is.
    const broken = loaded.errors[0];
    if (broken)
      return {
        results: tests.map((t) => ({
          id: t.id,
          outcome: 'errored',
          durationMs: 0,
          message: redactTokensInText(formatError(broken)),
          ...(broken.location
            ? { location: { uri: toUri(broken.location.file), range: toRange(broken.location) } }
            : {}),
          output: [],
        })),
      };
    const results = await runSelectedTests(ws, tests);
    return {
      results: results.map((r) => ({
        id: r.id,
        outcome: r.outcome,
        durationMs: r.durationMs,
        ...(r.message ? { message: redactTokensInText(r.message) } : {}),
        ...(r.location ? { location: { uri: toUri(r.location.file), range: toRange(r.location) } } : {}),
        ...(r.values ? { values: r.values } : {}),
        output: r.output.map(redactTokensInText),
        ...(r.cases
          ? {
              cases: r.cases.map((c) => ({
                name: redactTokensInText(c.name),
                outcome: c.outcome,
                ...(c.message ? { message: redactTokensInText(c.message) } : {}),
                ...(c.location
                  ? { location: { uri: toUri(c.location.file), range: toRange(c.location) } }
                  : {}),
                ...(c.values ? { values: c.values } : {}),
              })),
            }
          : {}),
      })),
    };
  });

  registerEvaluateRequests(connection, state, ready);
}

/** The Evaluate (and Explain) lenses of a `.rego` document: on its package and on each rule. */
export async function regoCodeLenses(state: AuthoringState, uri: string): Promise<CodeLens[]> {
  const file = toPath(uri);
  if (!file?.endsWith('.rego')) return [];
  await state.loaded();
  const entry = state.project.entry(file);
  const module = entry?.module;
  if (!module) return [];
  const lenses: CodeLens[] = [];
  const pkg = `data.${module.package.path.join('.')}`;
  const at = (range: Range): Range => ({ start: range.start, end: range.start });
  lenses.push({
    range: at(toRange(module.package.location)),
    command: { title: '▶ Evaluate package', command: evaluateCommand, arguments: [uri, pkg] },
  });
  const seen = new Set<string>();
  for (const d of entry.defs) {
    const key = d.path.join('.');
    const name = d.path[d.path.length - 1] ?? '';
    if (seen.has(key) || d.rule.kind === 'function' || name.startsWith('test_')) continue;
    seen.add(key);
    const range = at(toRange(d.rule.location));
    lenses.push({
      range,
      command: { title: '▶ Evaluate', command: evaluateCommand, arguments: [uri, `data.${key}`] },
    });
    lenses.push({
      range,
      command: { title: 'Explain', command: explainCommand, arguments: [uri, `data.${key}`] },
    });
  }
  return lenses;
}

/** The authoring code actions at a range of a `.rego` document. */
export async function regoCodeActions(
  state: AuthoringState,
  uri: string,
  range: Range,
): Promise<CodeAction[]> {
  const file = toPath(uri);
  if (!file?.endsWith('.rego')) return [];
  await state.loaded();
  const entry = state.project.entry(file);
  if (!entry) return [];
  const offset = (entry.starts[range.start.line] ?? entry.text.length) + range.start.character;
  return authoring.codeActions(state.project, file, offset).map((a) => ({
    title: a.title,
    kind: a.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.Refactor,
    edit: toWorkspaceEdit(a.edits),
  }));
}

function toWorkspaceEdit(edits: authoring.FileEdit[]): WorkspaceEdit {
  const documentChanges: NonNullable<WorkspaceEdit['documentChanges']> = [];
  for (const e of edits) {
    const uri = toUri(e.file);
    if (e.create) documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    const start = { line: e.at.line - 1, character: e.at.column - 1 };
    const end = e.end ? { line: e.end.line - 1, character: e.end.column - 1 } : start;
    const edit: TextEdit = { range: { start, end }, newText: e.text };
    documentChanges.push({ textDocument: { uri, version: null }, edits: [edit] });
  }
  return { documentChanges };
}

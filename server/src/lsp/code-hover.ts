/**
 * The hover and completion handlers: a call's decision in code (waiting at most 1.5 s for its
 * file's decisions, then saying they are not ready), the Rego authoring hover and completion in
 * policies, and completion in `.clearance.yaml`. Everything sent passes the token redactor.
 */
import type { Hover } from 'vscode-languageserver/node';
import type { DecidedCall } from '../decision/scan';
import { redactTokensInText } from '../identity';
import { regoCompletion, regoHover } from './authoring-language';
import { toPath, toRange } from './convert';
import { describePolicyState, findCallAt, findDecidedCall } from './features';
import { projectConfigCompletion } from './project-config';
import type { DiagnosticsPublisher } from './publish-diagnostics';
import type { ServerState } from './server-state';
import { buildNoPolicyHover } from './setup-notices';

/** How long a hover waits for its file's decisions before it says they are not ready. */
const hoverWaitMs = 1500;
const stillDeciding =
  'Clearance is still deciding the calls in this file (a slow policy or a very large file); hover again in a moment. A file that cannot be decided within its limit shows an error in the Problems panel.';

/** Registers the hover and completion handlers. */
export function registerHoverAndCompletion(state: ServerState, publisher: DiagnosticsPublisher): void {
  const { connection, authoring } = state;

  connection.onHover(async ({ textDocument, position }): Promise<Hover | null> => {
    const rego = await regoHover(authoring, textDocument.uri, position);
    if (rego !== undefined) return rego;
    const ws = state.workspace;
    const path = toPath(textDocument.uri);
    if (!ws || !path || !ws.contains(path)) return null;
    await state.ready;
    // The main thread always answers: a file still being decided (or stopped) says so.
    const decided = await ws.decideDocumentWithin(path, new Date(), hoverWaitMs);
    if (decided === 'pending') return { contents: { kind: 'markdown', value: stillDeciding } };
    if (!decided) return null;
    if (!ws.hasPolicy()) {
      const call = findDecidedCall(decided.calls, position);
      if (!call) return null;
      const value = buildNoPolicyHover(ws.settings, state.richHovers, ws.policy?.errors[0]?.message);
      return { contents: { kind: 'markdown', value }, range: toRange(call.call.location) };
    }
    const note = describePolicyState(ws.policy, ws.decisionPolicy, ws.hasPolicy());
    const item = findDecidedCall(decided.calls, position);
    if (item && ws.hasPolicy()) publisher.recordAudit([item]);
    const stopped = decided.errors.find((e) => e.code === 'eval_cancel_error' && decided.calls.length === 0);
    if (stopped)
      return {
        contents: { kind: 'markdown', value: `Clearance could not decide this file: ${stopped.message}.` },
      };
    // Decided off this thread (in the worker) before the hover is built, which then only reads them.
    const otherActions = item && ws.hasPolicy() ? await ws.decideOtherActionsSafely(item) : [];
    const others = (shown: DecidedCall) => (shown === item ? otherActions : []);
    const hover = findCallAt(decided.calls, position, ws.identity, note, others, {
      html: state.richHovers,
      commands: state.richHovers,
      uri: textDocument.uri,
    });
    if (!hover || typeof hover.contents !== 'object' || !('value' in hover.contents)) return hover;
    return { ...hover, contents: { ...hover.contents, value: redactTokensInText(hover.contents.value) } };
  });

  connection.onCompletion(async ({ textDocument, position }) => {
    const rego = await regoCompletion(authoring, textDocument.uri, position);
    if (rego !== undefined) return rego;
    const ws = state.workspace;
    const path = toPath(textDocument.uri);
    const document = state.documents.get(textDocument.uri);
    if (!ws || !path || !document) return null;
    return projectConfigCompletion(ws, path, document.getText(), document.offsetAt(position)) ?? null;
  });
}

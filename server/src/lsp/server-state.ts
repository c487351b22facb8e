/**
 * What the language server's handlers share: the connection, the open documents, the workspace
 * (once the client named a folder), the index and bundle controllers, and what the client said it
 * supports. `server.ts` makes one and hands it to each feature's factory.
 */
import { join } from 'node:path';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { redactTokensInText } from '../identity';
import { AuthoringState } from './authoring-project';
import { regoCodeActions, regoCodeLenses } from './authoring-running';
import type { createBundleController } from './bundle-controller';
import { ClientSettings, minimalClientFeatures } from './client-features';
import type { EditorContext } from './editor-handlers';
import type { IndexController } from './index-controller';
import type { ClearanceWorkspace } from './workspace';

/** The bundle controller of the workspace's OPA bundles. */
export type BundleController = ReturnType<typeof createBundleController>;

/** A level of the output channel. */
export type LogLevel = 'info' | 'warn' | 'error';

/** The state every handler of the server reads, and the few flags set at initialisation. */
export interface ServerState {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  /** The Rego authoring features' view of the workspace. */
  readonly authoring: AuthoringState;
  /** What the decision-based editor features (lenses, actions) need. */
  readonly editor: EditorContext;
  /** Resolves once settings, identity and policy are first loaded: nothing is decided before that. */
  readonly ready: Promise<void>;
  markReady: () => void;
  /** Writes to the output channel, with anything token-like blanked out. */
  log: (level: LogLevel, text: string) => void;
  workspace: ClearanceWorkspace | undefined;
  /** The workspace index (every folder of a multi-root workspace), its decisions and impact reports. */
  indexer: IndexController | undefined;
  bundleController: BundleController | undefined;
  /** Where the client's settings come from (pulled or pushed). */
  clientSettings: ClientSettings;
  /** The client can be asked to pull code lenses again. */
  codeLensRefresh: boolean;
  /** The client registers capabilities dynamically: formatting is registered for `.rego` alone. */
  formatRegoOnly: boolean;
  /** VS Code renders `<details>` and runs the hover's command links; other editors get plain Markdown. */
  richHovers: boolean;
}

/** The server's state before `initialize`: no workspace yet, the client taken as minimal. */
export function createServerState(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
): ServerState {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const state: ServerState = {
    connection,
    documents,
    ready,
    markReady,
    log: (level, text) => connection.console[level](redactTokensInText(text)),
    workspace: undefined,
    indexer: undefined,
    bundleController: undefined,
    clientSettings: new ClientSettings(minimalClientFeatures, undefined),
    codeLensRefresh: false,
    formatRegoOnly: false,
    richHovers: false,
    // Clearance's input schema ships in schemas/, beside the server bundle's folder.
    authoring: new AuthoringState(
      documents,
      () => state.workspace,
      join(__dirname, '..', '..', 'schemas', 'input.schema.json'),
      ready,
    ),
    editor: {
      workspace: () => state.workspace,
      ready,
      client: minimalClientFeatures,
      rego: {
        codeLenses: (uri) => regoCodeLenses(state.authoring, uri),
        codeActions: (uri, range) => regoCodeActions(state.authoring, uri, range),
      },
    },
  };
  return state;
}

/**
 * A real LSP client for tests: starts the built language server over stdio and drives it with
 * vscode-languageserver-protocol, recording every notification it sends.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  type Diagnostic,
  type Hover,
  type MessageConnection,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type RegistrationParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { delay, hangGuardMs } from '../support/wait-for';

export { waitFor } from '../support/wait-for';

/** The built server the tests drive; `npm test` builds it first. */
export const serverModule = join(__dirname, '..', '..', 'dist', 'server', 'server.js');

/** The `clearance` settings for a copy of examples/shop whose `identity/` holds a freshly minted token and JWKS. */
export const shopIdentitySettings = {
  identity: {
    tokenFile: 'identity/alice.jwt',
    jwksFile: 'identity/jwks.json',
    issuer: 'https://id.example.com',
    audience: 'clearance-demo',
  },
};

/** The commands the VS Code extension declares in `initializationOptions.clientCommands` (client/src/extension.ts). */
const vscodeClientCommands = [
  'clearance.evaluateAs',
  'clearance.copyAccessRequest',
  'clearance.openInput',
  'clearance.copyInput',
  'clearance.rego.evaluateCall',
];

/** A running server and what it has said. */
export interface TestServer {
  connection: ProtocolConnection;
  process: ChildProcessWithoutNullStreams;
  /** Latest diagnostics per URI. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Every `clearance/identity` notification, oldest first. */
  identities: Array<{ text: string; status: string }>;
  /** The notices the server showed the user (`window/showMessage`). */
  messages: string[];
  /** Everything the server wrote: log messages, stderr, notifications, as text. */
  transcript: string[];
  /** Settings answered to `workspace/configuration`; tests replace them and notify. */
  settings: Record<string, unknown>;
  /** The server's home folder: temporary, removed on stop. */
  home: string;
  /** Every registration the server asked for (`client/registerCapability`), oldest first. */
  registrations: Registration[];
  /** How many messages the server has sent so far (notifications, requests, stderr chunks). */
  heard: number;
  /** Resolves once the server has sent more than `count` messages (see `heard`). */
  heardMore(count: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the server on `root` with `settings` as the `clearance` configuration section;
 * `initializationOptions` are sent as the editor's client sends them (e.g. `workspaceTrusted`). Its
 * home folder is a fresh temporary one, so nothing it writes there by default (the audit log)
 * reaches the real home; `home` in the result names it.
 */
export async function startServer(
  root: string,
  settings: Record<string, unknown>,
  initializationOptions?: Record<string, unknown>,
): Promise<TestServer> {
  const home = mkdtempSync(join(tmpdir(), 'clearance-home-'));
  // Node options for the server alone, e.g. `--cpu-prof` to profile it under a benchmark (NODE_OPTIONS refuses it).
  const nodeArgs = process.env.CLEARANCE_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, serverModule, '--stdio'], {
    stdio: 'pipe',
    env: { ...process.env, HOME: home, USERPROFILE: home },
  });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const server: TestServer = {
    connection,
    process: child,
    diagnostics: new Map(),
    identities: [],
    messages: [],
    transcript: [],
    settings,
    home,
    registrations: [],
    heard: 0,
    heardMore(count) {
      if (server.heard > count) return Promise.resolve();
      return new Promise((resolve) => listeners.add({ count, resolve }));
    },
    async stop() {
      try {
        await Promise.race([connection.sendRequest('shutdown'), delay(2000)]);
        await connection.sendNotification('exit');
      } catch {
        // The server may already be gone; killing it below is enough.
      }
      // A profiling server writes its profile as it exits: give it the time.
      if (nodeArgs.length > 0 && child.exitCode === null)
        await Promise.race([new Promise((resolve) => child.once('exit', resolve)), delay(10_000)]);
      connection.dispose();
      child.kill();
      rmSync(home, { recursive: true, force: true });
    },
  };
  // Waiters for the server's next message: a test waits for what the server says, never for a time.
  const listeners = new Set<{ count: number; resolve: () => void }>();
  const heard = () => {
    server.heard++;
    for (const listener of listeners)
      if (server.heard > listener.count) {
        listeners.delete(listener);
        listener.resolve();
      }
  };
  child.stderr.on('data', (chunk: Buffer) => {
    server.transcript.push(chunk.toString());
    heard();
  });
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    server.diagnostics.set(params.uri, params.diagnostics);
    server.transcript.push(JSON.stringify(params));
    heard();
  });
  connection.onNotification('clearance/identity', (view: { text: string; status: string }) => {
    server.identities.push(view);
    server.transcript.push(JSON.stringify(view));
    heard();
  });
  connection.onNotification('window/showMessage', (params: { message: string }) => {
    server.messages.push(params.message);
    server.transcript.push(params.message);
    heard();
  });
  // Notices with actions (no identity, an undefined entrypoint) are requests; no button is pressed.
  connection.onRequest('window/showMessageRequest', (params: { message: string }) => {
    server.messages.push(params.message);
    server.transcript.push(params.message);
    heard();
    return null;
  });
  connection.onNotification('window/logMessage', (params: { message: string }) => {
    server.transcript.push(params.message);
    heard();
  });
  // Any other notification (`clearance/permissionsChanged`, `clearance/impact`, …) is news too. The
  // protocol connection is vscode-jsonrpc's, whose catch-all handler its own types leave out.
  (connection as unknown as MessageConnection).onNotification((method: string) => {
    server.transcript.push(`notification ${method}`);
    heard();
  });
  connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
    params.items.map(() => server.settings),
  );
  connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
    server.registrations.push(...params.registrations);
    heard();
    return null;
  });
  // A test's own notification handler (e.g. for `clearance/impact`) replaces the catch-all above for
  // its method: what it records is news too, counted once the handler has run.
  const register = connection.onNotification.bind(connection) as (
    method: unknown,
    handler: (...args: unknown[]) => void,
  ) => ReturnType<ProtocolConnection['onNotification']>;
  (connection as { onNotification: unknown }).onNotification = (
    method: unknown,
    handler: (...args: unknown[]) => void,
  ) =>
    register(method, (...args) => {
      handler(...args);
      heard();
    });
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'shop' }],
    // As VS Code's client: it declares the extension's own commands that code actions may run.
    initializationOptions: { clientCommands: vscodeClientCommands, ...initializationOptions },
    capabilities: {
      window: { showDocument: { support: true } },
      // As VS Code: settings changes and file watchers are registered by the server.
      workspace: {
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        didChangeWatchedFiles: { dynamicRegistration: true },
      },
      textDocument: {
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: { relatedInformation: true },
      },
    },
  });
  await connection.sendNotification('initialized', {});
  return server;
}

/** Opens a document in the server, as the editor does when a file is shown. */
export async function openDocument(
  server: TestServer,
  path: string,
  text: string,
  languageId: string,
): Promise<string> {
  const uri = pathToFileURL(path).href;
  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId, version: 1, text },
  });
  return uri;
}

/** Replaces a document's whole text. */
export async function changeDocument(
  server: TestServer,
  uri: string,
  version: number,
  text: string,
): Promise<void> {
  await server.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [{ text }],
  });
}

/** Asks for the hover at a 0-based position and returns its Markdown, or undefined. */
export async function hoverText(
  server: TestServer,
  uri: string,
  line: number,
  character: number,
): Promise<string | undefined> {
  const hover = (await server.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line, character },
  })) as Hover | null;
  if (!hover) return undefined;
  const contents = hover.contents;
  return typeof contents === 'object' && 'value' in contents ? contents.value : JSON.stringify(contents);
}

/**
 * Waits until `check` passes, checking it again each time the server sends something (it has no
 * other way to change what a test sees). Fails only after `guardMs`, a hang guard, not a speed check.
 */
export function until<T>(
  server: TestServer,
  what: string,
  check: () => T | undefined,
  guardMs = hangGuardMs,
): Promise<T> {
  return untilAnswer(server, what, async () => check(), guardMs);
}

/**
 * Asks the server (a request, e.g. a hover or `clearance/permissions`) until `ask` gives a value,
 * asking again only after the server sent something new since the last question (the news that may
 * change the answer: diagnostics, a log line, `clearance/permissionsChanged`). No time bound but a
 * hang guard of minutes; a failure names `what` and the last answer (`describe`d, if given).
 */
export async function untilAnswer<T>(
  server: TestServer,
  what: string,
  ask: () => Promise<T | undefined>,
  guardMs = hangGuardMs,
  describe?: () => string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), guardMs);
  });
  try {
    for (;;) {
      // Counted before asking: news that arrives while the request is on its way asks again.
      const seen = server.heard;
      const value = await ask();
      if (value !== undefined) return value;
      if ((await Promise.race([server.heardMore(seen), hung])) === 'hung')
        throw new Error(
          `gave up waiting for ${what} after ${guardMs / 1000} s (the hang guard)${describe ? `: ${describe()}` : ''}`,
        );
    }
  } finally {
    clearTimeout(timer);
  }
}

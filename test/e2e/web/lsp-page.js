// The page of the web worker test (test/e2e/web-worker.e2e.test.ts): it starts the built web-worker
// language server in a real Worker and speaks LSP to it over postMessage, as VS Code's browser
// language client does. Workspace files are served from memory over Clearance's file requests.
const worker = new Worker('/dist/server/web-server.js');
const pending = new Map();
let nextId = 1;

/** What the test sets (files by path, the `clearance` settings) and reads (diagnostics, notifications). */
const state = { files: {}, settings: {}, diagnostics: {}, notifications: [], errors: [] };

function entriesOf(dir) {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const entries = new Map();
  for (const path of Object.keys(state.files)) {
    if (!path.startsWith(prefix)) continue;
    const [name, ...rest] = path.slice(prefix.length).split('/');
    entries.set(name, rest.length > 0 ? 'directory' : 'file');
  }
  return [...entries].map(([name, kind]) => ({ name, kind }));
}

function answer(method, params) {
  switch (method) {
    case 'workspace/configuration':
      return params.items.map(() => state.settings);
    case 'client/registerCapability':
    case 'window/workDoneProgress/create':
      return null;
    case 'clearance/fs/readDirectory': {
      const entries = entriesOf(new URL(params.uri).pathname);
      return entries.length > 0 ? { entries } : { error: 'not a folder' };
    }
    case 'clearance/fs/readFile': {
      const text = state.files[decodeURIComponent(new URL(params.uri).pathname)];
      if (text === undefined) return { error: 'not found' };
      // As client/src/browser-files.ts: a file over the server's limit is refused, with its size.
      const size = new TextEncoder().encode(text).byteLength;
      if (size > params.limitBytes)
        return { error: `larger than ${params.limitBytes} bytes`, sizeBytes: size };
      return { text };
    }
    default:
      throw new Error(`unhandled request ${method}`);
  }
}

worker.onmessage = (event) => {
  const message = event.data;
  if (message.id !== undefined && message.method === undefined) {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error.message));
    else waiter?.resolve(message.result);
  } else if (message.id !== undefined) {
    try {
      worker.postMessage({ jsonrpc: '2.0', id: message.id, result: answer(message.method, message.params) });
    } catch (error) {
      worker.postMessage({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: String(error) } });
    }
  } else if (message.method === 'textDocument/publishDiagnostics') {
    state.diagnostics[message.params.uri] = message.params.diagnostics;
  } else {
    state.notifications.push(message);
  }
};
worker.onerror = (event) => state.errors.push(String(event.message));

window.lsp = {
  state,
  request(method, params) {
    const id = nextId++;
    worker.postMessage({ jsonrpc: '2.0', id, method, params });
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  },
  notify(method, params) {
    worker.postMessage({ jsonrpc: '2.0', method, params });
  },
};

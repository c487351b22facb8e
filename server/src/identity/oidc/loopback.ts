/**
 * The loopback redirect listener of a native app's sign-in (RFC 8252 sections 7.3 and 8.3): an HTTP
 * server on 127.0.0.1 only, on a port the system picks, that takes exactly one answer for the
 * expected `state` and then closes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The path the provider redirects to. */
export const CALLBACK_PATH = '/callback';

/** What the provider sent back to the redirect URI. */
export type CallbackResult = { ok: true; code: string } | { ok: false; reason: string; error?: string };

/** A listening redirect endpoint. */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback`. */
  redirectUri: string;
  /** Resolves with the first answer that carries the expected state, an error, or a timeout. */
  waitForCallback(
    state: string,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<CallbackResult>;
  /** Stops listening; safe to call twice. */
  close(): void;
}

const DONE_PAGE = `<!doctype html><meta charset="utf-8"><title>Clearance</title>
<body style="font-family:sans-serif;margin:3em"><h1>Signed in to Clearance</h1>
<p>You can close this tab and return to your editor.</p></body>`;
const FAILED_PAGE = `<!doctype html><meta charset="utf-8"><title>Clearance</title>
<body style="font-family:sans-serif;margin:3em"><h1>Clearance sign-in did not complete</h1>
<p>Return to your editor for the reason.</p></body>`;

/** Starts listening on 127.0.0.1 on a free port. */
export async function startLoopbackListener(): Promise<LoopbackListener> {
  let deliver: ((request: IncomingMessage, response: ServerResponse) => boolean) | undefined;
  const server = createServer((request, response) => {
    // Anything but the callback (a favicon, a probe) gets a 404 and does not end the wait.
    if (deliver?.(request, response) !== true) response.writeHead(404).end();
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    server.close();
    server.closeAllConnections();
  };
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    close,
    waitForCallback: (state, options) =>
      new Promise<CallbackResult>((resolve) => {
        const finish = (result: CallbackResult) => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          deliver = undefined;
          resolve(result);
          // Let the browser receive the page before the server goes.
          setTimeout(close, 200).unref();
        };
        const onAbort = () => finish({ ok: false, reason: 'cancelled' });
        const timer = setTimeout(
          () => finish({ ok: false, reason: 'no answer came back from the browser in time' }),
          options.timeoutMs,
        );
        timer.unref();
        if (options.signal?.aborted) return onAbort();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        deliver = (request, response) => {
          const url = new URL(request.url ?? '/', 'http://127.0.0.1');
          if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH) return false;
          const result = readCallback(url.searchParams, state);
          // An answer for another state is not ours (a stale tab, a forged link): refuse it, keep waiting.
          if (result === undefined) {
            response.writeHead(400, { 'content-type': 'text/plain' }).end('unexpected state');
            return true;
          }
          const page = result.ok ? DONE_PAGE : FAILED_PAGE;
          response.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
          });
          response.end(page);
          finish(result);
          return true;
        };
      }),
  };
}

/** Reads an authorization response (RFC 6749 section 4.1.2); undefined when its state is not ours. */
function readCallback(params: URLSearchParams, state: string): CallbackResult | undefined {
  if (params.get('state') !== state) return undefined;
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    const text = (description ? `${error} (${description})` : error)
      .replace(/[^\x20-\x7e]/g, ' ')
      .slice(0, 300);
    return { ok: false, reason: `the provider refused the sign-in: ${text}`, error: error.slice(0, 64) };
  }
  const code = params.get('code');
  if (code === null || code === '')
    return { ok: false, reason: 'the provider sent back no authorization code' };
  return { ok: true, code };
}

/**
 * A synchronous HTTP request for `http.send`: the evaluator is synchronous, so the request runs
 * on a worker thread (Node's fetch) while the evaluating thread waits on a shared flag, bounded
 * by a timeout. The response body is read up to a size limit.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** A request as the worker receives it. */
export interface SyncRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  followRedirects: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
}

/** The worker's answer: a response, or a network error's message. */
export type SyncResponse =
  | { ok: true; status: number; statusText: string; headers: Record<string, string[]>; body: string }
  | { ok: false; message: string; timedOut: boolean };

/** The worker's program (plain JavaScript, run with `eval` so the bundle needs no extra file). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ request, port, flag }) => {
  const done = new Int32Array(flag);
  let result;
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: request.followRedirects ? 'follow' : 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const chunks = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        size += chunk.length;
        if (size > request.maxBodyBytes) throw new Error('response body exceeds ' + request.maxBodyBytes + ' bytes');
        chunks.push(chunk);
      }
    }
    const headers = {};
    res.headers.forEach((value, name) => { (headers[name] = headers[name] || []).push(value); });
    result = { ok: true, status: res.status, statusText: res.statusText, headers, body: Buffer.concat(chunks).toString('utf8') };
  } catch (e) {
    const cause = e && e.cause && e.cause.message ? ': ' + e.cause.message : '';
    const timedOut = !!e && (e.name === 'TimeoutError' || e.name === 'AbortError');
    result = { ok: false, message: (e && e.message ? e.message : String(e)) + cause, timedOut };
  }
  port.postMessage(result);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

let worker: Worker | undefined;

/** The shared worker, started on first use; it never keeps the process alive. */
function fetchWorker(): Worker {
  if (worker === undefined) {
    worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('error', () => {
      worker = undefined;
    });
  }
  return worker;
}

/** Makes the request and blocks until it answers or `timeoutMs` (plus a grace second) passes. */
export function fetchSync(request: SyncRequest): SyncResponse {
  const flag = new SharedArrayBuffer(4);
  const done = new Int32Array(flag);
  const { port1, port2 } = new MessageChannel();
  try {
    fetchWorker().postMessage({ request, port: port2, flag }, [port2]);
    Atomics.wait(done, 0, 0, request.timeoutMs + 1000);
    const message = receiveMessageOnPort(port1);
    if (message === undefined) return { ok: false, message: 'request timed out', timedOut: true };
    return message.message as SyncResponse;
  } finally {
    port1.close();
  }
}

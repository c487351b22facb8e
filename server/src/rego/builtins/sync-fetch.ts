/**
 * Synchronous network calls for `http.send` and `net.lookup_ip_addr`: the evaluator is
 * synchronous, so the call runs on a worker thread (Node's fetch, or its resolver) while the
 * evaluating thread waits on a shared flag, bounded by a timeout. Response bodies are read up to
 * a size limit.
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

/** The worker's answer to a host name lookup: the addresses, or the error's message. */
export type SyncLookup =
  | { ok: true; addresses: string[] }
  | { ok: false; message: string; timedOut: boolean };

/** The worker's program (plain JavaScript, run with `eval` so the bundle needs no extra file). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
async function lookup(request) {
  try {
    const timeout = new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('lookup timed out'), { name: 'TimeoutError' })), request.timeoutMs));
    const found = await Promise.race([require('node:dns').promises.lookup(request.name, { all: true }), timeout]);
    return { ok: true, addresses: found.map((a) => a.address) };
  } catch (e) {
    return { ok: false, message: e && e.message ? e.message : String(e), timedOut: !!e && e.name === 'TimeoutError' };
  }
}
parentPort.on('message', async ({ op, request, port, flag }) => {
  const done = new Int32Array(flag);
  let result;
  if (op === 'lookup') {
    result = await lookup(request);
  } else try {
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

/** Runs one operation on the worker and blocks until it answers or `timeoutMs` (plus a grace second) passes. */
function callWorker<T>(op: 'fetch' | 'lookup', request: { timeoutMs: number }, timedOut: T): T {
  const flag = new SharedArrayBuffer(4);
  const done = new Int32Array(flag);
  const { port1, port2 } = new MessageChannel();
  try {
    fetchWorker().postMessage({ op, request, port: port2, flag }, [port2]);
    Atomics.wait(done, 0, 0, request.timeoutMs + 1000);
    const message = receiveMessageOnPort(port1);
    return message === undefined ? timedOut : (message.message as T);
  } finally {
    port1.close();
  }
}

/** Makes an HTTP request and waits for its response. */
export function fetchSync(request: SyncRequest): SyncResponse {
  return callWorker<SyncResponse>('fetch', request, {
    ok: false,
    message: 'request timed out',
    timedOut: true,
  });
}

/** Resolves a host name to its addresses (as the system resolver answers) and waits for them. */
export function lookupSync(name: string, timeoutMs: number): SyncLookup {
  return callWorker<SyncLookup>('lookup', { name, timeoutMs } as { name: string; timeoutMs: number }, {
    ok: false,
    message: 'lookup timed out',
    timedOut: true,
  });
}

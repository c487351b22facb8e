/**
 * http.send against a real HTTP server: disabled by default with an error naming the setting (even
 * without strict builtin errors), OPA's response object when enabled, timeouts bounded. The server
 * runs on a worker thread because http.send blocks the evaluating thread while it waits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  compilePolicy,
  type EvalOptions,
  evaluateQuery,
  type JsonValue,
  prepareQuery,
} from '../../../server/src/rego/index';

/** A server: `/json` answers JSON, `/slow` answers after 2 s, `/echo` returns the request. */
const SERVER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (req.url === '/json') {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-test', 'yes');
      res.end('{"ok": true, "n": 12345678901234567890}');
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 2000);
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, header: req.headers['x-who'] ?? null, body }));
    }
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

let worker: Worker;
let base = '';

before(async () => {
  worker = new Worker(SERVER_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  worker.postMessage('stop');
  await new Promise((resolve) => worker.once('exit', resolve));
});

/** Evaluates `query` (binding `x`) and returns x, or the errors. */
function run(
  query: string,
  options: EvalOptions = {},
): { x?: JsonValue; errors: Array<{ code: string; message: string }> } {
  const { policy } = compilePolicy([{ file: 'p.rego', text: 'package p\n' }]);
  const prepared = prepareQuery(policy, query);
  assert.ok(prepared.query, JSON.stringify(prepared.errors));
  const { results, errors } = evaluateQuery(prepared.query, options);
  return { x: results[0]?.bindings.x, errors };
}

describe('http.send', () => {
  test('is disabled by default, with an error naming the setting, even without strict errors', () => {
    const { x, errors } = run(`x := http.send({"method": "get", "url": "${base}/json"})`);
    assert.equal(x, undefined);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'eval_builtin_error');
    assert.match(errors[0]?.message ?? '', /clearance\.evaluation\.allowHttpSend/);
  });

  test('checks the request keys before anything else, as OPA does', () => {
    const { errors } = run(`x := http.send({"method": "get", "url": "${base}", "nope": 1})`, {
      strictBuiltinErrors: true,
    });
    assert.equal(errors[0]?.code, 'eval_type_error');
    assert.match(errors[0]?.message ?? '', /invalid request parameters\(s\): \{"nope"\}/);
  });

  test('returns OPA response object when enabled (JSON body decoded exactly, headers as lists)', () => {
    const { x, errors } = run(
      `r := http.send({"method": "get", "url": "${base}/json"}); x := [r.status_code, r.status, r.body, r.headers["x-test"]]`,
      {
        allowHttpSend: true,
      },
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(x, [200, '200 OK', { ok: true, n: 12345678901234567890n }, ['yes']]);
  });

  test('sends the method, headers and raw body', () => {
    const { x, errors } = run(
      `x := http.send({"method": "post", "url": "${base}/echo", "headers": {"x-who": "me"}, "raw_body": "hello"}).body`,
      { allowHttpSend: true },
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(x, { method: 'POST', header: 'me', body: 'hello' });
  });

  test('times out after the request timeout; raise_error false returns the error in the response', () => {
    const { x, errors } = run(
      `x := http.send({"method": "get", "url": "${base}/slow", "timeout": "200ms", "raise_error": false})`,
      { allowHttpSend: true },
    );
    assert.deepEqual(errors, []);
    const r = x as { status_code: number; error: { code: string; message: string } };
    assert.equal(r.status_code, 0);
    assert.equal(r.error.code, 'eval_http_send_network_error');
    assert.match(r.error.message, /timed out/);
  });

  test('is bounded by the evaluation time limit, not only its own timeout', () => {
    const { errors } = run(`x := http.send({"method": "get", "url": "${base}/slow", "timeout": "30s"})`, {
      allowHttpSend: true,
      strictBuiltinErrors: true,
      limits: { timeoutMs: 300 },
    });
    // The server answers after 2 s: an answer here would mean the deadline was not applied.
    assert.equal(errors[0]?.code, 'eval_http_send_network_error');
    assert.match(errors[0]?.message ?? '', /timed out/);
  });

  test('net.lookup_ip_addr answers IP addresses without the network, and names only when enabled', () => {
    assert.deepEqual(run('x := net.lookup_ip_addr("10.0.0.1")').x, ['10.0.0.1']);
    const { errors } = run('x := net.lookup_ip_addr("localhost")');
    assert.equal(errors[0]?.code, 'eval_builtin_error');
    assert.match(errors[0]?.message ?? '', /clearance\.evaluation\.allowHttpSend/);
    const { x } = run('x := net.lookup_ip_addr("localhost")', { allowHttpSend: true });
    assert.ok(
      Array.isArray(x) && x.length > 0 && x.every((a) => a === '127.0.0.1' || a === '::1'),
      JSON.stringify(x),
    );
  });
});

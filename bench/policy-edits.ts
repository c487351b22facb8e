/**
 * Policy edit benchmark: `npm run bench -- policy-edits [--files N] [--edits N]`. On the generated
 * policy workspace of `bench/authoring.ts` (default 350 files), measures in one run:
 * - in process, against parsing every file once (the peer): a cold load, what an edit cost the
 *   previous server (a full load in the worker and another on the main thread), and a reload after
 *   an edit with the kept parses and compiled clauses (`server/src/policy/module-cache.ts`,
 *   `server/src/rego/compile/compile-cache.ts`);
 * - over stdio against the built server: the time from opening a policy file to its first
 *   diagnostics, and from an edit that breaks a rule to its error, and from the fix to the error
 *   gone (the server's 150 ms typing pause included).
 * It never fails on speed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { findPolicyFiles, loadPolicy } from '../server/src/policy/load';
import { ModuleCache } from '../server/src/policy/module-cache';
import { parseModule } from '../server/src/rego';
import { changeDocument, openDocument, startServer, waitFor } from '../test/lsp/lsp-client';
import { generate } from './authoring';
import { percentile } from './workspace';

function timed(run: () => void, times: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    run();
    out.push(performance.now() - started);
  }
  return out;
}

function line(name: string, ms: number[], peer?: number): void {
  const p50 = percentile(ms, 50);
  const ratio = peer === undefined ? '' : `  ${(p50 / peer).toFixed(2)}x parse-only`;
  console.log(
    `${name.padEnd(52)} p50 ${p50.toFixed(0).padStart(6)} ms  max ${Math.max(...ms)
      .toFixed(0)
      .padStart(6)} ms${ratio}`,
  );
}

/** Runs the benchmark. */
export async function runBenchmark(args: string[]): Promise<void> {
  const flag = (name: string, fallback: number) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const files = flag('--files', 350);
  const edits = flag('--edits', 5);
  const root = generate(files);
  try {
    const found = findPolicyFiles(root, ['policy']);
    const file = join(root, 'policy', 'svc3', 'area4.rego');
    const text = readFileSync(file, 'utf8');
    const edited = (n: number) => new Map([[file, text.replace('> 0', `> ${n + 2}`)]]);
    console.log(`policy edit benchmark: ${files} policy files, ${found.rego.length} .rego`);
    const parse = timed(() => {
      for (const f of found.rego) parseModule(readFileSync(f, 'utf8'), { file: f, regoVersion: 1 });
    }, 3);
    const peer = percentile(parse, 50);
    line('parse every file (peer)', parse);
    line(
      'cold load (read, parse, compile)',
      timed(() => loadPolicy(root, ['policy'], new Map(), { found }), 3),
      peer,
    );
    let n = 0;
    const before = timed(() => {
      loadPolicy(root, ['policy'], edited(n), { found });
      loadPolicy(root, ['policy'], edited(n++), { found });
    }, edits);
    line('an edit before: full load in worker + main thread', before, peer);
    const modules = new ModuleCache();
    loadPolicy(root, ['policy'], new Map(), { found, modules });
    const after = timed(() => loadPolicy(root, ['policy'], edited(n++), { found, modules }), edits);
    line('an edit now: reload with kept parses and clauses', after, peer);
    console.log(
      `${'  an edit now vs before'.padEnd(52)} ${(percentile(before, 50) / percentile(after, 50)).toFixed(1)}x faster`,
    );

    const started = performance.now();
    const server = await startServer(root, { policy: { paths: ['policy'] } });
    try {
      const opened = performance.now();
      const uri = await openDocument(server, file, text, 'rego');
      await waitFor('first diagnostics', () => server.diagnostics.get(uri), 120_000);
      const first = performance.now();
      console.log(
        `${'first diagnostics after opening (server)'.padEnd(52)} ${(first - opened).toFixed(0).padStart(10)} ms  (${(first - started).toFixed(0)} ms from starting it)`,
      );
      const broken: number[] = [];
      const fixed: number[] = [];
      const errors = () => (server.diagnostics.get(uri) ?? []).filter((d) => d.severity === 1).length;
      for (let v = 0; v < edits; v++) {
        let at = performance.now();
        // An unsafe variable: a compile error only the whole compiler reports.
        await changeDocument(
          server,
          uri,
          2 * v + 2,
          text.replace('count(input.user.roles) > 0', `count(input.user.roles) > n${v}`),
        );
        await waitFor('the error', () => (errors() > 0 ? true : undefined), 120_000);
        broken.push(performance.now() - at);
        at = performance.now();
        await changeDocument(server, uri, 2 * v + 3, text.replace('> 0', `> ${v + 1}`));
        await waitFor('the error gone', () => (errors() === 0 ? true : undefined), 120_000);
        fixed.push(performance.now() - at);
      }
      line('re-check after an edit: its error shown (server)', broken);
      line('re-check after the fix: the error gone (server)', fixed);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

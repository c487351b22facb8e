/**
 * First-index benchmark: `npm run bench -- index-first [--files N] [--runs R]`. Starts the built
 * language server over stdio on the workspace benchmark's generated workspace (default 5,000 files)
 * and measures its first index (from start-up to the log line "indexed ..."), with the index's scans
 * on the one background worker (`CLEARANCE_SCAN_WORKERS=0`, the peer) and with the default scan
 * workers beside it, alternately, R times each (default 2). Prints each run's wall time, the
 * server's own log line (its own figure and how its scans were shared), and the ratio of the medians. It never fails on speed.
 */
import { rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startServer, waitFor } from '../test/lsp/lsp-client';
import { generateWorkspace, percentile } from './workspace';

/** One server start: the wall time to its first index, and the log line that ends it. */
async function firstIndex(root: string, files: number, workers: string | undefined) {
  const previous = process.env.CLEARANCE_SCAN_WORKERS;
  if (workers === undefined) delete process.env.CLEARANCE_SCAN_WORKERS;
  else process.env.CLEARANCE_SCAN_WORKERS = workers;
  const settings = {
    identity: { tokenFile: 'identity/alice.jwt', jwksFile: 'identity/jwks.json' },
    index: { maxFiles: Math.max(20_000, files) },
  };
  const started = performance.now();
  const server = await startServer(root, settings);
  try {
    const line = await waitFor(
      'the first index',
      () => server.transcript.join('').match(/indexed [^\n]*/)?.[0],
      600_000,
    );
    return { ms: performance.now() - started, line };
  } finally {
    if (previous === undefined) delete process.env.CLEARANCE_SCAN_WORKERS;
    else process.env.CLEARANCE_SCAN_WORKERS = previous;
    await server.stop();
  }
}

/** Runs the benchmark. */
export async function runBenchmark(args: string[]): Promise<void> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const files = Number(option('--files') ?? 5000);
  const runs = Number(option('--runs') ?? 2);
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
  console.log(`load average at the start: ${load()} (${availableParallelism()} cores)`);
  const { root } = await generateWorkspace(files);
  try {
    // Warms the file system cache and the bundle's first load, so neither peer pays it alone.
    await firstIndex(root, files, '0');
    const times = { one: [] as number[], pooled: [] as number[] };
    for (let run = 0; run < runs; run++) {
      for (const [name, workers] of [
        ['one', '0'],
        ['pooled', undefined],
      ] as const) {
        const result = await firstIndex(root, files, workers);
        times[name].push(result.ms);
        const label = name === 'one' ? 'one background worker' : 'with the scan workers';
        console.log(`${label.padEnd(24)} ${(result.ms / 1000).toFixed(2)} s  (${result.line})`);
      }
    }
    const one = percentile(times.one, 50);
    const pooled = percentile(times.pooled, 50);
    console.log(
      `first index of ${files} files, median of ${runs}: one worker ${(one / 1000).toFixed(2)} s, ` +
        `with the scan workers ${(pooled / 1000).toFixed(2)} s; ratio ${(pooled / one).toFixed(2)}x`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`load average at the end: ${load()}`);
}

/**
 * Project scan benchmark: `npm run bench -- scan-project [--calls N] [--repos owner/name,...]`.
 * Measures the project pass (`scanProject`: every file scanned, wrappers inferred, files naming them
 * scanned again) against its peer measured in the same run, a plain tree-sitter parse of the same
 * files, and prints the ratio. Two inputs: a generated Go file of N calls to a wrapper (in a second file)
 * whose URLs are locals built with `fmt.Sprintf` from module constants (also scanned at N/2, so the time ratio of
 * the two sizes shows whether the pass is linear: about 2 when it is, 4 when quadratic), and the
 * recall repositories present under `$CLEARANCE_RECALL_REPOS` (default `/work/.mirror`; see
 * `bench/recall.ts`). Two scale targets are measured through the whole pass too, with their absolute
 * times: the workspace benchmark's generated workspace (`--workspace-files`, default 5,000; target
 * under 3 s) and one file of `--big-calls` calls (default 100,000; target under 2 s). Each line gives
 * wall and CPU time (the process's, every thread) and both ratios; the workspace and the repositories
 * are also scanned with the scan pool (`scan-pool.ts`; the bundled worker when `node scripts/build.mjs`
 * has run, built again first when its sources changed since, else its source through tsx, which
 * starts slower), with a check that its calls equal the
 * single-threaded pass's. The load average is printed at the start and the end. It never fails on
 * speed. The first line also says this thread's young-generation setting (`--max-semi-space-size`
 * in the node options, else node's default, as the CLI's thread runs): the scan workers have 64 MB
 * semi-spaces whatever it is (docs/speed/stop-22/speed-file9.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listSourceFiles } from '../server/src/decision/scan';
import { createScanner, type ScanResult } from '../server/src/scanner';
import { languageForPath } from '../server/src/scanner/languages';
import { createScanPool } from '../server/src/scanner/project/scan-pool';
import { type ProjectFile, scanProject } from '../server/src/scanner/project/scan-project';
import { staleWorkerReason } from '../server/src/scanner/project/scan-worker-sources';
import { loadParser } from '../server/src/scanner/runtime';
import { generateWorkspace } from './workspace';

const dataDir = join(__dirname, 'recall-data');

/** A Go client in godo's style: one wrapper around `http.NewRequest`, in a file of its own. */
const GO_WRAPPER = [
  'package client',
  '',
  'import "net/http"',
  '',
  'type Client struct{ base string }',
  '',
  '// NewRequest builds a request to the API.',
  'func (c *Client) NewRequest(method, urlStr string) (*http.Request, error) {',
  '\treturn http.NewRequest(method, urlStr, nil)',
  '}',
  '',
].join('\n');

/** A Go file of `calls` service methods, each calling the wrapper with a path built by `fmt.Sprintf`. */
function generateGoServices(calls: number): string {
  const lines = ['package client', '', 'import "fmt"', '', 'type Service struct{ client *Client }', ''];
  for (let i = 0; i < calls; i++) {
    lines.push(
      `const basePath${i} = "/v2/things${i}"`,
      '',
      `func (s *Service) Get${i}(id string) (*http.Request, error) {`,
      `\tpath := fmt.Sprintf("%s/%s", basePath${i}, id)`,
      '\treturn s.client.NewRequest("GET", path)',
      '}',
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The generated project: the wrapper and one file of `calls` calls. */
function generatedProject(calls: number): ProjectFile[] {
  return [
    { file: 'client.go', read: () => GO_WRAPPER },
    { file: 'services.go', read: () => generateGoServices(calls) },
  ];
}

/** Wall and CPU milliseconds of `run` (CPU of the whole process: this thread and any worker thread). */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { value, wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

async function parseAll(files: readonly ProjectFile[]): Promise<void> {
  for (const { file, read } of files) {
    const language = languageForPath(file);
    if (language === undefined) continue;
    const tree = (await loadParser(language, undefined)).parse(read());
    tree?.delete();
  }
}

const scannerOptions = { maxFileBytes: 50_000_000, parseTimeoutMs: 600_000 };
// The bundled worker when built (`node scripts/build.mjs`), as the CLI runs it; else its source.
const bundledWorker = join(__dirname, '..', 'dist', 'cli', 'scan-worker.js');
const workerEntry = existsSync(bundledWorker) ? bundledWorker : undefined;

/** Builds the bundle again when its worker was built from other sources than these (see the pool). */
function rebuildStaleWorker(): void {
  if (workerEntry === undefined) return;
  const stale = staleWorkerReason(workerEntry);
  if (stale === undefined) return;
  console.log(`the bundled scan worker is stale (${stale}): node scripts/build.mjs`);
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

function sameCalls(a: Map<string, ScanResult>, b: Map<string, ScanResult>): boolean {
  const text = (m: Map<string, ScanResult>) => JSON.stringify([...m].map(([f, r]) => [f, r.calls, r.errors]));
  return text(a) === text(b);
}

/**
 * Times parse-only, the project pass on this thread, and the project pass with the scan pool
 * (`pool`: 'threshold' uses the pool's own threshold, 'always' starts workers whatever the size).
 * Returns the pool's wall time (the single-threaded one without a pool).
 */
async function measure(
  label: string,
  files: readonly ProjectFile[],
  pool: 'none' | 'threshold' | 'always' = 'threshold',
): Promise<number> {
  // One untimed parse first: the peer must not pay for growing the parser's wasm memory, which the
  // timed pass after it then finds grown (the peer read 2x slow once the workspace kept no trees).
  await parseAll(files);
  const parse = await timed(() => parseAll(files));
  const single = await timed(() => scanProject(createScanner(scannerOptions), files));
  const calls = [...single.value.values()].reduce((sum, result) => sum + result.calls.length, 0);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${label.padEnd(44)} ${String(calls).padStart(6)} calls  parse only ${s(parse.wall)} (cpu ${s(parse.cpu)})  ` +
      `project pass ${s(single.wall)} (cpu ${s(single.cpu)})  ratio ${(single.wall / parse.wall).toFixed(1)}x (cpu ${(single.cpu / parse.cpu).toFixed(1)}x)`,
  );
  if (pool === 'none') return single.wall;
  const scanPool = createScanPool({
    scanner: scannerOptions,
    ...(pool === 'always' ? { minChars: 0 } : {}),
    ...(workerEntry === undefined ? {} : { entry: workerEntry }),
  });
  if (scanPool === undefined) return single.wall;
  try {
    const pooled = await timed(() =>
      scanProject(createScanner(scannerOptions), files, { parallel: scanPool }),
    );
    console.log(
      `${''.padEnd(44)}   with the scan pool (${scanPool.started} worker(s) + this thread): ${s(pooled.wall)} (cpu ${s(pooled.cpu)})  ` +
        `ratio to parse ${(pooled.wall / parse.wall).toFixed(1)}x  same calls: ${sameCalls(single.value, pooled.value) ? 'yes' : 'NO'}`,
    );
    return pooled.wall;
  } finally {
    await scanPool.close();
  }
}

/** One TypeScript file of `calls` calls, half `fetch`, half `axios.get`, each with its own URL. */
function generateManyCalls(calls: number): ProjectFile[] {
  const lines = ["import axios from 'axios';", '', 'export async function many(id: string) {'];
  for (let i = 0; i < calls; i++)
    lines.push(
      i % 2 === 0 ? `  await fetch(\`/api/orders/\${id}/${i}\`);` : `  await axios.get('/api/items/' + id);`,
    );
  lines.push('}', '');
  const text = lines.join('\n');
  return [{ file: 'many.ts', read: () => text }];
}

/** Prints a scenario's absolute time against its target. */
function target(label: string, ms: number, limitMs: number): void {
  console.log(
    `${label.padEnd(44)} ${(ms / 1000).toFixed(2)} s; target under ${limitMs / 1000} s: ${ms < limitMs ? 'within' : 'OVER'}`,
  );
}

/** Runs the benchmark. */
export async function runBenchmark(args: string[]): Promise<void> {
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const calls = Number(option('--calls') ?? 2000);
  const repos = (option('--repos') ?? 'digitalocean/godo,hvac/hvac').split(',');
  const workspaceFiles = Number(option('--workspace-files') ?? 5000);
  const bigCalls = Number(option('--big-calls') ?? 100_000);
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
  rebuildStaleWorker();
  const semiSpace = [...process.execArgv, process.env.NODE_OPTIONS ?? '']
    .join(' ')
    .match(/--max-semi-space-size=(\d+)/)?.[1];
  console.log(
    `load average at the start: ${load()}; scan worker: ${workerEntry ?? 'TypeScript source (not built)'}; ` +
      `this thread's semi-spaces: ${semiSpace === undefined ? "node's default" : `${semiSpace} MB`}`,
  );
  await measure('warm-up', generatedProject(10), 'none');

  // Scale targets (issues 10 and 11): the workspace benchmark's generated workspace, and one file of
  // 100,000 calls, each through the whole project pass.
  const workspace = await generateWorkspace(workspaceFiles);
  try {
    const files = listSourceFiles(join(workspace.root, 'src')).map((file) => ({
      file: relative(workspace.root, file),
      read: () => readFileSync(file, 'utf8'),
    }));
    const ms = await measure(`generated workspace (${files.length} files)`, files);
    target(`  ${files.length}-file workspace`, ms, 3000);
  } finally {
    rmSync(workspace.root, { recursive: true, force: true });
  }
  const bigMs = await measure(`one file of ${bigCalls} calls`, generateManyCalls(bigCalls), 'none');
  target(`  ${bigCalls}-call file`, bigMs, 2000);

  const half = await measure(
    `generated Go file, ${calls / 2} wrapper calls`,
    generatedProject(calls / 2),
    'none',
  );
  const full = await measure(`generated Go file, ${calls} wrapper calls`, generatedProject(calls), 'none');
  console.log(`twice the calls took ${(full / half).toFixed(1)}x the time (2 is linear, 4 quadratic)`);

  const root = process.env.CLEARANCE_RECALL_REPOS ?? '/work/.mirror';
  for (const repository of repos) {
    const dataFile = join(dataDir, `${repository.replace('/', '+')}.json`);
    const gitDir = join(root, repository.replace('/', '+'), 'repo');
    if (!existsSync(dataFile) || !existsSync(join(gitDir, 'HEAD'))) {
      console.log(`${repository}: absent (no recall data or no ${gitDir})`);
      continue;
    }
    const { commit } = JSON.parse(readFileSync(dataFile, 'utf8')) as { commit: string };
    const dir = mkdtempSync(join(tmpdir(), 'clearance-scan-project-'));
    try {
      const archive = execFileSync('git', ['--git-dir', gitDir, 'archive', commit], { maxBuffer: 1 << 30 });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
      const files = listSourceFiles(dir).map((file) => ({
        file: relative(dir, file),
        read: () => readFileSync(file, 'utf8'),
      }));
      await measure(`${repository} (${files.length} files)`, files, 'always');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`load average at the end: ${load()}`);
}

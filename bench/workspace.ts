/**
 * Workspace-scale benchmark: `npm run bench -- workspace [--files N]`. Generates a workspace of N
 * source files (TS/JS/TSX, realistic call density) around examples/shop's policy, starts the built
 * language server over stdio with the real LSP client, and measures the full index + decide time,
 * the server's peak RSS, hover latency p50/p99 with no rescan and while a full rescan runs (their
 * ratio), and the time from a policy edit to updated diagnostics of the open files. Prints each
 * figure against its target; it never fails on speed.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { mintDemoIdentity } from '../scripts/mint-demo-identity';
import {
  changeDocument,
  hoverText,
  openDocument,
  startServer,
  type TestServer,
  waitFor,
} from '../test/lsp/lsp-client';

const repoRoot = join(__dirname, '..');
const resources = ['orders', 'users', 'reports', 'invoices', 'products', 'carts', 'payments', 'shipments'];
const methods = ['GET', 'GET', 'GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/**
 * One generated source file: some plain code and 0 to 5 fetch calls (2 on average). `typed` writes
 * TypeScript (interfaces, annotations); otherwise the same code as plain JavaScript.
 */
function makeSource(i: number, typed: boolean, forceDelete = false): string {
  const t = (annotation: string) => (typed ? annotation : '');
  const lines = [`// Generated module ${i}.`, `import { helper${i % 17} } from './helpers';`, ''];
  if (typed)
    lines.push(`export interface Item${i} {\n  id: string;\n  owner_id: string;\n  total: number;\n}`, '');
  const calls = forceDelete ? 3 : (i * 7) % 6 === 5 ? 0 : ((i * 13) % 5) + (i % 2);
  for (let c = 0; c < calls; c++) {
    const resource = resources[(i + c) % resources.length] as string;
    const method = forceDelete && c === 0 ? 'DELETE' : (methods[(i * 3 + c) % methods.length] as string);
    const url =
      (i + c) % 3 === 0 ? `'/api/${resource}/${(i * 31 + c) % 1000}'` : `\`/api/${resource}/\${id}\``;
    const options =
      method === 'GET'
        ? ''
        : `, {\n    method: '${method}',\n    headers: { 'content-type': 'application/json' },\n  }`;
    lines.push(
      `/** Calls the ${resource} API (${method}). */`,
      `export async function call${i}_${c}(id${t(': string')})${t(`: Promise<Item${i}>`)} {`,
      `  const response = await fetch(${url}${options});`,
      `  if (!response.ok) throw new Error(\`\${response.status}\`);`,
      `  return helper${i % 17}(await response.json())${t(` as Item${i}`)};`,
      '}',
      '',
    );
  }
  for (let f = 0; f < 4; f++) {
    lines.push(
      `export function compute${i}_${f}(items${t(`: Item${i}[]`)})${t(': number')} {`,
      `  return items.filter((item) => item.total > ${f * 10}).reduce((sum, item) => sum + item.total, 0);`,
      '}',
      '',
    );
  }
  return lines.join('\n');
}

/** Writes the workspace: the shop's policy and a fresh identity, and `files` source files in nested folders. */
export async function generateWorkspace(files: number): Promise<{ root: string; openFiles: string[] }> {
  const root = mkdtempSync(join(tmpdir(), 'clearance-bench-ws-'));
  cpSync(join(repoRoot, 'examples', 'shop', 'policy'), join(root, 'policy'), { recursive: true });
  await mintDemoIdentity({
    outDir: join(root, 'identity'),
    ttlSeconds: 3600,
    users: [{ sub: 'alice', email: 'alice@example.com', role: 'developer' }],
  });
  const extensions = ['ts', 'ts', 'ts', 'ts', 'ts', 'ts', 'js', 'js', 'tsx', 'mjs'];
  const openFiles: string[] = [];
  for (let i = 0; i < files; i++) {
    const dir = join(root, 'src', `area${i % 10}`, `module${Math.floor(i / 50)}`);
    mkdirSync(dir, { recursive: true });
    const open = i < 3;
    const extension = open ? 'ts' : (extensions[i % extensions.length] as string);
    const path = join(dir, `file${i}.${extension}`);
    writeFileSync(path, makeSource(i, extension.startsWith('ts'), open));
    if (open) openFiles.push(path);
  }
  // Dependencies and build output the index must skip.
  mkdirSync(join(root, 'node_modules', 'lib'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'lib', 'index.js'), makeSource(0, false));
  return { root, openFiles };
}

/** The p-th percentile of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The CPU time (user + system) a process has used, in seconds: a figure that other load on the machine inflates less than wall time. */
function readCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name: 12 and 13 here.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function readLoadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

function readPeakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Hovers the first call of `uri` until `keepGoing` says stop (at least `min` times); returns latencies in ms. */
async function measureHovers(
  server: TestServer,
  uri: string,
  line: number,
  character: number,
  min: number,
  keepGoing: () => boolean,
): Promise<number[]> {
  const latencies: number[] = [];
  while (latencies.length < min || (keepGoing() && latencies.length < 20_000)) {
    const started = performance.now();
    const text = await hoverText(server, uri, line, character);
    latencies.push(performance.now() - started);
    if (!text) throw new Error('the hover came back empty');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return latencies;
}

function report(name: string, value: number, unit: string, target: number): void {
  const verdict = value <= target ? 'within' : 'OVER';
  console.log(
    `${name.padEnd(44)} ${value.toFixed(1).padStart(9)} ${unit.padEnd(3)} target < ${target} ${unit}  ${verdict}`,
  );
}

/** Runs the benchmark; `--files N` sets the workspace size (default 5000). */
export async function runBenchmark(args: string[]): Promise<void> {
  const at = args.indexOf('--files');
  const files = at >= 0 ? Number(args[at + 1]) : 5000;
  if (!Number.isInteger(files) || files < 10) throw new Error('--files takes a whole number of at least 10');
  console.log(`generating ${files} source files ...`);
  const { root, openFiles } = await generateWorkspace(files);
  const settings = {
    identity: { tokenFile: 'identity/alice.jwt', jwksFile: 'identity/jwks.json' },
    index: { maxFiles: Math.max(20_000, files) },
  };
  const indexedLines = (server: TestServer) =>
    server.transcript.filter((l) => l.startsWith('indexed ')).length;
  const started = performance.now();
  const server = await startServer(root, settings);
  try {
    // Full index + decide: the first index run's log line, then the permissions (which wait for every decision).
    await waitFor('the first index', () => (indexedLines(server) > 0 ? true : undefined), 600_000);
    const indexedMs = performance.now() - started;
    const permissions = (await server.connection.sendRequest('clearance/permissions')) as {
      calls: number;
      files: number;
    };
    const fullMs = performance.now() - started;
    const fullCpu = readCpuSeconds(server.process.pid as number);
    const loadDuringScan = readLoadAverage();
    console.log(`indexed ${permissions.files} files, ${permissions.calls} calls`);
    console.log(`  (${server.transcript.find((l) => l.startsWith('indexed '))})`);

    const uris: string[] = [];
    for (const path of openFiles)
      uris.push(await openDocument(server, path, readFileSync(path, 'utf8'), 'typescript'));
    await waitFor(
      'diagnostics of the open files',
      () => (uris.every((u) => server.diagnostics.has(u)) ? true : undefined),
      60_000,
    );
    const hoverFile = readFileSync(openFiles[0] as string, 'utf8').split('\n');
    const hoverLine = hoverFile.findIndex((l) => l.includes('fetch('));
    const hoverCharacter = (hoverFile[hoverLine] as string).indexOf('fetch') + 1;
    const uri = uris[0] as string;

    const idle = await measureHovers(server, uri, hoverLine, hoverCharacter, 300, () => false);
    const before = indexedLines(server);
    const rescanStarted = performance.now();
    const rescan = server.connection.sendRequest('workspace/executeCommand', {
      command: 'clearance.server.reindex',
    });
    const busy = await measureHovers(
      server,
      uri,
      hoverLine,
      hoverCharacter,
      50,
      () => indexedLines(server) === before,
    );
    await rescan;
    const rescanMs = performance.now() - rescanStarted;

    // A policy edit typed into the open .rego: time until every open file's diagnostics are republished.
    const policyPath = join(root, 'policy', 'authz.rego');
    const policyText = readFileSync(policyPath, 'utf8');
    const policyUri = await openDocument(server, policyPath, policyText, 'rego');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const deniedBefore = uris.map((u) => server.diagnostics.get(u)?.length ?? 0);
    const impacts: Array<{ message: string }> = [];
    server.connection.onNotification('clearance/impact', (params: { message: string }) => {
      impacts.push(params);
    });
    const editStarted = performance.now();
    await changeDocument(server, policyUri, 2, `${policyText}\nallow if input.action == "delete"\n`);
    await waitFor(
      'diagnostics after the policy edit',
      () =>
        uris.every((u, i) => (server.diagnostics.get(u)?.length ?? 0) < (deniedBefore[i] ?? 0))
          ? true
          : undefined,
      60_000,
    );
    const editMs = performance.now() - editStarted;
    await waitFor('the impact report', () => impacts[0], 120_000);
    const impactMs = performance.now() - editStarted;
    const peakMb = readPeakRssMb(server.process.pid as number);

    console.log('');
    console.log(
      `workspace benchmark: ${files} files, ${permissions.calls} calls, ${openFiles.length} open documents`,
    );
    report('index (scan all files)', indexedMs / 1000, 's', 10);
    report('full scan: index + decide every call', fullMs / 1000, 's', 10);
    console.log(
      `${'  server CPU time for it (user + system)'.padEnd(44)} ${fullCpu.toFixed(1).padStart(9)} s   (load average ${loadDuringScan} on ${cpus().length} cores)`,
    );
    report('server peak RSS (VmHWM)', peakMb, 'MB', 500);
    report('hover p50, no rescan running', percentile(idle, 50), 'ms', 30);
    report('hover p99, no rescan running', percentile(idle, 99), 'ms', 30);
    report('hover p50, during a full rescan', percentile(busy, 50), 'ms', 30);
    report('hover p99, during a full rescan', percentile(busy, 99), 'ms', 30);
    report('policy edit -> open files re-diagnosed', editMs / 1000, 's', 1);
    console.log(
      `${'policy edit -> impact report (every call)'.padEnd(44)} ${(impactMs / 1000).toFixed(1).padStart(9)} s   (${impacts[0]?.message})`,
    );
    console.log(
      `${'full rescan (re-parse every file)'.padEnd(44)} ${(rescanMs / 1000).toFixed(1).padStart(9)} s   (${busy.length} hovers during it, ${idle.length} without)`,
    );
    console.log(
      `hover p99 during a rescan / without: ${(percentile(busy, 99) / percentile(idle, 99)).toFixed(2)}x; p50: ${(percentile(busy, 50) / percentile(idle, 50)).toFixed(2)}x`,
    );
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

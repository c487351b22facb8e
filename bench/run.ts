/**
 * `npm run bench -- <name> [args]`: runs the benchmark in `bench/<name>.ts`. Benchmarks are not tests:
 * they print figures and ratios against a peer measured in the same run, and never fail on speed.
 * Each benchmark module exports `runBenchmark(args: string[]): Promise<void>`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(__dirname)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -3))
    .sort();
  if (name === undefined || name === '--help' || name === '-h') {
    console.log(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ') || '(none)'}`);
    return;
  }
  const file = join(__dirname, `${name}.ts`);
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(file)) {
    console.error(`npm run bench: no benchmark '${name}' (available: ${available.join(', ') || 'none'})`);
    process.exitCode = 2;
    return;
  }
  const module = (await import(pathToFileURL(file).href)) as {
    runBenchmark?: (args: string[]) => Promise<void>;
  };
  if (typeof module.runBenchmark !== 'function') {
    console.error(`npm run bench: bench/${name}.ts does not export runBenchmark`);
    process.exitCode = 2;
    return;
  }
  await module.runBenchmark(args);
}

void main();

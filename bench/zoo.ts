/**
 * Shape zoo benchmark: `npm run bench -- zoo [--only name,...] [--misses]`. The zoo is written in
 * batches, one folder per stop (`test/fixtures/scanner/zoo/stop-21/`, ...), each sealed by the
 * commit that added it before Clearance was run on it. Each project folder of a batch is a small
 * project written from general knowledge of how
 * applications and SDKs make HTTP calls (one idiom each, never copied from a repository), labelled
 * by hand in its `labels.json` (the ground-truth format of `bench/recall-data/`) before Clearance
 * was run on it. The project pass scans each folder, and recall and precision are printed per
 * project, per batch and language (the folder name's prefix: `ts-`, `py-`, `go-`) and overall,
 * scored as `bench/lib/recall-score.ts` says. `test/unit/scanner/zoo.test.ts` holds the figures to
 * their floors in each batch's `floors.json`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { listSourceFiles } from '../server/src/decision/scan';
import { createScanner, type ScannerOptions } from '../server/src/scanner';
import { scanProject } from '../server/src/scanner/project/scan-project';
import { type GroundTruth, missLines, type Score, scoreTruth } from './lib/recall-score';

/** Where the zoo's projects live. */
export const zooDir = join(__dirname, '..', 'test', 'fixtures', 'scanner', 'zoo');

/** The zoo's project folders as `batch/name`, sorted. */
export function zooProjects(): string[] {
  return subfolders(zooDir)
    .flatMap((batch) => subfolders(join(zooDir, batch)).map((name) => `${batch}/${name}`))
    .sort();
}

/** The floors of every batch, keyed by `batch/name` (see zoo.test.ts). */
export function zooFloors(): Record<string, { hits: number; wrong: number }> {
  const floors: Record<string, { hits: number; wrong: number }> = {};
  for (const batch of subfolders(zooDir)) {
    const file = join(zooDir, batch, 'floors.json');
    if (!existsSync(file)) continue;
    const own = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { hits: number; wrong: number }>;
    for (const [name, floor] of Object.entries(own)) floors[`${batch}/${name}`] = floor;
  }
  return floors;
}

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Scans one zoo project with the project pass and scores it against its labels. */
export async function scoreZooProject(
  name: string,
  options: ScannerOptions = {},
): Promise<{ truth: GroundTruth; score: Score }> {
  const root = join(zooDir, name);
  const truth = JSON.parse(readFileSync(join(root, 'labels.json'), 'utf8')) as GroundTruth;
  const files = listSourceFiles(root).map((file) => ({
    file: relative(root, file),
    read: () => readFileSync(file, 'utf8'),
  }));
  const results = await scanProject(createScanner(options), files);
  return { truth, score: scoreTruth(truth, results) };
}

/** Runs the benchmark. */
export async function runBenchmark(args: string[] = []): Promise<void> {
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter((name) => name !== '') : [];
  const totals = new Map<string, { labels: number; hits: number; found: number; right: number }>();
  const chosen = zooProjects().filter(
    (project) => only.length === 0 || only.includes(project) || only.includes(basename(project)),
  );
  for (const name of chosen) {
    const { truth, score } = await scoreZooProject(name);
    const precision = score.found.length === 0 ? 100 : (100 * score.used.size) / score.found.length;
    console.log(
      `${name.padEnd(48)} recall ${((100 * score.hits) / truth.calls.length).toFixed(0).padStart(3)}% (${score.hits}/${truth.calls.length})  ` +
        `precision ${precision.toFixed(0).padStart(3)}% (${score.used.size}/${score.found.length})`,
    );
    if (args.includes('--misses')) for (const line of missLines(truth, score)) console.log(line);
    const batch = dirname(name);
    for (const key of [`${batch} ${basename(name).split('-')[0]}`, batch, 'all']) {
      const total = totals.get(key) ?? { labels: 0, hits: 0, found: 0, right: 0 };
      total.labels += truth.calls.length;
      total.hits += score.hits;
      total.found += score.found.length;
      total.right += score.used.size;
      totals.set(key, total);
    }
  }
  for (const [key, total] of totals) {
    console.log(
      `${key}: recall ${total.labels === 0 ? 100 : ((100 * total.hits) / total.labels).toFixed(0)}% (${total.hits}/${total.labels}), ` +
        `precision ${total.found === 0 ? 100 : ((100 * total.right) / total.found).toFixed(0)}% (${total.right}/${total.found})`,
    );
  }
}

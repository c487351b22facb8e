/**
 * Recall benchmark: `npm run bench -- recall`. For each public repository in `bench/recall-data/`
 * (hand-labelled call sites: repository, commit, file, line, method, URL template; never their code),
 * scans the repository at the pinned commit and prints recall and precision per repository.
 *
 * Repositories are looked up under `$CLEARANCE_RECALL_REPOS` (default `/work/.mirror`) as either
 * `<owner>+<name>/repo` (a git directory, as the `fetch` tool leaves it; the pinned commit is
 * extracted with `git archive`) or `<owner>+<name>/` (a checkout at that commit). Absent ones are
 * reported as absent. Labels are scored as `bench/lib/recall-score.ts` says. `--data DIR` reads the
 * labels from DIR instead of `bench/recall-data/`. A ground truth may name the repository's OpenAPI documents
 * (`openapi`, as `.clearance.yaml` does): their operations are given to the scanner, so calls of a
 * client generated from them are found (as a project with that configuration would see them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readOpenApiRoutes } from '../server/src/config/openapi';
import { listSourceFiles } from '../server/src/decision/scan';
import { createScanner } from '../server/src/scanner';
import { scanProject } from '../server/src/scanner/project/scan-project';
import { type GroundTruth, missLines, scoreTruth } from './lib/recall-score';

const dataDir = join(__dirname, 'recall-data');

/**
 * Writes the files of `commit` whose contents the snapshot holds into `dir` and returns how many it
 * lacks: `fetch` may leave a repository's largest files out, which makes `git archive` fail.
 */
function extractPresent(gitDir: string, commit: string, dir: string): number {
  const git = (args: string[], input?: string, env?: NodeJS.ProcessEnv): string =>
    execFileSync('git', ['--git-dir', gitDir, ...args], {
      input,
      env: { ...process.env, ...env },
      maxBuffer: 1 << 30,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'ignore'],
    });
  const blobs = git(['ls-tree', '-r', '-z', commit])
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [meta = '', path = ''] = entry.split('\t');
      const [, type, object] = meta.split(' ');
      return { type, object, path };
    })
    .filter((entry) => entry.type === 'blob');
  const checks = git(['cat-file', '--batch-check'], `${blobs.map((blob) => blob.object).join('\n')}\n`).split(
    '\n',
  );
  const present = blobs.filter((_, i) => !(checks[i] ?? '').endsWith(' missing'));
  const pathspecs = join(dir, '.clearance-recall-paths');
  writeFileSync(pathspecs, present.map((blob) => blob.path).join('\0'));
  // A private index keeps the mirror's own untouched; literal pathspecs keep `*` and `:` in names plain.
  git(
    ['--work-tree', dir, 'checkout', commit, `--pathspec-from-file=${pathspecs}`, '--pathspec-file-nul'],
    undefined,
    { GIT_INDEX_FILE: join(dir, '.clearance-recall-index'), GIT_LITERAL_PATHSPECS: '1' },
  );
  rmSync(pathspecs);
  rmSync(join(dir, '.clearance-recall-index'), { force: true });
  return blobs.length - present.length;
}

function checkout(root: string, truth: GroundTruth): { dir: string; cleanup: () => void } | undefined {
  const base = join(root, truth.repository.replace('/', '+'));
  // `fetch` leaves a bare git directory at `repo`, or a `repo/.git` beside no work tree.
  const gitDir = [join(base, 'repo'), join(base, 'repo', '.git')].find((dir) =>
    existsSync(join(dir, 'HEAD')),
  );
  if (gitDir !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'clearance-recall-'));
    try {
      const archive = execFileSync('git', ['--git-dir', gitDir, 'archive', truth.commit], {
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
    } catch {
      const absent = extractPresent(gitDir, truth.commit, dir);
      console.log(`${truth.repository}: ${absent} files absent from the snapshot were left out`);
    }
    return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (existsSync(base) && statSync(base).isDirectory()) return { dir: base, cleanup: () => {} };
  return undefined;
}

/** Runs the benchmark. */
export async function runBenchmark(args: string[] = []): Promise<void> {
  const root = process.env.CLEARANCE_RECALL_REPOS ?? '/work/.mirror';
  // `--repos owner/name,...` limits the run to those repositories (substring match).
  const reposAt = args.indexOf('--repos');
  const only = reposAt >= 0 ? (args[reposAt + 1] ?? '').split(',').filter((r) => r !== '') : [];
  const dataAt = args.indexOf('--data');
  const labels = dataAt >= 0 ? (args[dataAt + 1] ?? dataDir) : dataDir;
  const truths = readdirSync(labels)
    .filter((file) => file.endsWith('.json') && file.includes('+'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(labels, file), 'utf8')) as GroundTruth)
    .filter((truth) => only.length === 0 || only.some((name) => truth.repository.includes(name)));
  const scanner = createScanner();
  let labelled = 0;
  let matched = 0;
  let reported = 0;
  let correct = 0;
  console.log(`repositories from ${root} (set CLEARANCE_RECALL_REPOS to change)`);
  for (const truth of truths) {
    const tree = checkout(root, truth);
    if (tree === undefined) {
      console.log(`${truth.repository}: absent (no ${truth.repository.replace('/', '+')} under ${root})`);
      continue;
    }
    try {
      const started = performance.now();
      const files = listSourceFiles(tree.dir);
      const operations =
        truth.openapi === undefined ? [] : readOpenApiRoutes(tree.dir, truth.openapi).operations;
      const results = await scanProject(
        operations.length === 0 ? scanner : createScanner({ clientMappings: operations }),
        files.map((file) => ({ file: relative(tree.dir, file), read: () => readFileSync(file, 'utf8') })),
      );
      const elapsed = performance.now() - started;
      const { hits, found, used } = scoreTruth(truth, results);
      labelled += truth.calls.length;
      matched += hits;
      reported += found.length;
      correct += used.size;
      const recall = (100 * hits) / truth.calls.length;
      const precision = found.length === 0 ? 100 : (100 * used.size) / found.length;
      console.log(
        `${(truth.repository + (truth.unseen ? ' (unseen)' : '')).padEnd(50)} recall ${recall.toFixed(0).padStart(3)}% (${hits}/${truth.calls.length})  ` +
          `precision ${precision.toFixed(0).padStart(3)}% (${used.size}/${found.length})  ` +
          `${files.length} files scanned in ${(elapsed / 1000).toFixed(1)} s`,
      );
      if (process.argv.includes('--misses'))
        for (const line of missLines(truth, { hits, found, used })) console.log(line);
    } finally {
      tree.cleanup();
    }
  }
  if (labelled > 0) {
    console.log(
      `all: recall ${((100 * matched) / labelled).toFixed(0)}% (${matched}/${labelled}), ` +
        `precision ${reported === 0 ? 100 : ((100 * correct) / reported).toFixed(0)}% (${correct}/${reported})`,
    );
  }
}

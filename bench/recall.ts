/**
 * Recall benchmark: `npm run bench -- recall`. For each public repository in `bench/recall-data/`
 * (hand-labelled call sites: repository, commit, file, line, method, URL template; never their code),
 * scans the repository at the pinned commit and prints recall and precision per repository.
 *
 * Repositories are looked up under `$CLEARANCE_RECALL_REPOS` (default `/work/.mirror`) as either
 * `<owner>+<name>/repo` (a git directory, as the `fetch` tool leaves it; the pinned commit is
 * extracted with `git archive`) or `<owner>+<name>/` (a checkout at that commit). Absent ones are
 * reported as absent. A label matches a found call on the callee's line with the same method and the
 * same URL template (placeholders compared as `{}`, query strings and a leading base expression
 * dropped); a label listing alternatives (`a | b`) matches one found call per alternative (a call
 * reported once for each URL a conditional picks), and counts once for recall. Precision counts
 * the calls found in the labelled files, less the transport calls the ground truth lists as
 * unscored. A ground truth may name the repository's OpenAPI documents
 * (`openapi`, as `.clearance.yaml` does): their operations are given to the scanner, so calls of a
 * client generated from them are found (as a project with that configuration would see them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readOpenApiRoutes } from '../server/src/config/openapi';
import type { OpenApiSource } from '../server/src/config/openapi-operations';
import { listSourceFiles } from '../server/src/decision/scan';
import { createScanner, type HttpCall } from '../server/src/scanner';
import { scanProject } from '../server/src/scanner/project/scan-project';

interface Label {
  file: string;
  line: number;
  method: string;
  /** `{}` for placeholders; alternatives separated by ` | `; null when the URL is computed at run time. */
  url: string | null;
}

interface GroundTruth {
  repository: string;
  commit: string;
  style: string;
  rule: string;
  transport: Array<{ file: string; line: number }>;
  calls: Label[];
  /** True for repositories labelled after the inference was written and never tuned on. */
  unseen?: boolean;
  /** For a repository that was unseen and then tuned on: when and what changed for it. */
  tuned?: string;
  /** The repository's OpenAPI documents, as `.clearance.yaml` `openapi:` would list them. */
  openapi?: Array<string | OpenApiSource>;
}

const dataDir = join(__dirname, 'recall-data');

/** Normalises a URL template for comparison: no origin, query, base expression or edge slashes. */
export function normaliseTemplate(url: string): string {
  let value = url.replace(/\{[^{}]*\}/g, '{}');
  value = value.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  value = value.replace(/[?#].*$/, '');
  // A URL that starts with a base expression (`${env.API_URL}/x`) compares by its path.
  if (value.startsWith('{}/')) value = value.slice(2);
  return value.replace(/^\/+|\/+$/g, '');
}

function templateOf(call: HttpCall): string {
  return call.url.segments.map((segment) => (segment.kind === 'literal' ? segment.text : '{}')).join('');
}

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
  const truths = readdirSync(dataDir)
    .filter((file) => file.endsWith('.json') && file.includes('+'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dataDir, file), 'utf8')) as GroundTruth)
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
      const labelledFiles = new Set(truth.calls.map((label) => label.file));
      const transport = new Set(truth.transport.map((site) => `${site.file}:${site.line}`));
      const found = [...results]
        .filter(([file]) => labelledFiles.has(file))
        .flatMap(([file, result]) => result.calls.map((call) => ({ file, call })))
        .filter(({ file, call }) => !transport.has(`${file}:${call.calleeLocation.start.line}`));
      const used = new Set<number>();
      let hits = 0;
      for (const label of truth.calls) {
        const urls = label.url?.split(' | ').map(normaliseTemplate);
        const matches = (i: number, url?: string) => {
          const site = found[i];
          return (
            site !== undefined &&
            !used.has(i) &&
            site.file === label.file &&
            site.call.calleeLocation.start.line === label.line &&
            site.call.method === label.method &&
            (url === undefined || normaliseTemplate(templateOf(site.call)) === url)
          );
        };
        // A label's alternatives are the URLs its call may request: a call reported once per
        // alternative (a conditional URL) is right for each, but the label counts once for recall.
        const picked = new Set<number>();
        for (const url of urls === undefined ? [undefined] : [...new Set(urls)]) {
          const index = found.findIndex((_, i) => !picked.has(i) && matches(i, url));
          if (index >= 0) picked.add(index);
          if (urls === undefined && index >= 0) break;
        }
        for (const index of picked) used.add(index);
        if (picked.size > 0) hits++;
      }
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
      if (process.argv.includes('--misses')) {
        for (const label of truth.calls) {
          const near = found.filter(
            ({ file, call }) => file === label.file && call.calleeLocation.start.line === label.line,
          );
          if (near.length === 0 || !near.some(({ call }) => call.method === label.method)) {
            console.log(
              `  miss ${label.file}:${label.line} ${label.method} ${label.url} ${near.map(({ call }) => `[${call.method} ${templateOf(call)}]`).join(' ')}`,
            );
          }
        }
        found.forEach(({ file, call }, i) => {
          if (!used.has(i))
            console.log(
              `  wrong ${file}:${call.calleeLocation.start.line} ${call.method} ${templateOf(call)}`,
            );
        });
      }
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

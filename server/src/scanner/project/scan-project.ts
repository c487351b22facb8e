/**
 * Scanning a whole project: every file is scanned on its own, then the project pass finds the
 * project's own clients (wrappers around recognised calls, exported client instances) and scans the
 * files that name them again, so their call sites become calls. Wrappers of wrappers are found in
 * later rounds, until a round finds no new client (at most `MAX_ROUNDS`). A later round's scan of a
 * file runs only the recognisers that read the project view; the others' calls are kept from the
 * file's first scan (`TreeCache.recognised`, see `scanner.ts`).
 */

import { releaseTrees } from '../scanner';
import { countWords } from '../syntax';
import type { Scanner, ScanResult, TreeCache, UrlSegment } from '../types';
import { inheritNames, joinInheritFacts } from './inherited-view';
import { resolveInjectedFields } from './injected-fields';
import { namesInheritedMember } from './js-inherited-members';
import { joinRequestObjects } from './js-request-objects';
import { definedNames, mayScanAgain } from './later-rounds';
import { resolveFactoryFields } from './python-field-types';
import { heldNames, joinHeldSessions } from './python-held-sessions';
import { joinSessionClasses } from './python-session-classes';
import { dropCoveredInnerCalls } from './single-report';
import type {
  ConstructorFact,
  FileFacts,
  HelperFact,
  InjectionFact,
  ProjectView,
  SessionClassFact,
  WrapperDefinition,
} from './types';

/** One file of a project: its path (as reported) and a way to read its text. */
export interface ProjectFile {
  file: string;
  read(): string;
}

const MAX_ROUNDS = 5;
// Source characters whose trees are kept between rounds (trees take several times their source).
const TREE_BUDGET = 16_000_000;

/** One file to scan, with its text. */
export interface ScanJob {
  file: string;
  text: string;
  /** Whether the scan keeps the file's tree for a later round (default yes; see `later-rounds.ts`). */
  keep?: boolean;
}

/**
 * Scans a round's files side by side (worker threads, see `scan-pool.ts`; Node only). `local` scans
 * one file on this thread, exactly as the single-threaded pass does; the results come back in the
 * order of `jobs`, equal to what `local` gives for each.
 */
export interface ParallelScan {
  /**
   * Told the files and source characters read so far for the first round, while they are being
   * read: workers that the round will need can start now, so that their start overlaps the reading.
   */
  reading?(files: number, chars: number): void;
  scanAll(
    jobs: readonly ScanJob[],
    view: ProjectView | undefined,
    local: (job: ScanJob) => Promise<ScanResult>,
  ): Promise<ScanResult[]>;
}

/** How a project is scanned: on this thread only (the default), or side by side. */
export interface ScanProjectOptions {
  parallel?: ParallelScan;
}

/** Scans every file of a project; the result maps each file to what was found in it. */
export async function scanProject(
  scanner: Scanner,
  files: readonly ProjectFile[],
  options: ScanProjectOptions = {},
): Promise<Map<string, ScanResult>> {
  const results = new Map<string, ScanResult>();
  const texts = new Map<string, string>();
  // Each round re-scans the files that name a new client; their trees are parsed once and kept
  // (up to a budget of source text, since trees take several times their source in memory).
  const trees: TreeCache = { entries: new Map(), budget: TREE_BUDGET };
  const scanAll = async (jobs: readonly ScanJob[], view: ProjectView | undefined) => {
    const local = (job: ScanJob) =>
      scanner.scanText(job.file, job.text, undefined, {
        ...(view === undefined ? {} : { project: view }),
        collectFacts: true,
        trees,
        ...(job.keep === false ? { keepTree: false } : {}),
      });
    if (options.parallel !== undefined) return options.parallel.scanAll(jobs, view, local);
    const scanned: ScanResult[] = [];
    for (const job of jobs) scanned.push(await local(job));
    return scanned;
  };
  try {
    await scanRounds(files, results, texts, scanAll, (count, chars) =>
      options.parallel?.reading?.(count, chars),
    );
    dropCoveredInnerCalls(results);
    return results;
  } finally {
    releaseTrees(trees);
  }
}

async function scanRounds(
  files: readonly ProjectFile[],
  results: Map<string, ScanResult>,
  texts: Map<string, string>,
  scanAll: (jobs: readonly ScanJob[], view: ProjectView | undefined) => Promise<ScanResult[]>,
  reading: (files: number, chars: number) => void,
): Promise<Map<string, ScanResult>> {
  const first: ScanJob[] = [];
  // Each file's words, counted once: which files name a new client is a lookup, not a text search
  // per name (a generated 5,000-file workspace has thousands of wrappers). Counted while the files
  // are read, with the names each seems to define, to guess which trees the first round keeps.
  const words = new Map<string, Map<string, number>>();
  const own = new Map<string, Map<string, number>>();
  const defined = new Set<string>();
  let chars = 0;
  for (const { file, read } of files) {
    let text: string;
    try {
      text = read();
    } catch (error) {
      results.set(file, {
        calls: [],
        errors: [{ code: 'read_error', message: `cannot read ${file}: ${(error as Error).message}` }],
      });
      continue;
    }
    texts.set(file, text);
    words.set(file, countWords(text));
    const names = definedNames(file, text);
    own.set(file, names);
    for (const name of names.keys()) defined.add(name);
    // Holds the file's place in the results (in the order of `files`) until its scan is in.
    results.set(file, { calls: [], errors: [] });
    first.push({ file, text });
    chars += text.length;
    reading(first.length, chars);
  }
  for (const job of first)
    job.keep = mayScanAgain(words.get(job.file) ?? new Map(), own.get(job.file) ?? new Map(), defined);
  own.clear();
  const scanned = await scanAll(first, undefined);
  for (const [i, job] of first.entries()) record(results, texts, job.file, scanned[i] as ScanResult);
  const known = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const view = buildProjectView([...results.values()].map((result) => result.facts));
    const fresh = new Map<string, Map<string, number>>();
    const sessions = [...(view.sessionClasses?.values() ?? [])].map((fact) => ({ kind: 'session', ...fact }));
    const inherited = inheritNames(view.inherit);
    const held = heldNames(view.heldSessions);
    for (const definition of [...view.definitions, ...view.instances, ...sessions, ...inherited, ...held]) {
      const key = definitionKey(definition);
      if (known.has(key)) continue;
      known.add(key);
      // Per name, how many of its new definitions each file holds: a file that only defines it
      // (the name once, at its definition) has no call of it to find.
      // A private `#send` is written `this.#send(...)`: the word its calls hold is `send`.
      const word = definition.name.startsWith('#') ? definition.name.slice(1) : definition.name;
      const sites = fresh.get(word) ?? new Map<string, number>();
      sites.set(definition.site.file, (sites.get(definition.site.file) ?? 0) + 1);
      fresh.set(word, sites);
    }
    // With no new client, the first round's calls that name a shared value are still read again.
    if (fresh.size === 0 && (round > 0 || !view.shared?.constants.size)) break;
    const again: ScanJob[] = [];
    for (const [file, text] of texts) {
      let counts = fresh.size === 0 ? undefined : words.get(file);
      if (counts === undefined && fresh.size > 0) {
        counts = countWords(text);
        words.set(file, counts);
      }
      let names = false;
      for (const [word, count] of counts ?? []) {
        const sites = fresh.get(word);
        if (sites !== undefined && count > (sites.get(file) ?? 0)) {
          names = true;
          break;
        }
      }
      if (names || (round === 0 && namesSharedUrl(file, results.get(file), view))) again.push({ file, text });
    }
    // No file names a new client: the results stay as they are, so the next view would be this one.
    if (again.length === 0) break;
    // Every file of a round is scanned with the same view, so the round's scans are independent.
    const rescanned = await scanAll(again, view);
    for (const [i, job] of again.entries()) record(results, texts, job.file, rescanned[i] as ScanResult);
  }
  return results;
}

/**
 * Whether a file holds a recognised call the view reads: in JS, one whose URL starts with a name
 * another module shares as a URL constant (`fetch(\`${UPDATES_URL}?v=${v}\`)`, imported); in
 * Python, one whose URL calls a URL-joining helper. It is scanned again once with the view, which
 * reads it (constant-urls.ts). Other files have nothing the shared values change.
 */
export function namesSharedUrl(
  file: string,
  result: Pick<ScanResult, 'calls'> | undefined,
  view: ProjectView,
): boolean {
  if (file.endsWith('.py')) return namesJoinHelper(result, view);
  const constants = view.shared?.constants;
  if (result === undefined || constants === undefined || constants.size === 0 || !JS_FILE.test(file))
    return false;
  return result.calls.some((call) => {
    const [first] = call.url.segments;
    return (
      (call.origin === undefined || call.origin === 'recognised') &&
      ((first?.kind === 'expr' && constants.get(first.source) != null) ||
        // `${this.basePath}/${id}` where a base takes `basePath` from `super(...)`.
        namesInheritedMember(call.url.segments, constants))
    );
  });
}

const JS_FILE = /\.[cm]?[jt]sx?$/;

// Python: a recognised call whose whole URL calls a URL-joining helper of the project
// (`self.http.get(build_url(self.base, "/items"))`, python-join-helpers.ts), read with the view.
function namesJoinHelper(result: Pick<ScanResult, 'calls'> | undefined, view: ProjectView): boolean {
  const helpers = view.shared?.helpers;
  if (result === undefined || helpers === undefined) return false;
  return result.calls.some((call) => {
    const [only] = call.url.segments;
    const name = only?.kind === 'expr' ? /^([A-Za-z_]\w*)\(/.exec(only.source)?.[1] : undefined;
    return (
      (call.origin === undefined || call.origin === 'recognised') &&
      name !== undefined &&
      helpers.get(name)?.joinsPath === true
    );
  });
}

// A file whose scan overran the pool's deadline keeps its report and leaves the later rounds: scanned
// again, it would cost another deadline (a stopped worker) each round, or block this thread, and its
// skip would be replaced by a scan that never finished. A file over its parse steps would only spend
// them again for the same skip.
function record(
  results: Map<string, ScanResult>,
  texts: Map<string, string>,
  file: string,
  result: ScanResult,
): void {
  results.set(file, result);
  if (result.errors.some((error) => error.code === 'scan_timeout' || error.code === 'file_too_complex'))
    texts.delete(file);
}

function definitionKey(definition: {
  kind: string;
  name: string;
  site: { file: string; line: number };
}): string {
  // A wrapper read again with more of its URL (a transport found by its shape at first, then the
  // project's own client around it) is new: its callers are scanned again with it.
  const wrapper = definition.kind === 'wrapper' ? (definition as WrapperDefinition) : undefined;
  const extra =
    wrapper === undefined
      ? ''
      : `${wrapper.method ?? ''}:${wrapper.methodParam ?? ''}:${wrapper.url.map((s) => (s.kind === 'literal' ? s.text : `{${s.source}}`)).join('')}`;
  return `${definition.kind}:${definition.site.file}:${definition.site.line}:${definition.name}:${extra}`;
}

/** Joins the facts of every file into one view of the project's own clients. */
export function buildProjectView(facts: ReadonlyArray<FileFacts | undefined>): ProjectView {
  const definitions = [];
  const instances = [];
  const classes = new Map<string, string[]>();
  const fieldTypes = new Map<string, Set<string>>();
  const constants = new Map<string, UrlSegment[] | null>();
  const helpers = new Map<string, HelperFact | null>();
  const constructors: ConstructorFact[] = [];
  const injections: InjectionFact[] = [];
  const sessionClasses: SessionClassFact[] = [];
  const inherit = joinInheritFacts(facts.map((fact) => fact?.inherit));
  for (const fact of facts) {
    if (fact === undefined) continue;
    sessionClasses.push(...(fact.sessionClasses ?? []));
    constructors.push(...(fact.constructors ?? []));
    injections.push(...(fact.injections ?? []));
    for (const [name, value] of fact.constants ?? []) {
      const current = constants.get(name);
      if (current === undefined) constants.set(name, value);
      else if (current !== null && JSON.stringify(current) !== JSON.stringify(value))
        constants.set(name, null);
    }
    for (const helper of fact.helpers ?? []) {
      const current = helpers.get(helper.name);
      if (current === undefined) helpers.set(helper.name, helper);
      else if (current !== null && JSON.stringify(current) !== JSON.stringify(helper))
        helpers.set(helper.name, null);
    }
    definitions.push(...fact.definitions);
    instances.push(...fact.instances);
    for (const cls of fact.classes) classes.set(cls.name, [...(classes.get(cls.name) ?? []), ...cls.bases]);
    for (const [field, type] of fact.fieldTypes) addFieldType(fieldTypes, field, type);
  }
  for (const [field, type] of resolveInjectedFields(constructors, injections, classes))
    addFieldType(fieldTypes, field, type);
  resolveFactoryFields(fieldTypes, classes);
  definitions.push(
    ...joinRequestObjects(
      facts.map((fact) => fact?.requestObjects),
      classes,
    ),
  );
  const sessions = joinSessionClasses(sessionClasses, classes);
  const held = joinHeldSessions(
    facts.flatMap((fact) => (fact?.heldSessions === undefined ? [] : [fact.heldSessions])),
    classes,
  );
  return {
    definitions,
    instances,
    classes,
    fieldTypes,
    shared: { constants, helpers, classes },
    ...(sessions.size === 0 ? {} : { sessionClasses: sessions }),
    ...(held.size === 0 ? {} : { heldSessions: held }),
    ...(inherit === undefined ? {} : { inherit }),
  };
}

function addFieldType(fieldTypes: Map<string, Set<string>>, field: string, type: string): void {
  const set = fieldTypes.get(field) ?? new Set<string>();
  set.add(type);
  fieldTypes.set(field, set);
}

/**
 * The scanner: parses a file with tree-sitter and runs the recognisers over the tree. Every failure
 * (a file too big or too complex to parse, missing wasm files, a recogniser bug) comes back
 * as an error in the result; nothing is thrown to the caller.
 */

import type { Node, Parser, ParseState, Range, Tree } from 'web-tree-sitter';
import type { ClearanceError } from '../errors';
import { applyAnnotations } from './annotations';
import { GRAMMAR_FILES, languageForPath } from './languages';
import { LineStarts, locateFileStart, locateRange } from './positions';
import { splitConditionalUrls } from './project/conditional-urls';
import { readConstantUrls, readLocalConstantUrls } from './project/constant-urls';
import { collectFileFacts } from './project/definitions';
import { withGoPackage } from './project/go-package-builders';
import { joinBaseUrls } from './project/js-base-joins';
import { readBuiltUrls } from './project/js-built-urls';
import { readClassMemberUrls } from './project/js-class-members';
import { readJsLocalUrls } from './project/js-local-urls';
import { readPythonLocalUrls } from './project/python-local-urls';
import { EMPTY_VIEW, type ProjectView } from './project/types';
import { type CallRecognizer, createScanContext, type ScanContext } from './recognizers/context';
import { listRecognizers } from './recognizers/registry';
import { dropShapeRepeats, noteOtherCalls, shapeRecognizer, transportOnly } from './recognizers/shape-calls';
import { loadParser } from './runtime';
import { isSingleFileComponent, keepScriptBlocks } from './single-file-components';
import type {
  HttpCall,
  ScanExtras,
  ScanLanguage,
  Scanner,
  ScannerOptions,
  ScanResult,
  TreeCache,
} from './types';

/** Deletes the trees a cache holds and forgets its kept calls (after the last scan that may use them). */
export function releaseTrees(cache: TreeCache): void {
  for (const { tree } of cache.entries.values()) tree.delete();
  cache.entries.clear();
  cache.recognised?.clear();
}

/** Files bigger than this (in UTF-8 bytes) are skipped unless the options say otherwise. */
export const DEFAULT_MAX_FILE_BYTES = 2_000_000;
/**
 * The error of a text too large to scan (over `maxFileBytes` UTF-8 bytes), or undefined. The
 * language server checks an open document with it before sending the text to be scanned.
 */
export function scanLimitError(
  file: string,
  text: string,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): ClearanceError | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxFileBytes) return undefined;
  return {
    code: 'file_too_large',
    message: `skipped: ${formatSize(bytes)} is over the ${formatSize(maxFileBytes)} scan limit`,
    location: locateFileStart(file),
  };
}
/**
 * How much parsing a file may take, in the parser's progress steps per kB of its text (at least
 * `MIN_PARSE_STEPS`), unless the options say otherwise. web-tree-sitter reports its progress after a
 * fixed amount of its own work, so the count is the same for the same text on an idle machine and a
 * loaded one. Real code takes 2 to 17 steps per kB (1,184 files of 8 labelled repositories, and a
 * generated Go file of 20,000 calls); the densest fixture, 10,000 nested calls, 34.
 */
export const DEFAULT_PARSE_STEPS_PER_KB = 50;
/** The step budget of a small file: a few kB of anything parses in fewer. */
export const MIN_PARSE_STEPS = 500;
/**
 * The wall-clock guard of a parse, unless the options say otherwise: not a bound on the result (the
 * step budget is), only on a parse whose steps themselves grow slower and slower (a hostile file can
 * make each step cost more than the one before), far above what a file within its steps takes.
 */
export const DEFAULT_PARSE_TIMEOUT_MS = 60_000;

/** The steps a text of `bytes` UTF-8 bytes may take to parse, at `perKb` steps per kB. */
export function parseStepBudget(bytes: number, perKb = DEFAULT_PARSE_STEPS_PER_KB): number {
  return Math.max(MIN_PARSE_STEPS, Math.ceil((bytes / 1000) * perKb));
}

const MIN_FRAGMENT_BUDGET = 500_000;

/** Creates a scanner; the tree-sitter runtime loads on the first scan and is shared afterwards. */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const settings = {
    wasmDir: options.wasmDir,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    parseTimeoutMs: options.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS,
    parseStepsPerKb: options.parseStepsPerKb ?? DEFAULT_PARSE_STEPS_PER_KB,
    clientMappings: options.clientMappings ?? [],
  };
  let view: ProjectView | undefined;
  return {
    scanText: (file, text, language, extras = {}) =>
      scanText(
        settings,
        file,
        text,
        language,
        extras.project !== undefined || view === undefined ? extras : { ...extras, project: view },
      ),
    useProjectView: (next) => {
      view = next;
    },
  };
}

type Settings = Required<Omit<ScannerOptions, 'wasmDir'>> & { wasmDir: string | undefined };

async function scanText(
  settings: Settings,
  file: string,
  text: string,
  requested: ScanLanguage | undefined,
  extras: ScanExtras = {},
): Promise<ScanResult> {
  const fail = (code: string, message: string): ScanResult => ({
    calls: [],
    errors: [{ code, message, location: locateFileStart(String(file)) }],
  });
  if (typeof text !== 'string') return fail('invalid_input', 'the text to scan is not a string');
  if (isSingleFileComponent(String(file))) text = keepScriptBlocks(text);
  const language = requested ?? languageForPath(String(file));
  if (language === undefined || !Object.hasOwn(GRAMMAR_FILES, language)) {
    return fail('unsupported_language', `not a TypeScript, JavaScript, Python or Go file: ${String(file)}`);
  }
  const tooLarge = scanLimitError(String(file), text, settings.maxFileBytes);
  if (tooLarge) return { calls: [], errors: [tooLarge] };
  // Minified or bundled JavaScript is build output, whatever its name: not the project's own calls.
  if (language === 'javascript' && looksMinified(text)) return { calls: [], errors: [] };
  let parser: Parser;
  try {
    parser = await loadParser(language, settings.wasmDir);
  } catch (error) {
    return fail('scanner_unavailable', `cannot load the ${language} parser: ${describeError(error)}`);
  }
  // The parse is bounded by its steps (the same on any machine); the clock only guards against a
  // parse whose steps keep getting slower. The tree gets the file's budget, the fragments below twice
  // that in all, as they may re-parse up to twice the text.
  const maxSteps = parseStepBudget(Buffer.byteLength(text, 'utf8'), settings.parseStepsPerKb);
  const deadline = performance.now() + settings.parseTimeoutMs;
  const parse = new ParseBudget(maxSteps, deadline, text.length);
  const progressCallback = parse.progressCallback;
  const trees: Tree[] = [];
  try {
    const cached = extras.trees?.entries.get(file);
    let tree: Tree | null = cached !== undefined && cached.text === text ? cached.tree : null;
    if (tree === null) {
      tree = parser.parse(text, null, { progressCallback });
      if (tree === null) {
        parser.reset();
        if (parse.stop === 'time')
          return fail('scan_timeout', `skipped: parsing took longer than ${settings.parseTimeoutMs} ms`);
        const at = parse.stoppedAt;
        return {
          calls: [],
          errors: [
            {
              code: 'file_too_complex',
              message: `skipped: parsing this file takes more than its ${maxSteps} steps (${settings.parseStepsPerKb} per kB); the parser had got here`,
              location: locateRange(String(file), new LineStarts(text), at, at),
            },
          ],
        };
      }
      if (extras.trees !== undefined && extras.keepTree !== false && extras.trees.budget >= text.length) {
        // Kept for the next round, as a copy (the same syntax tree, shared, under another `Tree`): the
        // lookups this scan caches against its tree (`nodesOfType`'s walk, the function and
        // assignment indexes, their `Node`s) are freed with it, and a file scanned again builds them
        // once on the copy. Most files of a large project are never scanned again, and keeping those
        // caches for all of them tripled the JavaScript heap (docs/speed/stop-17/speed-ws3.md).
        // The cache's owner deletes the copy.
        if (cached !== undefined) cached.tree.delete();
        extras.trees.entries.set(file, { text, tree: tree.copy() });
        trees.push(tree);
        extras.trees.budget -= text.length;
      } else {
        trees.push(tree);
      }
    }
    const lines = new LineStarts(text);
    // Re-parsing fragments after syntax errors may cost at most two more parses of the whole file
    // (or of 500k characters for small files).
    let budget = Math.max(2 * text.length, MIN_FRAGMENT_BUDGET);
    parse.reset(2 * maxSteps);
    let fragments = 0;
    const parseFragment = (start: number, end: number): Node | undefined => {
      const from = Math.max(0, start);
      const to = Math.min(text.length, end);
      if (to <= from || to - from > budget) return undefined;
      budget -= to - from;
      fragments++;
      const fragment = parser.parse(text, null, {
        includedRanges: [buildRange(lines, from, to)],
        progressCallback,
      });
      if (fragment === null) {
        parser.reset();
        budget = 0;
        return undefined;
      }
      trees.push(fragment);
      return fragment.rootNode;
    };
    const context = createScanContext({
      file,
      text,
      language,
      root: tree.rootNode,
      lines,
      parseFragment,
      clientMappings: settings.clientMappings,
    });
    // With a project view, facts are needed to report a forwarding call once (at its wrapper's call sites).
    return runRecognizers(context, {
      view: extras.project ?? EMPTY_VIEW,
      collectFacts: extras.collectFacts === true || extras.project !== undefined,
      ...(extras.trees === undefined ? {} : { keep: extras.trees }),
      fragments: () => fragments,
    });
  } catch (error) {
    parser.reset();
    return fail('scanner_failed', `scanning failed: ${describeError(error)}`);
  } finally {
    for (const tree of trees) tree.delete();
  }
}

/**
 * A parse's budget as web-tree-sitter's progress callback: the steps left, then the wall-clock guard.
 * When it stops a parse it says why and where the parser had got to.
 */
class ParseBudget {
  /** Why the last parse was stopped, if it was. */
  stop: 'steps' | 'time' | undefined;
  /** The UTF-16 offset the parser had reached when it was stopped. */
  stoppedAt = 0;

  constructor(
    private stepsLeft: number,
    private readonly deadline: number,
    private readonly textLength: number,
  ) {}

  /** Gives the parses that follow `steps` steps in all, and forgets why the last one stopped. */
  reset(steps: number): void {
    this.stepsLeft = steps;
    this.stop = undefined;
  }

  /** Counts a step; true (cancel) once the steps are spent or the guard's time is up. */
  readonly progressCallback = (state: ParseState): boolean => {
    this.stepsLeft--;
    if (this.stepsLeft >= 0 && performance.now() <= this.deadline) return false;
    this.stop = this.stepsLeft < 0 ? 'steps' : 'time';
    // web-tree-sitter parses a string as UTF-16: its byte offset is twice the string's.
    this.stoppedAt = Math.min(this.textLength, Math.max(0, Math.floor(state.currentOffset / 2)));
    return true;
  };
}

/** How `runRecognizers` runs: the project view, whether facts are wanted, what a scan may keep. */
interface RecognizerRun {
  view: ProjectView;
  collectFacts: boolean;
  /** Where the view-independent recognisers' calls are kept between scans of the same text. */
  keep?: TreeCache;
  /** How many fragment re-parses the scan has made so far. */
  fragments(): number;
}

function runRecognizers(context: ScanContext, run: RecognizerRun): ScanResult {
  const calls: HttpCall[] = [];
  const errors: ClearanceError[] = [];
  const recognizers = listRecognizers(context.language);
  const kept = run.keep?.recognised?.get(context.file);
  if (kept !== undefined && kept.text === context.text) {
    // Copies: the steps below set calls' own fields (annotations, mappings, constant URLs). Their
    // parts (locations, URLs) are shared: nothing changes those once a recogniser has built them,
    // and a deep copy of a 100,000-call file cost more than its recognisers.
    for (const call of kept.calls) calls.push({ ...call });
    errors.push(...kept.errors);
  } else {
    runEach(
      recognizers.filter((recognizer) => recognizer.readsProject !== true),
      context,
      calls,
      errors,
    );
    // Kept only when no fragment was re-parsed: those re-parses are shared with the view's
    // recognisers and spend the scan's re-parse budget, so a later round must run them all again.
    if (run.keep !== undefined && run.fragments() === 0) {
      run.keep.recognised ??= new Map();
      run.keep.recognised.set(context.file, {
        text: context.text,
        calls: calls.map((call) => ({ ...call })),
        errors: [...errors],
      });
    }
  }
  context.project =
    context.language === 'go' && run.view.shared !== undefined
      ? { ...run.view, shared: withGoPackage(run.view.shared, context.file) }
      : run.view;
  const projectRecognizers = recognizers.filter((recognizer) => recognizer.readsProject === true);
  runEach(
    projectRecognizers.filter((recognizer) => recognizer !== shapeRecognizer),
    context,
    calls,
    errors,
  );
  // Last, once every other recogniser has reported: a call one of them reports is theirs.
  noteOtherCalls(context, calls);
  runEach(
    projectRecognizers.filter((recognizer) => recognizer === shapeRecognizer),
    context,
    calls,
    errors,
  );
  dropShapeRepeats(calls);
  try {
    applyAnnotations(context, calls, errors);
  } catch (error) {
    errors.push({
      code: 'scanner_failed',
      message: `reading annotation comments failed: ${describeError(error)}`,
      location: locateFileStart(context.file),
    });
  }
  try {
    readConstantUrls(context, calls);
  } catch (error) {
    errors.push({
      code: 'scanner_failed',
      message: `reading URL constants failed: ${describeError(error)}`,
      location: locateFileStart(context.file),
    });
  }
  // Before the file's own clients are read: a call whose URL is a local written above it writes
  // its URL there, as one written in the call does.
  attempt(context, errors, 'reading local URLs', () => readPythonLocalUrls(context, calls));
  attempt(context, errors, 'reading local URLs', () => readJsLocalUrls(context, calls));
  // Before the file's own clients are read: `${this.url}/${id}` then writes a path, not a parameter.
  attempt(context, errors, 'reading class member URLs', () => readClassMemberUrls(context, calls));
  // `this.http.get(this.urlFor(id))` on a base's builder in the same file: the URL it builds.
  attempt(context, errors, 'reading built URLs', () => readBuiltUrls(context, calls));
  // `${environment.apiBase}logs/`: the base's trailing `/` written as the path's first.
  attempt(context, errors, 'joining base URLs', () => joinBaseUrls(context, calls));
  mergeMappedDuplicates(calls);
  calls.sort((a, b) => a.location.start.offset - b.location.start.offset);
  let facts: ScanResult['facts'];
  try {
    if (run.collectFacts) {
      const collected = collectFileFacts(context, calls);
      facts = collected.facts;
      // In a project scan a call that only forwards its wrapper's parameters is reported at the
      // wrapper's call sites, once, where the URL is written.
      const kept = calls.filter((call) => !collected.forwarding.has(call));
      calls.length = 0;
      calls.push(...kept);
    }
  } catch (error) {
    errors.push({
      code: 'scanner_failed',
      message: `reading the file's own clients failed: ${describeError(error)}`,
      location: locateFileStart(context.file),
    });
  }
  // After the file's own clients are read: a wrapper's call names the local its parameter flows through.
  attempt(context, errors, 'reading local URL constants', () => readLocalConstantUrls(context, calls));
  // After the file's own clients are read: a wrapper is one function, whatever its URL picks.
  attempt(context, errors, 'reading conditional URLs', () => splitConditionalUrls(context, calls));
  // A transport found by its shape made its function a wrapper (above); it is no report of its own.
  const reported = calls.filter((call) => !transportOnly.has(call));
  calls.length = 0;
  calls.push(...reported);
  return { calls, errors, ...(facts === undefined ? {} : { facts }) };
}

// Runs recognisers in order, a failing one an error rather than the end of the scan.
function runEach(
  recognizers: readonly CallRecognizer[],
  context: ScanContext,
  calls: HttpCall[],
  errors: ClearanceError[],
): void {
  for (const recognizer of recognizers) {
    try {
      for (const call of recognizer.recognize(context)) calls.push(call);
    } catch (error) {
      errors.push({
        code: 'scanner_failed',
        message: `the ${recognizer.client} recogniser failed: ${describeError(error)}`,
        location: locateFileStart(context.file),
      });
    }
  }
}

// Runs one step of a file's scan; a step that throws is reported as the file's error, not the scan's.
function attempt(context: ScanContext, errors: ClearanceError[], what: string, step: () => void): void {
  try {
    step();
  } catch (error) {
    const location = locateFileStart(context.file);
    errors.push({ code: 'scanner_failed', message: `${what} failed: ${describeError(error)}`, location });
  }
}

/**
 * A call that a recogniser finds and a `.clearance.yaml` client mapping names too is one call: it
 * keeps the recogniser's method and URL and takes the mapping's action and resource.
 */
function mergeMappedDuplicates(calls: HttpCall[]): void {
  // Most files map no call: then there is nothing to merge, and no key to build per call.
  if (!calls.some((call) => call.origin === 'mapping')) return;
  const recognised = new Map<number, HttpCall>();
  for (const call of calls)
    if (call.origin === undefined || call.origin === 'recognised')
      recognised.set(call.location.start.offset * 1e7 + call.location.end.offset, call);
  for (let i = calls.length - 1; i >= 0; i--) {
    const mapped = calls[i];
    if (mapped?.origin !== 'mapping') continue;
    const key = mapped.location.start.offset * 1e7 + mapped.location.end.offset;
    const found = recognised.get(key);
    if (found === undefined || found === mapped) continue;
    recognised.delete(key);
    found.origin = 'mapping';
    if (mapped.action !== undefined) found.action = mapped.action;
    if (mapped.resource !== undefined) found.resource = mapped.resource;
    calls.splice(i, 1);
  }
}

// Over 20 kB, lines averaging over 1,000 characters, and dense in code punctuation (a long comment or
// string line is not minified code): no hand-written source looks like that.
function looksMinified(text: string): boolean {
  if (text.length < 20_000) return false;
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  if (text.length / lines <= 1_000) return false;
  const sample = text.slice(0, 20_000);
  const punctuation = sample.match(/[;{}(),=]/g)?.length ?? 0;
  return punctuation / sample.length > 0.05;
}

// tree-sitter wants rows and columns with a range; only the offsets matter to the scanner.
function buildRange(lines: LineStarts, start: number, end: number): Range {
  const from = lines.locate(start);
  const to = lines.locate(end);
  return {
    startIndex: start,
    endIndex: end,
    startPosition: { row: from.line - 1, column: from.column - 1 },
    endPosition: { row: to.line - 1, column: to.column - 1 },
  };
}

/** Formats a byte count the way the size error states it: `10.0 MB`, `512.0 kB`, `12 bytes`. */
export function formatSize(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${(bytes / 1_000).toFixed(1)} kB`;
  return `${bytes} bytes`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

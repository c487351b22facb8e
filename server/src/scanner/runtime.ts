/**
 * The tree-sitter runtime: finds the wasm files, initialises web-tree-sitter once per process, and
 * keeps one loaded grammar and one parser per language. Everything is cached as promises so that
 * concurrent first scans share one initialisation instead of racing.
 */

import { Language, Parser } from 'web-tree-sitter';
import { GRAMMAR_FILES } from './languages';
import type { ScanLanguage } from './types';
import { locateWasmFile, RUNTIME_FILE, readWasmFile } from './wasm-files';

export { locateWasmFile } from './wasm-files';

// web-tree-sitter keeps one wasm module per process, so its initialisation is process-wide too;
// the first scanner's wasm folder provides `tree-sitter.wasm` for all of them.
let runtimeReady: Promise<void> | undefined;
const grammars = new Map<string, Promise<Language>>();
// Emscripten links grammar modules into one shared table and memory; two links at once corrupt
// each other ("bad export type for 'tree_sitter_tsx_external_scanner_create'"), so loads queue up.
let grammarQueue: Promise<unknown> = Promise.resolve();
const parsers = new Map<Language, Parser>();
// Ready parsers by language and wasm folder: locating a grammar's file looks at the disk, and every
// scan asks for its parser.
const ready = new Map<string, Parser>();

/** Returns a ready parser for the language, initialising the runtime and grammar on first use. */
export async function loadParser(language: ScanLanguage, wasmDir: string | undefined): Promise<Parser> {
  const key = `${language}\0${wasmDir ?? ''}`;
  const known = ready.get(key);
  if (known !== undefined) return known;
  await initialiseRuntime(wasmDir);
  const grammar = await loadGrammar(locateWasmFile(GRAMMAR_FILES[language], wasmDir));
  let parser = parsers.get(grammar);
  if (parser === undefined) {
    parser = new Parser();
    parser.setLanguage(grammar);
    parsers.set(grammar, parser);
  }
  ready.set(key, parser);
  return parser;
}

function initialiseRuntime(wasmDir: string | undefined): Promise<void> {
  if (runtimeReady === undefined) {
    const file = locateWasmFile(RUNTIME_FILE, wasmDir);
    runtimeReady = readWasmFile(file).then(
      // Handing over the bytes keeps emscripten from guessing the file's location, which it gets
      // wrong once the server is bundled.
      (bytes) => Parser.init({ wasmBinary: bytes, locateFile: () => file }),
    );
    runtimeReady.catch(() => {
      runtimeReady = undefined;
    });
  }
  return runtimeReady;
}

function loadGrammar(file: string): Promise<Language> {
  let grammar = grammars.get(file);
  if (grammar === undefined) {
    grammar = grammarQueue.then(async () => Language.load(await readWasmFile(file)));
    grammarQueue = grammar.catch(() => undefined);
    grammars.set(file, grammar);
    grammar.catch(() => grammars.delete(file));
  }
  return grammar;
}

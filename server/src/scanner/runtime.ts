/**
 * The tree-sitter runtime: finds the wasm files, initialises web-tree-sitter once per process, and
 * keeps one loaded grammar and one parser per language. Everything is cached as promises so that
 * concurrent first scans share one initialisation instead of racing.
 *
 * Wasm is compiled and instantiated synchronously, on the calling thread. web-tree-sitter's own
 * loads are asynchronous (`WebAssembly.instantiate`), and V8 runs an asynchronous compile on its
 * background threads, behind the optimising compiles of the wasm functions already running: once
 * the TypeScript grammar was hot, the first JavaScript file waited seconds for its grammar, and a
 * scan worker as long for the runtime, both threads idle (measured on the shared 2-core machine;
 * none of it with the optimising compiler off). A synchronous compile does not queue there; it
 * compiles lazily (a function on its first call), and a module this process compiled already is
 * taken from V8's cache of compiled modules, which is shared by its threads.
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
// A grammar's bytes and their compiled module, for the runtime's loader (see `initialiseRuntime`).
const compiled = new WeakMap<Uint8Array, WasmModule>();

/** A compiled wasm module (opaque here). */
type WasmModule = object;
/** The two WebAssembly constructors used here; the project's type libraries (ES2023, Node) declare neither. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: unknown) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

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

/** The runtime's loader of grammar modules, as web-tree-sitter's emscripten module exports it. */
type LoadModule = (binary: Uint8Array | WasmModule, ...rest: unknown[]) => unknown;

function initialiseRuntime(wasmDir: string | undefined): Promise<void> {
  if (runtimeReady === undefined) {
    const file = locateWasmFile(RUNTIME_FILE, wasmDir);
    runtimeReady = readWasmFile(file).then(async (bytes) => {
      const runtime = new wasm.Module(bytes);
      // Emscripten takes these options as its module object, and exports its loader of grammar
      // modules on it; the loader also takes a compiled module, which it instantiates at once.
      const options: Record<string, unknown> = {
        // Handing over the module keeps emscripten from compiling it in the background, and from
        // guessing the file's location, which it gets wrong once the server is bundled.
        instantiateWasm: (imports: unknown, done: (instance: object, module: WasmModule) => void) => {
          done(new wasm.Instance(runtime, imports), runtime);
          return {};
        },
        locateFile: () => file,
      };
      await Parser.init(options);
      const load = options.loadWebAssemblyModule;
      // Another version of web-tree-sitter without this loader keeps its own (asynchronous) loads.
      if (typeof load === 'function')
        options.loadWebAssemblyModule = (binary: Uint8Array | WasmModule, ...rest: unknown[]) =>
          (load as LoadModule)(
            binary instanceof Uint8Array ? (compiled.get(binary) ?? binary) : binary,
            ...rest,
          );
    });
    runtimeReady.catch(() => {
      runtimeReady = undefined;
    });
  }
  return runtimeReady;
}

function loadGrammar(file: string): Promise<Language> {
  let grammar = grammars.get(file);
  if (grammar === undefined) {
    grammar = grammarQueue.then(async () => {
      const bytes = await readWasmFile(file);
      compiled.set(bytes, new wasm.Module(bytes));
      return Language.load(bytes);
    });
    grammarQueue = grammar.catch(() => undefined);
    grammars.set(file, grammar);
    grammar.catch(() => grammars.delete(file));
  }
  return grammar;
}

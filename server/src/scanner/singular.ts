/**
 * A small English singulariser for the collection names APIs use in their paths. It knows the
 * common suffix rules and a short list of irregular words; it is not a dictionary, and a word it
 * does not know keeps its spelling minus a final `s`.
 */

const IRREGULAR: ReadonlyMap<string, string> = new Map([
  ['people', 'person'],
  ['children', 'child'],
  ['men', 'man'],
  ['women', 'woman'],
  ['mice', 'mouse'],
  ['geese', 'goose'],
  ['feet', 'foot'],
  ['teeth', 'tooth'],
  ['indices', 'index'],
  ['matrices', 'matrix'],
  ['vertices', 'vertex'],
  ['analyses', 'analysis'],
  ['criteria', 'criterion'],
  ['caches', 'cache'],
  ['quizzes', 'quiz'],
  ['movies', 'movie'],
  ['cookies', 'cookie'],
  ['series', 'series'],
  ['species', 'species'],
  ['news', 'news'],
]);

// Plural endings whose singular drops `es`: addresses, statuses, boxes, matches, wishes, buzzes.
const ES_ENDINGS = /(?:sses|uses|shes|ches|xes|zzes)$/;
// ...except houses, causes, clauses, whose singular ends in `e`.
const E_USES_ENDINGS = /[ao]uses$/;
// Singular words that end in `s` and must not lose it: address, status, analysis.
const SINGULAR_S_ENDINGS = /(?:ss|us|is)$/;

/** Returns the singular of a collection name: `orders` → `order`, `line-items` → `line-item`. */
export function singularize(word: string): string {
  const split = Math.max(word.lastIndexOf('-'), word.lastIndexOf('_')) + 1;
  const last = word.slice(split);
  const lower = last.toLowerCase();
  const shouting = last.length > 1 && last === last.toUpperCase() && last !== lower;
  const irregular = IRREGULAR.get(lower);
  let singular: string;
  if (irregular !== undefined) {
    singular = last.slice(0, 1) + irregular.slice(1);
  } else {
    const [drop, add] = findSingularSuffix(lower);
    singular = last.slice(0, last.length - drop) + add;
  }
  return word.slice(0, split) + (shouting ? singular.toUpperCase() : singular);
}

/** Tells whether a path segment reads like a plural collection name (`orders`, `people`). */
export function isPluralWord(word: string): boolean {
  const last = word.slice(Math.max(word.lastIndexOf('-'), word.lastIndexOf('_')) + 1).toLowerCase();
  const irregular = IRREGULAR.get(last);
  if (irregular !== undefined) return irregular !== last || last.endsWith('s');
  return /[a-z]s$/.test(last) && !SINGULAR_S_ENDINGS.test(last);
}

// Returns how many characters to drop from the end of a lower-case plural and what to add instead.
function findSingularSuffix(word: string): [number, string] {
  if (word.length > 4 && word.endsWith('ies')) return [3, 'y'];
  if (ES_ENDINGS.test(word) && !E_USES_ENDINGS.test(word)) return [2, ''];
  if (SINGULAR_S_ENDINGS.test(word) || !word.endsWith('s')) return [0, ''];
  return [1, ''];
}

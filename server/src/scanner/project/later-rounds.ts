/**
 * Which files' trees the project pass's first round keeps. A later round scans again only the files
 * that name a client some file defines (a wrapper, an exported instance, a session class), and
 * which those are is known only once the first round's facts are joined. Keeping every file's tree
 * until then cost the 5,000-file workspace, which has no later round, a fourth of its CPU time (the
 * wasm heap grew to 305 MB against 37 MB; docs/speed/stop-17/speed-ws3.md and
 * docs/speed/stop-18/speed-ws4.md), while keeping none made the repositories with later rounds
 * parse their files again. So the first round guesses from the text alone: a file may be scanned
 * again when it names, more often than it defines it, a name that some file of the project defines
 * (a function, method, class or module-level variable, read by a few patterns per language, not
 * parsed). The guess never changes what is found: a file guessed wrong either keeps a tree no round
 * uses or is parsed again when it is scanned again.
 */

import { languageForPath } from '../languages';

// A function, method, class or module-level variable, by language; group 1 is the name.
const GO_DEFINITIONS = [
  /^func\s*(?:\([^)\n]*\)\s*)?([A-Za-z_]\w*)/gm,
  /^(?:var|const)\s+([A-Za-z_]\w*)/gm,
  // A `var ( ... )` block's names, and a function's first-level assignments (more than needed).
  /^\t([A-Za-z_]\w*)\s*(?:[\w.*[\]]+\s*)?=[^=]/gm,
];
const PYTHON_DEFINITIONS = [
  /^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)/gm,
  /^[ \t]*class[ \t]+([A-Za-z_]\w*)/gm,
  /^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=[^=]/gm,
];
const SCRIPT_DEFINITIONS = [
  /\b(?:function[ \t]*\*?|class)[ \t]+([A-Za-z_$][\w$]*)/g,
  /^(?:export[ \t]+)?(?:default[ \t]+)?(?:declare[ \t]+)?(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)/gm,
  // A method (`name(...) {`, its parameters possibly on the next lines).
  /^[ \t]+(?:(?:public|private|protected|static|async|override|get|set)[ \t]+)*\*?([A-Za-z_$][\w$]*)[ \t]*(?:<[^>\n]*>)?[ \t]*\([^\n]*[{(,][ \t]*$/gm,
  // A property or class field holding a function (`name: (...) =>`, `name = async function`).
  /^[ \t]+(?:(?:public|private|protected|static|readonly)[ \t]+)*([A-Za-z_$][\w$]*)[ \t]*[:=][ \t]*(?:async[ \t]*)?(?:function\b|\(|[A-Za-z_$][\w$]*[ \t]*=>)/gm,
];
// Statements the method pattern would read as a method's name.
const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'with',
  'return',
  'await',
  'yield',
  'typeof',
  'new',
  'else',
  'do',
  'try',
  'function',
  'super',
]);

/** How many times `text` seems to define each name (the first round's guess; see the module comment). */
export function definedNames(file: string, text: string): Map<string, number> {
  const language = languageForPath(file);
  const patterns =
    language === 'go' ? GO_DEFINITIONS : language === 'python' ? PYTHON_DEFINITIONS : SCRIPT_DEFINITIONS;
  const names = new Map<string, number>();
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const name = match[1] as string;
      if (!KEYWORDS.has(name)) names.set(name, (names.get(name) ?? 0) + 1);
    }
  }
  // A default export is imported under the module's file name (an instance's name in the view).
  if (patterns === SCRIPT_DEFINITIONS && /\bexport\s+default\b/.test(text)) {
    const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1).replace(/\..*$/, '');
    if (base !== '') names.set(base, (names.get(base) ?? 0) + 1);
  }
  return names;
}

/**
 * Whether a later round may scan a file again, guessed from its words and the names it and the
 * project define: it names some defined name more often than it defines it itself.
 */
export function mayScanAgain(
  words: ReadonlyMap<string, number>,
  own: ReadonlyMap<string, number>,
  defined: ReadonlySet<string>,
): boolean {
  for (const [word, count] of words) if (defined.has(word) && count > (own.get(word) ?? 0)) return true;
  return false;
}

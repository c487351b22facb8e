/**
 * Which entrypoints a policy defines: whether the configured one exists at all (an entrypoint no
 * rule or data defines is a configuration mistake, never a denial), and which ones to suggest
 * instead. `clearance init` reads the same list to propose an entrypoint.
 */
import { editDistance } from '../edit-distance';
import type { JsonValue, Policy } from '../rego';

/** Rule names that usually decide a request, in the order they are proposed. */
const decisionNames = ['allow', 'decision', 'authz', 'authorized', 'allowed', 'permit', 'result'];

/**
 * The path of a plain `data.a.b.c` entrypoint, or undefined for anything else (brackets, a bare
 * `data`): those are never reported as undefined, since this check could be wrong about them.
 */
function splitEntrypoint(entrypoint: string): string[] | undefined {
  const m = /^data((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(entrypoint.trim());
  return m ? (m[1] as string).slice(1).split('.') : undefined;
}

/** Whether `a` starts with every element of `b`. */
function startsWith(a: string[], b: string[]): boolean {
  return b.length <= a.length && b.every((part, i) => a[i] === part);
}

/**
 * Whether some rule or data value could give `entrypoint` a value: a rule at the path, a package
 * or object above or below it, or data along it. Only a plain dotted entrypoint can be undefined.
 */
export function isEntrypointDefined(policy: Policy, data: JsonValue, entrypoint: string): boolean {
  const path = splitEntrypoint(entrypoint);
  if (!path) return true;
  for (const set of policy.ruleSets) {
    if (startsWith(set.path, path) || startsWith(path, set.path)) return true;
  }
  let node: JsonValue | undefined = data;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
    node = (node as { [key: string]: JsonValue })[key];
    if (node === undefined) return false;
  }
  return true;
}

/**
 * Whether a rule set belongs to the policy's tests: defined only in `_test.rego` files, or in a
 * package named `…_test` (OPA's conventions for tests). Their helper rules (mock inputs, fixtures)
 * are never what an application's request is decided by.
 */
function isTestRuleSet(set: Policy['ruleSets'][number]): boolean {
  if (set.path.slice(0, -1).some((part) => part.endsWith('_test'))) return true;
  const clauses = set.default ? [...set.clauses, set.default] : set.clauses;
  return clauses.length > 0 && clauses.every((clause) => /_test\.rego$/.test(clause.origin.location.file));
}

/**
 * Every rule that could be an entrypoint (a complete rule, not a function, a test or a rule of the
 * tests' files and packages), as `data.…`.
 */
export function listEntrypoints(policy: Policy): string[] {
  const found = new Set<string>();
  for (const set of policy.ruleSets) {
    const name = set.path.at(-1) ?? '';
    if (set.kind === 'function' || name.startsWith('test_') || name.startsWith('todo_test_')) continue;
    if (isTestRuleSet(set)) continue;
    if (set.path.every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) found.add(`data.${set.path.join('.')}`);
  }
  return [...found].sort();
}

/**
 * Up to `max` entrypoints to suggest instead of `wanted`: rules with the same name first, then the
 * usual decision names (`allow`, `decision`, …), then the closest spellings.
 */
export function suggestEntrypoints(policy: Policy, wanted: string, max = 3): string[] {
  const leaf = wanted.split('.').at(-1) ?? '';
  const score = (candidate: string): number => {
    const name = candidate.split('.').at(-1) ?? '';
    const usual = decisionNames.indexOf(name);
    if (name === leaf) return 0 + editDistance(candidate, wanted) / 1000;
    if (usual >= 0) return 1 + usual / 100 + editDistance(candidate, wanted) / 10_000;
    return 2 + editDistance(candidate, wanted);
  };
  return listEntrypoints(policy)
    .map((candidate) => ({ candidate, score: score(candidate) }))
    .filter((c) => c.score < 2 + Math.max(3, wanted.length / 3))
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((c) => c.candidate);
}

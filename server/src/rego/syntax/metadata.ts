/**
 * What `rego.metadata.chain()` and `rego.metadata.rule()` give inside a rule, computed at compile
 * time as OPA computes them: the rule's own `# METADATA` (scope `rule`), the `document` annotations
 * of any clause of the same rule, the `package` annotations of its package (from any module), and
 * the `subpackages` annotations of it and its ancestors, nearest first.
 */

import { fromJson, type JsonValue, RegoObject, type Value } from '../value/value';
import type * as ast from './ast';

/** One annotated clause or package: its annotations and where they apply. */
interface Annotated {
  annotations?: ast.Annotations;
}

/** An author as OPA renders one: `Name <email>` becomes `{name, email}`. */
function authorJson(a: unknown): JsonValue {
  if (typeof a !== 'string') return a as JsonValue;
  const m = /^(.*?)\s*<([^>]+)>\s*$/.exec(a);
  if (!m) return { name: a.trim() };
  return (m[1] as string) === ''
    ? { email: m[2] as string }
    : { name: m[1] as string, email: m[2] as string };
}

/** A related resource as OPA renders one: a bare string becomes `{ref}`. */
function resourceJson(r: unknown): JsonValue {
  return typeof r === 'string' ? { ref: r } : (r as JsonValue);
}

/** The annotations as OPA's `rego.metadata.*` render them. */
export function annotationsValue(a: ast.Annotations): Value {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(a.raw)) {
    if (v === undefined || v === null) continue;
    if (k === 'authors' && Array.isArray(v)) out[k] = v.map(authorJson);
    else if (k === 'related_resources' && Array.isArray(v)) out[k] = v.map(resourceJson);
    else out[k] = v as JsonValue;
  }
  if (a.scope !== undefined) out.scope = a.scope;
  return fromJson(out);
}

/** One chain entry: `{path, annotations}` (annotations left out when there are none). */
function entry(path: string[], a: ast.Annotations | undefined): Value {
  const o = RegoObject.of([['path', path]]);
  if (a) o.set('annotations', annotationsValue(a));
  return o;
}

/** The annotations of `x` when their scope is `scope`. */
function scoped(x: Annotated, scope: string): ast.Annotations | undefined {
  return x.annotations?.scope === scope ? x.annotations : undefined;
}

/** `rego.metadata.chain()` and `rego.metadata.rule()` for one clause. */
export function ruleMetadata(
  rule: ast.Rule,
  rulePath: string[],
  sameRule: readonly ast.Rule[],
  modules: readonly ast.Module[],
): { chain: Value; rule: Value } {
  const own = scoped(rule, 'rule');
  const chain: Value[] = [entry(rulePath, own)];
  const documentAnnotations = sameRule.map((r) => scoped(r, 'document')).find((a) => a !== undefined);
  if (documentAnnotations) chain.push(entry(rulePath, documentAnnotations));
  const pkg = rule.packagePath;
  const packageAnnotations = modules
    .filter((m) => m.package.path.join('.') === pkg.join('.'))
    .map((m) => scoped(m.package, 'package'))
    .find((a) => a !== undefined);
  if (packageAnnotations) chain.push(entry(pkg, packageAnnotations));
  for (let n = pkg.length; n >= 1; n--) {
    const prefix = pkg.slice(0, n).join('.');
    const sub = modules
      .filter((m) => m.package.path.join('.') === prefix)
      .map((m) => scoped(m.package, 'subpackages'))
      .find((a) => a !== undefined);
    if (sub) chain.push(entry(pkg.slice(0, n), sub));
  }
  return { chain, rule: own ? annotationsValue(own) : new RegoObject() };
}

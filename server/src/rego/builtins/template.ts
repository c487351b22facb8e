/**
 * strings.render_template: Go's text/template executed over the Rego object the way OPA runs it
 * (the data decoded into Go's map[string]any with numbers as json.Number, no missing-key option,
 * and `<no value>` printed as `<undefined>`). Values keep Go's kinds: data numbers are
 * json.Number (a string kind for comparisons, lengths and truth), template literals and `len`
 * results are int/float64, missing keys are Go's invalid value. Parsing is in template-parse.ts.
 * Checked against Go itself by test/unit/rego/go-oracle.test.ts.
 */
import { formatNumber, RegoNumber } from '../value/number';
import { compareStrings, RegoObject, RegoSet, type Value } from '../value/value';
import {
  type BuiltinDef,
  builtinError,
  chargeBytes,
  chargeSerialised,
  defineBuiltin,
  objectArg,
  param,
  stringArg,
} from './registry';
import { type GoArg, goSprintfArgs } from './sprintf';
import { type Arg, type Node, type Parsed, type Pipe, parseTemplate } from './template-parse';

/** Go's invalid reflect.Value (a missing key or a nil interface). */
const MISSING: unique symbol = Symbol('missing');

/** A Go int or float64 made by the template itself (literals, len). */
class GoNum {
  constructor(
    readonly kind: 'int' | 'float',
    readonly v: number,
  ) {}
}

/** A value during execution. */
type TValue = Value | GoNum | typeof MISSING;

/** Raised by {{break}} / {{continue}} to leave the current range iteration. */
class RangeControl {
  constructor(readonly kind: 'break' | 'continue') {}
}

const fail = (msg: string): never => builtinError(`template: template:${msg}`);

/** Go's basicKind (json.Number is a string kind; maps and slices are not comparable). */
function kindOf(v: TValue): 'bool' | 'int' | 'float' | 'string' | 'invalid' {
  if (v === MISSING || v === null) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoNum) return v.kind;
  if (typeof v === 'string' || v instanceof RegoNumber) return 'string';
  return 'invalid';
}

/** The string of a string-kind value. */
const str = (v: TValue): string => (v instanceof RegoNumber ? formatNumber(v) : (v as string));

/** Go's isTrue. */
function truthy(v: TValue): boolean {
  if (v === MISSING || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v instanceof GoNum) return v.v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof RegoNumber) return true;
  if (Array.isArray(v)) return v.length > 0;
  return (v as RegoObject | RegoSet).size > 0;
}

/** Prints a value as fmt's %v prints the decoded Go value. */
function show(v: TValue): string {
  if (v === MISSING) return '<undefined>';
  return showInner(v);
}

function showInner(v: TValue): string {
  if (v === MISSING || v === null) return '<nil>';
  if (v instanceof GoNum) return goSprintfArgs('%v', [toGoArg(v)]);
  if (v instanceof RegoNumber) return formatNumber(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(showInner).join(' ')}]`;
  if (v instanceof RegoSet) return `[${v.values().map(showInner).join(' ')}]`;
  const obj = v as RegoObject;
  const keys = [...obj.keys()].map(String).sort(compareStrings);
  return `map[${keys.map((k) => `${k}:${showInner(obj.get(k) as Value)}`).join(' ')}]`;
}

/** A template value as the Go value fmt receives. */
function toGoArg(v: TValue): GoArg {
  if (v === MISSING || v === null) return { k: 'nil' };
  if (v instanceof GoNum) return v.kind === 'int' ? { k: 'int', v: BigInt(v.v) } : { k: 'float', v: v.v };
  if (v instanceof RegoNumber) return { k: 'string', v: formatNumber(v), type: 'json.Number' };
  if (typeof v === 'string') return { k: 'string', v };
  if (typeof v === 'boolean') return { k: 'string', v: String(v), type: 'bool' };
  return { k: 'string', v: showInner(v), type: goType(v) };
}

/** Go's eq. */
function eq(a: TValue, rest: TValue[]): boolean {
  if (rest.length === 0) return fail(' missing argument for comparison');
  const k1 = kindOf(a);
  for (const b of rest) {
    const k2 = kindOf(b);
    let truth = false;
    if (k1 !== k2) {
      const zero = (x: TValue) => x === MISSING || x === null;
      if (!zero(a) && !zero(b)) return fail(' incompatible types for comparison');
    } else if (k1 === 'string') truth = str(a) === str(b);
    else if (k1 === 'bool') truth = a === b;
    else if (k1 === 'int' || k1 === 'float') truth = (a as GoNum).v === (b as GoNum).v;
    else {
      const zero = (x: TValue) => x === MISSING || x === null;
      if (zero(a) || zero(b)) truth = zero(a) === zero(b);
      else return fail(' non-comparable types');
    }
    if (truth) return true;
  }
  return false;
}

/** Go's lt. */
function lt(a: TValue, b: TValue): boolean {
  const k1 = kindOf(a);
  const k2 = kindOf(b);
  if (k1 === 'invalid' || k2 === 'invalid') return fail(' invalid type for comparison');
  if (k1 !== k2) return fail(' incompatible types for comparison');
  if (k1 === 'bool') return fail(' invalid type for comparison');
  if (k1 === 'string') return compareStrings(str(a), str(b)) < 0;
  return (a as GoNum).v < (b as GoNum).v;
}

/** Go's html/template-free escapers used by the html, js and urlquery functions. */
function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === "'"
        ? '&#39;'
        : c === '<'
          ? '&lt;'
          : c === '>'
            ? '&gt;'
            : c === '"'
              ? '&#34;'
              : '\uFFFD',
  );
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === '<' || ch === '>' || ch === '&' || ch === '=')
      out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (cp < 0x20) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** fmt.Sprint: spaces between operands when neither is a string. */
function sprint(args: TValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    const isString = (x: TValue) => typeof x === 'string' || x instanceof RegoNumber;
    if (i > 0 && !isString(a) && !isString(args[i - 1] as TValue)) out += ' ';
    out += a === MISSING ? '<nil>' : showInner(a);
  });
  return out;
}

/** Execution state. */
interface Scope {
  dot: TValue;
  vars: Array<[string, TValue]>;
  parsed: Parsed;
  charge: (n: number) => void;
  depth: number;
}

/** Field access (`.a.b`) as Go's evalField does on decoded JSON. */
function fields(v: TValue, path: string[]): TValue {
  let at = v;
  for (const f of path) {
    if (at === MISSING) continue;
    if (at === null) return fail(` nil pointer evaluating interface {}.${f}`);
    if (!(at instanceof RegoObject)) return fail(` can't evaluate field ${f} in type ${goType(at)}`);
    const next = at.get(f);
    at = next === undefined ? MISSING : next;
  }
  return at;
}

function goType(v: TValue): string {
  if (v instanceof GoNum) return v.kind === 'int' ? 'int' : 'float64';
  if (v instanceof RegoNumber) return 'json.Number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

function lookupVar(scope: Scope, name: string): TValue {
  for (let i = scope.vars.length - 1; i >= 0; i--) {
    const [n, v] = scope.vars[i] as [string, TValue];
    if (n === name) return v;
  }
  return fail(` undefined variable: ${name}`);
}

/** Evaluates an argument (not a function call unless it is a parenthesised pipeline). */
function evalArg(a: Arg, scope: Scope): TValue {
  switch (a.k) {
    case 'dot':
      return scope.dot;
    case 'field':
      return fields(scope.dot, a.path);
    case 'var':
      return fields(lookupVar(scope, a.name), a.path);
    case 'string':
      return a.v;
    case 'int':
      return new GoNum('int', a.v);
    case 'float':
      return new GoNum('float', a.v);
    case 'bool':
      return a.v;
    case 'nil':
      return fail(' nil is not a command');
    case 'pipe':
      return fields(evalPipe(a.pipe, scope, false), a.path);
    case 'ident':
      return callFunction(a.name, [], scope, undefined);
  }
}

/** Calls a template function; `final` is the piped-in value. */
function callFunction(name: string, argNodes: Arg[], scope: Scope, final: TValue | undefined): TValue {
  if (name === 'and' || name === 'or') {
    // Short-circuit: arguments are evaluated only as far as needed (Go 1.18+).
    const nodes = argNodes;
    const total = nodes.length + (final === undefined ? 0 : 1);
    if (total === 0) return fail(` wrong number of args for ${name}`);
    let v: TValue = MISSING;
    for (let i = 0; i < total; i++) {
      v = i < nodes.length ? evalArg(nodes[i] as Arg, scope) : (final as TValue);
      if (truthy(v) === (name === 'or')) return v;
    }
    return v;
  }
  const args = argNodes.map((n) => evalArg(n, scope));
  if (final !== undefined) args.push(final);
  const need = (n: number) => {
    if (args.length !== n) fail(` wrong number of args for ${name}: want ${n} got ${args.length}`);
  };
  switch (name) {
    case 'not':
      need(1);
      return !truthy(args[0] as TValue);
    case 'len': {
      need(1);
      const v = args[0] as TValue;
      if (typeof v === 'string' || v instanceof RegoNumber)
        return new GoNum('int', Buffer.byteLength(str(v)));
      if (Array.isArray(v)) return new GoNum('int', v.length);
      if (v instanceof RegoObject || v instanceof RegoSet) return new GoNum('int', v.size);
      return fail(` error calling len: len of ${v === MISSING ? 'nil pointer' : 'type'}`);
    }
    case 'index': {
      if (args.length === 0) return fail(' wrong number of args for index');
      let v = args[0] as TValue;
      for (const k of args.slice(1)) {
        if (v === MISSING || v === null) return fail(' error calling index: index of untyped nil');
        if (Array.isArray(v) || typeof v === 'string' || v instanceof RegoNumber) {
          if (!(k instanceof GoNum) || k.kind !== 'int')
            return fail(' error calling index: cannot index slice/array with type');
          const len = Array.isArray(v) ? v.length : Buffer.byteLength(str(v));
          if (k.v < 0 || k.v >= len) return fail(` error calling index: index out of range: ${k.v}`);
          v = Array.isArray(v) ? (v[k.v] as Value) : new GoNum('int', Buffer.from(str(v))[k.v] as number);
        } else if (v instanceof RegoObject) {
          if (typeof k !== 'string') return fail(' error calling index: value has type; should be string');
          v = v.get(k) ?? MISSING;
        } else return fail(` error calling index: can't index item of type ${goType(v)}`);
      }
      return v;
    }
    case 'slice': {
      const v = args[0] as TValue;
      if (typeof v !== 'string' && !Array.isArray(v)) return fail(" error calling slice: can't slice item");
      const idx = args
        .slice(1)
        .map((k) => (k instanceof GoNum && k.kind === 'int' ? k.v : fail(' error calling slice: bad index')));
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      const [i = 0, j = len] = idx;
      if (i < 0 || j < i || j > len) return fail(' error calling slice: index out of range');
      return typeof v === 'string' ? Buffer.from(v).subarray(i, j).toString() : v.slice(i, j);
    }
    case 'eq':
      return eq(args[0] ?? MISSING, args.slice(1));
    case 'ne':
      need(2);
      return !eq(args[0] as TValue, [args[1] as TValue]);
    case 'lt':
      need(2);
      return lt(args[0] as TValue, args[1] as TValue);
    case 'le':
      need(2);
      return lt(args[0] as TValue, args[1] as TValue) || eq(args[0] as TValue, [args[1] as TValue]);
    case 'gt':
      need(2);
      return !(lt(args[0] as TValue, args[1] as TValue) || eq(args[0] as TValue, [args[1] as TValue]));
    case 'ge':
      need(2);
      return !lt(args[0] as TValue, args[1] as TValue);
    case 'print':
      return sprint(args);
    case 'println':
      return `${args.map((a) => (a === MISSING ? '<nil>' : showInner(a))).join(' ')}\n`;
    case 'printf': {
      const [format, ...rest] = args;
      if (typeof format !== 'string') return fail(' wrong type for value; expected string');
      return goSprintfArgs(format, rest.map(toGoArg));
    }
    case 'html':
      return htmlEscape(sprint(args));
    case 'js':
      return jsEscape(sprint(args));
    case 'urlquery':
      return queryEscape(sprint(args));
    default:
      return fail(` function "${name}" not defined`);
  }
}

/** Evaluates a pipeline; `declare` binds its variables in the current scope. */
function evalPipe(pipe: Pipe, scope: Scope, declare: boolean): TValue {
  let value: TValue | undefined;
  for (const cmd of pipe.cmds) {
    const [head, ...rest] = cmd as [Arg, ...Arg[]];
    if (head.k === 'ident') value = callFunction(head.name, rest, scope, value);
    else {
      if (rest.length > 0 || value !== undefined) return fail(" can't give argument to non-function");
      value = evalArg(head, scope);
    }
  }
  let out = value ?? MISSING;
  if (out === null) out = MISSING;
  if (declare && pipe.decl.length > 0) {
    if (pipe.assign) {
      const name = pipe.decl[0] as string;
      for (let i = scope.vars.length - 1; i >= 0; i--) {
        if ((scope.vars[i] as [string, TValue])[0] === name) {
          scope.vars[i] = [name, out];
          return out;
        }
      }
      return fail(` undefined variable: ${name}`);
    }
    scope.vars.push([pipe.decl[pipe.decl.length - 1] as string, out]);
  }
  return out;
}

/** Renders nodes into `out`. */
function render(nodes: Node[], scope: Scope, out: string[]): void {
  for (const n of nodes) {
    scope.charge(1);
    switch (n.k) {
      case 'text':
        out.push(n.text);
        break;
      case 'out': {
        const v = evalPipe(n.pipe, scope, true);
        if (n.pipe.decl.length === 0) {
          const s = show(v);
          chargeBytes(scope, s.length);
          out.push(s);
        }
        break;
      }
      case 'if':
      case 'with': {
        const mark = scope.vars.length;
        const v = evalPipe(n.pipe, scope, true);
        if (truthy(v)) render(n.body, n.k === 'with' ? { ...scope, dot: v } : scope, out);
        else render(n.else, scope, out);
        scope.vars.length = mark;
        break;
      }
      case 'range':
        renderRange(n, scope, out);
        break;
      case 'template': {
        const body = scope.parsed.defined.get(n.name);
        if (!body) fail(` no such template "${n.name}"`);
        if (scope.depth > 100) fail(' exceeded maximum template depth (100000)');
        const dot = n.pipe ? evalPipe(n.pipe, scope, false) : MISSING;
        render(body as Node[], { ...scope, dot, vars: [['$', dot]], depth: scope.depth + 1 }, out);
        break;
      }
      case 'break':
      case 'continue':
        throw new RangeControl(n.k);
    }
  }
}

/** {{range}} over a slice (index, element) or a map (sorted key, value). */
function renderRange(n: Extract<Node, { k: 'range' }>, scope: Scope, out: string[]): void {
  const mark = scope.vars.length;
  const v = evalPipe({ decl: [], assign: false, cmds: n.pipe.cmds }, scope, false);
  let entries: Array<[TValue, TValue]>;
  if (Array.isArray(v)) entries = v.map((x, i) => [new GoNum('int', i), x]);
  else if (v instanceof RegoObject) {
    entries = [...v.keys()]
      .map(String)
      .sort(compareStrings)
      .map((k) => [k, v.get(k) as Value]);
  } else if (v instanceof RegoSet) entries = v.values().map((x, i) => [new GoNum('int', i), x]);
  else if (v === MISSING) entries = [];
  else entries = fail(` range can't iterate over ${show(v)}`);
  if (entries.length === 0) {
    render(n.else, scope, out);
    return;
  }
  for (const [k, x] of entries) {
    if (n.pipe.decl.length === 1) scope.vars.push([n.pipe.decl[0] as string, x]);
    if (n.pipe.decl.length === 2)
      scope.vars.push([n.pipe.decl[0] as string, k], [n.pipe.decl[1] as string, x]);
    try {
      render(n.body, { ...scope, dot: x }, out);
    } catch (err) {
      if (!(err instanceof RangeControl)) throw err;
      if (err.kind === 'break') break;
    } finally {
      scope.vars.length = mark;
    }
  }
}

/** Renders a Go text/template with the given data. */
function renderTemplate(template: string, data: Value, charge: (n: number) => void): string {
  const parsed = parseTemplate(template);
  const out: string[] = [];
  render(parsed.root, { dot: data, vars: [['$', data]], parsed, charge, depth: 0 }, out);
  return out.join('');
}

/** The template builtin. */
export const templateBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'strings.render_template',
    signature: {
      args: [param('value', 'string'), param('vars', 'object[string: any]')],
      result: param('result', 'string'),
    },
    description: "Renders a Go text/template with the given variables (OPA's strings.render_template).",
    implementation: (args, ctx) => {
      const vars = objectArg(args, 1);
      // OPA converts the whole object to Go values first: a value sharing its members is charged in full.
      chargeSerialised(ctx, vars);
      return renderTemplate(stringArg(args, 0), vars, ctx.charge);
    },
  }),
];

/**
 * strings.render_template: the part of Go's text/template that policies use — `{{.a.b}}`,
 * variables (`$x`, `$`), `if`/`else if`/`else`, `range` (with `$i, $v :=`), `with`, comments,
 * `{{-`/`-}}` trimming, pipelines with `|`, and the functions `and`, `or`, `not`, `len`, `index`,
 * `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `print`, `printf`, `println`. Values print as Go's fmt
 * prints decoded JSON; a missing key prints `<undefined>`, as OPA's does.
 */
import { formatNumber, RegoNumber } from '../number';
import { compareValues, equalValues, RegoObject, RegoSet, type Value } from '../value';
import { type BuiltinDef, builtinError, defineBuiltin, objectArg, param, stringArg } from './registry';
import { goSprintf } from './sprintf';

/** A missing value (a key the data does not have). */
const MISSING: unique symbol = Symbol('missing');
type TValue = Value | typeof MISSING;

/** A parsed template node. */
type Node =
  | { k: 'text'; text: string }
  | { k: 'out'; pipe: Pipe }
  | { k: 'if' | 'with'; pipe: Pipe; body: Node[]; else: Node[] }
  | { k: 'range'; pipe: Pipe; vars: string[]; body: Node[]; else: Node[] };

/** A pipeline: commands joined by `|`, optionally declaring variables. */
interface Pipe {
  decl: string[];
  cmds: string[][];
}

/** Splits an action's text into tokens (strings and parentheses kept whole). */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'|\||:=|=|,|\(|\)|[^\s|,()=]+)/gy;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) tokens.push(m[1] as string);
  if (text.slice(re.lastIndex).trim() !== '' && tokens.join('').length === 0)
    builtinError(`template: bad action ${text}`);
  return tokens;
}

/** Parses an action's tokens into a pipeline. */
function parsePipe(tokens: string[]): Pipe {
  let decl: string[] = [];
  const assign = tokens.indexOf(':=');
  let rest = tokens;
  if (assign >= 0) {
    decl = tokens.slice(0, assign).filter((t) => t !== ',');
    rest = tokens.slice(assign + 1);
  }
  const cmds: string[][] = [[]];
  for (const t of rest) {
    if (t === '|') cmds.push([]);
    else cmds[cmds.length - 1]?.push(t);
  }
  if (cmds.some((c) => c.length === 0)) builtinError('template: missing value for command');
  return { decl, cmds };
}

/** Parses a template into nodes. */
function parseTemplate(src: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node: Node & { k: 'if' | 'with' | 'range' }; inElse: boolean; chained: number }> = [];
  const target = (): Node[] => {
    const top = stack[stack.length - 1];
    if (!top) return root;
    return top.inElse ? top.node.else : top.node.body;
  };
  let at = 0;
  let trimNext = false;
  while (at < src.length) {
    const open = src.indexOf('{{', at);
    let text = src.slice(at, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) target().push({ k: 'text', text });
      break;
    }
    const close = src.indexOf('}}', open + 2);
    if (close < 0) builtinError('template: unclosed action');
    let inner = src.slice(open + 2, close);
    if (inner.startsWith('- ')) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(2);
    }
    trimNext = inner.endsWith(' -');
    if (trimNext) inner = inner.slice(0, -2);
    if (text) target().push({ k: 'text', text });
    at = close + 2;
    inner = inner.trim();
    if (inner.startsWith('/*')) continue;
    const tokens = tokenize(inner);
    const word = tokens[0];
    if (word === 'if' || word === 'with' || word === 'range') {
      const pipe = parsePipe(tokens.slice(1));
      const node: Node & { k: 'if' | 'with' | 'range' } =
        word === 'range'
          ? { k: 'range', pipe, vars: pipe.decl, body: [], else: [] }
          : { k: word, pipe, body: [], else: [] };
      target().push(node);
      stack.push({ node, inElse: false, chained: 0 });
    } else if (word === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inElse) builtinError('template: unexpected {{else}}');
      top.inElse = true;
      if (tokens[1] === 'if' || tokens[1] === 'with') {
        const node: Node & { k: 'if' | 'with' } = {
          k: tokens[1],
          pipe: parsePipe(tokens.slice(2)),
          body: [],
          else: [],
        };
        top.node.else.push(node);
        stack.push({ node, inElse: false, chained: top.chained + 1 });
      }
    } else if (word === 'end') {
      const top = stack.pop();
      if (!top) builtinError('template: unexpected {{end}}');
      for (let i = 0; i < top.chained; i++) stack.pop();
    } else {
      target().push({ k: 'out', pipe: parsePipe(tokens) });
    }
  }
  if (stack.length > 0) builtinError('template: unexpected EOF');
  return root;
}

/** Go's truth: false, 0, nil, and empty strings and collections are false. */
function truthy(v: TValue): boolean {
  if (v === MISSING || v === null || v === false) return false;
  if (v instanceof RegoNumber) return v.coef !== 0n;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (v instanceof RegoObject || v instanceof RegoSet) return v.size > 0;
  return true;
}

/** Prints a value as Go's fmt prints decoded JSON (`%v`). */
function show(v: TValue): string {
  if (v === MISSING) return '<undefined>';
  if (v === null) return '<nil>';
  if (v instanceof RegoNumber) return formatNumber(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (v instanceof RegoSet) return `[${v.values().map(show).join(' ')}]`;
  const keys = [...v.keys()].sort(compareValues);
  return `map[${keys.map((k) => `${show(k)}:${show(v.get(k) as Value)}`).join(' ')}]`;
}

/** Evaluation state: the dot, the variables, the output budget. */
interface Scope {
  dot: TValue;
  vars: Map<string, TValue>;
  charge: (n: number) => void;
}

/** Reads `.a.b` style field chains from a value. */
function fields(v: TValue, path: string[]): TValue {
  let at = v;
  for (const f of path) {
    if (!(at instanceof RegoObject)) return MISSING;
    const next = at.get(f);
    at = next === undefined ? MISSING : next;
  }
  return at;
}

/** Evaluates one argument token. */
function argument(tok: string, scope: Scope, pipeIn?: TValue): TValue {
  if (tok === '.') return scope.dot;
  if (tok.startsWith('.')) return fields(scope.dot, tok.slice(1).split('.'));
  if (tok.startsWith('$')) {
    const [name, ...path] = tok.split('.');
    const v = scope.vars.get(name as string);
    if (v === undefined) builtinError(`template: undefined variable "${name}"`);
    return fields(v, path);
  }
  if (tok.startsWith('"') || tok.startsWith('`'))
    return tok.startsWith('`') ? tok.slice(1, -1) : (JSON.parse(tok) as string);
  if (tok === 'true' || tok === 'false') return tok === 'true';
  if (tok === 'nil') return null;
  if (/^[-+]?\d/.test(tok)) {
    const n = Number(tok);
    if (Number.isNaN(n)) builtinError(`template: bad number syntax: "${tok}"`);
    return new RegoNumber(BigInt(Math.trunc(n)), 0);
  }
  return callFunction(tok, [], scope, pipeIn);
}

/** Compares two values with Go template's `eq`/`lt` family. */
function compare(a: TValue, b: TValue): number {
  if (a === MISSING || b === MISSING) builtinError('template: incompatible types for comparison');
  return compareValues(a, b);
}

/** Calls a template function. */
function callFunction(name: string, args: TValue[], _scope: Scope, pipeIn?: TValue): TValue {
  const all: TValue[] = pipeIn === undefined ? args : [...args, pipeIn];
  if (all.length === 0 && ['and', 'or', 'not', 'len', 'index', 'eq'].includes(name))
    builtinError(`template: wrong number of args for ${name}`);
  switch (name) {
    case 'and':
    case 'or': {
      // Go returns the first argument that decides the answer, else the last one.
      const i = all.findIndex((v) => truthy(v) === (name === 'or'));
      return (i >= 0 ? all[i] : all[all.length - 1]) as TValue;
    }
    case 'not':
      return !truthy(all[0] ?? MISSING);
    case 'len': {
      const v = all[0];
      if (typeof v === 'string') return new RegoNumber(BigInt(Buffer.byteLength(v)), 0);
      if (Array.isArray(v)) return new RegoNumber(BigInt(v.length), 0);
      if (v instanceof RegoObject || v instanceof RegoSet) return new RegoNumber(BigInt(v.size), 0);
      return builtinError(`template: len of ${show(v ?? MISSING)}`);
    }
    case 'index': {
      let v = all[0] ?? MISSING;
      for (const k of all.slice(1)) {
        if (Array.isArray(v) && k instanceof RegoNumber) v = v[Number(k.coef)] ?? MISSING;
        else if (v instanceof RegoObject && k !== MISSING) v = v.get(k) ?? MISSING;
        else v = MISSING;
      }
      return v;
    }
    case 'eq':
      return all
        .slice(1)
        .some((b) => (all[0] !== MISSING && b !== MISSING ? equalValues(all[0] as Value, b) : false));
    case 'ne':
      return compare(all[0] ?? MISSING, all[1] ?? MISSING) !== 0;
    case 'lt':
      return compare(all[0] ?? MISSING, all[1] ?? MISSING) < 0;
    case 'le':
      return compare(all[0] ?? MISSING, all[1] ?? MISSING) <= 0;
    case 'gt':
      return compare(all[0] ?? MISSING, all[1] ?? MISSING) > 0;
    case 'ge':
      return compare(all[0] ?? MISSING, all[1] ?? MISSING) >= 0;
    case 'print':
      return all.map(show).join('');
    case 'println':
      return `${all.map(show).join(' ')}\n`;
    case 'printf': {
      const [format, ...rest] = all;
      if (typeof format !== 'string') return builtinError('template: printf needs a format string');
      return goSprintf(
        format,
        rest.map((v) => (v === MISSING ? null : v)),
      );
    }
    default:
      return builtinError(`template: function "${name}" not defined`);
  }
}

/** Evaluates a pipeline, binding its declared variables. */
function evalPipe(pipe: Pipe, scope: Scope): TValue {
  let value: TValue | undefined;
  for (const cmd of pipe.cmds) {
    const [head, ...rest] = cmd as [string, ...string[]];
    const isCall = !/^[.$"`'\d+-]/.test(head) && !['true', 'false', 'nil'].includes(head);
    if (isCall) {
      value = callFunction(
        head,
        rest.map((t) => argument(t, scope)),
        scope,
        value,
      );
    } else {
      if (rest.length > 0) builtinError(`template: can't give argument to non-function ${head}`);
      value = argument(head, scope);
    }
  }
  const out = value ?? MISSING;
  if (pipe.decl.length === 1) scope.vars.set(pipe.decl[0] as string, out);
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
        const v = evalPipe(n.pipe, scope);
        if (n.pipe.decl.length === 0) out.push(show(v));
        break;
      }
      case 'if':
      case 'with': {
        const v = evalPipe(n.pipe, scope);
        if (truthy(v)) render(n.body, n.k === 'with' ? { ...scope, dot: v } : scope, out);
        else render(n.else, scope, out);
        break;
      }
      case 'range': {
        const v = evalPipe({ decl: [], cmds: n.pipe.cmds }, scope);
        const entries: Array<[Value, Value]> = Array.isArray(v)
          ? v.map((x, i) => [new RegoNumber(BigInt(i), 0), x])
          : v instanceof RegoObject
            ? [...v.keys()].sort(compareValues).map((k) => [k, v.get(k) as Value])
            : v instanceof RegoSet
              ? v.values().map((x, i) => [new RegoNumber(BigInt(i), 0), x])
              : [];
        if (entries.length === 0) {
          render(n.else, scope, out);
          break;
        }
        for (const [k, x] of entries) {
          const vars = new Map(scope.vars);
          if (n.vars.length === 1) vars.set(n.vars[0] as string, x);
          if (n.vars.length === 2) {
            vars.set(n.vars[0] as string, k);
            vars.set(n.vars[1] as string, x);
          }
          render(n.body, { ...scope, dot: x, vars }, out);
        }
        break;
      }
    }
  }
}

/** Renders a Go text/template with the given data. */
function renderTemplate(template: string, data: Value, charge: (n: number) => void): string {
  const nodes = parseTemplate(template);
  const out: string[] = [];
  render(nodes, { dot: data, vars: new Map([['$', data]]), charge }, out);
  return out.join('');
}

/** The template builtins. */
export const templateBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'strings.render_template',
    signature: {
      args: [param('value', 'string'), param('vars', 'object[string: any]')],
      result: param('result', 'string'),
    },
    description:
      'Renders a templated string with given template variables injected. For a given templated string and key/value mapping, values will be injected into the template where they are referenced by key. For examples of templating syntax, see https://pkg.go.dev/text/template',
    implementation: (args, ctx) => renderTemplate(stringArg(args, 0), objectArg(args, 1), ctx.charge),
  }),
];

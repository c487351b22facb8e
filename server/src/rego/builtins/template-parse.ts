/**
 * The parser half of strings.render_template: Go's text/template syntax (actions `{{ }}` with
 * `{{-`/`-}}` trimming, comments, pipelines with `|`, parenthesised pipelines with field chains
 * after them, variables declared with `:=` and assigned with `=`, and the control actions if /
 * else if / range / with / define / template / block / break / continue / end).
 */
import { builtinError } from './registry';

/** An argument or command head. */
export type Arg =
  | { k: 'dot' }
  | { k: 'field'; path: string[] }
  | { k: 'var'; name: string; path: string[] }
  | { k: 'string'; v: string }
  | { k: 'int'; v: number }
  | { k: 'float'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'nil' }
  | { k: 'ident'; name: string }
  | { k: 'pipe'; pipe: Pipe; path: string[] };

/** A pipeline: commands joined by `|`, optionally declaring (`:=`) or assigning (`=`) variables. */
export interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Arg[][];
}

/** A parsed template node. */
export type Node =
  | { k: 'text'; text: string }
  | { k: 'out'; pipe: Pipe }
  | { k: 'if' | 'with'; pipe: Pipe; body: Node[]; else: Node[] }
  | { k: 'range'; pipe: Pipe; body: Node[]; else: Node[] }
  | { k: 'template'; name: string; pipe: Pipe | undefined }
  | { k: 'break' | 'continue' };

/** A template and the named templates it defines. */
export interface Parsed {
  root: Node[];
  defined: Map<string, Node[]>;
}

const fail = (msg: string): never => builtinError(`template: template:${msg}`);

/** Splits an action's text into tokens. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re =
    /\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)+'|\||:=|=|,|\(|\)(?:\.[\p{L}\p{N}_]+)*|\$[\p{L}\p{N}_]*(?:\.[\p{L}\p{N}_]+)*|(?:\.[\p{L}\p{N}_]+)+|\.|[-+]?(?:0[xX][\da-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|[\p{L}_][\p{L}\p{N}_]*)/uy;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return fail(` unexpected ${JSON.stringify(text.slice(at).trim().slice(0, 10))} in command`);
    tokens.push(m[1] as string);
    at = re.lastIndex;
  }
  return tokens;
}

/** Reads Go's quoted string (the escapes JSON also has, plus \a \v \x and \'). */
function unquote(tok: string): string {
  if (tok.startsWith('`')) return tok.slice(1, -1);
  const body = tok
    .slice(1, -1)
    .replace(/\\a/g, '\u0007')
    .replace(/\\v/g, '\u000b')
    .replace(/\\x([\da-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    .replace(/\\'/g, "'");
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return fail(` malformed string ${tok}`);
  }
}

/** Parses one argument token; `(` starts a nested pipeline. */
function parseArg(tokens: string[], at: { i: number }): Arg {
  const tok = tokens[at.i++] as string;
  if (tok === '(') {
    const inner: string[] = [];
    let depth = 1;
    let close = '';
    while (at.i < tokens.length) {
      const t = tokens[at.i++] as string;
      if (t === '(') depth++;
      if (t.startsWith(')')) {
        depth--;
        if (depth === 0) {
          close = t;
          break;
        }
      }
      inner.push(t);
    }
    if (depth !== 0) return fail(' unclosed left paren');
    return { k: 'pipe', pipe: parsePipe(inner), path: close.split('.').slice(1) };
  }
  if (tok.startsWith(')')) return fail(' unexpected right paren');
  if (tok === '.') return { k: 'dot' };
  if (tok.startsWith('.') && !/^\.\d/.test(tok)) return { k: 'field', path: tok.slice(1).split('.') };
  if (tok.startsWith('$')) {
    const [name, ...path] = tok.split('.');
    return { k: 'var', name: name as string, path };
  }
  if (tok.startsWith('"') || tok.startsWith('`')) return { k: 'string', v: unquote(tok) };
  if (tok.startsWith("'")) {
    const s = unquote(`"${tok.slice(1, -1).replace(/"/g, '\\"')}"`);
    return { k: 'int', v: s.codePointAt(0) as number };
  }
  if (tok === 'true' || tok === 'false') return { k: 'bool', v: tok === 'true' };
  if (tok === 'nil') return { k: 'nil' };
  if (/^[-+]?[.\d]/.test(tok)) {
    const clean = tok.replace(/_/g, '');
    const n = Number(clean);
    if (Number.isNaN(n)) return fail(` bad number syntax: ${JSON.stringify(tok)}`);
    const isFloat = /[.eEpP]/.test(clean) && !/^[-+]?0[xX]/.test(clean);
    return isFloat ? { k: 'float', v: n } : { k: 'int', v: n };
  }
  if (['=', ':=', ',', '|'].includes(tok)) return fail(` unexpected ${JSON.stringify(tok)} in operand`);
  return { k: 'ident', name: tok };
}

/** Parses a pipeline's tokens. */
export function parsePipe(tokens: string[]): Pipe {
  let decl: string[] = [];
  let assign = false;
  let rest = tokens;
  const op = tokens.findIndex((t) => t === ':=' || t === '=');
  if (op > 0 && tokens.slice(0, op).every((t) => t === ',' || /^\$[\p{L}\p{N}_]*$/u.test(t))) {
    decl = tokens.slice(0, op).filter((t) => t !== ',');
    assign = tokens[op] === '=';
    rest = tokens.slice(op + 1);
  }
  const cmds: Arg[][] = [[]];
  const at = { i: 0 };
  while (at.i < rest.length) {
    if (rest[at.i] === '|') {
      at.i++;
      cmds.push([]);
      continue;
    }
    cmds[cmds.length - 1]?.push(parseArg(rest, at));
  }
  if (cmds.some((c) => c.length === 0)) return fail(' missing value for command');
  return { decl, assign, cmds };
}

/** One control frame while parsing. */
interface Frame {
  node: Node & { k: 'if' | 'with' | 'range' };
  inElse: boolean;
  /** `else if` frames close together with the frame that opened them. */
  chained: boolean;
  define?: string;
}

/** Parses a template source into nodes and named templates. */
export function parseTemplate(src: string): Parsed {
  const defined = new Map<string, Node[]>();
  const root: Node[] = [];
  const stack: Frame[] = [];
  const defineStack: Array<{ name: string; nodes: Node[]; depth: number }> = [];
  const target = (): Node[] => {
    const top = stack[stack.length - 1];
    const def = defineStack[defineStack.length - 1];
    if (top && (!def || stack.length > def.depth)) return top.inElse ? top.node.else : top.node.body;
    return def ? def.nodes : root;
  };
  let at = 0;
  let trimNext = false;
  while (at < src.length) {
    const open = src.indexOf('{{', at);
    let text = src.slice(at, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open < 0) {
      if (text) target().push({ k: 'text', text });
      break;
    }
    let start = open + 2;
    if (/^-[ \t\r\n]/.test(src.slice(start, start + 2))) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 2;
    }
    let inner: string;
    let close: number;
    if (
      src
        .slice(start)
        .replace(/^[ \t\r\n]*/, '')
        .startsWith('/*')
    ) {
      const endComment = src.indexOf('*/', start);
      if (endComment < 0) return fail(' unclosed comment');
      close = src.indexOf('}}', endComment);
      if (close < 0) return fail(' unclosed comment');
      const between = src.slice(endComment + 2, close);
      if (!/^[ \t\r\n]*-?[ \t\r\n]*$/.test(between)) return fail(' comment ends before closing delimiter');
      trimNext = /[ \t\r\n]-$/.test(src.slice(endComment + 2, close)) || between.trim() === '-';
      if (text) target().push({ k: 'text', text });
      at = close + 2;
      continue;
    }
    close = findClose(src, start);
    inner = src.slice(start, close);
    trimNext = /[ \t\r\n]-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -2);
    if (text) target().push({ k: 'text', text });
    at = close + 2;
    if (inner.includes('\n') && !/["`]/.test(inner)) return fail(' unexpected newline in action');
    const tokens = tokenize(inner);
    const word = tokens[0];
    if (word === undefined) return fail(' missing value for command');
    if (word === 'if' || word === 'with' || word === 'range') {
      const pipe = parsePipe(tokens.slice(1));
      const node =
        word === 'range'
          ? ({ k: 'range', pipe, body: [], else: [] } as const)
          : { k: word, pipe, body: [], else: [] };
      target().push(node as Node);
      stack.push({ node: node as Frame['node'], inElse: false, chained: false });
    } else if (word === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inElse) return fail(' unexpected {{else}}');
      top.inElse = true;
      if (tokens[1] === 'if') {
        const node: Node & { k: 'if' } = { k: 'if', pipe: parsePipe(tokens.slice(2)), body: [], else: [] };
        top.node.else.push(node);
        stack.push({ node, inElse: false, chained: true });
      } else if (tokens.length > 1) return fail(' unexpected tokens after {{else}}');
    } else if (word === 'end') {
      if (tokens.length > 1) return fail(' unexpected tokens in {{end}}');
      const def = defineStack[defineStack.length - 1];
      if (def && stack.length === def.depth) {
        defined.set(def.name, def.nodes);
        defineStack.pop();
        continue;
      }
      let top = stack.pop();
      if (!top) return fail(' unexpected {{end}}');
      while (top?.chained) top = stack.pop();
    } else if (word === 'define' || word === 'block') {
      const name = tokens[1];
      if (!name || !/^["`]/.test(name)) return fail(` missing name in {{${word}}}`);
      const n = unquote(name);
      if (word === 'block') {
        const rest = tokens.slice(2);
        target().push({ k: 'template', name: n, pipe: rest.length > 0 ? parsePipe(rest) : undefined });
      } else if (tokens.length > 2) return fail(' unexpected tokens in {{define}}');
      defineStack.push({ name: n, nodes: [], depth: stack.length });
    } else if (word === 'template') {
      const name = tokens[1];
      if (!name || !/^["`]/.test(name)) return fail(' missing name in {{template}}');
      const rest = tokens.slice(2);
      target().push({
        k: 'template',
        name: unquote(name),
        pipe: rest.length > 0 ? parsePipe(rest) : undefined,
      });
    } else if (word === 'break' || word === 'continue') {
      if (!stack.some((f) => f.node.k === 'range')) return fail(` {{${word}}} outside {{range}}`);
      target().push({ k: word });
    } else if (word === 'nil' && tokens.length === 1) {
      return fail(' nil is not a command');
    } else {
      target().push({ k: 'out', pipe: parsePipe(tokens) });
    }
  }
  if (stack.length > 0 || defineStack.length > 0) return fail(' unexpected EOF');
  return { root, defined };
}

/** The `}}` closing an action that starts at `start` (quoted `}}` does not close it). */
function findClose(src: string, start: number): number {
  let quote = '';
  for (let i = start; i < src.length - 1; i++) {
    const c = src[i] as string;
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === '`' || c === "'") quote = c;
    else if (c === '}' && src[i + 1] === '}') return i;
  }
  return fail(' unclosed action');
}

/**
 * Glob matching as OPA does it (gobwas/glob): `*` stops at delimiters, `**` does not, `?` is one
 * non-delimiter character, `[abc]`/`[!a-c]` lists, `{a,b}` alternatives, `\` escapes.
 *
 * Patterns come from policies and bundle manifests, which are untrusted: a pattern compiles to a
 * small NFA that is simulated over the subject one code point at a time (Thompson's construction,
 * Pike's simulation), so a match costs O(pattern × subject) whatever the pattern. A backtracking
 * RegExp took minutes for ten stars against forty characters.
 */
import { RegoSet, type Value } from '../value/value';
import { type BuiltinDef, builtinError, defineBuiltin, operandTypeError, param, stringArg } from './registry';

/** One NFA instruction. `any` consumes one code point (not a delimiter when `delims` is set). */
type Inst =
  | { op: 'char'; c: number }
  | { op: 'any'; delims: boolean }
  | { op: 'class'; ranges: Array<[number, number]>; negate: boolean }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'match' };

/** A compiled glob: test a subject in linear time. */
export interface GlobMatcher {
  /**
   * True when the whole subject matches the pattern. `charge` (the evaluation's step counter)
   * is charged one step per 16 thread advances, so even a quadratic pattern × subject ends at the
   * step limit.
   */
  test(subject: string, charge?: (n: number) => void): boolean;
}

/** Path-glob mode (bundle manifests): only `*`, `**`, `**∕` (zero or more segments) and `?` are special. */
export interface GlobOptions {
  pathMode?: boolean;
}

/** Compiles a pattern into instructions; `i` walks the pattern. */
class GlobCompiler {
  readonly prog: Inst[] = [];
  i = 0;
  constructor(
    private readonly p: string,
    private readonly hasDelims: boolean,
    private readonly pathMode: boolean,
  ) {}

  private emit(inst: Inst): number {
    this.prog.push(inst);
    return this.prog.length - 1;
  }

  /** A loop consuming any number of `any` code points. */
  private star(delims: boolean): void {
    const split = this.emit({ op: 'split', x: 0, y: 0 });
    this.emit({ op: 'any', delims });
    this.emit({ op: 'jmp', x: split });
    this.prog[split] = { op: 'split', x: split + 1, y: this.prog.length };
  }

  /** Compiles a sequence up to the end, or (inside `{}`) up to `,` or `}`. */
  seq(inAlt: boolean): void {
    const p = this.p;
    while (this.i < p.length) {
      const c = p[this.i] as string;
      if (inAlt && (c === ',' || c === '}')) return;
      this.i++;
      if (c === '*') {
        if (p[this.i] === '*') {
          while (p[this.i] === '*') this.i++;
          if (this.pathMode && p[this.i] === '/') {
            // `**/` is zero or more whole segments.
            this.i++;
            const split = this.emit({ op: 'split', x: 0, y: 0 });
            this.star(false);
            this.emit({ op: 'char', c: 0x2f });
            this.prog[split] = { op: 'split', x: split + 1, y: this.prog.length };
          } else this.star(false);
        } else this.star(this.hasDelims);
      } else if (c === '?') {
        this.emit({ op: 'any', delims: this.hasDelims });
      } else if (this.pathMode) {
        this.literal();
      } else if (c === '\\') {
        if (this.i >= p.length) builtinError('unexpected end of input');
        const cp = p.codePointAt(this.i) as number;
        this.i += cp > 0xffff ? 2 : 1;
        this.emit({ op: 'char', c: cp });
      } else if (c === '[') {
        this.charClass();
      } else if (c === '{') {
        this.alternatives();
      } else {
        this.literal();
      }
    }
    if (inAlt) builtinError('unexpected end of input');
  }

  /** A literal code point (its first UTF-16 unit already consumed). */
  private literal(): void {
    const cp = this.p.codePointAt(this.i - 1) as number;
    if (cp > 0xffff) this.i++;
    this.emit({ op: 'char', c: cp });
  }

  /** `[abc]`, `[a-z]`, `[!...]`. */
  private charClass(): void {
    const p = this.p;
    const end = p.indexOf(']', this.i);
    if (end < 0) builtinError('unexpected end of input');
    let body = p.slice(this.i, end);
    this.i = end + 1;
    const negate = body.startsWith('!');
    if (negate) body = body.slice(1);
    const cps = Array.from(body, (ch) => ch.codePointAt(0) as number);
    const ranges: Array<[number, number]> = [];
    for (let k = 0; k < cps.length; k++) {
      const lo = cps[k] as number;
      if (cps[k + 1] === 0x2d && k + 2 < cps.length) {
        ranges.push([lo, cps[k + 2] as number]);
        k += 2;
      } else ranges.push([lo, lo]);
    }
    this.emit({ op: 'class', ranges, negate });
  }

  /** `{a,b,c}`: a chain of splits, each alternative jumping to the end. */
  private alternatives(): void {
    const jumps: number[] = [];
    for (;;) {
      const split = this.emit({ op: 'split', x: 0, y: 0 });
      this.seq(true);
      jumps.push(this.emit({ op: 'jmp', x: 0 }));
      const d = this.p[this.i];
      this.i++;
      if (d === '}') {
        // The last alternative needs no split: turn its split into a plain fall-through.
        this.prog[split] = { op: 'jmp', x: split + 1 };
        break;
      }
      if (d !== ',') builtinError('unexpected end of input');
      this.prog[split] = { op: 'split', x: split + 1, y: this.prog.length };
    }
    for (const j of jumps) this.prog[j] = { op: 'jmp', x: this.prog.length };
  }
}

/** Runs a compiled program over a subject: the set of live threads advances one code point at a time. */
class PikeMatcher implements GlobMatcher {
  private readonly mark: Int32Array;
  private gen = 0;

  constructor(
    private readonly prog: Inst[],
    private readonly delims: Set<number>,
  ) {
    this.mark = new Int32Array(prog.length).fill(-1);
  }

  /** Adds thread `pc` and everything reachable from it without consuming input. */
  private add(list: number[], pc: number): void {
    const stack = [pc];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (this.mark[at] === this.gen) continue;
      this.mark[at] = this.gen;
      const inst = this.prog[at] as Inst;
      if (inst.op === 'jmp') stack.push(inst.x);
      else if (inst.op === 'split') stack.push(inst.y, inst.x);
      else list.push(at);
    }
  }

  private consumes(inst: Inst, cp: number): boolean {
    switch (inst.op) {
      case 'char':
        return inst.c === cp;
      case 'any':
        return !(inst.delims && this.delims.has(cp));
      case 'class': {
        let hit = false;
        for (const [lo, hi] of inst.ranges) {
          if (cp >= lo && cp <= hi) {
            hit = true;
            break;
          }
        }
        return hit !== inst.negate;
      }
      default:
        return false;
    }
  }

  test(subject: string, charge?: (n: number) => void): boolean {
    let current: number[] = [];
    let work = 0;
    this.gen++;
    this.add(current, 0);
    for (const ch of subject) {
      if (current.length === 0) return false;
      work += current.length;
      if (work >= 4096 && charge) {
        charge(work >> 4);
        work = 0;
      }
      const cp = ch.codePointAt(0) as number;
      const next: number[] = [];
      this.gen++;
      for (const pc of current) {
        if (this.consumes(this.prog[pc] as Inst, cp)) this.add(next, pc + 1);
      }
      current = next;
    }
    return current.some((pc) => (this.prog[pc] as Inst).op === 'match');
  }
}

const globCache = new Map<string, GlobMatcher>();

/** Compiles a glob pattern with delimiters into a linear-time matcher (cached). */
export function compileGlob(pattern: string, delims: string[], options: GlobOptions = {}): GlobMatcher {
  const key = `${options.pathMode ? 'p' : 'g'}${JSON.stringify(delims)}\u0000${pattern}`;
  let m = globCache.get(key);
  if (!m) {
    const c = new GlobCompiler(pattern, delims.length > 0, options.pathMode === true);
    c.seq(false);
    c.prog.push({ op: 'match' });
    const set = new Set<number>();
    for (const d of delims) for (const ch of d) set.add(ch.codePointAt(0) as number);
    m = new PikeMatcher(c.prog, set);
    if (globCache.size > 500) globCache.clear();
    globCache.set(key, m);
  }
  return m;
}

/** A path glob for bundle manifests (`*` within a segment, `**` across, `**∕` zero or more segments). */
export function compilePathGlob(pattern: string): GlobMatcher {
  return compileGlob(pattern.replace(/^\/+/, ''), ['/'], { pathMode: true });
}

/** Reads the delimiters operand: null means none, an empty array means ".". */
function delimiters(v: Value): string[] {
  if (v === null) return [];
  const items = Array.isArray(v) ? v : v instanceof RegoSet ? v.values() : operandTypeError(2, v, 'array');
  const out = items.map((d) => (typeof d === 'string' ? d : operandTypeError(2, d, 'string')));
  return out.length === 0 ? ['.'] : out;
}

/** The glob builtins. */
export const globBuiltins: BuiltinDef[] = [
  defineBuiltin({
    name: 'glob.match',
    signature: {
      args: [
        param('pattern', 'string'),
        param('delimiters', 'any<null, array[string]>'),
        param('match', 'string'),
      ],
      result: param('result', 'boolean'),
    },
    description: 'Parses and matches strings against the glob notation.',
    implementation: (args, ctx) => {
      const pattern = stringArg(args, 0);
      const delims = delimiters(args[1] ?? null);
      const match = stringArg(args, 2);
      return compileGlob(pattern, delims).test(match, ctx.charge);
    },
  }),
  defineBuiltin({
    name: 'glob.quote_meta',
    signature: { args: [param('pattern', 'string')], result: param('output', 'string') },
    description:
      'Returns a string which represents a version of the pattern where all asterisks have been escaped.',
    implementation: (args) => stringArg(args, 0).replace(/[*?\\[\]{}]/g, '\\$&'),
  }),
];

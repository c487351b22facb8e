/**
 * Reads the type notation builtins are declared with (OPA's printed form: `array[string]`,
 * `object[string: any]`, `any<string, set[string]>`, `array<number, string>`) into types. A
 * declaration that is not in exactly that form reads as `any`, so it never makes the checker
 * stricter than the declaration meant.
 */
import { A, arrayOf, B, compare, type Key, N, NL, objectOf, S, setOf, type Type } from './types';

/** Parsed declarations by their text (builtins repeat the same few types). */
const cache = new Map<string, Type>();

/** The type a declared notation names; `any` when the text is not well-formed. */
export function typeOfNotation(text: string): Type {
  const hit = cache.get(text);
  if (hit) return hit;
  const p = { s: text.replace(/\s+/g, ''), i: 0 };
  let t: Type | undefined;
  try {
    t = parseType(p);
    if (p.i !== p.s.length) t = undefined;
  } catch {
    t = undefined;
  }
  const result = t ?? A;
  if (cache.size < 1000) cache.set(text, result);
  return result;
}

interface Cursor {
  s: string;
  i: number;
}

function eat(p: Cursor, c: string): boolean {
  if (p.s[p.i] !== c) return false;
  p.i++;
  return true;
}

function expect(p: Cursor, c: string): void {
  if (!eat(p, c)) throw new Error(`expected ${c}`);
}

function word(p: Cursor): string {
  const m = /^[A-Za-z_][\w.-]*/.exec(p.s.slice(p.i));
  if (!m) throw new Error('expected a name');
  p.i += m[0].length;
  return m[0];
}

function list(p: Cursor, close: string): Type[] {
  const items = [parseType(p)];
  while (eat(p, ',')) items.push(parseType(p));
  expect(p, close);
  return items;
}

function parseType(p: Cursor): Type {
  const name = word(p);
  switch (name) {
    case 'null':
      return NL;
    case 'boolean':
      return B;
    case 'number':
      return N;
    case 'string':
      return S;
    case 'any':
      return eat(p, '<') ? { k: 'any', of: list(p, '>').sort(compare) } : A;
    case 'set': {
      expect(p, '[');
      const of = parseType(p);
      expect(p, ']');
      return setOf(of);
    }
    case 'array': {
      const st = eat(p, '<') ? list(p, '>') : [];
      let dyn: Type | undefined;
      if (eat(p, '[')) {
        dyn = parseType(p);
        expect(p, ']');
      }
      if (st.length === 0 && dyn === undefined) throw new Error('bare array');
      return arrayOf(st, dyn);
    }
    case 'object': {
      const st: Array<{ key: Key; v: Type }> = [];
      if (eat(p, '<')) {
        do {
          const key = word(p);
          expect(p, ':');
          st.push({ key, v: parseType(p) });
        } while (eat(p, ','));
        expect(p, '>');
      }
      let dyn: { key: Type; v: Type } | undefined;
      if (eat(p, '[')) {
        const key = parseType(p);
        expect(p, ':');
        dyn = { key, v: parseType(p) };
        expect(p, ']');
      }
      if (st.length === 0 && dyn === undefined) throw new Error('bare object');
      return objectOf(st, dyn);
    }
    default:
      throw new Error(`unknown type ${name}`);
  }
}

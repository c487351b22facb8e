/**
 * What a recogniser sees of one parsed file, and the shape every recogniser has. Lookups that
 * several recognisers may repeat (the nodes spelling a name, a name's declarations) are cached
 * for the duration of one scan.
 */

import type { Node } from 'web-tree-sitter';
import type { Location } from '../../errors';
import { nodesOfType } from '../nodes-of-type';
import { type LineStarts, locateRange } from '../positions';
import { EMPTY_VIEW, type ProjectView } from '../project/types';
import { type Binding, collectBindings } from '../scopes';
import { findWordNodes, type WordNode } from '../syntax';
import type { ClientMapping, HttpCall, HttpClient, ScanLanguage } from '../types';

const EXCERPT_LENGTH = 200;

/** One parsed file, as handed to recognisers. */
export interface ScanContext {
  file: string;
  text: string;
  language: ScanLanguage;
  root: Node;
  /** Finds the nodes that spell exactly `word` (identifiers, property names, string contents...). */
  findWordNodes(word: string): WordNode[];
  /** Finds every declaration of `name` in the file. */
  findBindings(name: string): Binding[];
  /** Returns a node's location in the file. */
  locateNode(node: Node): Location;
  /**
   * Returns a callee's location, as `locateNode`, without noting the node for `locatedCall`: a
   * callee ends before its call's arguments, so it never answers for a call's own range, and noting
   * it cost a map entry per found call.
   */
  locateCallee(node: Node): Location;
  /**
   * The node of a call `locateNode` was last asked about that spans exactly `[start, end)` in this
   * file's tree (not a fragment's), if any: the project pass finds a recognised call's node again
   * without asking the root (`descendantForIndex`, then climbing parents).
   */
  locatedCall(start: number, end: number): Node | undefined;
  /** Returns a node's source text, cut to about 200 characters. */
  readExcerpt(node: Node): string;
  /** Tells whether a node lies inside an ERROR node, where the parser's recovery guessed. */
  isInsideError(node: Node): boolean;
  /** Returns the offset at which the line holding `offset` starts. */
  findLineStart(offset: number): number;
  /**
   * Parses only `[start, end)` of the text, for code that the whole-file parse's error recovery
   * swallowed; node offsets stay file offsets. Undefined once the scan's re-parse budget is spent.
   */
  parseFragment(start: number, end: number): Node | undefined;
  /** The project's own client functions to report as calls (`.clearance.yaml` `clients`). */
  clientMappings: readonly ClientMapping[];
  /** What the project pass knows of the project's own clients; empty on a file's first look. */
  project: ProjectView;
}

/** What `createScanContext` needs: the parsed file and a way to re-parse part of it. */
export interface ScanContextSource {
  file: string;
  text: string;
  language: ScanLanguage;
  root: Node;
  lines: LineStarts;
  parseFragment(start: number, end: number): Node | undefined;
  clientMappings?: readonly ClientMapping[];
  project?: ProjectView;
}

/** Finds the calls one HTTP client makes. */
export interface CallRecognizer {
  client: HttpClient;
  languages: readonly ScanLanguage[];
  /**
   * True when the recogniser reads `context.project`. Only these run after a file's first scan of a
   * text (the project pass's later rounds); the others see an empty view, and their calls are kept.
   */
  readsProject?: boolean;
  /** Returns the calls found in the file; must not throw on any tree the parser produces. */
  recognize(context: ScanContext): HttpCall[];
}

/** Builds the context for one parsed file. */
export function createScanContext(source: ScanContextSource): ScanContext {
  const { file, text, language, root, lines } = source;
  const words = new Map<string, WordNode[]>();
  let errorRanges: Array<[number, number]> | undefined;
  // Asked once: recognisers ask about every hit, and each `hasError` is a call into wasm.
  let hasError: boolean | undefined;
  const bindings = new Map<string, Binding[]>();
  // The nodes located, by end offset (the last one per offset): a call and its callee share their
  // start but not their end.
  const located = new Map<number, Node>();
  const findWords = (word: string): WordNode[] => {
    let nodes = words.get(word);
    if (nodes === undefined) {
      nodes = findWordNodes(root, text, word);
      words.set(word, nodes);
    }
    return nodes;
  };
  return {
    file,
    text,
    language,
    root,
    findWordNodes: findWords,
    findBindings(name) {
      let found = bindings.get(name);
      if (found === undefined) {
        found = collectBindings(findWords(name), name, text);
        bindings.set(name, found);
      }
      return found;
    },
    locateNode(node) {
      const end = node.endIndex;
      located.set(end, node);
      return locateRange(file, lines, node.startIndex, end);
    },
    locateCallee(node) {
      return locateRange(file, lines, node.startIndex, node.endIndex);
    },
    locatedCall(start, end) {
      const node = located.get(end);
      // Only one node of a call type spans a range: its children (callee, arguments) are shorter.
      return node !== undefined &&
        node.startIndex === start &&
        node.tree === root.tree &&
        /call/.test(node.type)
        ? node
        : undefined;
    },
    readExcerpt(node) {
      return cutText(text.slice(node.startIndex, node.endIndex), EXCERPT_LENGTH);
    },
    isInsideError(node) {
      hasError ??= root.hasError;
      if (!hasError) return false;
      // One search in the wasm side for all ERROR nodes beats walking up from every node asked about.
      errorRanges ??= [root, ...nodesOfType(root, 'ERROR')]
        .filter((error): error is Node => error?.isError === true)
        .map((error): [number, number] => [error.startIndex, error.endIndex]);
      return errorRanges.some(([start, end]) => start <= node.startIndex && node.endIndex <= end);
    },
    findLineStart(offset) {
      const position = lines.locate(offset);
      return position.offset - (position.column - 1);
    },
    parseFragment: source.parseFragment,
    clientMappings: source.clientMappings ?? [],
    project: source.project ?? EMPTY_VIEW,
  };
}

function cutText(value: string, length: number): string {
  if (value.length <= length) return value;
  let end = length - 1;
  // Never split a surrogate pair.
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

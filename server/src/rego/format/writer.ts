/**
 * The formatter's output buffer: indentation, line state, and the placement of comments by source
 * row, following the layout rules of `opa fmt` (comments above a node are written before it, a
 * comment on the node's row goes to the end of the line being written).
 */
import type { Comment, NodeBase as Node } from '../syntax/ast';

/** Thrown when a second comment would land at the end of a line that already has one. */
export class UnexpectedComment extends Error {}

/** A comment as the formatter sees it: its row and its text with the `#` and no trailing space. */
export interface RowComment {
  row: number;
  text: string;
}

/** Turns AST comments into row comments, trailing whitespace trimmed as `opa fmt` does. */
export function toRowComments(comments: Comment[]): RowComment[] {
  return comments
    .map((c) => ({ row: c.location.start.line, text: `#${c.text}`.trimEnd(), col: c.location.start.column }))
    .sort((a, b) => a.row - b.row || a.col - b.col)
    .map(({ row, text }) => ({ row, text }));
}

/** True for the `# METADATA` line that opens an annotation block. */
function isMetadataHeader(c: RowComment): boolean {
  return /^#\s*METADATA\s*$/.test(c.text);
}

/** Output buffer plus the comments not yet written (consumed front to back). */
export class LineWriter {
  protected buf = '';
  protected level = 0;
  protected inline = false;
  protected beforeEnd: RowComment | undefined;
  private delay = false;
  /** Comments still to be written, in source order. */
  protected comments: RowComment[];

  constructor(
    /** The source text every location points into. */
    protected readonly src: string,
    comments: RowComment[],
  ) {
    this.comments = comments;
  }

  /** The first row of a node. */
  protected row(n: Node): number {
    return n.location.start.line;
  }

  /** The source text of a node. */
  protected text(n: Node): string {
    return this.src.slice(n.location.start.offset, n.location.end.offset);
  }

  protected write(s: string): void {
    this.buf += s;
  }

  protected startLine(): void {
    this.inline = true;
    this.buf += '\t'.repeat(this.level);
  }

  protected endLine(): void {
    this.inline = false;
    if (this.beforeEnd && !this.delay) {
      this.buf += ` ${this.beforeEnd.text}`;
      this.beforeEnd = undefined;
    }
    this.delay = false;
    this.buf += '\n';
  }

  protected blankLine(): void {
    if (this.inline) this.endLine();
    this.buf += '\n';
  }

  protected writeLine(s: string): void {
    if (!this.inline) this.startLine();
    this.write(s);
    this.endLine();
  }

  protected up(): void {
    this.level++;
  }

  protected down(): void {
    if (this.level > 0) this.level--;
  }

  protected delayBeforeEnd(): void {
    this.delay = true;
  }

  protected startMultilineSeq(): void {
    this.endLine();
    this.up();
    this.startLine();
  }

  /** Writes the comments above `row`, and keeps the one on `row` for the end of the line. */
  protected insertComments(row: number): void {
    const before: RowComment[] = [];
    let at: RowComment | undefined;
    const after: RowComment[] = [];
    for (const c of this.comments) {
      if (c.row < row) before.push(c);
      else if (c.row > row) after.push(c);
      else at = c;
    }
    if (before.length === 0 && !at) return;
    this.comments = after;
    this.writeComments(before);
    const last = before[before.length - 1];
    if (last && row - last.row > 1) this.blankLine();
    this.beforeLineEnd(at);
  }

  /** Writes whole-line comments, keeping blank lines between groups and between metadata blocks. */
  protected writeComments(comments: RowComment[]): void {
    let inMetadata = false;
    comments.forEach((c, i) => {
      const prev = comments[i - 1];
      if (prev) {
        const gap = c.row - prev.row;
        if (gap > 1) {
          this.blankLine();
          inMetadata = false;
        } else if (gap === 1 && inMetadata && isMetadataHeader(c)) {
          this.blankLine();
        }
      }
      if (isMetadataHeader(c)) inMetadata = true;
      this.writeLine(c.text);
    });
  }

  private beforeLineEnd(c: RowComment | undefined): void {
    if (this.beforeEnd) {
      if (!c) return;
      this.beforeEnd = undefined;
      throw new UnexpectedComment(c.text);
    }
    this.beforeEnd = c;
  }

  /**
   * Writes a node's source text as it is, used where comments inside a one-line term leave no
   * place to put them; comments inside that text are dropped from the queue.
   */
  protected writeUnformatted(n: Node, saved: RowComment[]): void {
    const text = this.text(n);
    const lastRow = this.row(n) + (text.match(/\n/g)?.length ?? 0);
    this.write(text);
    this.comments = saved.filter((c) => c.row >= lastRow);
  }
}

/**
 * The evaluation trace (`opa test --explain`, `opa eval --explain`): the events OPA's topdown
 * tracer emits (Enter, Eval, Exit, Redo, Fail, Note, Index), recorded by an evaluator that was
 * given a `Tracer`. Without one the evaluator checks a single field per expression and rule.
 *
 * OPA runs the rest of the caller's body inside a complete rule's (or function's) body, so that
 * rule's `Redo` and the unwinding of its body come after the caller's continuation. This engine
 * computes the value first; to print the same order, the events a rule emits after its first
 * `Exit` are held back (a deferred scope) and appended once the caller's continuation returns.
 */
import type { Location } from '../../errors';
import type { FailureExpr } from './trace-format';

/** What a trace event reports, as OPA's `topdown.Op`. */
export type TraceOp = 'Enter' | 'Eval' | 'Exit' | 'Redo' | 'Fail' | 'Note' | 'Index';

/** One trace event. */
export interface TraceEvent {
  op: TraceOp;
  /** The node the event is about: an expression, a rule, or a body (a query or a closure). */
  node: 'expr' | 'rule' | 'body' | 'note';
  /** The node as OPA prints it (`data.pkg.p`, `x = data.a[_]`), or a note's message. */
  text: string;
  /** Printed after the node: `(matched 1 rule, early exit)`, `early`. */
  message?: string;
  location?: Location;
  /** The query (body) the event belongs to, and the query that started it. */
  qid: number;
  pqid: number;
  /** The values of the expression's variables that are bound (name, Rego text), for `--var-values`. */
  vars?: Array<[string, string]>;
  /** For a Fail with `--var-values`: the expression's terms and their values. */
  failure?: FailureExpr;
  /** The expression is an `every` (OPA's failure line looks inside it instead). */
  every?: boolean;
}

/** Events a complete rule emitted after its first solution, held back until its caller continued. */
export interface RuleScope {
  /** True when the rule set stops at its first value (OPA's early exit): its `Exit` says `early`. */
  early: boolean;
  /** Whether to hold back what follows the first solution (single-valued rules and functions). */
  defers: boolean;
  buffer?: TraceEvent[];
  prev?: TraceEvent[];
}

/** Collects the events of one evaluation. */
export class Tracer {
  /** Every event, in OPA's order. */
  readonly events: TraceEvent[] = [];
  /** Whether events carry the values of their variables (`--var-values`). */
  readonly varValues: boolean;
  private sink: TraceEvent[] = this.events;
  private qid = 0;
  private pqid = 0;
  private nextQid = 1;
  private lastLocation: Location | undefined;
  /** Above zero while the tracer works out values for a failure line: those evaluations are not traced. */
  muted = 0;
  private readonly scopes: RuleScope[] = [];
  private readonly pending: RuleScope[] = [];

  constructor(options: { varValues?: boolean } = {}) {
    this.varValues = options.varValues === true;
  }

  /** Records an event in the current query. */
  emit(
    op: TraceOp,
    node: TraceEvent['node'],
    text: string,
    location?: Location,
    message?: string,
    vars?: Array<[string, string]>,
  ): TraceEvent | undefined {
    if (this.muted > 0) return undefined;
    if (location) this.lastLocation = location;
    const event: TraceEvent = { op, node, text, qid: this.qid, pqid: this.pqid };
    const loc = location ?? this.lastLocation;
    if (loc) event.location = loc;
    if (message) event.message = message;
    if (vars && vars.length > 0) event.vars = vars;
    this.sink.push(event);
    return event;
  }

  /** Starts a child query (a rule body, a closure); returns what `endQuery` restores. */
  beginQuery(): [number, number] {
    const saved: [number, number] = [this.qid, this.pqid];
    this.pqid = this.qid;
    this.qid = this.nextQid++;
    return saved;
  }

  /** Returns to the query that `beginQuery` left. */
  endQuery(saved: [number, number]): void {
    [this.qid, this.pqid] = saved;
  }

  /** Starts evaluating a rule set. */
  beginRule(early: boolean, defers: boolean): RuleScope {
    const scope: RuleScope = { early, defers };
    this.scopes.push(scope);
    return scope;
  }

  /** The innermost rule being evaluated. */
  currentRule(): RuleScope | undefined {
    return this.scopes[this.scopes.length - 1];
  }

  /** After a rule's `Exit`: from its first solution on, its events wait for the caller's continuation. */
  afterExit(scope: RuleScope): void {
    if (!scope.defers || scope.buffer) return;
    scope.buffer = [];
    scope.prev = this.sink;
    this.sink = scope.buffer;
  }

  /** Ends a rule set's evaluation; its held-back events wait for `flushDeferred`. */
  endRule(scope: RuleScope): void {
    this.scopes.pop();
    if (!scope.buffer) return;
    this.sink = scope.prev ?? this.events;
    this.pending.push(scope);
  }

  /** How many scopes wait to be flushed (a mark for `flushDeferred`). */
  deferredMark(): number {
    return this.pending.length;
  }

  /**
   * Appends the events held back since `mark`, innermost first. When the continuation stopped the
   * search (OPA's early exit), OPA skips the rule's own `Redo`, so it is dropped here too.
   */
  flushDeferred(mark: number, stopped: boolean): void {
    while (this.pending.length > mark) {
      const scope = this.pending.pop() as RuleScope;
      const buffered = scope.buffer ?? [];
      const first = buffered[0];
      const skip = stopped && first?.op === 'Redo' && first.node === 'rule' ? 1 : 0;
      for (let i = skip; i < buffered.length; i++) this.sink.push(buffered[i] as TraceEvent);
    }
  }
}

/** OPA's `--explain` modes: `full` keeps everything, `fails` / `notes` keep those events with their lineage. */
export type ExplainMode = 'full' | 'fails' | 'notes' | 'fails+notes';

/** The events an `--explain` mode keeps, as OPA's `lineage` filters choose them. */
export function filterTrace(events: readonly TraceEvent[], mode: ExplainMode): TraceEvent[] {
  if (mode === 'full') return [...events];
  const keep = (e: TraceEvent): boolean =>
    mode === 'fails'
      ? e.op === 'Fail'
      : mode === 'notes'
        ? e.op === 'Note'
        : e.op === 'Fail' || e.op === 'Note';
  const result: TraceEvent[] = [];
  let byQuery = new Map<number, TraceEvent>();
  for (const e of events) {
    if (keep(e)) {
      // The Enter/Redo events of the queries that led to this one, outermost first.
      const path = [e];
      let cur = byQuery.get(e.qid);
      let prev: TraceEvent | undefined;
      while (cur !== undefined && cur !== prev) {
        path.push(cur);
        prev = cur;
        cur = byQuery.get(cur.pqid);
      }
      for (let i = path.length - 1; i >= 0; i--) result.push(path[i] as TraceEvent);
      byQuery = new Map();
    }
    if ((e.op === 'Enter' || e.op === 'Redo') && (e.node === 'rule' || e.node === 'body')) {
      byQuery.set(e.qid, e);
    }
  }
  return result;
}

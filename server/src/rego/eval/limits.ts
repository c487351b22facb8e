/**
 * Evaluation limits: no policy may hang the editor. Every evaluation counts steps, tracks call
 * depth and checks a deadline; exceeding any raises an `eval_cancel_error` that ends the query.
 */
import type { Location } from '../../errors';

/** Limits for one evaluation. */
export interface EvalLimits {
  maxSteps?: number;
  maxDepth?: number;
  timeoutMs?: number;
}

/** Defaults: generous for real policies, small enough to keep the editor responsive. */
export const DEFAULT_LIMITS: Required<EvalLimits> = { maxSteps: 1_000_000, maxDepth: 200, timeoutMs: 2_000 };

/**
 * The byte budget is derived from the step limit: a builtin that creates a value of n bytes (a
 * string's characters, 16 per array, set or object member, 8 per 64 bits of a number) charges
 * n / BYTES_PER_STEP steps, so the default limits allow about 128 MB of builtin results per
 * evaluation and a doubling or a shared structure ends in `eval_cancel_error`, not out of memory.
 */
export const BYTES_PER_STEP = 128;

/** Steps to charge for creating `bytes` bytes. */
export function stepsForBytes(bytes: number): number {
  return Math.ceil(bytes / BYTES_PER_STEP);
}

/** Raised inside the evaluator to abandon the query; turned into an error at the API boundary. */
export class EvalHalt extends Error {
  /** OPA-style error code. */
  readonly code: string;
  /** Where the error arose, when known. */
  readonly location: Location | undefined;
  constructor(code: string, message: string, location?: Location) {
    super(message);
    this.code = code;
    this.location = location;
  }
}

/** Counts work and raises `EvalHalt` when a limit is exceeded. */
export class LimitTracker {
  steps = 0;
  depth = 0;
  private readonly maxSteps: number;
  private readonly maxDepth: number;
  private readonly deadline: number;
  private readonly timeoutMs: number;

  constructor(limits: EvalLimits | undefined) {
    this.maxSteps = limits?.maxSteps ?? DEFAULT_LIMITS.maxSteps;
    this.maxDepth = limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    this.timeoutMs = limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
    this.deadline = Date.now() + this.timeoutMs;
  }

  /** Counts one step; checks the clock every 1024 steps. */
  step(): void {
    this.steps++;
    if (this.steps > this.maxSteps) {
      throw new EvalHalt('eval_cancel_error', `evaluation exceeded the step limit (${this.maxSteps} steps)`);
    }
    if ((this.steps & 1023) === 0 && Date.now() > this.deadline) {
      throw new EvalHalt('eval_cancel_error', `evaluation exceeded the time limit (${this.timeoutMs} ms)`);
    }
  }

  /** Counts `n` steps at once (a builtin building a large result) and checks the clock. */
  charge(n: number): void {
    this.steps += n;
    if (this.steps > this.maxSteps) {
      throw new EvalHalt('eval_cancel_error', `evaluation exceeded the step limit (${this.maxSteps} steps)`);
    }
    if (Date.now() > this.deadline) {
      throw new EvalHalt('eval_cancel_error', `evaluation exceeded the time limit (${this.timeoutMs} ms)`);
    }
  }

  /** Milliseconds left before the deadline (0 when it has passed). */
  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /** Enters a rule or function call. */
  enter(): void {
    this.depth++;
    if (this.depth > this.maxDepth) {
      throw new EvalHalt(
        'eval_cancel_error',
        `evaluation exceeded the depth limit (${this.maxDepth} nested calls)`,
      );
    }
  }

  /** Leaves a rule or function call. */
  leave(): void {
    this.depth--;
  }
}

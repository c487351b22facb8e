/**
 * Collecting what the clauses of a complete rule or of a user function produce: both follow the
 * same rules for agreeing, conflicting and conditional outputs, so one collector serves both.
 */

import type { ClauseOrigin, CTerm } from '../compile/ir';
import { equalValues, type Value } from '../value/value';
import type { Evaluator, Frame } from './eval';
import { EvalHalt } from './limits';
import { type EValue, Unknown } from './partial';

/** Throws the conflict error OPA raises. */
export function conflict(message: string, origin: ClauseOrigin): never {
  throw new EvalHalt('eval_conflict_error', message, origin.location);
}

/**
 * The outputs of a complete rule's or a function's clauses: known values must agree (else the
 * conflict error), and an output that depends on unknowns makes the result conditional.
 */
export class ClauseOutputs {
  private value: Value | undefined;
  private conditional = false;
  private readonly condValues: EValue[] = [];

  constructor(
    private readonly ev: Evaluator,
    private readonly conflictMessage: string,
  ) {}

  /** Returns the clause callback that evaluates a clause's value in `f` and records it. */
  collect(f: Frame): (vt: CTerm, origin: ClauseOrigin) => boolean {
    // Residuals recorded from here on mean the clause only holds under conditions.
    const mark = this.ev.residuals.length;
    return (vt, origin) =>
      this.ev.evalTerm(vt, f, (v) => {
        if (this.ev.residuals.length > mark || v instanceof Unknown) {
          this.conditional = true;
          this.condValues.push(v);
          return false;
        }
        if (this.value === undefined) this.value = v;
        else if (!equalValues(this.value, v)) conflict(this.conflictMessage, origin);
        return vt.t === 'val';
      });
  }

  /** Reports whether a known value was produced and nothing conditional was. */
  isSettled(): boolean {
    return this.value !== undefined && !this.conditional;
  }

  /** Returns the agreed value, `unknown()` when conditional outputs may differ, `orElse()` when there is none. */
  resolve(unknown: () => EValue, orElse: () => EValue | undefined): EValue | undefined {
    if (this.conditional) {
      const v = this.value;
      if (v !== undefined && this.condValues.every((c) => !(c instanceof Unknown) && equalValues(c, v))) {
        return v;
      }
      return unknown();
    }
    // Not `??`: null is a value like any other.
    return this.value !== undefined ? this.value : orElse();
  }
}

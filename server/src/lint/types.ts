/** The lint vocabulary: rules, their findings, violations as reported, and fixes as text edits. */
import type { Location, Position } from '../errors';
import type { LintContext } from './context';

/** The categories of Regal's catalogue. */
export type LintCategory = 'bugs' | 'idiomatic' | 'style' | 'imports' | 'testing' | 'performance';

/** How a violation is reported; `ignore` turns a rule off. */
export type LintLevel = 'error' | 'warning' | 'ignore';

/** Replaces the text between two positions of the linted file. */
export interface LintEdit {
  start: Position;
  end: Position;
  text: string;
}

/** A change that removes a violation without changing what the policy means. */
export interface LintFix {
  title: string;
  edits: LintEdit[];
}

/** What a rule finds: where, and optionally a more specific message and a safe fix. */
export interface Finding {
  location: Location;
  message?: string;
  /** Other places the finding is about (the other definition of a rule defined twice). */
  related?: Array<{ location: Location; message: string }>;
  fix?: LintFix;
}

/** One lint rule, declared as data with its check. */
export interface LintRule {
  id: string;
  category: LintCategory;
  /** One line: what the rule reports. */
  description: string;
  /** Why it matters. */
  rationale: string;
  /** The level when the configuration says nothing (Regal's default is error). */
  defaultLevel?: LintLevel;
  /** True when the rule offers a fix. */
  fixable?: boolean;
  check: (ctx: LintContext) => Finding[];
}

/** A finding of a rule as reported. */
export interface LintViolation {
  rule: string;
  category: LintCategory;
  level: Exclude<LintLevel, 'ignore'>;
  message: string;
  location: Location;
  /** Other places the violation is about (the other definition of a rule defined twice). */
  related?: Array<{ location: Location; message: string }>;
  fix?: LintFix;
}

/** Defines a rule (identity function: keeps each rule file a single declaration). */
export function defineRule(rule: LintRule): LintRule {
  return rule;
}

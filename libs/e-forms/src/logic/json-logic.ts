import { logicHolds, logicProblems } from '@kommuna/shared-json-logic';
import type { FieldError } from '../errors';

/**
 * Checks that `logic` is JSON Logic built from the allowed operators (shared-json-logic's list) and
 * that every name it reads is a field of the form; returns the problems (empty when fine), paths
 * relative to `path`.
 */
export function checkLogic(logic: unknown, fields: ReadonlySet<string>, path: string): FieldError[] {
  return logicProblems(logic, path, {
    refuseName: (name, operator) =>
      fields.has(name.split('.')[0]) ? undefined : `${operator} names "${name}", which is not a field of this form`,
  });
}

/**
 * Evaluates checked logic against answers. Only the form's own fields are visible to the rule
 * (copied onto a prototype-less object), and a rule that fails on unexpected value types counts
 * as not matching: type errors are reported by the schema validation, not by a crash here.
 */
export function evaluateLogic(logic: unknown, data: Record<string, unknown>, fields: Iterable<string>): boolean {
  const scope: Record<string, unknown> = Object.create(null);
  for (const field of fields) {
    if (Object.prototype.hasOwnProperty.call(data, field)) scope[field] = data[field];
  }
  return logicHolds(logic, scope);
}

import * as jsonLogic from 'json-logic-js';
import type { FieldError } from '../errors';

/**
 * The JSON Logic operators a form may use. Left out on purpose: `log` (writes to the console) and
 * anything added with add_operation elsewhere in the process.
 */
const OPERATORS = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'in',
  'cat',
  'substr',
  'merge',
  'all',
  'some',
  'none',
  'map',
  'filter',
  'reduce',
]);
// Inside these, `var` names the current item (or accumulator), not a form field.
const SCOPED = new Set(['all', 'some', 'none', 'map', 'filter', 'reduce']);
const MAX_DEPTH = 32;

/**
 * Checks that `logic` is JSON Logic built from the allowed operators and that every `var` names a
 * known field; returns the problems (empty when fine), paths relative to `path`.
 */
export function checkLogic(logic: unknown, fields: ReadonlySet<string>, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (node: unknown, at: string, depth: number, scoped: boolean): void => {
    if (depth > MAX_DEPTH) {
      errors.push({ path: at, message: `nested deeper than ${MAX_DEPTH} levels` });
      return;
    }
    if (node === null || ['string', 'number', 'boolean'].includes(typeof node)) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${at}/${i}`, depth + 1, scoped));
      return;
    }
    if (typeof node !== 'object') {
      errors.push({ path: at, message: 'not JSON' });
      return;
    }
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      errors.push({ path: at, message: `a JSON Logic operation has exactly one operator key, found ${keys.length}` });
      return;
    }
    const [op] = keys;
    const args = (node as Record<string, unknown>)[op];
    const opPath = `${at}/${escapePointer(op)}`;
    if (!OPERATORS.has(op)) {
      errors.push({ path: opPath, message: `unknown or disallowed JSON Logic operator "${op}"` });
      return;
    }
    if (op === 'var') {
      const name = Array.isArray(args) ? args[0] : args;
      if (typeof name !== 'string' && typeof name !== 'number') {
        errors.push({ path: opPath, message: 'var takes a field name' });
      } else if (!scoped && !fields.has(String(name).split('.')[0])) {
        errors.push({ path: opPath, message: `var names "${name}", which is not a field of this form` });
      }
      if (Array.isArray(args)) args.slice(1).forEach((a, i) => walk(a, `${opPath}/${i + 1}`, depth + 1, scoped));
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      const names: unknown[] =
        op === 'missing' ? (Array.isArray(args) ? args : [args]) : Array.isArray(args) && Array.isArray(args[1]) ? args[1] : [];
      for (const name of names) {
        if (typeof name === 'string' && !scoped && !fields.has(name)) {
          errors.push({ path: opPath, message: `${op} names "${name}", which is not a field of this form` });
        }
      }
      return;
    }
    const list = Array.isArray(args) ? args : [args];
    list.forEach((arg, i) => walk(arg, `${opPath}/${i}`, depth + 1, scoped || (SCOPED.has(op) && i > 0)));
  };
  walk(logic, path, 0, false);
  return errors;
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
  try {
    return jsonLogic.truthy(jsonLogic.apply(logic as jsonLogic.RulesLogic, scope));
  } catch {
    return false;
  }
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

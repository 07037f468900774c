import * as jsonLogic from 'json-logic-js';

/**
 * The JSON Logic operators a municipality's logic may use (e-forms' conditions and decision rules,
 * the rules service's conditions). Left out on purpose: `log` (writes to the console), `method`
 * (calls a method of a value) and anything added with add_operation elsewhere in the process.
 */
export const JSON_LOGIC_OPERATORS: ReadonlySet<string> = new Set([
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

/** Operators whose second argument runs once per item of the first: there `var` names the item (or accumulator). */
const ITERATING = new Set(['all', 'some', 'none', 'map', 'filter', 'reduce']);
/** Operators that read names from the data. */
export type ReadingOperator = 'var' | 'missing' | 'missing_some';

/** One thing wrong in a logic expression, at a JSON Pointer-like path (e.g. /conditions/0/showWhen/and/1/var). */
export interface LogicProblem {
  path: string;
  message: string;
}

export interface LogicCheck {
  /** The operators allowed: JSON_LOGIC_OPERATORS or a subset of it. */
  operators?: ReadonlySet<string>;
  /** How deeply operations and lists may nest (default 32). */
  maxDepth?: number;
  /**
   * Why the data may not be read by this name (`var`, `missing`, `missing_some` outside an
   * iterating operator), or undefined when it may: e.g. a form's field names, an event's
   * attributes. A name must be written out: one computed by logic would escape this check.
   */
  refuseName(name: string, operator: ReadingOperator): string | undefined;
}

/**
 * The problems of `logic` as JSON Logic: only allowed operators, one operator per operation, names
 * read from the data allowed by `check.refuseName`, nesting within `check.maxDepth`. Empty when
 * fine; paths start at `path`.
 */
export function logicProblems(logic: unknown, path: string, check: LogicCheck): LogicProblem[] {
  const operators = check.operators ?? JSON_LOGIC_OPERATORS;
  const maxDepth = check.maxDepth ?? 32;
  const problems: LogicProblem[] = [];
  const readName = (name: unknown, operator: ReadingOperator, at: string, scoped: boolean): void => {
    if (typeof name !== 'string' && typeof name !== 'number') {
      problems.push({ path: at, message: `${operator} takes a name (text or a number), not ${JSON.stringify(name) ?? 'nothing'}` });
      return;
    }
    const refused = scoped ? undefined : check.refuseName(String(name), operator);
    if (refused) problems.push({ path: at, message: refused });
  };
  const walk = (node: unknown, at: string, depth: number, scoped: boolean): void => {
    if (depth > maxDepth) return void problems.push({ path: at, message: `nested deeper than ${maxDepth} levels` });
    if (node === null || ['string', 'number', 'boolean'].includes(typeof node)) return;
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${at}/${i}`, depth + 1, scoped));
    if (typeof node !== 'object') return void problems.push({ path: at, message: 'is not JSON' });
    const keys = Object.keys(node);
    if (keys.length !== 1)
      return void problems.push({ path: at, message: `a JSON Logic operation has exactly one operator key, found ${keys.length}` });
    const [op] = keys;
    const args = (node as Record<string, unknown>)[op];
    const opPath = `${at}/${escapePointer(op)}`;
    if (!operators.has(op)) return void problems.push({ path: opPath, message: `unknown or disallowed JSON Logic operator "${op}"` });
    if (op === 'var') {
      // {"var": name} or {"var": [name, default]}: the default is logic of its own.
      readName(Array.isArray(args) ? args[0] : args, op, opPath, scoped);
      if (Array.isArray(args)) args.slice(1).forEach((a, i) => walk(a, `${opPath}/${i + 1}`, depth + 1, scoped));
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      // {"missing": names}, {"missing": [[names]]} or {"missing_some": [count, [names]]}
      const given = op === 'missing' ? (Array.isArray(args) ? args : [args]) : Array.isArray(args) ? args[1] : undefined;
      const names = Array.isArray(given) && given.length === 1 && Array.isArray(given[0]) ? given[0] : given;
      if (!Array.isArray(names)) return void problems.push({ path: opPath, message: `${op} takes a list of names` });
      names.forEach((name: unknown) => readName(name, op, opPath, scoped));
      return;
    }
    const list = Array.isArray(args) ? args : [args];
    list.forEach((arg, i) => walk(arg, `${opPath}/${i}`, depth + 1, scoped || (ITERATING.has(op) && i === 1)));
  };
  walk(logic, path, 0, false);
  return problems;
}

/**
 * Whether checked logic holds for `data`, by JSON Logic's truthiness (an empty list is false).
 * Logic that fails on the values it meets (say, arithmetic on a missing field) does not hold:
 * the values' types are the schema's business, not a crash here.
 */
export function logicHolds(logic: unknown, data: unknown): boolean {
  try {
    return jsonLogic.truthy(jsonLogic.apply(logic as jsonLogic.RulesLogic, data));
  } catch {
    return false;
  }
}

/** A JSON Pointer path segment: `~` and `/` escaped (RFC 6901). */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

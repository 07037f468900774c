import { escapePointer, JSON_LOGIC_OPERATORS, logicHolds, logicProblems, LogicCheck } from './index';

const FIELDS = new Set(['age', 'children', 'address']);
const fields: LogicCheck = {
  refuseName: (name, operator) => (FIELDS.has(name.split('.')[0]) ? undefined : `${operator} names "${name}", not a field`),
};

describe('logicProblems', () => {
  it('accepts logic built from the allowed operators over known names', () => {
    const logic = {
      and: [
        { '>=': [{ var: 'age' }, 18] },
        { '!': { missing: ['address.street'] } },
        { missing_some: [1, ['age', 'children']] },
        { some: [{ var: 'children' }, { '<': [{ var: 'age' }, 3] }] },
        { reduce: [{ var: 'children' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] },
        { '==': [{ var: ['address.city', 'Sundsvall'] }, 'Sundsvall'] },
      ],
    };
    expect(logicProblems(logic, '/when', fields)).toEqual([]);
    expect(logicProblems(true, '/when', fields)).toEqual([]);
  });

  it('names every problem at its path: a disallowed operator, an unknown name, two operators in one operation', () => {
    const logic = { or: [{ log: 'x' }, { '==': [{ var: 'salary' }, 1] }, { '<': [1, 2], '>': [2, 1] }, { missing: ['age', 'tax'] }] };
    expect(logicProblems(logic, '/conditions/0/showWhen', fields)).toEqual([
      { path: '/conditions/0/showWhen/or/0/log', message: 'unknown or disallowed JSON Logic operator "log"' },
      { path: '/conditions/0/showWhen/or/1/==/0/var', message: 'var names "salary", not a field' },
      { path: '/conditions/0/showWhen/or/2', message: 'a JSON Logic operation has exactly one operator key, found 2' },
      { path: '/conditions/0/showWhen/or/3/missing', message: 'missing names "tax", not a field' },
    ]);
  });

  it('refuses a name computed by logic, which would escape the name check, and checks a default of its own', () => {
    expect(logicProblems({ var: { cat: ['sal', 'ary'] } }, '', fields)).toEqual([
      { path: '/var', message: 'var takes a name (text or a number), not {"cat":["sal","ary"]}' },
    ]);
    expect(logicProblems({ missing: { merge: ['age'] } }, '', fields)).toEqual([
      { path: '/missing', message: 'missing takes a name (text or a number), not {"merge":["age"]}' },
    ]);
    expect(logicProblems({ var: ['age', { var: 'salary' }] }, '', fields)).toEqual([
      { path: '/var/1/var', message: 'var names "salary", not a field' },
    ]);
  });

  it('lets var name the current item only inside the per-item logic of an iterating operator', () => {
    expect(logicProblems({ all: [{ var: 'children' }, { '>': [{ var: 'age' }, 0] }] }, '', fields)).toEqual([]);
    expect(logicProblems({ all: [{ var: 'salary' }, { '>': [{ var: '' }, 0] }] }, '', fields)).toEqual([
      { path: '/all/0/var', message: 'var names "salary", not a field' },
    ]);
    // reduce's third argument, the initial value, reads the data, not an item.
    expect(logicProblems({ reduce: [{ var: 'children' }, { var: 'current' }, { var: 'salary' }] }, '', fields)).toEqual([
      { path: '/reduce/2/var', message: 'var names "salary", not a field' },
    ]);
  });

  it('keeps to a narrower allow-list and depth when given one, and escapes operators in paths', () => {
    const narrow: LogicCheck = { ...fields, operators: new Set(['var', '==', '/']), maxDepth: 3 };
    expect(logicProblems({ cat: ['a', 'b'] }, '', narrow)).toEqual([
      { path: '/cat', message: 'unknown or disallowed JSON Logic operator "cat"' },
    ]);
    expect(logicProblems({ '/': [{ var: 'tax' }, 2] }, '', narrow)).toEqual([
      { path: '/~1/0/var', message: 'var names "tax", not a field' },
    ]);
    expect(logicProblems({ '==': [[[[1]]], 1] }, '', narrow)).toEqual([{ path: '/==/0/0/0/0', message: 'nested deeper than 3 levels' }]);
  });

  it('never allows log or method, whatever the caller asks for', () => {
    expect(JSON_LOGIC_OPERATORS.has('log')).toBe(false);
    expect(JSON_LOGIC_OPERATORS.has('method')).toBe(false);
    expect(logicProblems({ method: ['abc', 'toUpperCase'] }, '', fields)).toHaveLength(1);
  });
});

describe('logicHolds', () => {
  it("uses JSON Logic's truthiness: an empty list does not hold", () => {
    expect(logicHolds({ var: 'children' }, { children: [] })).toBe(false);
    expect(logicHolds({ var: 'children' }, { children: ['Alva'] })).toBe(true);
    expect(logicHolds({ '>=': [{ var: 'age' }, 18] }, { age: 18 })).toBe(true);
  });

  it('counts logic that fails on the values it meets as not holding', () => {
    expect(logicHolds({ in: ['a', { var: 'x' }] }, { x: 5 })).toBe(false);
    expect(logicHolds({ in: ['a', { var: 'x' }] }, { x: 'abc' })).toBe(true);
  });
});

describe('escapePointer', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    expect(escapePointer('a/b~c')).toBe('a~1b~0c');
  });
});

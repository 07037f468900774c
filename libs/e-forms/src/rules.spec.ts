import { evaluateDecisionRules } from './decision-rules';
import { validateFormDefinition } from './definition';
import { formatErrandNumber, stockholmYear } from './errand-number';
import { detectContentType, inspectAttachment, decodeBase64 } from './attachments';
import { EFormsError } from './errors';
import { checkLogic, evaluateLogic } from './logic/json-logic';
import { exampleDefinition, JPEG, PDF, PNG } from './test-support';

describe('errand numbers', () => {
  it('are PREFIX-YYYY-NNNNNN', () => {
    expect(formatErrandNumber('PTS', 2025, 42)).toBe('PTS-2025-000042');
    expect(() => formatErrandNumber('pts', 2025, 1)).toThrow();
    expect(() => formatErrandNumber('PTS', 2025, 0)).toThrow();
  });

  it('take the year in Swedish time', () => {
    expect(stockholmYear(new Date('2024-12-31T22:59:59Z'))).toBe(2024);
    expect(stockholmYear(new Date('2024-12-31T23:00:00Z'))).toBe(2025); // midnight in Stockholm (CET, UTC+1)
    expect(stockholmYear(new Date('2025-06-30T22:30:00Z'))).toBe(2025);
  });
});

describe('automated decision rules', () => {
  const parking = validateFormDefinition(exampleDefinition('parkeringstillstand'));

  it('approves with a certificate and a lasting disability, citing the rule and the law', () => {
    const outcome = evaluateDecisionRules(parking, { harLakarintyg: true, varaktighetManader: 12 });
    expect(outcome).toMatchObject({
      kind: 'decided',
      outcome: 'approve',
      reasons: [
        {
          ruleId: 'bifall-intyg-varaktig',
          text: { sv: expect.stringContaining('Läkarintyg finns') },
          legalBasis: { sfs: '1998:1276', chapter: '13', section: '8' },
        },
      ],
    });
  });

  it('rejects a disability shorter than six months, whatever else is answered', () => {
    expect(evaluateDecisionRules(parking, { harLakarintyg: true, varaktighetManader: 5 })).toMatchObject({
      kind: 'decided',
      outcome: 'reject',
      rule: { id: 'avslag-kortvarig' },
    });
  });

  it('leaves everything else to manual handling', () => {
    expect(evaluateDecisionRules(parking, { harLakarintyg: false, varaktighetManader: 36 })).toEqual({ kind: 'manual' });
  });
});

describe('JSON Logic', () => {
  it('counts a rule that fails on unexpected types as not holding', () => {
    expect(evaluateLogic({ in: ['a', { var: 'x' }] }, { x: 5 }, ['x'])).toBe(false);
    expect(evaluateLogic({ in: ['a', { var: 'x' }] }, { x: 'abc' }, ['x'])).toBe(true);
  });

  it('sees only the form fields, never inherited properties', () => {
    expect(evaluateLogic({ '!!': { var: 'x' } }, { y: 1 }, ['x'])).toBe(false);
    expect(checkLogic({ var: 'constructor' }, new Set(['x']), '')).toHaveLength(1);
  });

  it('lets var inside map/filter name the current item', () => {
    expect(checkLogic({ some: [{ var: 'list' }, { '==': [{ var: '' }, 1] }] }, new Set(['list']), '')).toEqual([]);
  });
});

describe('attachments', () => {
  const rule = { allowedTypes: ['application/pdf', 'image/png'] as const, maxBytes: 1000 };

  it('detect their type by content', () => {
    expect(detectContentType(PDF)).toBe('application/pdf');
    expect(detectContentType(PNG)).toBe('image/png');
    expect(detectContentType(JPEG)).toBe('image/jpeg');
    expect(detectContentType(Buffer.from('MZ executable'))).toBeUndefined();
  });

  it('are accepted with their SHA-256 when name, content and rule agree', () => {
    expect(inspectAttachment('intyg.PDF', PDF, { ...rule, allowedTypes: [...rule.allowedTypes] })).toEqual({
      contentType: 'application/pdf',
      fileName: 'intyg.PDF',
      sha256: require('node:crypto').createHash('sha256').update(PDF).digest('hex'),
    });
  });

  const code = (work: () => unknown): string => {
    try {
      work();
    } catch (error) {
      expect(error).toBeInstanceOf(EFormsError);
      return (error as EFormsError).code;
    }
    return 'accepted';
  };

  it('are refused when disguised, of a type the field does not take, too large or empty', () => {
    const r = { ...rule, allowedTypes: [...rule.allowedTypes] };
    expect(code(() => inspectAttachment('intyg.pdf', PNG, r))).toBe('ATTACHMENT_DISGUISED');
    expect(code(() => inspectAttachment('intyg', PDF, r))).toBe('ATTACHMENT_DISGUISED');
    expect(code(() => inspectAttachment('foto.jpg', JPEG, r))).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(code(() => inspectAttachment('virus.pdf', Buffer.from('MZ....'), r))).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    expect(code(() => inspectAttachment('big.pdf', Buffer.concat([PDF, Buffer.alloc(1000)]), r))).toBe('ATTACHMENT_TOO_LARGE');
    expect(code(() => inspectAttachment('empty.pdf', Buffer.alloc(0), r))).toBe('VALIDATION_FAILED');
  });

  it('take strict base64 only', () => {
    expect(decodeBase64(PNG.toString('base64')).equals(PNG)).toBe(true);
    expect(code(() => decodeBase64('not base64!'))).toBe('VALIDATION_FAILED');
  });
});

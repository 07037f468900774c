import type { ErrorObject } from 'ajv';
import { unprintableCharacters } from '@kommuna/shared-accessible-pdf';
import { dataValidator, FormDefinition, fieldsOf } from './definition';
import { FieldError } from './errors';
import { escapePointer } from '@kommuna/shared-json-logic';
import { evaluateLogic } from './logic/json-logic';

export type Language = 'sv' | 'en';
export const LANGUAGES: readonly Language[] = ['sv', 'en'];

const TYPE_NAMES: Record<string, { sv: string; en: string }> = {
  string: { sv: 'text', en: 'text' },
  number: { sv: 'ett tal', en: 'a number' },
  integer: { sv: 'ett heltal', en: 'a whole number' },
  boolean: { sv: 'ja eller nej', en: 'yes or no' },
  object: { sv: 'ett objekt', en: 'an object' },
  array: { sv: 'en lista', en: 'a list' },
  null: { sv: 'tomt', en: 'empty' },
};

/** ajv reports in English and in its own terms; citizens read Swedish (or English) per field. */
function describe(error: ErrorObject, language: Language): FieldError {
  // ajv's params per keyword: property names are strings, limits numbers; read as text either way.
  const p = error.params as Record<string, unknown>;
  const sv = language === 'sv';
  const at = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return {
        path: `${at}/${escapePointer(String(p.missingProperty))}`,
        message: sv ? 'Fältet måste fyllas i' : 'This field is required',
      };
    case 'additionalProperties':
      return {
        path: `${at}/${escapePointer(String(p.additionalProperty))}`,
        message: sv ? 'Okänt fält: formuläret har inget sådant fält' : 'Unknown field: the form has no such field',
      };
    case 'unevaluatedProperties':
      return {
        path: `${at}/${escapePointer(String(p.unevaluatedProperty))}`,
        message: sv ? 'Okänt fält: formuläret har inget sådant fält' : 'Unknown field: the form has no such field',
      };
    case 'type': {
      const types = String(p.type)
        .split(',')
        .map((t) => TYPE_NAMES[t]?.[language] ?? t);
      return { path: at, message: sv ? `Fel typ: ska vara ${types.join(' eller ')}` : `Wrong type: must be ${types.join(' or ')}` };
    }
    case 'enum':
    case 'const':
      return { path: at, message: sv ? 'Värdet är inte ett av de tillåtna alternativen' : 'The value is not one of the allowed options' };
    case 'minLength':
      return { path: at, message: sv ? `Skriv minst ${p.limit} tecken` : `Write at least ${p.limit} characters` };
    case 'maxLength':
      return { path: at, message: sv ? `Skriv högst ${p.limit} tecken` : `Write at most ${p.limit} characters` };
    case 'minimum':
      return { path: at, message: sv ? `Värdet ska vara minst ${p.limit}` : `The value must be at least ${p.limit}` };
    case 'maximum':
      return { path: at, message: sv ? `Värdet ska vara högst ${p.limit}` : `The value must be at most ${p.limit}` };
    case 'exclusiveMinimum':
      return { path: at, message: sv ? `Värdet ska vara större än ${p.limit}` : `The value must be greater than ${p.limit}` };
    case 'exclusiveMaximum':
      return { path: at, message: sv ? `Värdet ska vara mindre än ${p.limit}` : `The value must be less than ${p.limit}` };
    case 'multipleOf':
      return {
        path: at,
        message: sv ? `Värdet ska vara en multipel av ${p.multipleOf}` : `The value must be a multiple of ${p.multipleOf}`,
      };
    case 'minItems':
      return { path: at, message: sv ? `Välj minst ${p.limit}` : `Choose at least ${p.limit}` };
    case 'maxItems':
      return { path: at, message: sv ? `Välj högst ${p.limit}` : `Choose at most ${p.limit}` };
    case 'uniqueItems':
      return { path: at, message: sv ? 'Samma val förekommer flera gånger' : 'The same choice appears more than once' };
    case 'pattern':
      return { path: at, message: sv ? 'Värdet har fel format' : 'The value has the wrong format' };
    case 'format': {
      const formats: Record<string, { sv: string; en: string }> = {
        date: { sv: 'Ange ett datum som ÅÅÅÅ-MM-DD', en: 'Enter a date as YYYY-MM-DD' },
        email: { sv: 'Ange en giltig e-postadress', en: 'Enter a valid e-mail address' },
        uuid: { sv: 'Ogiltig referens (id)', en: 'Invalid reference (id)' },
      };
      const format = String(p.format);
      return { path: at, message: formats[format]?.[language] ?? (sv ? `Ogiltigt format (${format})` : `Invalid format (${format})`) };
    }
    default:
      return { path: at, message: sv ? 'Ogiltigt värde' : 'Invalid value' };
  }
}

/** Whether a field counts as answered: absent, null, an empty string or an empty list do not. */
export function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * Validates answers against a form version: the data schema (JSON Schema 2020-12, unknown fields
 * refused), then the conditions. A field hidden by its condition must not be answered (an error,
 * not silently dropped: the citizen sees what was not taken); a field whose requiredWhen holds
 * must be. Returns every problem, sorted by path; never throws on any JSON input.
 */
export function validateAnswers(definition: FormDefinition, data: unknown, language: Language): FieldError[] {
  const sv = language === 'sv';
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return [
      {
        path: '',
        message: sv ? 'Svaren ska vara ett objekt med ett värde per fält' : 'The answers must be an object with one value per field',
      },
    ];
  }
  const answers = data as Record<string, unknown>;
  const errors: FieldError[] = [];
  const validate = dataValidator(definition.dataSchema);
  if (!validate(answers)) {
    for (const error of validate.errors ?? []) {
      // if/then and composite keywords repeat what their sub-errors already say.
      if (['if', 'anyOf', 'oneOf', 'allOf', 'not'].includes(error.keyword) && (validate.errors?.length ?? 0) > 1) continue;
      errors.push(describe(error, language));
    }
  }
  const names = fieldsOf(definition).map((f) => f.name);
  for (const condition of definition.conditions) {
    const at = `/${escapePointer(condition.field)}`;
    const answered = isAnswered(answers[condition.field]) && Object.prototype.hasOwnProperty.call(answers, condition.field);
    const shown = condition.showWhen === undefined || evaluateLogic(condition.showWhen, answers, names);
    if (!shown && answered) {
      errors.push({
        path: at,
        message: sv
          ? 'Fältet visas inte utifrån dina svar och ska inte fyllas i'
          : 'This field is not shown given your answers and must be left empty',
      });
    } else if (shown && !answered && condition.requiredWhen !== undefined && evaluateLogic(condition.requiredWhen, answers, names)) {
      errors.push({ path: at, message: sv ? 'Fältet måste fyllas i' : 'This field is required' });
    }
  }
  // Answers are printed on the receipt: a character its font cannot show is refused here, where the
  // resident can still change it, never replaced on paper.
  for (const [name, value] of Object.entries(answers)) {
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    const missing = [...new Set(texts.flatMap((text) => unprintableCharacters(text)))];
    if (missing.length > 0) {
      errors.push({
        path: `/${escapePointer(name)}`,
        message: sv
          ? `Tecknen ${missing.join(' ')} kan inte skrivas ut på kvittensen: ta bort dem`
          : `The characters ${missing.join(' ')} cannot be printed on the receipt: remove them`,
      });
    }
  }
  const seen = new Set<string>();
  return errors
    .filter((e) => {
      const key = `${e.path}\u0000${e.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

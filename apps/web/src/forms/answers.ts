import { logicHolds } from '@kommuna/shared-json-logic';

// Shared by the server (a posted form) and the browser (the form as it is being filled in): no Node here.

/** What the web needs of a form's definition to read its answers and judge its conditions. */
export interface FormShape {
  steps: Array<{ fields: Array<{ name: string; kind: string }> }>;
  conditions: Array<{ field: string; showWhen?: unknown; requiredWhen?: unknown }>;
}

/** The HTML name of a field's control (rjsf's id for it). */
export const controlName = (field: string) => `root_${field}`;

/**
 * The answers a posted form carries, typed as the form's fields are: whole numbers and numbers
 * (a Swedish decimal comma too), yes/no, lists; an empty answer is left out. A value that is not
 * what the field takes is passed on as typed, so the api names the problem in its own words.
 */
export function answersFromEntries(form: FormShape, entries: Iterable<[string, string]>): Record<string, unknown> {
  const values = new Map<string, string[]>();
  for (const [name, value] of entries) values.set(name, [...(values.get(name) ?? []), value]);
  const answers: Record<string, unknown> = {};
  for (const field of form.steps.flatMap((step) => step.fields)) {
    const posted = values.get(controlName(field.name)) ?? [];
    const text = (posted[0] ?? '').trim();
    switch (field.kind) {
      case 'attachment':
        break;
      case 'multiselect':
        if (posted.length > 0) answers[field.name] = posted;
        break;
      case 'integer':
        if (text !== '') answers[field.name] = /^[+-]?\d{1,15}$/.test(text) ? Number(text) : text;
        break;
      case 'number': {
        const number = Number(text.replace(',', '.').replace(/\s/g, ''));
        if (text !== '') answers[field.name] = Number.isFinite(number) ? number : text;
        break;
      }
      case 'boolean':
        if (text === 'true' || text === 'false') answers[field.name] = text === 'true';
        break;
      default:
        if (text !== '') answers[field.name] = posted[0];
    }
  }
  return answers;
}

/**
 * Whether each conditional field is shown for these answers, judged as the api judges it: the
 * same checker's evaluation (@kommuna/shared-json-logic), over the form's own fields only; a rule
 * that fails hides.
 */
export function shownFields(form: FormShape, answers: Record<string, unknown>): Map<string, boolean> {
  const names = form.steps.flatMap((step) => step.fields.map((f) => f.name));
  const scope: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of names) if (Object.prototype.hasOwnProperty.call(answers, name)) scope[name] = answers[name];
  const shown = new Map<string, boolean>();
  for (const condition of form.conditions) {
    if (condition.showWhen === undefined) continue;
    shown.set(condition.field, logicHolds(condition.showWhen, scope));
  }
  return shown;
}

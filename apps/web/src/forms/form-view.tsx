import type { ReactNode } from 'react';
import Form from '@rjsf/core';
import type {
  ErrorSchema,
  FieldErrorProps,
  FieldTemplateProps,
  ObjectFieldTemplateProps,
  RJSFSchema,
  UiSchema,
  WidgetProps,
} from '@rjsf/utils';
import { englishStringTranslator, TranslatableString } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import type { FormDefinition } from '@kommuna/e-forms';
import { Lang, t } from '../i18n';
import { controlName } from './answers';

/** A problem the api found in the answers: a JSON pointer to the field ('' for the whole form) and a message. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The field a problem's path names, if it names one of the form's fields. */
export function fieldOfPath(definition: FormDefinition, path: string): string | undefined {
  const first = path.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
  return definition.steps.some((step) => step.fields.some((f) => f.name === first)) ? first : undefined;
}

/** Where the error summary's link for a field goes: its control (a group's first option). */
export function controlIdOf(definition: FormDefinition, field: string): string {
  const kind = definition.steps.flatMap((s) => s.fields).find((f) => f.name === field)?.kind;
  return kind === 'boolean' || kind === 'multiselect' || (kind === 'select' && isRadioSelect(definition, field))
    ? `${controlName(field)}-0`
    : controlName(field);
}

const isRadioSelect = (definition: FormDefinition, field: string) =>
  (definition.steps.flatMap((s) => s.fields).find((f) => f.name === field)?.options?.length ?? 0) <= 5;

/**
 * The form's rjsf schema and uiSchema from its definition: the data schema as it is, each field
 * labelled in the reader's language, with the widget its kind calls for, in the steps' order.
 */
export function rjsfSchemas(definition: FormDefinition, lang: Lang): { schema: RJSFSchema; uiSchema: UiSchema } {
  const fields = definition.steps.flatMap((step) => step.fields);
  const uiSchema: UiSchema = {
    'ui:order': [...fields.map((f) => f.name), '*'],
    'ui:submitButtonOptions': { submitText: t(lang, 'submit') },
  };
  for (const field of fields) {
    const ui: Record<string, unknown> = { 'ui:title': field.label[lang] };
    if (field.help) ui['ui:help'] = field.help[lang];
    const realValues = { optionValueFormat: 'realValue' };
    switch (field.kind) {
      case 'textarea':
        ui['ui:widget'] = 'textarea';
        ui['ui:options'] = { rows: 5 };
        break;
      case 'boolean':
        ui['ui:widget'] = 'radio';
        ui['ui:enumNames'] = [t(lang, 'yes'), t(lang, 'no')];
        ui['ui:options'] = realValues;
        break;
      case 'select':
        ui['ui:widget'] = isRadioSelect(definition, field.name) ? 'radio' : 'select';
        ui['ui:options'] = realValues;
        break;
      case 'multiselect':
        ui['ui:widget'] = 'checkboxes';
        ui['ui:options'] = realValues;
        break;
      case 'phone':
        ui['ui:options'] = { inputType: 'tel', autocomplete: 'tel' };
        break;
      case 'email':
        ui['ui:options'] = { inputType: 'email', autocomplete: 'email' };
        break;
      case 'integer':
      case 'number':
        // Text with a numeric keyboard: a number input drops what it cannot parse, so the
        // resident's own entry would vanish behind the error message.
        ui['ui:options'] = { inputType: 'text', inputMode: field.kind === 'integer' ? 'numeric' : 'decimal' };
        break;
      case 'attachment':
        ui['ui:widget'] = 'AttachmentUpload';
        break;
      default:
        break;
    }
    if (field.options && field.kind !== 'boolean') {
      const schemaEnum = (
        definition.dataSchema.properties as Record<string, { enum?: unknown[]; items?: { enum?: unknown[] } }> | undefined
      )?.[field.name];
      const order = schemaEnum?.enum ?? schemaEnum?.items?.enum ?? field.options.map((o) => o.value);
      ui['ui:enumNames'] = order.map((value) => field.options?.find((o) => o.value === value)?.label[lang] ?? String(value));
    }
    uiSchema[field.name] = ui;
  }
  return { schema: definition.dataSchema as RJSFSchema, uiSchema };
}

/** The api's problems as rjsf's error schema: each under its field (the whole form's go to the summary only). */
export function errorSchemaOf(definition: FormDefinition, problems: FieldProblem[]): ErrorSchema {
  const schema: Record<string, { __errors: string[] }> = {};
  for (const problem of problems) {
    const field = fieldOfPath(definition, problem.path);
    if (field) (schema[field] ??= { __errors: [] }).__errors.push(problem.message);
  }
  return schema as ErrorSchema;
}

interface FormContext {
  lang: Lang;
  /** Each field's step, for grouping. */
  steps: Array<{ id: string; title: string; fields: string[] }>;
  /** Fields with a show condition: the page's script shows and hides them; without it, all show. */
  conditional: Set<string>;
  /** Fields required by a condition: not marked optional. */
  requiredWhen: Set<string>;
  /** The file each attachment field holds already (uploaded earlier to the draft or the errand). */
  files: Record<string, { id: string; fileName: string }>;
  /** The file types each attachment field takes. */
  accept: Record<string, string>;
}

const fieldName = (id: string) => id.replace(/^root_/, '');

/** One field: a group of options is a fieldset with a legend, any other a label; then help and errors. */
function FieldTemplate(props: FieldTemplateProps) {
  const { id, label, required, children, errors, help, rawHelp, rawErrors, uiSchema, registry } = props;
  if (id === 'root') return children;
  const context = registry.formContext as FormContext;
  const name = fieldName(id);
  const widget = uiSchema?.['ui:widget'];
  const group = widget === 'radio' || widget === 'checkboxes';
  const invalid = (rawErrors?.length ?? 0) > 0;
  const optional =
    required || context.requiredWhen.has(name) ? null : (
      <span className="optional"> ({context.lang === 'sv' ? 'frivilligt' : 'optional'})</span>
    );
  const conditional = context.conditional.has(name);
  return (
    <div className={`field${invalid ? ' field-invalid' : ''}`} data-field={name} data-conditional={conditional ? '' : undefined}>
      {group ? (
        <fieldset aria-describedby={[rawHelp ? `${id}__help` : '', invalid ? `${id}__error` : ''].filter(Boolean).join(' ') || undefined}>
          <legend>
            {label}
            {optional}
          </legend>
          {help}
          {errors}
          {children}
        </fieldset>
      ) : (
        <>
          <label htmlFor={id}>
            {label}
            {optional}
          </label>
          {help}
          {errors}
          {children}
        </>
      )}
    </div>
  );
}

/** A field's messages from the api, announced with the field (its control's aria-describedby names this id). */
function FieldErrorTemplate({ errors, fieldPathId, registry }: FieldErrorProps) {
  if (!errors || errors.length === 0) return null;
  const lang = (registry.formContext as FormContext).lang;
  return (
    <p id={`${fieldPathId.$id}__error`} className="field-error">
      <span className="visually-hidden">{t(lang, 'errorPrefix')} </span>
      {errors.map((error, i) => (
        <span key={i}>{error} </span>
      ))}
    </p>
  );
}

/** The form's steps, each a section with its heading. */
function ObjectFieldTemplate({ properties, registry }: ObjectFieldTemplateProps) {
  const context = registry.formContext as FormContext;
  const byName = new Map(properties.map((p) => [p.name, p]));
  return (
    <>
      {context.steps.map((step) => (
        <section key={step.id} className="form-step" aria-labelledby={`step-${step.id}`}>
          <h2 id={`step-${step.id}`}>{step.title}</h2>
          {step.fields.map((name) => byName.get(name)?.content)}
        </section>
      ))}
    </>
  );
}

/**
 * An attachment field: a file chosen here is posted with the form (multipart), which the web
 * uploads to the draft or the errand and answers the field with. A file given before stays (its
 * id in a hidden input) unless another is chosen.
 */
function AttachmentUpload({ id, registry, rawErrors, uiSchema }: WidgetProps) {
  const context = registry.formContext as FormContext;
  const field = fieldName(id);
  const current = context.files[field];
  const describedBy = [current ? `${id}__current` : '', uiSchema?.['ui:help'] ? `${id}__help` : '', rawErrors?.length ? `${id}__error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <>
      {current ? (
        <>
          <p className="hint" id={`${id}__current`}>
            {t(context.lang, 'attached')}: <strong>{current.fileName}</strong>
          </p>
          <input type="hidden" name={id} value={current.id} />
        </>
      ) : null}
      <input
        type="file"
        id={id}
        name={`${id}__file`}
        accept={context.accept[field]}
        aria-describedby={describedBy || undefined}
        aria-invalid={rawErrors?.length ? true : undefined}
      />
    </>
  );
}

export interface FormViewProps {
  definition: FormDefinition;
  lang: Lang;
  action: string;
  answers: Record<string, unknown>;
  problems: FieldProblem[];
  /** Hidden inputs posted with the answers (CSRF token, idempotency key). */
  hiddenInputs: Record<string, string>;
  /** The files the attachment fields hold already. */
  files?: Record<string, { id: string; fileName: string }>;
  submitText?: string;
  /** Buttons before the submit button (e.g. save the draft). */
  extraButtons?: ReactNode;
}

/**
 * The form rendered on the server by rjsf from its definition. It posts as an ordinary HTML form
 * (it works before and without JavaScript: then every field shows, and the api says which one
 * should have been left empty); the form page's script shows and hides fields by their
 * conditions as the resident answers. The api validates: no browser validation, so the
 * messages are the api's plain Swedish or English.
 */
export function FormView({ definition, lang, action, answers, problems, hiddenInputs, files, submitText, extraButtons }: FormViewProps) {
  const { schema, uiSchema } = rjsfSchemas(definition, lang);
  const context: FormContext = {
    lang,
    steps: definition.steps.map((step) => ({ id: step.id, title: step.title[lang], fields: step.fields.map((f) => f.name) })),
    conditional: new Set(definition.conditions.filter((c) => c.showWhen !== undefined).map((c) => c.field)),
    requiredWhen: new Set(
      definition.conditions.filter((c) => c.requiredWhen !== undefined && c.requiredWhen !== false).map((c) => c.field),
    ),
    files: files ?? {},
    accept: Object.fromEntries((definition.attachments ?? []).map((a) => [a.field, a.allowedTypes.join(',')])),
  };
  const uploads = definition.steps.some((step) => step.fields.some((f) => f.kind === 'attachment'));
  return (
    <Form
      schema={schema}
      uiSchema={uiSchema}
      formData={answers}
      validator={validator}
      noValidate
      noHtml5Validate
      // An unanswered yes/no question is unanswered, not "no": the api requires an answer.
      experimental_defaultFormStateBehavior={{ requiredBooleanDefault: 'skip' }}
      showErrorList={false}
      extraErrors={errorSchemaOf(definition, problems)}
      formContext={context}
      templates={{ FieldTemplate, FieldErrorTemplate, ObjectFieldTemplate }}
      widgets={{ AttachmentUpload }}
      translateString={(key: TranslatableString, params?: string[]) =>
        key === TranslatableString.YesLabel
          ? t(lang, 'yes')
          : key === TranslatableString.NoLabel
            ? t(lang, 'no')
            : englishStringTranslator(key, params)
      }
      method="post"
      action={action}
      enctype={uploads ? 'multipart/form-data' : undefined}
      id="e-form"
      className="e-form"
    >
      {Object.entries(hiddenInputs).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {/* The submit button first: Enter in a field submits, it does not save. */}
      <div className="buttons">
        <button type="submit" className="button">
          {submitText ?? t(lang, 'submit')}
        </button>
        {extraButtons}
      </div>
    </Form>
  );
}

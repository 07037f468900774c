import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FieldError, FormDefinitionInvalidError } from './errors';
import { escapePointer } from '@kommuna/shared-json-logic';
import { checkLogic } from './logic/json-logic';
import { PREFILL_SOURCES, PREFILLABLE_KINDS } from './prefill';

/** Content types an attachment may have; detected from its bytes, never from its name. */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
/**
 * The largest attachment a form may allow. Uploads travel base64-encoded in a GraphQL request,
 * whose body the api caps at 1 MiB, so a file must stay below about 700 kB.
 */
export const MAX_ATTACHMENT_BYTES = 700_000;

export const FIELD_KINDS = [
  'text',
  'textarea',
  'number',
  'integer',
  'boolean',
  'date',
  'select',
  'multiselect',
  'email',
  'phone',
  'attachment',
] as const;

const Localized = z.object({ sv: z.string().min(1).max(4000), en: z.string().min(1).max(4000) }).strict();
const Slug = z.string().regex(/^[a-z][a-z0-9-]{1,59}$/, 'must be lower-case a-z, 0-9 and dashes, starting with a letter');
const FieldName = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,63}$/, 'must be camelCase letters and digits, starting with a lower-case letter')
  // A name Object.prototype has would confuse rule evaluation ({"var": "constructor"}).
  .refine((name) => !(name in Object.prototype), 'is a reserved name');
const Logic = z.custom<unknown>((value) => value !== undefined, 'is required');

const FieldSchema = z
  .object({
    name: FieldName,
    kind: z.enum(FIELD_KINDS),
    label: Localized,
    help: Localized.optional(),
    options: z
      .array(z.object({ value: z.string().min(1).max(100), label: Localized }).strict())
      .min(1)
      .optional(),
  })
  .strict();

const StepSchema = z.object({ id: Slug, title: Localized, fields: z.array(FieldSchema).min(1) }).strict();

const ConditionSchema = z
  .object({
    field: FieldName,
    /** JSON Logic: the field is shown (and may be answered) only when this holds. */
    showWhen: Logic.optional(),
    /** JSON Logic: the field must be answered when this holds (and it is shown). */
    requiredWhen: Logic.optional(),
  })
  .strict()
  .refine((c) => c.showWhen !== undefined || c.requiredWhen !== undefined, 'needs showWhen or requiredWhen');

const AttachmentRuleSchema = z
  .object({
    field: FieldName,
    allowedTypes: z.array(z.enum(ATTACHMENT_TYPES)).min(1),
    maxBytes: z.number().int().positive().max(MAX_ATTACHMENT_BYTES),
  })
  .strict();

export const LegalBasisSchema = z
  .object({
    sfs: z.string().regex(/^\d{4}:\d{1,4}$/, 'must be an SFS number like 1998:1276'),
    chapter: z
      .string()
      .regex(/^\d{1,3}[a-z]?$/)
      .optional(),
    section: z
      .string()
      .regex(/^\d{1,3}[a-z]?$/)
      .optional(),
    title: Localized.optional(),
  })
  .strict();

const DecisionRuleSchema = z
  .object({
    id: Slug,
    when: Logic,
    outcome: z.enum(['approve', 'reject']),
    reason: Localized,
    legalBasis: LegalBasisSchema,
  })
  .strict();

const NotificationSchema = z
  .object({
    on: z.enum(['received', 'completion_requested', 'decided']),
    channel: z.enum(['digital-mail', 'email']),
    recipient: z.enum(['applicant', 'unit']),
  })
  .strict();

export const FormDefinitionSchema = z
  .object({
    title: Localized,
    description: Localized.optional(),
    caseType: Slug,
    errandNumberPrefix: z.string().regex(/^[A-Z]{2,6}$/, 'must be 2-6 capital letters A-Z'),
    loginRequired: z.boolean(),
    retention: z
      .object({
        /** Days an unsubmitted draft is kept after its last save; the tenant's draftRetentionDays when absent. */
        draftDays: z.number().int().min(1).max(365).optional(),
        /** Days a submission is kept (archiving/purging follows the municipality's records plan). */
        submissionDays: z.number().int().min(1).max(36500),
      })
      .strict(),
    steps: z.array(StepSchema).min(1),
    /** JSON Schema 2020-12 of the answers; every object in it must forbid unknown properties. */
    dataSchema: z.record(z.string(), z.unknown()),
    conditions: z.array(ConditionSchema).default([]),
    attachments: z.array(AttachmentRuleSchema).default([]),
    notifications: z.array(NotificationSchema).default([]),
    decisionType: Slug.optional(),
    decisionRules: z.array(DecisionRuleSchema).default([]),
    appealInstructions: Localized.optional(),
    /** Fields a resident's new draft starts filled in with, from the population register (prefill.ts). */
    prefill: z.record(FieldName, z.enum(PREFILL_SOURCES)).optional(),
  })
  .strict();

export type FormDefinition = z.output<typeof FormDefinitionSchema>;
export type FormField = FormDefinition['steps'][number]['fields'][number];
export type DecisionRule = FormDefinition['decisionRules'][number];
export type LegalBasis = z.output<typeof LegalBasisSchema>;

const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: true });
  addFormats(ajv as never, ['date', 'date-time', 'email', 'uuid', 'uri']);
  return ajv;
}
const ajv = newAjv();

// Compiled validators by schema content: definitions come from the database as new objects.
const compiled = new Map<string, ValidateFunction>();

/** The ajv validator of a (checked) data schema, compiled once per distinct schema. */
export function dataValidator(dataSchema: Record<string, unknown>): ValidateFunction {
  const key = createHash('sha256').update(JSON.stringify(dataSchema)).digest('hex');
  let validate = compiled.get(key);
  if (!validate) {
    if (compiled.size >= 500) compiled.clear();
    // The dialect is fixed (2020-12) and ids are not used: two forms may not clash in ajv's registry.
    validate = ajv.compile(withoutDialectAndId(dataSchema));
    compiled.set(key, validate);
  }
  return validate;
}

function withoutDialectAndId(schema: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...schema };
  delete copy.$schema;
  delete copy.$id;
  return copy;
}

/** Every field of the definition, in step order. */
export function fieldsOf(definition: Pick<FormDefinition, 'steps'>): FormField[] {
  return definition.steps.flatMap((step) => step.fields);
}

/**
 * Checks a definition as an admin saves it: its shape, its data schema (a valid 2020-12 schema
 * that forbids unknown properties everywhere and matches the fields one to one), its JSON Logic
 * (known operators, known fields) and its attachment and decision rules. Returns the normalised
 * definition or throws FormDefinitionInvalidError listing every problem.
 */
export function validateFormDefinition(input: unknown): FormDefinition {
  const parsed = FormDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw new FormDefinitionInvalidError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map((p) => `/${escapePointer(String(p))}`).join(''),
        message: issue.message,
      })),
    );
  }
  const definition = parsed.data;
  const errors: FieldError[] = [];
  const fields = fieldsOf(definition);
  const names = new Set<string>();
  definition.steps.forEach((step, s) =>
    step.fields.forEach((field, f) => {
      if (names.has(field.name)) errors.push({ path: `/steps/${s}/fields/${f}/name`, message: `field "${field.name}" is defined twice` });
      names.add(field.name);
      const needsOptions = field.kind === 'select' || field.kind === 'multiselect';
      if (needsOptions !== (field.options !== undefined)) {
        errors.push({
          path: `/steps/${s}/fields/${f}/options`,
          message: needsOptions ? 'a select field needs options' : 'only select fields have options',
        });
      }
    }),
  );

  errors.push(...checkDataSchema(definition.dataSchema, names));

  const required = new Set(Array.isArray(definition.dataSchema.required) ? (definition.dataSchema.required as string[]) : []);
  const conditioned = new Set<string>();
  definition.conditions.forEach((condition, i) => {
    const at = `/conditions/${i}`;
    if (!names.has(condition.field)) errors.push({ path: `${at}/field`, message: `"${condition.field}" is not a field of this form` });
    if (conditioned.has(condition.field)) errors.push({ path: `${at}/field`, message: `"${condition.field}" has more than one condition` });
    conditioned.add(condition.field);
    if (required.has(condition.field)) {
      errors.push({
        path: `${at}/field`,
        message: `"${condition.field}" is always required by dataSchema.required; a conditional field must not be`,
      });
    }
    if (condition.showWhen !== undefined) errors.push(...checkLogic(condition.showWhen, names, `${at}/showWhen`));
    if (condition.requiredWhen !== undefined) errors.push(...checkLogic(condition.requiredWhen, names, `${at}/requiredWhen`));
  });

  const attachmentFields = new Set(fields.filter((f) => f.kind === 'attachment').map((f) => f.name));
  const ruled = new Set<string>();
  definition.attachments.forEach((rule, i) => {
    if (!attachmentFields.has(rule.field))
      errors.push({ path: `/attachments/${i}/field`, message: `"${rule.field}" is not an attachment field of this form` });
    ruled.add(rule.field);
  });
  for (const name of attachmentFields) {
    if (!ruled.has(name))
      errors.push({ path: '/attachments', message: `attachment field "${name}" has no attachment rule (allowed types, size)` });
  }

  for (const [name, source] of Object.entries(definition.prefill ?? {})) {
    const field = fields.find((f) => f.name === name);
    const at = `/prefill/${escapePointer(name)}`;
    if (!field) errors.push({ path: at, message: `"${name}" is not a field of this form` });
    else if (!PREFILLABLE_KINDS.has(field.kind))
      errors.push({ path: at, message: `${source} goes into a text field, not a ${field.kind} field` });
  }

  const ruleIds = new Set<string>();
  definition.decisionRules.forEach((rule, i) => {
    if (ruleIds.has(rule.id)) errors.push({ path: `/decisionRules/${i}/id`, message: `rule id "${rule.id}" is used twice` });
    ruleIds.add(rule.id);
    errors.push(...checkLogic(rule.when, names, `/decisionRules/${i}/when`));
  });

  if (errors.length > 0) throw new FormDefinitionInvalidError(errors);
  return definition;
}

function checkDataSchema(schema: Record<string, unknown>, fieldNames: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  if (schema.$schema !== undefined && schema.$schema !== SCHEMA_DIALECT) {
    errors.push({ path: '/dataSchema/$schema', message: `must be ${SCHEMA_DIALECT} (JSON Schema 2020-12) or left out` });
  }
  const body = withoutDialectAndId(schema);
  if (!ajv.validateSchema(body)) {
    for (const e of ajv.errors ?? [])
      errors.push({ path: `/dataSchema${e.instancePath}`, message: `not a valid JSON Schema: ${e.message}` });
    return errors;
  }
  try {
    dataValidator(schema);
  } catch (error) {
    errors.push({ path: '/dataSchema', message: `not a usable JSON Schema (strict mode): ${(error as Error).message}` });
    return errors;
  }
  if (body.type !== 'object') errors.push({ path: '/dataSchema/type', message: 'must be "object": the answers are one object' });
  errors.push(...objectsClosed(body, '/dataSchema'));
  const properties = (body.properties ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(properties)) {
    if (!fieldNames.has(name))
      errors.push({ path: `/dataSchema/properties/${escapePointer(name)}`, message: `property "${name}" has no field in any step` });
  }
  for (const name of fieldNames) {
    if (!(name in properties))
      errors.push({ path: '/dataSchema/properties', message: `field "${name}" has no property in the data schema` });
  }
  return errors;
}

const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_SINGLE = ['items', 'not', 'if', 'then', 'else', 'contains', 'additionalProperties', 'unevaluatedProperties'];
const SUBSCHEMA_MAPS = ['properties', '$defs', 'patternProperties', 'dependentSchemas'];

/** Every object schema must refuse unknown properties (additionalProperties or unevaluatedProperties false). */
function objectsClosed(schema: unknown, at: string): FieldError[] {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const s = schema as Record<string, unknown>;
  const errors: FieldError[] = [];
  const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties !== undefined;
  if (isObject && s.additionalProperties !== false && s.unevaluatedProperties !== false) {
    errors.push({ path: `${at}/additionalProperties`, message: 'must be false: unknown fields are refused' });
  }
  for (const key of SUBSCHEMA_LISTS) {
    if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((sub, i) => errors.push(...objectsClosed(sub, `${at}/${key}/${i}`)));
  }
  for (const key of SUBSCHEMA_SINGLE) errors.push(...objectsClosed(s[key], `${at}/${key}`));
  for (const key of SUBSCHEMA_MAPS) {
    const map = s[key];
    if (map && typeof map === 'object') {
      for (const [name, sub] of Object.entries(map)) errors.push(...objectsClosed(sub, `${at}/${key}/${escapePointer(name)}`));
    }
  }
  return errors;
}

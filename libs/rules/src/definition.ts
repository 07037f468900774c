import { z } from 'zod';
import { JSON_LOGIC_OPERATORS, logicHolds, logicProblems } from '@kommuna/shared-json-logic';
import { INBOUND_EVENT_CONTRACTS, VERSIONED_EVENT_TYPE } from '@kommuna/shared-service-contracts';
import { RuleProblem, RuleValidationError } from './errors';

/**
 * The JSON Logic a rule's condition may use: the shared allow-list less string building and
 * map/filter/reduce, which a yes-or-no question about one event does not need.
 */
const CONDITION_OPERATORS: ReadonlySet<string> = new Set(
  [...JSON_LOGIC_OPERATORS].filter((op) => !['?:', 'cat', 'substr', 'merge', 'map', 'filter', 'reduce'].includes(op)),
);
const MAX_DEPTH = 20;
/** Where a condition's `var` may look: the event's CloudEvents attributes and its data. */
const EVENT_ROOTS = ['type', 'source', 'subject', 'time', 'data'];

const Text = z.object({ sv: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500) }).strict();
const LongText = z.object({ sv: z.string().trim().min(1).max(4000), en: z.string().trim().min(1).max(4000) }).strict();
const Unit = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'is a unit id: lower-case letters, digits, - and _');
/** A path into the event that holds a party id, e.g. data.residentPartyId. */
const EventPath = z.string().regex(/^(data|subject)(\.[A-Za-z0-9_]+)*$/, 'is a path into the event such as data.residentPartyId');
const LegalBasis = z
  .object({
    sfs: z.string().regex(/^\d{4}:\d+$/, 'is an SFS number such as 2017:900'),
    chapter: z.string().max(20).optional(),
    section: z.string().max(20).optional(),
    title: Text.optional(),
  })
  .strict();
const CaseFields = {
  subject: EventPath,
  unit: Unit,
  caseType: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/),
  title: Text,
};

const TaskAction = z
  .object({
    kind: z.literal('task'),
    unit: Unit,
    title: Text,
    description: LongText,
    dueInHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .optional(),
  })
  .strict();
const CaseAction = z.object({ kind: z.literal('case'), ...CaseFields, message: LongText.optional() }).strict();
const DecisionAction = z
  .object({
    kind: z.literal('decision'),
    ...CaseFields,
    decisionType: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/),
    outcome: z.enum(['approval', 'rejection', 'dismissal', 'cancellation']),
    reasons: z
      .array(z.object({ ruleId: z.string().min(1).max(100), text: LongText, legalBasis: LegalBasis.optional() }).strict())
      .min(1)
      .max(20),
    legalBasis: LegalBasis,
    appealInstructions: LongText.optional(),
    validForDays: z.number().int().min(1).max(3660).optional(),
  })
  .strict();
const LetterAction = z
  .object({
    kind: z.literal('letter'),
    recipient: EventPath,
    templateName: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "is a digital-mail template's name"),
    unit: Unit.nullable().default(null),
    /** Placeholder name → path into the event. */
    values: z
      .record(z.string().regex(/^[A-Za-z0-9_]{1,50}$/), z.string().regex(/^(type|source|subject|time|data)(\.[A-Za-z0-9_]+)*$/))
      .default({}),
  })
  .strict();

export const RuleActionSchema = z.discriminatedUnion('kind', [TaskAction, CaseAction, DecisionAction, LetterAction]);
export type RuleAction = z.output<typeof RuleActionSchema>;
export type RuleActionKind = RuleAction['kind'];

/** A rule as a tenant admin writes it (GraphQL) or a tenants/<slug>/rules/*.yaml file holds it. */
export const RuleDefinitionSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'is lower-case a-z, 0-9 and dashes'),
    name: Text,
    description: LongText.optional(),
    eventType: z.string().regex(VERSIONED_EVENT_TYPE, 'is a versioned CloudEvents type such as se.kommuna.sensor.pollen.level-measured.v1'),
    condition: z.unknown(),
    action: RuleActionSchema,
    enabled: z.boolean().default(true),
  })
  .strict();
export type RuleDefinitionInput = z.input<typeof RuleDefinitionSchema>;
export type RuleDefinition = z.output<typeof RuleDefinitionSchema>;

/** The problems of a condition: only allowed operators, names read only from the event, not too deep. */
export function conditionProblems(logic: unknown): RuleProblem[] {
  return logicProblems(logic, 'condition', {
    operators: CONDITION_OPERATORS,
    maxDepth: MAX_DEPTH,
    refuseName: (name) =>
      EVENT_ROOTS.includes(name.split('.')[0]) ? undefined : `reads the event: ${EVENT_ROOTS.join(', ')} (e.g. data.level), not "${name}"`,
  });
}

/** A definition checked in full: its shape, its condition, and that its event type is known (shared or the municipality's). */
export function parseRuleDefinition(input: unknown, knownTypes: ReadonlySet<string>): RuleDefinition {
  const parsed = RuleDefinitionSchema.safeParse(input);
  if (!parsed.success)
    throw new RuleValidationError(
      'The rule is not valid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  const problems = conditionProblems(parsed.data.condition);
  if (parsed.data.condition === undefined)
    problems.push({ path: 'condition', message: 'is required (JSON Logic; true fires on every event)' });
  if (!knownTypes.has(parsed.data.eventType))
    problems.push({ path: 'eventType', message: `is not an inbound event type of this municipality (${[...knownTypes].join(', ')})` });
  if (problems.length) throw new RuleValidationError('The rule is not valid', problems);
  return parsed.data;
}

/** The shared inbound types, for a rule file checked without a database (tenants:validate). */
export const SHARED_INBOUND_TYPES: ReadonlySet<string> = new Set(INBOUND_EVENT_CONTRACTS.map((c) => c.cloudEventType));

/** What a condition and a text see of an event. */
export interface RuleEventView {
  type: string;
  source: string;
  subject: string | null;
  time: string | null;
  data: Record<string, unknown>;
}

/**
 * Whether a condition holds for an event: JSON Logic's truthiness, as e-forms' conditions; one that
 * cannot be evaluated on this event (e.g. arithmetic on a missing field) does not hold.
 */
export function conditionHolds(condition: unknown, event: RuleEventView): boolean {
  return logicHolds(condition, event);
}

/** The value at a dotted path in the event, e.g. data.area. */
export function valueAt(event: RuleEventView, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), event);
}

/** A text with {{data.area}}-style placeholders filled from the event (missing: empty). */
export function fillText(text: string, event: RuleEventView): string {
  return text.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, path: string) => {
    const value = valueAt(event, path);
    return value === undefined || value === null || typeof value === 'object' ? '' : String(value);
  });
}

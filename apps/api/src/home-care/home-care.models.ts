import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { LocalizedText } from '../tenants/tenant.model';

export const HomeCareImportKind = {
  PROVIDERS: 'providers',
  DECISIONS: 'decisions',
  VISITS: 'visits',
  INPATIENT_PERIODS: 'inpatient_periods',
  PLANNED_VISITS: 'planned_visits',
  INVOICES: 'invoices',
} as const;
registerEnumType(HomeCareImportKind, {
  name: 'HomeCareImportKind',
  description: 'What a home-care file holds (docs/home-care.md#file-formats)',
  valuesMap: {
    DECISIONS: { description: 'Biståndsbeslut: the minutes and service types granted to each resident' },
    INPATIENT_PERIODS: { description: 'Periods a resident was in hospital or other inpatient care' },
    INVOICES: { description: "LOV providers' invoice lines: month, service type, minutes and kronor invoiced" },
    PLANNED_VISITS: { description: 'The visits the providers planned, with planned start and stop' },
    PROVIDERS: { description: 'The providers (own units and LOV providers) and their rates' },
    VISITS: { description: 'The visits performed, with times and how they were registered' },
  },
});

export const HomeCareImportFormat = { CSV: 'csv', JSONL: 'jsonl' } as const;
registerEnumType(HomeCareImportFormat, {
  name: 'HomeCareImportFormat',
  description: 'CSV with a header row, or JSON Lines with the same field names',
  valuesMap: {
    CSV: { description: 'CSV with a header row' },
    JSONL: { description: "JSON Lines: one JSON object a line, with the CSV's field names" },
  },
});

@InputType({ description: 'A home-care file to import (docs/home-care.md#file-formats)' })
export class HomeCareFileInput {
  @Field(() => HomeCareImportKind, { description: 'What the file holds' })
  kind!: (typeof HomeCareImportKind)[keyof typeof HomeCareImportKind];

  @Field(() => HomeCareImportFormat, { description: 'CSV or JSON Lines' })
  format!: (typeof HomeCareImportFormat)[keyof typeof HomeCareImportFormat];

  @Field({ description: 'The file name: every problem names it' })
  fileName!: string;

  @Field({ description: 'The file content (UTF-8)' })
  content!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The month the file belongs to (YYYY-MM): rows of visits, planned visits and invoices outside it are refused; a visits file replaces the visits file of the same month imported before',
  })
  month?: string | null;
}

@ObjectType({ description: 'An accepted file (or the same file, imported before: nothing changed)' })
export class HomeCareImportResult {
  @Field(() => ID, { description: "The import's id (UUID)" })
  importId!: string;

  @Field(() => HomeCareImportKind, { description: 'What the file held' })
  kind!: string;

  @Field(() => Int, { description: 'Rows imported' })
  rows!: number;

  @Field({ description: 'true when the same file was imported before (nothing changed)' })
  alreadyImported!: boolean;
}

@ObjectType({ description: 'A file a check read' })
export class HomeCareCheckInput {
  @Field({ description: 'What the file holds: providers, decisions, visits, inpatient_periods, planned_visits or invoices' })
  kind!: string;

  @Field({ description: "The file's name as imported" })
  fileName!: string;

  @Field({ description: "SHA-256 of the file's content, hex" })
  sha256!: string;
}

@ObjectType({ description: 'A monthly check of this municipality: the rules version and files it read, and its sums' })
export class HomeCareCheckRun {
  @Field(() => ID, { description: "The check's id (UUID)" })
  id!: string;

  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field({ description: 'The version of the rules applied, e.g. home-care-check/2' })
  rulesVersion!: string;

  @Field(() => [HomeCareCheckInput], { description: 'The files the check read' })
  inputs!: HomeCareCheckInput[];

  @Field({ description: 'SHA-256 over the rules version, settings, month and files: the same digest, the same result' })
  inputsDigest!: string;

  @Field(() => Int, { description: 'Residents checked' })
  residents!: number;

  @Field(() => Int, { description: 'Residents with at least one deviation' })
  residentsWithDeviations!: number;

  @Field(() => Float, { description: 'Kronor at stake with private (LOV) providers' })
  amountAtStakeSek!: number;

  @Field({ description: 'When the check ran' })
  createdAt!: Date;
}

export const HomeCareReviewOutcome = { CONFIRMED: 'confirmed', DISMISSED: 'dismissed' } as const;
registerEnumType(HomeCareReviewOutcome, {
  name: 'HomeCareReviewOutcome',
  description: 'What the responsible unit decided about a deviation',
  valuesMap: {
    CONFIRMED: { description: "Confirmed: the amount at stake is withheld from or reclaimed of the provider's payment" },
    DISMISSED: { description: 'Dismissed: the deviation is explained (the reason says how); nothing is withheld' },
  },
});

@InputType({ description: 'A review of one deviation of a check run (the responsible unit only)' })
export class HomeCareReviewInput {
  @Field(() => ID, { description: "The check run's id (UUID) whose line holds the deviation" })
  runId!: string;

  @Field({ description: "The case system's client id of the resident" })
  residentId!: string;

  @Field({ description: 'The service type: personal_care, service, escort or relief' })
  serviceType!: string;

  @Field({ description: 'The rule, HC1–HC5' })
  rule!: string;

  @Field(() => HomeCareReviewOutcome, { description: 'Confirmed or dismissed' })
  outcome!: (typeof HomeCareReviewOutcome)[keyof typeof HomeCareReviewOutcome];

  @Field({ description: 'Why: what is withheld or reclaimed, or how the deviation is explained (1–2000 characters)' })
  reason!: string;
}

@ObjectType({ description: "A deviation's review: once per resident, service type, rule and month, never changed" })
export class HomeCareDeviationReview {
  @Field(() => ID, { description: "The review's id (UUID)" })
  id!: string;

  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field(() => ID, { description: 'The check run the review was made on' })
  runId!: string;

  @Field({ description: "The case system's client id of the resident" })
  residentId!: string;

  @Field({ description: 'The service type' })
  serviceType!: string;

  @Field({ description: 'HC1–HC5' })
  rule!: string;

  @Field(() => HomeCareReviewOutcome, { description: 'Confirmed or dismissed' })
  outcome!: string;

  @Field({ description: 'The reason given' })
  reason!: string;

  @Field(() => Float, { description: 'Kronor confirmed (withheld or reclaimed); 0 when dismissed' })
  amountSek!: number;

  @Field({ description: 'Who reviewed it (staff:<subject>)' })
  reviewedBy!: string;

  @Field({ description: 'When' })
  reviewedAt!: Date;
}

@ObjectType({ description: 'A deviation: the rule, its reference, what was found in words, the minutes and kronor at stake' })
export class HomeCareDeviation {
  @Field({ description: 'HC1–HC5' })
  rule!: string;

  @Field({ description: "The deviation's code, e.g. over_granted or billed_above_performed" })
  code!: string;

  @Field({ description: 'The law or agreement the rule rests on, e.g. SoL (2001:453) 4 kap. 1 §' })
  reference!: string;

  @Field(() => LocalizedText, { description: 'What was found, in words, in Swedish and English' })
  explanation!: LocalizedText;

  @Field(() => Int, { description: 'Minutes the deviation concerns' })
  minutes!: number;

  @Field(() => Float, { description: 'Kronor at stake with private (LOV) providers' })
  amountSek!: number;

  @Field(() => [String], { description: 'Provider codes' })
  providers!: string[];

  @Field(() => [String], { description: 'Visit ids behind the deviation (at most 50 per provider)' })
  evidence!: string[];

  @Field(() => HomeCareDeviationReview, { nullable: true, description: "The month's review of the deviation; null while none was made" })
  review!: HomeCareDeviationReview | null;
}

@ObjectType({ description: "One resident's service type in the month (the responsible unit only; each read is audited)" })
export class HomeCareCheckLine {
  @Field({ description: "The case system's client id" })
  residentId!: string;

  @Field({ description: 'The service type (insatstyp): personal_care, service, escort or relief' })
  serviceType!: string;

  @Field(() => GraphQLJSONObject, { description: 'Granted, performed, billed and accepted minutes, visits and days, per provider' })
  figures!: Record<string, unknown>;

  @Field(() => [HomeCareDeviation], { description: 'The deviations found; empty when none' })
  deviations!: HomeCareDeviation[];

  @Field(() => Float, { description: "Kronor at stake for the resident's deviations with private (LOV) providers" })
  amountAtStakeSek!: number;
}

@ObjectType({ description: 'A rule in a municipality: residents with the deviation and its kronor; null when 1–4 residents' })
export class HomeCareRuleSum {
  @Field({ description: 'HC1–HC5' })
  rule!: string;

  @Field({ description: "The deviation's code" })
  code!: string;

  @Field(() => Int, { nullable: true, description: 'Residents with the deviation; null when 1–4 (withheld)' })
  residents!: number | null;

  @Field(() => Float, { nullable: true, description: 'Kronor at stake under the rule; null when withheld (1–4 residents)' })
  amountSek!: number | null;
}

@ObjectType({ description: "A member's month for the steering group: sums only, counts of 1–4 residents withheld (null)" })
export class HomeCareFollowUp {
  @Field({ description: "The municipality's slug (tenant id)" })
  slug!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
  names!: LocalizedText;

  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field({ description: 'Whether the month was checked in the municipality' })
  checked!: boolean;

  @Field(() => Int, { nullable: true, description: 'Residents checked; null when not checked or 1–4 (withheld)' })
  residents!: number | null;

  @Field(() => Int, { nullable: true, description: 'Residents with a deviation; null when not checked or 1–4 (withheld)' })
  residentsWithDeviations!: number | null;

  @Field(() => [HomeCareRuleSum], { description: 'Sums per rule' })
  rules!: HomeCareRuleSum[];

  @Field(() => Float, { nullable: true, description: 'Kronor at stake in the month; null when not checked or withheld' })
  amountAtStakeSek!: number | null;

  @Field({ description: 'Some figure was withheld' })
  suppressed!: boolean;
}

@ObjectType({ description: "HC7: an invoice above the time registration at the provider's rates" })
export class HomeCareInvoiceDeviation {
  @Field({ description: 'HC7' })
  rule!: string;

  @Field({ description: 'invoice_above_registered' })
  code!: string;

  @Field({ description: 'The agreement the rule rests on' })
  reference!: string;

  @Field(() => LocalizedText, { description: 'What was found, in words, in Swedish and English' })
  explanation!: LocalizedText;

  @Field(() => Int, { description: 'Minutes invoiced above those billed in the registration (0 when none)' })
  minutes!: number;

  @Field(() => Float, { description: 'Kronor invoiced above the registration' })
  amountSek!: number;

  @Field(() => [String], { description: 'The invoice numbers behind it' })
  invoices!: string[];
}

@ObjectType({ description: "A provider's invoiced month and service type beside its time registration at its rates" })
export class HomeCareInvoiceCheck {
  @Field({ description: 'The provider code' })
  provider!: string;

  @Field({ description: 'The service type' })
  serviceType!: string;

  @Field(() => GraphQLJSONObject, {
    description: 'Invoice numbers, minutes and kronor invoiced; visits, billed minutes and kronor at the rates registered',
  })
  figures!: Record<string, unknown>;

  @Field(() => [HomeCareInvoiceDeviation], {
    description: 'HC7 when the invoice asks for more than a krona above the registration; empty otherwise',
  })
  deviations!: HomeCareInvoiceDeviation[];

  @Field(() => Float, { description: 'Kronor invoiced above the registration' })
  amountAtStakeSek!: number;
}

@ObjectType({ description: "A provider's statement of the month's deviations, for the responsible unit to send it" })
export class HomeCareProviderStatement {
  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field({ description: 'The provider code' })
  provider!: string;

  @Field({ description: "The provider's name" })
  name!: string;

  @Field(() => ID, { description: "The check run the statement is taken from (the month's latest)" })
  runId!: string;

  @Field(() => Int, { description: "Deviations naming the provider, and its invoices' HC7 deviations" })
  deviations!: number;

  @Field(() => Float, { description: "Kronor at stake with the provider: its shares of residents' deviations and its invoices' excess" })
  totalSek!: number;

  @Field({
    description:
      "The statement as CSV (UTF-8 with BOM, ';', decimal comma, formulas escaped): rule, service type, resident, invoice, minutes, kronor, visits, explanation, reference, review",
  })
  csv!: string;
}

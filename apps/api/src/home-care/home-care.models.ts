import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { LocalizedText } from '../tenants/tenant.model';

export const HomeCareImportKind = {
  PROVIDERS: 'providers',
  DECISIONS: 'decisions',
  VISITS: 'visits',
  INPATIENT_PERIODS: 'inpatient_periods',
} as const;
registerEnumType(HomeCareImportKind, {
  name: 'HomeCareImportKind',
  description: 'What a home-care file holds (docs/home-care.md#file-formats)',
});

export const HomeCareImportFormat = { CSV: 'csv', JSONL: 'jsonl' } as const;
registerEnumType(HomeCareImportFormat, {
  name: 'HomeCareImportFormat',
  description: 'CSV with a header row, or JSON Lines with the same field names',
});

@InputType()
export class HomeCareFileInput {
  @Field(() => HomeCareImportKind)
  kind!: (typeof HomeCareImportKind)[keyof typeof HomeCareImportKind];

  @Field(() => HomeCareImportFormat)
  format!: (typeof HomeCareImportFormat)[keyof typeof HomeCareImportFormat];

  @Field({ description: 'The file name: every problem names it' })
  fileName!: string;

  @Field({ description: 'The file content (UTF-8)' })
  content!: string;
}

@ObjectType({ description: 'An accepted file (or the same file, imported before: nothing changed)' })
export class HomeCareImportResult {
  @Field(() => ID)
  importId!: string;

  @Field(() => HomeCareImportKind)
  kind!: string;

  @Field(() => Int)
  rows!: number;

  @Field()
  alreadyImported!: boolean;
}

@ObjectType()
export class HomeCareCheckInput {
  @Field()
  kind!: string;

  @Field()
  fileName!: string;

  @Field()
  sha256!: string;
}

@ObjectType({ description: 'A monthly check of this municipality: the rules version and files it read, and its sums' })
export class HomeCareCheckRun {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'YYYY-MM' })
  month!: string;

  @Field()
  rulesVersion!: string;

  @Field(() => [HomeCareCheckInput])
  inputs!: HomeCareCheckInput[];

  @Field({ description: 'SHA-256 over the rules version, settings, month and files: the same digest, the same result' })
  inputsDigest!: string;

  @Field(() => Int)
  residents!: number;

  @Field(() => Int)
  residentsWithDeviations!: number;

  @Field(() => Float, { description: 'Kronor at stake with private (LOV) providers' })
  amountAtStakeSek!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: 'A deviation: the rule, its reference, what was found in words, the minutes and kronor at stake' })
export class HomeCareDeviation {
  @Field({ description: 'HC1–HC5' })
  rule!: string;

  @Field()
  code!: string;

  @Field()
  reference!: string;

  @Field(() => LocalizedText)
  explanation!: LocalizedText;

  @Field(() => Int)
  minutes!: number;

  @Field(() => Float)
  amountSek!: number;

  @Field(() => [String], { description: 'Provider codes' })
  providers!: string[];

  @Field(() => [String], { description: 'Visit ids behind the deviation (at most 50 per provider)' })
  evidence!: string[];
}

@ObjectType({ description: "One resident's service type in the month (the responsible unit only; each read is audited)" })
export class HomeCareCheckLine {
  @Field({ description: "The case system's client id" })
  residentId!: string;

  @Field()
  serviceType!: string;

  @Field(() => GraphQLJSONObject, { description: 'Granted, performed, billed and accepted minutes, visits and days, per provider' })
  figures!: Record<string, unknown>;

  @Field(() => [HomeCareDeviation])
  deviations!: HomeCareDeviation[];

  @Field(() => Float)
  amountAtStakeSek!: number;
}

@ObjectType({ description: 'A rule in a municipality: residents with the deviation and its kronor; null when 1–4 residents' })
export class HomeCareRuleSum {
  @Field()
  rule!: string;

  @Field()
  code!: string;

  @Field(() => Int, { nullable: true })
  residents!: number | null;

  @Field(() => Float, { nullable: true })
  amountSek!: number | null;
}

@ObjectType({ description: "A member's month for the steering group: sums only, counts of 1–4 residents withheld (null)" })
export class HomeCareFollowUp {
  @Field()
  slug!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;

  @Field()
  month!: string;

  @Field()
  checked!: boolean;

  @Field(() => Int, { nullable: true })
  residents!: number | null;

  @Field(() => Int, { nullable: true })
  residentsWithDeviations!: number | null;

  @Field(() => [HomeCareRuleSum])
  rules!: HomeCareRuleSum[];

  @Field(() => Float, { nullable: true })
  amountAtStakeSek!: number | null;

  @Field({ description: 'Some figure was withheld' })
  suppressed!: boolean;
}

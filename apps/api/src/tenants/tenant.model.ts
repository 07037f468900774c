import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Text in Swedish and English' })
export class LocalizedText {
  @Field({ description: 'In Swedish' })
  sv!: string;

  @Field({ description: 'In English' })
  en!: string;
}

@ObjectType({ description: 'A member municipality (tenant) of Kommuna' })
export class TenantModel {
  @Field({ description: 'Stable identifier, e.g. "sundsvall"' })
  slug!: string;

  @Field({ description: 'SCB municipality code, e.g. "2281"' })
  kommunkod!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
  names!: LocalizedText;

  @Field(() => [String], { description: 'The shared services this municipality uses' })
  enabledServices!: string[];
}

import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Text in Swedish and English' })
export class LocalizedText {
  @Field()
  sv!: string;

  @Field()
  en!: string;
}

@ObjectType({ description: 'A member municipality (tenant) of Kommuna' })
export class TenantModel {
  @Field({ description: 'Stable identifier, e.g. "sundsvall"' })
  slug!: string;

  @Field({ description: 'SCB municipality code, e.g. "2281"' })
  kommunkod!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;

  @Field(() => [String], { description: 'The shared services this municipality uses' })
  enabledServices!: string[];
}

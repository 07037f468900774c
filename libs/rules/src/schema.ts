import type { DatabaseSchema } from '@kommuna/platform-persistence';
import { RuleEntity, RuleFiringEntity, RuleTaskEntity } from './entities';
import { Rules1767300000000 } from './migrations/1767300000000-rules';

export const RULES_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [RuleEntity, RuleFiringEntity, RuleTaskEntity],
  migrations: [Rules1767300000000],
};

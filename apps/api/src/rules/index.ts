import type { Provider } from '@nestjs/common';
import { RuleBook, RULES_SERVICE } from '@kommuna/rules';
import { ComposedServices } from '@kommuna/services';
import { RulesResolver } from './rules.resolver';

/** Rules' GraphQL API for the app module: the process's one RuleBook and its resolver. */
export const RULES_PROVIDERS: Provider[] = [
  { provide: RuleBook, useFactory: (services: ComposedServices) => services.of(RULES_SERVICE).book, inject: [ComposedServices] },
  RulesResolver,
];

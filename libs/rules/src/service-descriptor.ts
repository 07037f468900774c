import type { ComposedService, ServiceDescriptor } from '@kommuna/platform-services';
import { RuleEngine } from './engine';
import { RuleBook } from './rule-book';
import { loadRuleFiles, readRuleFiles } from './rule-files';
import { RULES_DATABASE_SCHEMA } from './schema';
import { validateRulesSettings } from './settings';

export interface ComposedRules extends ComposedService {
  /** The municipalities' rules, firings and unit inboxes, for the api's resolvers. */
  readonly book: RuleBook;
}

/**
 * Rules and proactive processes as the platform composes it (@kommuna/services lists it once):
 * its tables, the engine as an outbox handler of inbound events, and the shipped rule files
 * (tenants/<slug>/rules/*.yaml) as start-up content. Its GraphQL API is apps/api/src/rules/.
 */
export const RULES_SERVICE: ServiceDescriptor<ComposedRules> = {
  id: 'rules',
  databaseSchema: RULES_DATABASE_SCHEMA,
  validateTenantSettings(tenants, context) {
    validateRulesSettings(tenants);
    readRuleFiles(
      context.tenantsDir,
      tenants.filter((t) => t.config.services.rules).map((t) => t.config.slug),
    );
  },
  compose(runtime) {
    const book = new RuleBook(runtime.database);
    return {
      book,
      eventHandlers: [new RuleEngine(runtime.tenants)],
      loadStartupContent: () => loadRuleFiles(book, runtime.tenants, runtime.tenantsDir),
    };
  },
};

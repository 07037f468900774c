// The api's SDL (apps/api/schema.graphql) checked with @graphql-eslint's schema rules (docs/adr/0017-graphql-eslint-schema-lint.md).
import * as path from 'node:path';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { ESLint, type Linter } from 'eslint';

export const SCHEMA_FILE = path.resolve(__dirname, '../../schema.graphql');

const recommended = graphqlPlugin.configs['flat/schema-recommended'].rules as Linter.RulesRecord;
const [, namingRecommended] = recommended['@graphql-eslint/naming-convention'] as [string, Record<string, unknown>];
const namingDefaults = Object.fromEntries(Object.entries(namingRecommended).filter(([key]) => key !== 'EnumValueDefinition'));

/**
 * The recommended schema rules, with these changes (each explained in the ADR):
 * - require-description also for fields, arguments, input fields and enum values, not only types and root fields;
 * - naming-convention without UPPER_CASE enum values: the lowercase values (draft, received, sv …) are the api's
 *   contract with its clients and mirror the stored values; renaming them would break every client;
 * - no-typename-prefix off: Case.caseType and Case.caseSystemReference are published field names;
 * - strict-id-in-types off: value types (a localized text, a cost share) have no identity of their own.
 */
export const SCHEMA_LINT_RULES: Linter.RulesRecord = {
  ...recommended,
  '@graphql-eslint/require-description': [
    'error',
    {
      types: true,
      rootField: true,
      FieldDefinition: true,
      InputValueDefinition: true,
      EnumValueDefinition: true,
      DirectiveDefinition: true,
    },
  ],
  '@graphql-eslint/naming-convention': ['error', namingDefaults],
  '@graphql-eslint/no-typename-prefix': 'off',
  '@graphql-eslint/strict-id-in-types': 'off',
};

export interface SchemaFinding {
  rule: string;
  line: number;
  message: string;
}

/** Lints the committed SDL; a finding names its rule, line and element. */
export async function lintApiSchema(file = SCHEMA_FILE): Promise<SchemaFinding[]> {
  const eslint = new ESLint({
    cwd: path.dirname(file),
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.graphql'],
        languageOptions: { parser: graphqlPlugin.parser, parserOptions: { graphQLConfig: { schema: file } } },
        plugins: { '@graphql-eslint': graphqlPlugin as unknown as ESLint.Plugin },
        rules: SCHEMA_LINT_RULES,
      },
    ],
  });
  const [result] = await eslint.lintFiles([file]);
  return result.messages.map((m) => ({ rule: m.ruleId ?? 'parse', line: m.line, message: m.message }));
}

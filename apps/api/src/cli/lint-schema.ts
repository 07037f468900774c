// Lints apps/api/schema.graphql (the .ci/run step "GraphQL schema lint"); the same check as schema-lint.spec.ts.
import { lintApiSchema, UNDESCRIBED_LIMIT } from '../testing/schema-lint';

async function main(): Promise<void> {
  const findings = await lintApiSchema();
  const undescribed = findings.filter((f) => f.rule === '@graphql-eslint/require-description');
  const other = findings.filter((f) => f.rule !== '@graphql-eslint/require-description');
  for (const f of other) console.error(`schema.graphql:${f.line} ${f.rule}: ${f.message}`);
  console.log(`${undescribed.length} elements without a description (limit ${UNDESCRIBED_LIMIT}), ${other.length} other findings`);
  if (other.length > 0 || undescribed.length > UNDESCRIBED_LIMIT) {
    for (const f of undescribed) console.error(`schema.graphql:${f.line} ${f.message}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

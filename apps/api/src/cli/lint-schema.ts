// Lints apps/api/schema.graphql (the .ci/run step "GraphQL schema lint"); the same check as schema-lint.spec.ts.
import { lintApiSchema } from '../testing/schema-lint';

async function main(): Promise<void> {
  const findings = await lintApiSchema();
  for (const f of findings) console.error(`apps/api/schema.graphql:${f.line} ${f.rule}: ${f.message}`);
  console.log(`GraphQL schema lint: ${findings.length} findings`);
  if (findings.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

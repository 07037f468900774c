import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';

/** The api's SDL as committed in apps/api/schema.graphql. */
export function printApiSchema(app: INestApplication): string {
  const { schema } = app.get(GraphQLSchemaHost);
  return `# Generated from the code-first schema by \`npm run schema:write -w @kommuna/api\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}

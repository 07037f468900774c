import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintApiSchema } from './testing/schema-lint';

describe('the api schema lint (@graphql-eslint, apps/api/schema.graphql)', () => {
  it('finds nothing: every type, field, argument and enum value is described, and named by the conventions', async () => {
    expect(await lintApiSchema()).toEqual([]);
  });

  it('reports a field without a description and a type named against the convention', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-lint-'));
    const file = path.join(dir, 'schema.graphql');
    fs.writeFileSync(
      file,
      '"""Reads"""\ntype Query {\n  """A greeting"""\n  hello: greeting\n}\n\n"""A greeting"""\ntype greeting {\n  text: String!\n}\n',
    );
    try {
      const findings = await lintApiSchema(file);
      expect(findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ rule: '@graphql-eslint/require-description', line: 9 }),
          expect.objectContaining({ rule: '@graphql-eslint/naming-convention', line: 8 }),
        ]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintApiSchema, UNDESCRIBED_LIMIT } from './testing/schema-lint';

const DESCRIPTION_RULE = '@graphql-eslint/require-description';

describe('the api schema lint (@graphql-eslint, apps/api/schema.graphql)', () => {
  it('finds nothing but the known undescribed elements, and no more of them than the limit', async () => {
    const findings = await lintApiSchema();
    expect(findings.filter((f) => f.rule !== DESCRIPTION_RULE)).toEqual([]);
    // A ratchet: the count of elements still without a description may only go down (lower the limit with it).
    expect(findings.filter((f) => f.rule === DESCRIPTION_RULE).length).toBeLessThanOrEqual(UNDESCRIBED_LIMIT);
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
          expect.objectContaining({ rule: DESCRIPTION_RULE, line: 9 }),
          expect.objectContaining({ rule: '@graphql-eslint/naming-convention', line: 8 }),
        ]),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
